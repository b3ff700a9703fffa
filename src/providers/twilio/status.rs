//! Call status as Twilio reports it in status and `<Dial>` action callbacks.

use crate::call::CallId;

/// Twilio's `CallStatus` / `DialCallStatus`.
///
/// A value Twilio adds later becomes [`CallStatus::Other`], not an error: a
/// callback is never refused for it. `Other` carries no text, so the enum is a
/// bounded metric label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallStatus {
    Queued,
    Ringing,
    InProgress,
    Completed,
    Busy,
    Failed,
    NoAnswer,
    Canceled,
    Other,
}

impl CallStatus {
    const ALL: [(CallStatus, &'static str); 8] = [
        (CallStatus::Queued, "queued"),
        (CallStatus::Ringing, "ringing"),
        (CallStatus::InProgress, "in-progress"),
        (CallStatus::Completed, "completed"),
        (CallStatus::Busy, "busy"),
        (CallStatus::Failed, "failed"),
        (CallStatus::NoAnswer, "no-answer"),
        (CallStatus::Canceled, "canceled"),
    ];

    /// Exact match on Twilio's spelling; anything else is `Other`.
    pub fn from_twilio(raw: &str) -> Self {
        Self::ALL
            .iter()
            .find(|(_, name)| *name == raw)
            .map_or(CallStatus::Other, |(status, _)| *status)
    }

    /// Twilio's spelling, or `other`.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(status, _)| *status == self)
            .map_or("other", |(_, name)| name)
    }

    /// Whether the call (or dialled leg) is over and will not change again.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            CallStatus::Queued | CallStatus::Ringing | CallStatus::InProgress | CallStatus::Other
        )
    }
}

/// A status callback or `<Dial>` action callback. Empty optional parameters
/// are `None`, as if absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEvent {
    pub call_id: CallId,
    /// The status of the call the callback is about (the caller's leg for a
    /// `<Dial>` action).
    pub call_status: CallStatus,
    /// How the dialled leg ended (`<Dial>` action callbacks only).
    pub dial_call_status: Option<CallStatus>,
    pub dial_call_id: Option<CallId>,
    /// `CallDuration`, seconds (final status callbacks).
    pub call_duration_s: Option<u32>,
    /// `DialCallDuration`, seconds the dialled leg was connected.
    pub dial_call_duration_s: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_spellings_round_trip() {
        for (status, name) in CallStatus::ALL {
            assert_eq!(CallStatus::from_twilio(name), status);
            assert_eq!(status.as_str(), name);
        }
    }

    #[test]
    fn unknown_or_differently_spelled_is_other() {
        for raw in ["", "answered", "In-Progress", "no_answer", "cancelled"] {
            assert_eq!(CallStatus::from_twilio(raw), CallStatus::Other, "{raw}");
        }
        assert_eq!(CallStatus::Other.as_str(), "other");
    }

    #[test]
    fn only_ended_states_are_final() {
        assert!(CallStatus::Completed.is_final());
        assert!(CallStatus::NoAnswer.is_final());
        assert!(!CallStatus::Ringing.is_final());
        assert!(!CallStatus::Other.is_final());
    }
}
