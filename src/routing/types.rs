//! The routing vocabulary: who (`CounsellorId`), in which group (`PoolId`),
//! in what state (`Status`), and what the store reports back.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `[a-z0-9_-]{1,32}`: short, lowercase and free of `:` `{` `}`, so an id can
/// be spliced into a Redis key without escaping and never moves a key into
/// another hash slot.
fn is_key_safe(raw: &str) -> bool {
    (1..=32).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

macro_rules! key_safe_name {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Option<Self> {
                is_key_safe(raw).then(|| Self(raw.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                Self::parse(&raw).ok_or_else(|| format!("not [a-z0-9_-]{{1,32}}: {raw:?}"))
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

key_safe_name!(
    /// A counsellor's configured id (`anna`). Not personal data: it names a
    /// role on the roster, never a phone number.
    CounsellorId
);
key_safe_name!(
    /// A group of counsellors one call may go to; in practice one pool per
    /// language (`de`, `en`). Claims choose within a pool so the store can
    /// keep one ready-sorted set per pool instead of filtering the team.
    PoolId
);

/// Where a counsellor is. The first three are set by the counsellor, the
/// last three only by lotse while a call holds them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Offline,
    Available,
    Away,
    Ringing,
    InCall,
    WrapUp,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Offline,
        Status::Available,
        Status::Away,
        Status::Ringing,
        Status::InCall,
        Status::WrapUp,
    ];

    /// The wire name, the same in JSON, in Redis and in metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Offline => "offline",
            Status::Available => "available",
            Status::Away => "away",
            Status::Ringing => "ringing",
            Status::InCall => "in_call",
            Status::WrapUp => "wrap_up",
        }
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| format!("unknown status {raw:?}"))
    }
}

/// The statuses a counsellor (or the operator) may set. A separate type so
/// the API cannot ask the store to put someone "in_call" by hand.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Available,
    Away,
    Offline,
}

impl From<Presence> for Status {
    fn from(p: Presence) -> Status {
        match p {
            Presence::Available => Status::Available,
            Presence::Away => Status::Away,
            Presence::Offline => Status::Offline,
        }
    }
}

/// How `claim` picks among the free counsellors of a pool. Ties always go
/// to the smaller id, so both stores pick the same person.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Free the longest: earliest "became free" instant (a ring that never
    /// connected does not reset it).
    #[default]
    LongestIdle,
    /// Least recently offered a call (claimed) first.
    RoundRobin,
    /// Fewest answered calls today (UTC day of `now`).
    FewestCalls,
}

impl Strategy {
    /// Name used in Redis keys and config (`longest-idle`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::LongestIdle => "longest-idle",
            Strategy::RoundRobin => "round-robin",
            Strategy::FewestCalls => "fewest-calls",
        }
    }
}

/// One counsellor as the operator page and `GET /api/v1/me` show them.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct CounsellorState {
    pub id: CounsellorId,
    pub status: Status,
    /// When the current status began (for expiries: when the lease ran out).
    pub since: DateTime<Utc>,
    /// Answered calls on the UTC day of the `now` asked for.
    pub calls_today: u32,
}

/// What a failed ring (no-answer, busy, failed) did.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct RingOutcome {
    /// False when this callback was a repeat or arrived out of place and
    /// changed nothing.
    pub applied: bool,
    /// Rings missed in a row by this counsellor, after this one.
    pub consecutive_misses: u32,
    /// This miss reached `max_no_answer` and set the counsellor `away`.
    pub auto_away: bool,
    /// This counsellor had taken this call (the whisper's key press was
    /// recorded), so the ring was no miss: they talked. Only this tells a
    /// finished conversation from a counsellor who paused while ringing.
    pub took_call: bool,
}

/// What one hold turn of a caller at the counsellor step got from the
/// store ([`super::Store::claim_or_wait`]).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Hold {
    /// This counsellor is now ringing for the call (or still is: a
    /// repeated turn while the ring is pending gets the same one).
    Ring(CounsellorId),
    /// Nobody the caller may take is free: they keep (or take) their place
    /// in line. `on_duty`: the pool's counsellors available, ringing,
    /// talking or in wrap-up.
    Wait { position: u32, on_duty: u32 },
    /// Nobody on duty in the pool whom this call has not tried yet: waiting
    /// would be a ringing void. The caller has left the line.
    Nobody { on_duty: u32 },
    /// The call was answered or has ended: a late or replayed turn, which
    /// changed nothing.
    Over,
}

/// Something the store did on its own (inside whichever operation came
/// next), kept for one instance to log: never a caller's data.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StoreEvent {
    /// A call stayed `in_call` past `max_call_s` plus a grace: its status
    /// callback was lost, and the store ended it, freeing the counsellor.
    CallForceEnded(CounsellorId),
    /// The counsellor's entry had vanished (evicted, deleted) and was
    /// rebuilt from the roster, offline until they or their page say more.
    RosterRepaired(CounsellorId),
}

/// Cheap counts for metrics: gauges "now" and monotonic counters.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Stats {
    pub waiting: u64,
    /// Counsellors per status, in `Status::ALL` order.
    pub by_status: [u64; 6],
    pub leases_expired: u64,
    pub auto_away: u64,
    pub abandoned: u64,
    /// Calls the store ended at the `in_call` deadline.
    pub calls_force_ended: u64,
    /// Counsellor entries rebuilt after they vanished.
    pub roster_repaired: u64,
}

impl Stats {
    /// Counsellors in `status` now.
    pub fn count(&self, status: Status) -> u64 {
        let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
        self.by_status[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn ids_of_the_allowed_alphabet_parse(raw in "[a-z0-9_-]{1,32}") {
            let id = CounsellorId::parse(&raw).unwrap();
            prop_assert_eq!(id.as_str(), raw.as_str());
        }

        #[test]
        fn anything_else_is_refused(raw in ".*[^a-z0-9_-].*|[a-z]{33,40}|") {
            prop_assert!(CounsellorId::parse(&raw).is_none());
        }
    }

    #[test]
    fn wire_names_are_snake_case() {
        let json = serde_json::to_string(&Status::InCall).unwrap();
        assert_eq!(json, "\"in_call\"");
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        let p: Presence = serde_json::from_str("\"away\"").unwrap();
        assert_eq!(Status::from(p), Status::Away);
        assert!(serde_json::from_str::<CounsellorId>("\"Anna\"").is_err());
    }
}
