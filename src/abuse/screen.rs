//! The shell around [`decide`](super::decide) on the call path: gather a
//! new call's facts from the shared store, decide, log and count; the
//! answer to the anonymous check; and the two moments that keep the
//! "block this caller" link (a counsellor took the call, the call ended).

use std::time::Duration;

use chrono::{DateTime, Utc};
use tracing::{info, warn};

use super::answer::{self, Checked};
use super::decide::{decide, Facts, Verdict};
use super::hash::prefix;
use super::{bans, calls, Abuse};
use crate::call::{CallId, Caller};
use crate::flow::{Action, Flow, Situation};
use crate::kv::Result;
use crate::routing::CounsellorId;

/// Screening gets this long; a slow store lets the caller through rather
/// than keep them waiting (the flow's own store steps then decide).
const SCREEN_BUDGET: Duration = Duration::from_secs(2);
const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);
/// The window counter of withheld calls (one for the whole hotline).
const WITHHELD_COUNTER: &str = "abuse:withheld";

impl Abuse {
    /// Decides what happens to a new call before its flow starts; every
    /// provider's new-call path calls this once per call. Never fails:
    /// without a key, or when the store does not answer, the call passes.
    pub async fn screen(&self, call: &CallId, caller: &Caller, now: DateTime<Utc>) -> Verdict {
        if !self.enabled() {
            return Verdict::Pass;
        }
        let facts = match tokio::time::timeout(SCREEN_BUDGET, self.facts(call, caller, now)).await {
            Ok(Ok(facts)) => facts,
            Ok(Err(e)) => {
                warn!(error = %e, "cannot screen the call (store); letting it through");
                return Verdict::Pass;
            }
            Err(_) => {
                warn!("screening the call took too long; letting it through");
                return Verdict::Pass;
            }
        };
        let verdict = decide(&self.settings, &facts.0);
        match verdict {
            Verdict::Pass => {}
            Verdict::Blocked => {
                let ban = facts.1.as_deref().map(prefix).unwrap_or("");
                info!(
                    outcome = "blocked",
                    ban, "a ban matches: the caller hears the neutral message"
                );
            }
            Verdict::Limited => info!(
                outcome = "limited",
                calls_this_hour = facts.0.calls_this_hour,
                "too many calls from one number: the caller hears the neutral message"
            ),
            Verdict::Check => {
                info!(
                    withheld_this_minute = facts.0.withheld_this_minute,
                    "burst of withheld calls: the caller is asked to press 5"
                );
                self.series.checks.with_label_values(&["asked"]).inc();
            }
        }
        match verdict.outcome() {
            Some(outcome) if facts.2 => self.count_refused(outcome, &self.default_lang, now).await,
            _ => {}
        }
        verdict
    }

    /// The facts, the hash a matching ban is filed under, and whether this
    /// is the first time the call is screened. Records the
    /// call's caller for the call's lifetime (for "block this caller").
    /// A provider's retry of the same new call reads the counters instead
    /// of adding to them, so it gets the same verdict.
    async fn facts(
        &self,
        call: &CallId,
        caller: &Caller,
        now: DateTime<Utc>,
    ) -> Result<(Facts, Option<String>, bool)> {
        let s = &self.settings;
        let call_ref = self.keys.call(call).unwrap_or_default();
        let first = self
            .kv
            .once(&format!("abuse:seen:{call_ref}"), calls::CALL_TTL, now)
            .await?;
        let counter = |name: String, window: Duration| async move {
            match first {
                true => self.kv.hit(&name, window, now).await,
                false => self.kv.count(&name, now).await,
            }
        };
        let Caller::Number(number) = caller else {
            let counted = async {
                match s.anonymous_check {
                    Some(_) => counter(WITHHELD_COUNTER.to_owned(), MINUTE).await,
                    None => Ok(0),
                }
            };
            let (n, stored) = tokio::join!(counted, calls::started(&self.kv, &call_ref, None, now));
            stored?;
            let facts = Facts {
                withheld: true,
                withheld_this_minute: n?,
                ..Facts::default()
            };
            return Ok((facts, None, first));
        };
        let hashes = self.keys.caller(number);
        let current = hashes[0].clone();
        // Counsellors' own numbers are counted too: an exemption would
        // tell a caller who spoofs numbers whose phone is a counsellor's.
        let counted = async {
            match s.max_calls_per_hour {
                Some(_) => counter(format!("abuse:calls:{current}"), HOUR).await,
                None => Ok(0),
            }
        };
        let (ban, n, stored) = tokio::join!(
            bans::find(&self.kv, &hashes, now),
            counted,
            calls::started(&self.kv, &call_ref, Some(&current), now),
        );
        stored?;
        let ban = ban?;
        let facts = Facts {
            banned: ban.is_some(),
            calls_this_hour: n?,
            ..Facts::default()
        };
        Ok((facts, ban, first))
    }

    /// The answer to the check's question (`asked`: how often it was
    /// asked). `None`: passed, the flow starts; else what the caller hears.
    pub async fn check_answer(
        &self,
        flow: &Flow,
        sit: &Situation<'_>,
        lang: &str,
        digits: Option<&str>,
        asked: u32,
    ) -> Option<Vec<Action>> {
        match answer::judge(digits, asked) {
            Checked::Passed => {
                info!(check = "passed", "the withheld caller pressed 5");
                self.series.checks.with_label_values(&["passed"]).inc();
                None
            }
            Checked::Again { asked } => Some(answer::question(flow, sit, lang, asked)),
            Checked::Failed => {
                info!(
                    outcome = "limited",
                    check = "failed",
                    "no 5 pressed: the caller hears the neutral message"
                );
                self.series.checks.with_label_values(&["failed"]).inc();
                self.count_refused("limited", lang, sit.now).await;
                Some(answer::refusal(flow, sit, lang))
            }
        }
    }

    /// A counsellor took `call`: from now on they can block its caller.
    /// A failure only costs that option; it is logged, never raised.
    pub async fn answered(&self, call: &CallId, counsellor: &CounsellorId, now: DateTime<Utc>) {
        let Some(call_ref) = self.keys.call(call) else {
            return;
        };
        let work = calls::answered(&self.kv, &call_ref, counsellor, now);
        match tokio::time::timeout(SCREEN_BUDGET, work).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => warn!(error = %e, "cannot note the call for blocking"),
            Err(_) => warn!("noting the call for blocking took too long"),
        }
    }

    /// The call is over: its caller is no longer linked to it (the
    /// counsellor's "last call" keeps only what blocking needs).
    pub async fn call_ended(&self, call: &CallId, now: DateTime<Utc>) {
        let Some(call_ref) = self.keys.call(call) else {
            return;
        };
        let work = calls::ended(&self.kv, &call_ref, now);
        if let Ok(Err(e)) = tokio::time::timeout(SCREEN_BUDGET, work).await {
            warn!(error = %e, "cannot forget the call's caller; it expires by itself");
        }
    }
}

/// What a caller hears for `verdict`; `None`: the flow starts as usual.
pub fn answer_for(
    verdict: Verdict,
    flow: &Flow,
    sit: &Situation<'_>,
    lang: &str,
) -> Option<Vec<Action>> {
    match verdict {
        Verdict::Pass => None,
        Verdict::Blocked | Verdict::Limited => Some(answer::refusal(flow, sit, lang)),
        Verdict::Check => Some(answer::question(flow, sit, lang, 0)),
    }
}
