//! The other events and hooks the call path calls: ring results, what a
//! caller-leg turn shows (closed, voicemail), places in line, emails sent.

use prometheus::IntCounterVec;

use super::events::{CallOutcome, ClosedKind};
use super::waits::Waiting;
use super::Metrics;
use crate::call::CallId;
use crate::flow::{Action, Situation, Turn};
use crate::schedule::{ClosedReason, Decision};

/// How ringing one counsellor ended (`lotse_ring_attempts_total{result}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingEnded {
    Answered,
    /// Picked up without the key press: a voicemail, or declined.
    Declined,
    NotAnswered,
    CallerGone,
}

impl RingEnded {
    /// Counted only: the ring's log lines say more (who, how many misses).
    pub fn emit(self, m: &Metrics) {
        let result = match self {
            RingEnded::Answered => "answered",
            RingEnded::Declined => "declined",
            RingEnded::NotAnswered => "not_answered",
            RingEnded::CallerGone => "caller_gone",
        };
        m.rings.with_label_values(&[result]).inc();
    }
}

impl Metrics {
    /// What a caller-leg turn shows: a new call answered while closed, or
    /// a recording starting. `new_call`: the first webhook of the call.
    pub fn turn(
        &self,
        sit: &Situation<'_>,
        lang: &str,
        new_call: bool,
        call: &CallId,
        turn: &Turn,
    ) {
        if new_call {
            if let Decision::Closed { reason, .. } = sit.schedule.decide(sit.now) {
                let kind = match reason {
                    ClosedReason::Holiday(_) => ClosedKind::Holiday,
                    ClosedReason::Closure => ClosedKind::Closure,
                    _ => ClosedKind::OffHours,
                };
                CallOutcome::Closed { lang, kind }.emit(self, Some(call));
            }
        }
        let record = turn.played.iter().find_map(|(_, a)| match a {
            Action::Record {
                callback_requested, ..
            } => Some(*callback_requested),
            _ => None,
        });
        if let Some(callback_requested) = record {
            CallOutcome::Voicemail {
                lang,
                callback_requested,
            }
            .emit(self, Some(call));
        }
    }

    /// A hold-loop turn: the caller waits in line in `lang` since `since_s`.
    pub fn waiting(&self, call: &CallId, lang: &str, since_s: i64, now_s: i64) {
        let lang = self.lang(lang).to_owned();
        self.waits.note(call, Waiting { lang, since_s }, now_s);
    }

    /// The call ended while it had a place in line: the caller gave up.
    pub fn hung_up_in_line(&self, call: &CallId, now_s: i64) {
        let known = self.waits.take(call);
        let (lang, wait_s) = match &known {
            Some(w) => (w.lang.as_str(), Some(now_s - w.since_s)),
            None => ("other", None),
        };
        CallOutcome::Abandoned {
            lang,
            wait_s,
            ringing: false,
        }
        .emit(self, None);
    }

    /// The handle the email sender counts deliveries with.
    pub fn emails_sent(&self) -> EmailsSent {
        EmailsSent(self.emails_sent.clone())
    }
}

/// `lotse_emails_sent_total`, held by the outbox. A default one counts
/// into nothing (the `lotse outbox` command, tests without an app).
#[derive(Clone)]
pub struct EmailsSent(IntCounterVec);

impl Default for EmailsSent {
    fn default() -> Self {
        let opts = prometheus::Opts::new("emails_sent_total", "unregistered");
        EmailsSent(IntCounterVec::new(opts, &["result"]).expect("valid metric"))
    }
}

impl EmailsSent {
    /// `result`: delivered, spooled, failed (will retry) or dead_letter.
    pub fn count(&self, result: &'static str) {
        self.0.with_label_values(&[result]).inc();
    }
}
