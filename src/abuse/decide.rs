//! The pure decision at a new call: what the store said about this caller
//! (its [`Facts`]) and the `[abuse]` settings → a [`Verdict`]. No I/O, no
//! clock: `lotse simulate` calls it with facts from the command line.

use crate::config::Abuse;

/// What the store knows about a new call's caller, as far as the decision
/// needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// The number was withheld (or not a number at all).
    pub withheld: bool,
    /// A live ban matches the caller's keyed hash.
    pub banned: bool,
    /// Calls from this number in the current hour's window, this one included.
    pub calls_this_hour: u64,
    /// Withheld calls in the current minute's window, this one included.
    pub withheld_this_minute: u64,
}

/// What happens to a new call before the flow starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The flow starts as for anyone.
    Pass,
    /// A ban matches: the neutral message, then hang-up.
    Blocked,
    /// Too many calls from this number within the hour: the same message.
    Limited,
    /// A withheld caller during a burst of withheld calls: press 5 first.
    Check,
}

impl Verdict {
    /// The closed label this verdict is counted under, if it refuses.
    pub fn outcome(self) -> Option<&'static str> {
        match self {
            Verdict::Blocked => Some("blocked"),
            Verdict::Limited => Some("limited"),
            Verdict::Pass | Verdict::Check => None,
        }
    }
}

/// A ban wins over a flood limit (it is the more specific decision and the
/// one an operator looks for); a withheld caller is never banned or counted
/// per number, only checked during a burst.
pub fn decide(settings: &Abuse, facts: &Facts) -> Verdict {
    if facts.withheld {
        return match settings.anonymous_check {
            Some(limit) if facts.withheld_this_minute > u64::from(limit) => Verdict::Check,
            _ => Verdict::Pass,
        };
    }
    if facts.banned {
        return Verdict::Blocked;
    }
    match settings.max_calls_per_hour {
        Some(max) if facts.calls_this_hour > u64::from(max) => Verdict::Limited,
        _ => Verdict::Pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(max: Option<u32>, check: Option<u32>) -> Abuse {
        Abuse {
            keys: Vec::new(),
            max_calls_per_hour: max,
            anonymous_check: check,
            block_days: 30,
        }
    }

    #[test]
    fn the_seventh_call_within_the_hour_is_limited_by_default() {
        let s = settings(Some(6), None);
        let call = |n| Facts {
            calls_this_hour: n,
            ..Facts::default()
        };
        assert_eq!(decide(&s, &call(6)), Verdict::Pass);
        assert_eq!(decide(&s, &call(7)), Verdict::Limited);
        assert_eq!(decide(&settings(None, None), &call(700)), Verdict::Pass);
    }

    #[test]
    fn a_ban_wins_and_never_applies_to_withheld_numbers() {
        let s = settings(Some(6), None);
        let banned = Facts {
            banned: true,
            calls_this_hour: 9,
            ..Facts::default()
        };
        assert_eq!(decide(&s, &banned), Verdict::Blocked);
        assert_eq!(Verdict::Blocked.outcome(), Some("blocked"));
        let withheld = Facts {
            withheld: true,
            ..banned
        };
        assert_eq!(decide(&s, &withheld), Verdict::Pass);
    }

    #[test]
    fn withheld_callers_are_checked_only_above_the_rate() {
        let s = settings(Some(6), Some(3));
        let anon = |n| Facts {
            withheld: true,
            withheld_this_minute: n,
            ..Facts::default()
        };
        assert_eq!(decide(&s, &anon(3)), Verdict::Pass);
        assert_eq!(decide(&s, &anon(4)), Verdict::Check);
        assert_eq!(decide(&settings(Some(6), None), &anon(400)), Verdict::Pass);
        assert_eq!(decide(&settings(None, Some(0)), &anon(1)), Verdict::Check);
        assert_eq!(Verdict::Check.outcome(), None);
    }
}
