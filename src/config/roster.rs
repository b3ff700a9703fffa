//! Validates `[routing]`, `[api]` and `[[counsellors]]` into the types the
//! routing and the API run on.

use std::collections::BTreeSet;
use std::time::Duration;

use super::counsellors::{is_sha256_hex, ApiSection, CounsellorEntry, RoutingSection};
use crate::call::E164Number;
use crate::routing::{CounsellorId, PoolId, Strategy};

/// How a counsellor is rung: a phone number or a SIP address. Personal
/// data: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub enum Phone {
    Number(E164Number),
    Sip(String),
}

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Phone(<redacted>)")
    }
}

impl Phone {
    pub fn parse(raw: &str) -> Option<Phone> {
        if let Some(rest) = raw.strip_prefix("sip:") {
            let ok = rest.contains('@') && !rest.contains(char::is_whitespace);
            return ok.then(|| Phone::Sip(raw.to_owned()));
        }
        E164Number::parse(raw).map(Phone::Number)
    }
}

#[derive(Clone, Debug)]
pub struct Counsellor {
    pub id: CounsellorId,
    pub name: String,
    pub phone: Phone,
    /// The flow languages this counsellor takes calls in; each is a pool.
    pub pools: Vec<PoolId>,
    pub token_sha256: Option<[u8; 32]>,
    pub pin_sha256: Option<[u8; 32]>,
}

#[derive(Clone, Debug)]
pub struct Routing {
    pub strategy: Strategy,
    pub ring_timeout_s: u32,
    pub max_attempts: u32,
    pub max_no_answer: u32,
    pub wrap_up: Duration,
    pub max_wait: Duration,
    pub presence_ttl: Duration,
    pub present_caller_id: bool,
    pub max_call: Duration,
}

impl Routing {
    /// `max_call` in whole seconds, as a `<Dial timeLimit>` wants it.
    pub fn max_call_s(&self) -> u32 {
        self.max_call.as_secs().try_into().unwrap_or(u32::MAX)
    }
}

type Add<'a> = dyn FnMut(&[&str], String) + 'a;

pub fn routing(r: &RoutingSection, add: &mut Add<'_>) -> Routing {
    let strategy = match r.strategy.as_str() {
        "longest-idle" => Strategy::LongestIdle,
        "round-robin" => Strategy::RoundRobin,
        "fewest-calls" => Strategy::FewestCalls,
        other => {
            add(
                &["routing", "strategy"],
                format!(
                    "unknown strategy {other:?}; use longest-idle, round-robin or fewest-calls"
                ),
            );
            Strategy::LongestIdle
        }
    };
    for (field, value, min) in [
        ("ring_timeout_s", r.ring_timeout_s, 5),
        ("max_attempts", r.max_attempts, 1),
        ("presence_ttl_s", r.presence_ttl_s, 10),
        ("max_wait_s", r.max_wait_s, 1),
        ("max_call_s", r.max_call_s, 60),
    ] {
        if value < min {
            add(&["routing", field], format!("must be at least {min}"));
        }
    }
    // The store tries at most 32 counsellors per call (it bounds its work).
    if r.max_attempts > 32 {
        add(&["routing", "max_attempts"], "must be at most 32".into());
    }
    // Twilio's `<Dial timeLimit>` allows at most 24 hours.
    if r.max_call_s > 86_400 {
        add(
            &["routing", "max_call_s"],
            "must be at most 86400 (24 h)".into(),
        );
    }
    Routing {
        strategy,
        ring_timeout_s: r.ring_timeout_s,
        max_attempts: r.max_attempts,
        max_no_answer: r.max_no_answer,
        wrap_up: Duration::from_secs(r.wrap_up_s.into()),
        max_wait: Duration::from_secs(r.max_wait_s.into()),
        presence_ttl: Duration::from_secs(r.presence_ttl_s.into()),
        present_caller_id: r.present_caller_id,
        max_call: Duration::from_secs(r.max_call_s.into()),
    }
}

pub fn operator(api: &ApiSection, add: &mut Add<'_>) -> Option<[u8; 32]> {
    let hex = api.operator_token_sha256.as_deref()?;
    let parsed = parse_sha256(hex);
    if parsed.is_none() {
        add(
            &["api", "operator_token_sha256"],
            "not a hex SHA-256 (64 hex digits)".into(),
        );
    }
    parsed
}

/// `languages` are the languages the call flow declares: a counsellor who
/// speaks one the flow never offers could never be rung for it.
pub fn counsellors(
    entries: &[CounsellorEntry],
    languages: &[String],
    add: &mut Add<'_>,
) -> Vec<Counsellor> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let at =
            |field: &'static str| [String::from("counsellors"), i.to_string(), field.to_owned()];
        let mut bad = |field: &'static str, message: String| {
            let path = at(field);
            add(
                &path.iter().map(String::as_str).collect::<Vec<_>>(),
                message,
            );
        };
        let id = CounsellorId::parse(&e.id);
        if id.is_none() {
            bad(
                "id",
                "use lowercase letters, digits, - and _ (at most 32)".into(),
            );
        } else if !seen.insert(e.id.clone()) {
            bad("id", format!("{:?} is used twice", e.id));
        }
        let phone = Phone::parse(&e.phone);
        if phone.is_none() {
            bad(
                "phone",
                "not an E.164 number (+49…) or a sip: address".into(),
            );
        }
        let mut pools = Vec::new();
        for lang in &e.languages {
            match PoolId::parse(lang).filter(|_| languages.contains(lang)) {
                Some(p) => pools.push(p),
                None => bad(
                    "languages",
                    format!(
                        "{lang:?} is not a language of the call flow ({})",
                        languages.join(", ")
                    ),
                ),
            }
        }
        let token_sha256 = hash_field(e.token_sha256.as_deref(), "token_sha256", &mut bad);
        let pin_sha256 = hash_field(e.pin_sha256.as_deref(), "pin_sha256", &mut bad);
        if let (Some(id), Some(phone)) = (id, phone) {
            out.push(Counsellor {
                id,
                name: e.name.clone(),
                phone,
                pools,
                token_sha256,
                pin_sha256,
            });
        }
    }
    out
}

fn hash_field(
    raw: Option<&str>,
    field: &'static str,
    bad: &mut impl FnMut(&'static str, String),
) -> Option<[u8; 32]> {
    let raw = raw?;
    let parsed = parse_sha256(raw);
    if parsed.is_none() {
        bad(field, "not a hex SHA-256 (64 hex digits)".into());
    }
    parsed
}

pub fn parse_sha256(hex: &str) -> Option<[u8; 32]> {
    if !is_sha256_hex(hex) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}
