//! Protection of the line from harassers and floods, without ever storing a
//! caller's number: every record is filed under a keyed hash (HMAC) of the
//! number, under `[abuse] key` (`LOTSE_ABUSE__KEY`). Without a key nothing
//! here acts.
//!
//! At each new call, every provider's new-call path calls
//! [`Abuse::screen`] once, then [`answer_for`] the verdict: a caller whose
//! hash a live ban matches, or who called more than `max_calls_per_hour`
//! within the hour, hears the flow's calm `refused` message and the call
//! ends; during a burst of withheld calls, a withheld caller is first asked
//! to press 5 ([`CHECK_STEP`] is the callback of that answer). Bans live in
//! `crate::kv`, so every instance applies them at once.
//!
//! # Layout
//! - `hash`: the keyed hashes of numbers and call ids; several keys for rotation.
//! - `decide`: the pure decision (facts → [`Verdict`]).
//! - `screen`: the shell on the call path (store reads, logs, counts).
//! - `answer`: what a refused or checked caller hears (provider-neutral actions).
//! - `bans`: ban records in a bounded kv table; `calls`: call → caller for the
//!   call's lifetime, and each counsellor's last call.
//! - `series`: the abuse metrics.

mod answer;
mod bans;
mod calls;
mod decide;
mod hash;
mod screen;
mod series;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::info;

pub use answer::{judge, question, refusal, Checked, CHECK_KEY, CHECK_STEP, CHECK_TRIES};
pub use bans::{Ban, Reason, MAX_BANS};
pub use calls::LastCall;
pub use decide::{decide, Facts, Verdict};
pub use hash::{parse_hash, Keys};
pub use screen::answer_for;
pub use series::AbuseSeries;

use crate::config::Settings;
use crate::kv::{Kv, Result};
use crate::metrics::Metrics;
use crate::routing::CounsellorId;

/// The abuse features of one process, over the shared `crate::kv`.
pub struct Abuse {
    settings: crate::config::Abuse,
    keys: Keys,
    kv: Kv,
    default_lang: String,
    tz: chrono_tz::Tz,
    metrics: Arc<Metrics>,
    pub series: AbuseSeries,
}

/// How a "block this caller" request ended.
#[derive(Debug)]
pub enum Blocked {
    Done(Ban),
    /// The counsellor has no current or last call.
    NoCall,
    /// That call's number was withheld: there is nothing to block.
    Withheld,
    /// The ban table holds [`MAX_BANS`] live bans.
    Full,
    /// No key: abuse features are off.
    Off,
}

impl Abuse {
    pub fn new(settings: &Settings, kv: Kv, metrics: Arc<Metrics>) -> Abuse {
        let series = AbuseSeries::new(&metrics.registry);
        Abuse {
            keys: Keys::new(&settings.abuse.keys),
            settings: settings.abuse.clone(),
            kv,
            default_lang: settings.flow.default_language.clone(),
            tz: settings.schedule.tz,
            metrics,
            series,
        }
    }

    pub fn enabled(&self) -> bool {
        !self.keys.is_empty()
    }

    pub fn settings(&self) -> &crate::config::Abuse {
        &self.settings
    }

    /// The counsellor's current or last call, for the page.
    pub async fn last_call(
        &self,
        counsellor: &CounsellorId,
        now: DateTime<Utc>,
    ) -> Result<Option<LastCall>> {
        if !self.enabled() {
            return Ok(None);
        }
        calls::last(&self.kv, counsellor, now).await
    }

    /// The live ban of the counsellor's current or last caller, if any.
    pub async fn ban_of(&self, call: &LastCall, now: DateTime<Utc>) -> Result<Option<Ban>> {
        let Some(hash) = &call.caller else {
            return Ok(None);
        };
        bans::get(&self.kv, hash, now).await
    }

    /// Bans the caller of `counsellor`'s current or last call for `days`.
    pub async fn block(
        &self,
        counsellor: &CounsellorId,
        reason: Reason,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<Blocked> {
        if !self.enabled() {
            return Ok(Blocked::Off);
        }
        let Some(call) = calls::last(&self.kv, counsellor, now).await? else {
            return Ok(Blocked::NoCall);
        };
        let Some(hash) = call.caller else {
            return Ok(Blocked::Withheld);
        };
        let by = counsellor.to_string();
        let Some(ban) = bans::put(&self.kv, &hash, reason, &by, days, now).await? else {
            return Ok(Blocked::Full);
        };
        let reason = reason.as_str();
        info!(ban = %ban.prefix, reason, counsellor = %counsellor, days, during_call = call.current, until = %ban.until.to_rfc3339(), "caller blocked");
        self.series.blocks.with_label_values(&[reason]).inc();
        Ok(Blocked::Done(ban))
    }

    /// Every live ban (with or without a key: lifting needs none).
    pub async fn bans(&self, now: DateTime<Utc>) -> Result<Vec<Ban>> {
        bans::list(&self.kv, now).await
    }

    /// `true` if the ban `id` was live and is lifted now.
    pub async fn lift(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        let lifted = bans::lift(&self.kv, id, now).await?;
        if lifted {
            info!(ban = %hash::prefix(id), "ban lifted by the operator");
            self.series.lifts.inc();
        }
        Ok(lifted)
    }

    /// Calls refused today (the hotline's local day) across all instances,
    /// by outcome (`blocked`, `limited`).
    pub async fn refused_today(&self, now: DateTime<Utc>) -> Result<[(&'static str, u64); 2]> {
        let mut out = [("blocked", 0), ("limited", 0)];
        for (outcome, n) in &mut out {
            *n = self.kv.count(&self.day_counter(outcome, now), now).await?;
        }
        Ok(out)
    }

    fn day_counter(&self, outcome: &str, now: DateTime<Utc>) -> String {
        let day = now.with_timezone(&self.tz).format("%Y-%m-%d");
        format!("abuse:refused:{outcome}:{day}")
    }

    /// Counts a refused call in `lotse_calls_total` and in the shared
    /// counter of the day the operator sees.
    async fn count_refused(&self, outcome: &'static str, lang: &str, now: DateTime<Utc>) {
        let m = &self.metrics;
        m.calls.with_label_values(&[outcome, m.lang(lang)]).inc();
        let two_days = std::time::Duration::from_secs(2 * 86_400);
        let name = self.day_counter(outcome, now);
        if let Err(e) = self.kv.hit(&name, two_days, now).await {
            tracing::debug!(error = %e, "cannot count the refused call for the operator");
        }
    }

    /// Live bans in the store, for the gauge; `None` if it did not answer.
    pub async fn count_bans(&self, now: DateTime<Utc>) -> Option<usize> {
        self.kv
            .table_list(bans::TABLE, now)
            .await
            .ok()
            .map(|all| all.len())
    }
}
