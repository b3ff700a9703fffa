//! Domain events: each emits its log line and bumps its series together, so
//! the log and the dashboard cannot disagree about what happened to a call.
//! Log lines name the call only through the `call` span around them.

use std::fmt::Display;

use tracing::{info, warn};

use super::Metrics;
use crate::call::CallId;

/// Why a closed hotline answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClosedKind {
    OffHours,
    Holiday,
    Closure,
}

/// Why a caller who asked for a counsellor heard the alternatives instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoCounsellorReason {
    /// Nobody of the call's language on duty, or all of them tried.
    NobodyLeft { on_duty: u32, rung: u32 },
    /// The longest wait or the most attempts ran out.
    GaveUp { rung: u32, wait_s: i64 },
    /// The hotline closed while the caller waited.
    ClosedWhileWaiting,
    /// The call's language has no pool of counsellors.
    NoPool,
    /// The caller left the line to leave a message instead.
    ChoseMessage { wait_s: Option<i64> },
}

/// What happened to a call, at the moment it is decided.
pub enum CallOutcome<'a> {
    /// A counsellor pressed the key: the caller is being connected.
    Connected {
        lang: &'a str,
        wait_s: Option<i64>,
    },
    /// The caller hung up while waiting or while a counsellor was rung.
    Abandoned {
        lang: &'a str,
        wait_s: Option<i64>,
        ringing: bool,
    },
    Closed {
        lang: &'a str,
        kind: ClosedKind,
    },
    NoCounsellor {
        lang: &'a str,
        reason: NoCounsellorReason,
    },
    /// The caller is recording a message for the team.
    Voicemail {
        lang: &'a str,
        callback_requested: bool,
    },
    /// Something failed; the caller hears the fallback (apology, email, 110).
    FallbackError {
        lang: &'a str,
        error: Option<&'a dyn Display>,
    },
}

impl CallOutcome<'_> {
    pub fn label(&self) -> &'static str {
        match self {
            CallOutcome::Connected { .. } => "connected",
            CallOutcome::Abandoned { .. } => "abandoned",
            CallOutcome::Closed {
                kind: ClosedKind::OffHours,
                ..
            } => "off_hours",
            CallOutcome::Closed {
                kind: ClosedKind::Holiday,
                ..
            } => "holiday",
            CallOutcome::Closed {
                kind: ClosedKind::Closure,
                ..
            } => "closure",
            CallOutcome::NoCounsellor { .. } => "no_counsellor",
            CallOutcome::Voicemail { .. } => "voicemail",
            CallOutcome::FallbackError { .. } => "fallback_error",
        }
    }

    /// Logs the outcome, counts it, observes the wait, and forgets the
    /// call's place in line (`call`: the call it happened to, if known).
    pub fn emit(self, m: &Metrics, call: Option<&CallId>) {
        let outcome = self.label();
        if let Some(call) = call {
            m.waits.take(call);
        }
        let (lang, wait_s) = match self {
            CallOutcome::Connected { lang, wait_s } => {
                info!(outcome, wait_s, "counsellor took the call");
                (lang, wait_s)
            }
            CallOutcome::Abandoned {
                lang,
                wait_s,
                ringing,
            } => {
                info!(
                    outcome,
                    wait_s, ringing, "caller hung up before a counsellor took the call"
                );
                (lang, wait_s)
            }
            CallOutcome::Closed { lang, .. } => {
                info!(outcome, "closed: the caller hears the off-hours message");
                (lang, None)
            }
            CallOutcome::NoCounsellor { lang, reason } => {
                no_counsellor_log(reason);
                (lang, None)
            }
            CallOutcome::Voicemail {
                lang,
                callback_requested,
            } => {
                info!(
                    outcome,
                    callback.requested = callback_requested,
                    "caller records a voicemail"
                );
                (lang, None)
            }
            CallOutcome::FallbackError { lang, error } => {
                match error {
                    Some(e) => {
                        warn!(outcome, error = %e, "failure; the caller hears the alternatives")
                    }
                    None => info!(outcome, "the caller hears the fallback message"),
                }
                (lang, None)
            }
        };
        m.calls.with_label_values(&[outcome, m.lang(lang)]).inc();
        if let Some(wait_s) = wait_s {
            m.wait_histogram(outcome).observe(wait_s.max(0) as f64);
        }
    }
}

fn no_counsellor_log(reason: NoCounsellorReason) {
    let outcome = "no_counsellor";
    match reason {
        NoCounsellorReason::NobodyLeft { on_duty, rung } => {
            info!(
                outcome,
                on_duty,
                counsellors.rung = rung,
                "nobody left to ring"
            )
        }
        NoCounsellorReason::GaveUp { rung, wait_s } => {
            info!(
                outcome,
                reason = "gave_up",
                counsellors.rung = rung,
                wait_s,
                "no counsellor reached"
            )
        }
        NoCounsellorReason::ClosedWhileWaiting => {
            info!(
                outcome,
                reason = "closed_while_waiting",
                "call goes to the off-hours message"
            )
        }
        NoCounsellorReason::ChoseMessage { wait_s } => info!(
            outcome,
            reason = "chose_message",
            wait_s,
            "caller left the line to leave a message"
        ),
        NoCounsellorReason::NoPool => info!(
            outcome,
            reason = "no_pool",
            "no counsellors speak the call's language"
        ),
    }
}
