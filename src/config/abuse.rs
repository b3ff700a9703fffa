//! `[abuse]`: flood limits, the anonymous-caller check and the default ban
//! length, plus the secret key that turns a caller's number into the keyed
//! hash every abuse record is filed under (`LOTSE_ABUSE__KEY`, never a
//! committed file). Without a key every abuse feature is off, and `serve`
//! and `check` say so: a random key would make bans vanish on restart and
//! differ between instances, which is worse than no bans at all.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// A key shorter than this is refused: phone numbers are few enough that a
/// weak key would let anyone who reads the store enumerate them.
pub const MIN_KEY_CHARS: usize = 32;
/// Enough for a rotation (new, old) with room for a mistake; more would
/// only add a store read per key to every new call.
pub const MAX_KEYS: usize = 3;
/// Longest ban a counsellor or a tool may ask for.
pub const MAX_BLOCK_DAYS: u32 = 365;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AbuseSection {
    /// One key, or several comma-separated while rotating (new first).
    #[serde(deserialize_with = "super::file::optional_secret")]
    pub key: Option<SecretString>,
    /// Calls one number may make within an hour; the next hears the neutral
    /// message. 0: no limit.
    pub max_calls_per_hour: u32,
    /// `"off"`, or the calls per minute from withheld numbers above which a
    /// withheld caller must press 5 before the flow starts.
    #[serde(deserialize_with = "super::file::optional_scalar")]
    pub anonymous_check: Option<String>,
    /// Default length of a ban, in days.
    pub block_days: u32,
}

impl Default for AbuseSection {
    fn default() -> Self {
        Self {
            key: None,
            max_calls_per_hour: 6,
            anonymous_check: Some("off".into()),
            block_days: 30,
        }
    }
}

/// The validated section.
#[derive(Clone, Debug, Default)]
pub struct Abuse {
    /// Empty: abuse features are off. The first key files new records;
    /// every key is tried when looking a caller up.
    pub keys: Vec<SecretString>,
    /// `None`: no limit per number.
    pub max_calls_per_hour: Option<u32>,
    /// `None`: off. `Some(n)`: more than `n` withheld calls in a minute
    /// start the key-press check.
    pub anonymous_check: Option<u32>,
    pub block_days: u32,
}

/// What `serve` and `check` say when abuse features are off.
pub const OFF_NOTE: &str = "no abuse key (LOTSE_ABUSE__KEY): blocking callers, flood limits and the anonymous-caller check are off";

impl Abuse {
    pub fn enabled(&self) -> bool {
        !self.keys.is_empty()
    }

    /// One line for `lotse check` and the start of `serve`.
    pub fn describe(&self) -> String {
        if !self.enabled() {
            return OFF_NOTE.to_owned();
        }
        let limit = match self.max_calls_per_hour {
            Some(n) => {
                format!("more than {n} calls an hour from one number hear the neutral message")
            }
            None => "no limit per number".to_owned(),
        };
        let check = match self.anonymous_check {
            Some(n) => format!("withheld callers press 5 above {n} withheld calls a minute"),
            None => "no anonymous-caller check".to_owned(),
        };
        format!(
            "abuse: on ({} key{}); {limit}; {check}; bans last {} days unless set otherwise",
            self.keys.len(),
            if self.keys.len() == 1 { "" } else { "s" },
            self.block_days
        )
    }
}

type Add<'a> = dyn FnMut(&[&str], String) + 'a;

pub(super) fn build(s: &AbuseSection, add: &mut Add<'_>) -> Abuse {
    let keys = super::settings::split_tokens(s.key.as_ref());
    // Never echo a key, not even a wrong one.
    if keys.iter().any(|k| k.expose_secret().len() < MIN_KEY_CHARS) {
        add(
            &["abuse", "key"],
            format!("each key (LOTSE_ABUSE__KEY) needs at least {MIN_KEY_CHARS} characters; make one with: openssl rand -hex 32"),
        );
    }
    if keys.len() > MAX_KEYS {
        add(
            &["abuse", "key"],
            format!("at most {MAX_KEYS} comma-separated keys (the new one first)"),
        );
    }
    let anonymous_check = match s.anonymous_check.as_deref().map(str::trim) {
        None | Some("off") => None,
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if n <= 10_000 => Some(n),
            _ => {
                add(
                    &["abuse", "anonymous_check"],
                    format!("{raw:?} is neither \"off\" nor calls per minute (0–10000)"),
                );
                None
            }
        },
    };
    if !(1..=MAX_BLOCK_DAYS).contains(&s.block_days) {
        add(
            &["abuse", "block_days"],
            format!("must be 1 to {MAX_BLOCK_DAYS} days"),
        );
    }
    Abuse {
        keys,
        max_calls_per_hour: (s.max_calls_per_hour > 0).then_some(s.max_calls_per_hour),
        anonymous_check,
        block_days: s.block_days.clamp(1, MAX_BLOCK_DAYS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(section: AbuseSection) -> (Abuse, Vec<String>) {
        let mut errors = Vec::new();
        let a = build(&section, &mut |path, msg| {
            errors.push(format!("{}: {msg}", path.join(".")))
        });
        (a, errors)
    }

    #[test]
    fn defaults_are_off_without_a_key_and_six_calls_an_hour() {
        let (a, errors) = built(AbuseSection::default());
        assert!(errors.is_empty());
        assert!(!a.enabled());
        assert_eq!(a.max_calls_per_hour, Some(6));
        assert_eq!(a.anonymous_check, None);
        assert_eq!(a.block_days, 30);
    }

    #[test]
    fn keys_rotate_comma_separated_and_short_ones_are_refused_unechoed() {
        let new = "n".repeat(40);
        let old = "o".repeat(32);
        let section = AbuseSection {
            key: Some(SecretString::from(format!("{new}, {old}"))),
            ..AbuseSection::default()
        };
        let (a, errors) = built(section);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a.keys.len(), 2);
        assert_eq!(a.keys[0].expose_secret(), new);
        let section = AbuseSection {
            key: Some(SecretString::from("short-secret-1".to_owned())),
            ..AbuseSection::default()
        };
        let (_, errors) = built(section);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("abuse.key"));
        assert!(!errors[0].contains("short-secret-1"));
    }

    #[test]
    fn anonymous_check_is_off_or_a_rate_and_days_are_bounded() {
        let with = |check: &str, days: u32| AbuseSection {
            anonymous_check: Some(check.into()),
            block_days: days,
            ..AbuseSection::default()
        };
        assert_eq!(built(with("10", 30)).0.anonymous_check, Some(10));
        assert_eq!(built(with("0", 30)).0.anonymous_check, Some(0));
        let (_, errors) = built(with("sometimes", 0));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("abuse.anonymous_check"));
        assert!(errors[1].starts_with("abuse.block_days"));
        let none = AbuseSection {
            max_calls_per_hour: 0,
            ..AbuseSection::default()
        };
        assert_eq!(built(none).0.max_calls_per_hour, None);
    }
}
