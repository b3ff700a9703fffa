//! sipgate's push-API events, parsed into what lotse acts on.
//!
//! Numbers come without `+` (`4930123456`) or as `anonymous`; every form
//! that is not a number becomes [`Caller::Withheld`]. Unknown parameters
//! (`user[]`, `xcid`, `diversion`, …) are ignored; errors name the
//! parameter, never its value.

use crate::call::{CallId, Caller};
use crate::providers::twilio::{BadRequest, Form};

/// One push-API event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// `newCall`: a call starts. `incoming` is false for calls the
    /// account's own phones make (`direction=out`), which lotse leaves alone.
    NewCall {
        call_id: CallId,
        caller: Caller,
        incoming: bool,
    },
    /// `dtmf`, posted to a Gather's `onData`: the keys pressed, possibly none.
    Dtmf { call_id: CallId, digits: String },
    /// `answer`, posted to `onAnswer`: someone (or something) took the
    /// call; `answering_number` is the destination that did (digits).
    Answer {
        call_id: CallId,
        answering_number: Option<String>,
    },
    /// `hangup`, posted to `onHangup`: the call is over.
    Hangup { call_id: CallId, cause: Cause },
}

impl Event {
    pub fn call_id(&self) -> &CallId {
        match self {
            Event::NewCall { call_id, .. }
            | Event::Dtmf { call_id, .. }
            | Event::Answer { call_id, .. }
            | Event::Hangup { call_id, .. } => call_id,
        }
    }

    /// The event's name, a closed set (for logs).
    pub fn name(&self) -> &'static str {
        match self {
            Event::NewCall { .. } => "newCall",
            Event::Dtmf { .. } => "dtmf",
            Event::Answer { .. } => "answer",
            Event::Hangup { .. } => "hangup",
        }
    }
}

/// Why a call ended (`cause` of a `hangup` event).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// One side hung up after the call was established.
    NormalClearing,
    Busy,
    /// The caller hung up before the called party picked up.
    Cancel,
    /// The called party rejected the call (e.g. do not disturb).
    NoAnswer,
    Congestion,
    NotFound,
    Forwarded,
    /// A cause sipgate adds later: never a reason to refuse the event.
    Other,
}

impl Cause {
    pub fn parse(raw: &str) -> Cause {
        match raw {
            "normalClearing" => Cause::NormalClearing,
            "busy" => Cause::Busy,
            "cancel" => Cause::Cancel,
            "noAnswer" => Cause::NoAnswer,
            "congestion" => Cause::Congestion,
            "notFound" => Cause::NotFound,
            "forwarded" => Cause::Forwarded,
            _ => Cause::Other,
        }
    }
}

/// The event in a push-API form.
pub fn event(form: &Form) -> Result<Event, BadRequest> {
    let call_id = form
        .get("callId")
        .ok_or(BadRequest::Missing("callId"))
        .and_then(|raw| CallId::parse(raw).ok_or(BadRequest::Invalid("callId")))?;
    match form.get("event").ok_or(BadRequest::Missing("event"))? {
        "newCall" => Ok(Event::NewCall {
            caller: caller(form.get("from").ok_or(BadRequest::Missing("from"))?),
            incoming: form.get("direction") != Some("out"),
            call_id,
        }),
        "dtmf" => Ok(Event::Dtmf {
            digits: form.get("dtmf").unwrap_or("").to_owned(),
            call_id,
        }),
        "answer" => Ok(Event::Answer {
            answering_number: form
                .get("answeringNumber")
                .map(digits)
                .filter(|d| !d.is_empty()),
            call_id,
        }),
        "hangup" => Ok(Event::Hangup {
            cause: Cause::parse(form.get("cause").unwrap_or("")),
            call_id,
        }),
        _ => Err(BadRequest::Invalid("event")),
    }
}

/// `4930123456` → `+4930123456`; `anonymous`, empty or anything else that
/// is not a number → withheld.
pub fn caller(raw: &str) -> Caller {
    let digits = raw.strip_prefix('+').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Caller::Withheld;
    }
    Caller::from_network(&format!("+{digits}"))
}

/// A number as sipgate's `<Number>` and `callerId` take it: digits only.
pub fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Event, BadRequest> {
        event(&Form::parse(body.as_bytes()))
    }

    #[test]
    fn new_call_with_a_number_and_with_anonymous() {
        let e = parse("event=newCall&from=4930231257777&to=498003009944&direction=in&callId=ABC123&user%5B%5D=Team").unwrap();
        let Event::NewCall {
            caller,
            incoming,
            call_id,
        } = e
        else {
            panic!()
        };
        assert!(incoming);
        assert_eq!(call_id.as_str(), "ABC123");
        assert!(matches!(caller, Caller::Number(n) if n.expose() == "+4930231257777"));
        let e =
            parse("event=newCall&from=anonymous&to=498003009944&direction=in&callId=X").unwrap();
        assert!(matches!(
            e,
            Event::NewCall {
                caller: Caller::Withheld,
                ..
            }
        ));
    }

    #[test]
    fn outgoing_calls_are_marked() {
        let e = parse("event=newCall&from=4930&to=49301&direction=out&callId=X").unwrap();
        assert!(matches!(
            e,
            Event::NewCall {
                incoming: false,
                ..
            }
        ));
    }

    #[test]
    fn dtmf_keeps_empty_and_leading_zero() {
        assert_eq!(
            parse("event=dtmf&dtmf=&callId=X").unwrap(),
            Event::Dtmf {
                call_id: CallId::parse("X").unwrap(),
                digits: String::new()
            }
        );
        assert!(
            matches!(parse("event=dtmf&dtmf=01&callId=X").unwrap(), Event::Dtmf { digits, .. } if digits == "01")
        );
    }

    #[test]
    fn hangup_causes_and_unknown_ones() {
        let e = parse("event=hangup&cause=noAnswer&callId=X").unwrap();
        assert!(matches!(
            e,
            Event::Hangup {
                cause: Cause::NoAnswer,
                ..
            }
        ));
        let e = parse("event=hangup&cause=somethingNew&callId=X").unwrap();
        assert!(matches!(
            e,
            Event::Hangup {
                cause: Cause::Other,
                ..
            }
        ));
    }

    #[test]
    fn answer_names_the_answering_destination() {
        let e = parse("event=answer&callId=X&answeringNumber=%2B493023125001").unwrap();
        assert!(
            matches!(e, Event::Answer { answering_number: Some(n), .. } if n == "493023125001")
        );
        let e = parse("event=answer&callId=X").unwrap();
        assert!(matches!(
            e,
            Event::Answer {
                answering_number: None,
                ..
            }
        ));
    }

    #[test]
    fn missing_or_bad_fields_are_named() {
        assert_eq!(
            parse("event=newCall&from=49"),
            Err(BadRequest::Missing("callId"))
        );
        assert_eq!(
            parse("event=newCall&callId="),
            Err(BadRequest::Invalid("callId"))
        );
        assert_eq!(
            parse("event=fax&callId=X"),
            Err(BadRequest::Invalid("event"))
        );
        assert_eq!(parse("callId=X"), Err(BadRequest::Missing("event")));
    }

    #[test]
    fn caller_forms() {
        assert_eq!(caller("anonymous"), Caller::Withheld);
        assert_eq!(caller(""), Caller::Withheld);
        assert_eq!(
            caller("0301234567"),
            Caller::Withheld,
            "national form is not E.164"
        );
        assert!(matches!(caller("+4930231257777"), Caller::Number(_)));
        assert_eq!(digits("+49 30 123"), "4930123");
    }
}
