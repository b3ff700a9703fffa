//! Decoding the routing script's replies into typed results. A reply of an
//! unexpected shape is a `StoreError::Protocol`, never a panic.

use chrono::DateTime;
use redis::{FromRedisValue, Value};

use super::error::{Result, StoreError};
use super::types::{CounsellorId, CounsellorState, Hold, Stats, StoreEvent};

pub(super) fn protocol(what: &str, got: &str) -> StoreError {
    StoreError::Protocol(format!("{what}: {got}"))
}

pub(super) fn one_state(reply: Vec<Value>, id: &CounsellorId) -> Result<CounsellorState> {
    if reply.is_empty() {
        return Err(StoreError::UnknownCounsellor(id.to_string()));
    }
    parse_states(reply)?
        .pop()
        .ok_or_else(|| protocol("state", "empty"))
}

/// The script flattens each state to `[id, status, since_ms, calls_today]`.
pub(super) fn parse_states(reply: Vec<Value>) -> Result<Vec<CounsellorState>> {
    let bad = |e: redis::ParsingError| protocol("state", &e.to_string());
    let mut out = Vec::with_capacity(reply.len() / 4);
    let mut it = reply.into_iter();
    while let (Some(id), Some(status), Some(since), Some(calls)) =
        (it.next(), it.next(), it.next(), it.next())
    {
        let id = String::from_redis_value(id).map_err(bad)?;
        let status = String::from_redis_value(status).map_err(bad)?;
        let since = i64::from_redis_value(since).map_err(bad)?;
        out.push(CounsellorState {
            id: CounsellorId::parse(&id).ok_or_else(|| protocol("id", &id))?,
            status: status.parse().map_err(|e: String| protocol("status", &e))?,
            since: DateTime::from_timestamp_millis(since)
                .ok_or_else(|| protocol("since", &since.to_string()))?,
            calls_today: u32::from_redis_value(calls).map_err(bad)?,
        });
    }
    Ok(out)
}

/// `{'ring', id}`, `{'wait', position, on_duty}`, `{'nobody', on_duty}`,
/// `{'none'}` or `{'over'}` from the `claim` operation.
pub(super) fn hold(reply: Vec<Value>) -> Result<Hold> {
    let bad = |e: redis::ParsingError| protocol("claim", &e.to_string());
    let mut it = reply.into_iter();
    let kind = String::from_redis_value(it.next().ok_or_else(|| protocol("claim", "empty"))?)
        .map_err(bad)?;
    let mut next_u32 = || -> Result<u32> {
        let v = it.next().ok_or_else(|| protocol("claim", "short"))?;
        u32::from_redis_value(v).map_err(bad)
    };
    Ok(match kind.as_str() {
        "ring" => {
            let v = it.next().ok_or_else(|| protocol("claim", "no id"))?;
            let id = String::from_redis_value(v).map_err(bad)?;
            Hold::Ring(CounsellorId::parse(&id).ok_or_else(|| protocol("claimed id", &id))?)
        }
        "wait" => {
            let position = next_u32()?;
            Hold::Wait {
                position,
                on_duty: next_u32()?,
            }
        }
        "nobody" => Hold::Nobody {
            on_duty: next_u32()?,
        },
        "none" => Hold::Nobody { on_duty: 0 },
        "over" => Hold::Over,
        other => return Err(protocol("claim", other)),
    })
}

pub(super) fn parse_stats(v: Vec<u64>) -> Result<Stats> {
    let [waiting, s0, s1, s2, s3, s4, s5, leases_expired, auto_away, abandoned, forced, repaired] =
        v[..]
    else {
        return Err(protocol("stats", &format!("{v:?}")));
    };
    Ok(Stats {
        waiting,
        by_status: [s0, s1, s2, s3, s4, s5],
        leases_expired,
        auto_away,
        abandoned,
        calls_force_ended: forced,
        roster_repaired: repaired,
    })
}

/// `kind:id` entries; unknown kinds (a newer instance) are skipped.
pub(super) fn parse_events(v: Vec<String>) -> Result<Vec<StoreEvent>> {
    let mut out = Vec::with_capacity(v.len());
    for raw in v {
        let Some((kind, id)) = raw.split_once(':') else {
            return Err(protocol("event", &raw));
        };
        let id = CounsellorId::parse(id).ok_or_else(|| protocol("event id", id))?;
        match kind {
            "force_ended" => out.push(StoreEvent::CallForceEnded(id)),
            "repaired" => out.push(StoreEvent::RosterRepaired(id)),
            _ => {}
        }
    }
    Ok(out)
}
