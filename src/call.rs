//! The provider-neutral picture of one call event, and the domain types at the
//! edge (`CallId`, `Caller`). Providers parse their wire format into these; the
//! flow engine never sees a provider's parameter names.

use std::fmt;

/// The provider's id of one call leg (Twilio `CallSid`, sipgate `callId`).
///
/// Opaque: it carries no personal data, but it is unbounded, so it never
/// becomes a metric label.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CallId(String);

impl CallId {
    /// Accepts any non-empty id of printable ASCII up to 64 characters; the
    /// providers' own formats differ and change, so nothing stricter.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = !raw.is_empty() && raw.len() <= 64 && raw.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CallId({})", self.0)
    }
}

/// A phone number in E.164 form: `+`, a country code that does not start
/// with 0, at most 15 digits in all.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct E164Number(String);

impl E164Number {
    pub fn parse(raw: &str) -> Option<Self> {
        let digits = raw.strip_prefix('+')?;
        let ok = (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        ok.then(|| Self(raw.to_owned()))
    }

    /// The number itself. Only for markup sent back to the provider and for
    /// the email a caller consented to; never for logs or metrics.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Debug never shows the digits, so a stray `?number` in a log line leaks nothing.
impl fmt::Debug for E164Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("E164Number(<redacted>)")
    }
}

/// Who is calling, as far as the network tells us. A withheld or unparsable
/// number is `Withheld`: a caller is never refused for how their number looks.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Caller {
    Number(E164Number),
    Withheld,
}

impl Caller {
    /// Twilio and sipgate mark withheld numbers in several ways
    /// (`anonymous`, `+266696687` = "ANONYMOUS" on a keypad, `+7378742833` =
    /// "RESTRICTED", `+86282452253` = "UNAVAILABLE", empty). All of them, and
    /// anything that is not E.164, mean the same to us.
    pub fn from_network(raw: &str) -> Self {
        const MARKERS: [&str; 4] = ["+266696687", "+7378742833", "+86282452253", "+2562533"];
        if MARKERS.contains(&raw) {
            return Caller::Withheld;
        }
        match E164Number::parse(raw) {
            Some(n) => Caller::Number(n),
            None => Caller::Withheld,
        }
    }
}

/// One webhook from a provider, reduced to what the flow engine needs.
#[derive(Clone, Debug)]
pub struct CallEvent {
    pub call_id: CallId,
    pub caller: Caller,
    /// Keys the caller pressed in answer to a menu; `Some("")` when the menu
    /// timed out without input, `None` when this event is not a menu answer.
    pub digits: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withheld_markers_and_garbage_are_withheld() {
        for raw in [
            "anonymous",
            "",
            "+266696687",
            "+7378742833",
            "client:anna",
            "0301234",
        ] {
            assert_eq!(Caller::from_network(raw), Caller::Withheld, "{raw}");
        }
        assert!(matches!(
            Caller::from_network("+493023125001"),
            Caller::Number(_)
        ));
    }

    #[test]
    fn debug_never_shows_digits() {
        let c = Caller::from_network("+493023125001");
        assert!(!format!("{c:?}").contains("3023125001"));
    }

    #[test]
    fn call_id_rejects_empty_and_spaces() {
        assert!(CallId::parse("").is_none());
        assert!(CallId::parse("CA 1").is_none());
        assert!(CallId::parse("CA1234567890ABCDE").is_some());
    }
}
