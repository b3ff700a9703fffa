//! Twilio's webhook forms, parsed into the provider-neutral [`CallEvent`] and
//! a [`StatusEvent`] for status and dial callbacks.
//!
//! Only what we use is read; Twilio adds parameters over time, and an unknown
//! one is never an error. Errors name the parameter, never its value: values
//! are phone numbers.

use thiserror::Error;

use super::status::{CallStatus, StatusEvent};
use crate::call::{CallEvent, CallId, Caller};

/// A decoded `application/x-www-form-urlencoded` body, in order, repeats
/// kept: the signature covers every pair exactly as sent.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Form(Vec<(String, String)>);

/// Names only: the values include the caller's number (`From`, `Caller`).
impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

impl Form {
    /// Never fails: malformed percent-escapes decode lossily, as browsers do,
    /// and the signature check then rejects anything not from Twilio.
    pub fn parse(body: &[u8]) -> Form {
        Form(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `name`; Twilio does not repeat the keys we read.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// All pairs as sent, for [`super::signature::verify`].
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    fn require(&self, name: &'static str) -> Result<&str, BadRequest> {
        self.get(name).ok_or(BadRequest::Missing(name))
    }

    /// An optional parameter; present but empty counts as absent.
    fn optional(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }
}

/// A webhook we cannot act on. Carries the parameter's name only.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
pub enum BadRequest {
    #[error("missing parameter `{0}`")]
    Missing(&'static str),
    #[error("invalid parameter `{0}`")]
    Invalid(&'static str),
}

/// A voice webhook (`/twilio/voice`) as a [`CallEvent`].
///
/// `initial` marks the first webhook of a call, which must carry `From` and
/// `To`. Later ones (menu answers, redirects) need only `CallSid`; a missing
/// `From` there means [`Caller::Withheld`]. `Digits` present but empty is a
/// menu that timed out: `Some("")`.
pub fn call_event(form: &Form, initial: bool) -> Result<CallEvent, BadRequest> {
    let call_id = call_sid(form, "CallSid")?;
    if initial {
        form.require("From")?;
        form.require("To")?;
    }
    Ok(CallEvent {
        call_id,
        caller: form
            .get("From")
            .map_or(Caller::Withheld, Caller::from_network),
        digits: form.get("Digits").map(str::to_owned),
    })
}

/// A status callback or a `<Dial>` action callback as a [`StatusEvent`].
///
/// Twilio may deliver these late or twice; this only parses, the caller of
/// this function handles them idempotently.
pub fn status_event(form: &Form) -> Result<StatusEvent, BadRequest> {
    Ok(StatusEvent {
        call_id: call_sid(form, "CallSid")?,
        call_status: CallStatus::from_twilio(form.require("CallStatus")?),
        dial_call_status: form.optional("DialCallStatus").map(CallStatus::from_twilio),
        dial_call_id: form
            .optional("DialCallSid")
            .map(|_| call_sid(form, "DialCallSid"))
            .transpose()?,
        call_duration_s: seconds(form, "CallDuration")?,
        dial_call_duration_s: seconds(form, "DialCallDuration")?,
    })
}

fn call_sid(form: &Form, name: &'static str) -> Result<CallId, BadRequest> {
    CallId::parse(form.require(name)?).ok_or(BadRequest::Invalid(name))
}

fn seconds(form: &Form, name: &'static str) -> Result<Option<u32>, BadRequest> {
    form.optional(name)
        .map(|v| v.parse().map_err(|_| BadRequest::Invalid(name)))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_names_never_values() {
        let form = Form::parse(b"From=%2B493023125777&CallSid=CA1");
        let shown = format!("{form:?}");
        assert!(
            shown.contains("From") && !shown.contains("3023125777"),
            "{shown}"
        );
    }

    const FIRST: &[u8] = b"AccountSid=AC0&CallSid=CA1234567890ABCDE&From=%2B493023125001\
        &To=%2B498003009944&CallStatus=ringing&Direction=inbound&FutureParam=x";

    #[test]
    fn form_keeps_order_repeats_and_decodes() {
        let form = Form::parse(b"b=1&a=x+y&a=%2B49%20&empty=&novalue");
        let pairs: Vec<(&str, &str)> = form
            .pairs()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("b", "1"),
                ("a", "x y"),
                ("a", "+49 "),
                ("empty", ""),
                ("novalue", "")
            ]
        );
        assert_eq!(form.get("a"), Some("x y"));
        assert_eq!(form.get("A"), None);
        assert!(Form::parse(b"").pairs().is_empty());
    }

    proptest::proptest! {
        #[test]
        fn form_round_trips_any_pairs(pairs: Vec<(String, String)>) {
            let mut body = form_urlencoded::Serializer::new(String::new());
            body.extend_pairs(&pairs);
            let form = Form::parse(body.finish().as_bytes());
            proptest::prop_assert_eq!(form.pairs(), &pairs[..]);
        }
    }

    #[test]
    fn initial_call() {
        let event = call_event(&Form::parse(FIRST), true).unwrap();
        assert_eq!(event.call_id.as_str(), "CA1234567890ABCDE");
        assert!(matches!(event.caller, Caller::Number(_)));
        assert_eq!(event.digits, None);
    }

    #[test]
    fn initial_call_needs_from_and_to() {
        for (body, name) in [
            (&b"From=anonymous&To=%2B49800"[..], "CallSid"),
            (b"CallSid=CA1&To=%2B49800", "From"),
            (b"CallSid=CA1&From=anonymous", "To"),
        ] {
            let form = Form::parse(body);
            assert_eq!(
                call_event(&form, true).unwrap_err(),
                BadRequest::Missing(name)
            );
        }
        let later = call_event(&Form::parse(b"CallSid=CA1&Digits=2"), false).unwrap();
        assert_eq!(later.caller, Caller::Withheld);
        assert_eq!(later.digits.as_deref(), Some("2"));
    }

    #[test]
    fn empty_digits_are_a_timed_out_menu() {
        let event = call_event(&Form::parse(b"CallSid=CA1&Digits="), false).unwrap();
        assert_eq!(event.digits.as_deref(), Some(""));
    }

    #[test]
    fn withheld_numbers_are_not_an_error() {
        let form = Form::parse(b"CallSid=CA1&From=anonymous&To=%2B49800");
        assert_eq!(call_event(&form, true).unwrap().caller, Caller::Withheld);
    }

    #[test]
    fn errors_name_the_parameter_never_the_value() {
        let form = Form::parse(b"CallSid=CA+%2B493023125001&From=x&To=y");
        let err = call_event(&form, true).unwrap_err();
        assert_eq!(err, BadRequest::Invalid("CallSid"));
        let shown = format!("{err} {err:?}");
        assert!(
            shown.contains("CallSid") && !shown.contains("3023125001"),
            "{shown}"
        );
    }

    #[test]
    fn dial_action_callback() {
        let form = Form::parse(
            b"CallSid=CA1&CallStatus=in-progress&DialCallStatus=no-answer\
              &DialCallSid=CA2&DialCallDuration=0&DialBridged=false",
        );
        let event = status_event(&form).unwrap();
        assert_eq!(event.call_status, CallStatus::InProgress);
        assert_eq!(event.dial_call_status, Some(CallStatus::NoAnswer));
        assert_eq!(event.dial_call_id.unwrap().as_str(), "CA2");
        assert_eq!(
            (event.call_duration_s, event.dial_call_duration_s),
            (None, Some(0))
        );
    }

    #[test]
    fn status_callback() {
        let form = Form::parse(b"CallSid=CA1&CallStatus=completed&CallDuration=73&DialCallSid=");
        let event = status_event(&form).unwrap();
        assert_eq!(event.call_status, CallStatus::Completed);
        assert_eq!(event.call_duration_s, Some(73));
        assert_eq!((event.dial_call_status, event.dial_call_id), (None, None));
        let odd = status_event(&Form::parse(b"CallSid=CA1&CallStatus=answered")).unwrap();
        assert_eq!(odd.call_status, CallStatus::Other);
    }

    #[test]
    fn status_errors() {
        for (body, err) in [
            (&b"CallStatus=completed"[..], BadRequest::Missing("CallSid")),
            (b"CallSid=CA1", BadRequest::Missing("CallStatus")),
            (
                b"CallSid=CA1&CallStatus=completed&CallDuration=-1",
                BadRequest::Invalid("CallDuration"),
            ),
            (
                b"CallSid=CA1&CallStatus=busy&DialCallSid=C%20A",
                BadRequest::Invalid("DialCallSid"),
            ),
        ] {
            assert_eq!(status_event(&Form::parse(body)).unwrap_err(), err);
        }
    }
}
