//! What a scrape reads: the shared store (callers waiting, counsellors by
//! status, its counters, live bans), the email backlog and the schedule, each at the
//! instant of the scrape, then the whole registry as Prometheus text.
//!
//! Reading the store at scrape time, instead of counting in each process,
//! is what makes several instances behind one Redis agree. A read that
//! fails or is slow leaves its series out of this scrape (Prometheus then
//! shows a gap, not a stale number) and sets `lotse_redis_up` to 0.

use std::sync::Mutex;
use std::time::Duration;

use prometheus::{Encoder, IntCounter, TextEncoder};

use crate::http::App;
use crate::routing::Status;

/// A scrape must not hang on a dead Redis; Prometheus times out at 10 s.
const READ_BUDGET: Duration = Duration::from_secs(2);

/// Families that come from the store; left out when it did not answer.
const STORE_FAMILIES: [&str; 7] = [
    "lotse_callers_waiting",
    "lotse_counsellors",
    "lotse_presence_leases_expired_total",
    "lotse_counsellors_auto_away_total",
    "lotse_line_abandoned_total",
    "lotse_calls_force_ended_total",
    "lotse_roster_repaired_total",
];

/// Two scrapes at once must not interleave setting and reading.
static SCRAPE: Mutex<()> = Mutex::new(());

/// The exposition for `GET /metrics`.
pub async fn render(app: &App) -> String {
    let m = &app.metrics;
    let now = app.clock.now();
    let stats = tokio::time::timeout(READ_BUDGET, app.store.stats(now)).await;
    let stats = stats.ok().and_then(Result::ok);
    let outbox = tokio::time::timeout(READ_BUDGET, app.outbox.queue.counts()).await;
    let outbox = outbox.ok().and_then(Result::ok);
    let open = app.settings.schedule.decide(now).is_open();
    let bans = tokio::time::timeout(READ_BUDGET, app.abuse.count_bans(now)).await;
    let bans = bans.ok().flatten();

    let _guard = SCRAPE.lock().unwrap_or_else(|e| e.into_inner());
    m.schedule_open.set(i64::from(open));
    let redis = app.settings.redis_url.is_some();
    m.redis_up.set(i64::from(stats.is_some()));
    if let Some(s) = &stats {
        m.waiting.set(clamp(s.waiting));
        for status in Status::ALL {
            let g = m.counsellors.with_label_values(&[status.as_str()]);
            g.set(clamp(s.count(status)));
        }
        set_counter(&m.leases_expired, s.leases_expired);
        set_counter(&m.auto_away, s.auto_away);
        set_counter(&m.line_abandoned, s.abandoned);
        set_counter(&m.calls_force_ended, s.calls_force_ended);
        set_counter(&m.roster_repaired, s.roster_repaired);
    }
    if let Some(n) = bans {
        app.abuse.series.bans.set(clamp(n as u64));
    }
    if let Some(c) = &outbox {
        for (state, n) in [
            ("queued", c.queued),
            ("retrying", c.retrying),
            ("dead", c.dead),
        ] {
            m.outbox_jobs.with_label_values(&[state]).set(n as i64);
        }
    }
    let families: Vec<_> = m
        .registry
        .gather()
        .into_iter()
        .filter(|f| {
            let name = f.name();
            (stats.is_some() || !STORE_FAMILIES.contains(&name))
                && (outbox.is_some() || name != "lotse_email_outbox_jobs")
                && (bans.is_some() || name != "lotse_abuse_bans")
                && (redis || name != "lotse_redis_up")
        })
        .collect();
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&families, &mut out)
        .expect("text encoding into memory cannot fail");
    String::from_utf8(out).expect("the text format is UTF-8")
}

fn clamp(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Mirrors a counter kept in the store. It only decreases if the store was
/// emptied (a Redis restart); Prometheus treats that as a counter reset.
fn set_counter(c: &IntCounter, value: u64) {
    let current = c.get();
    if value < current {
        c.reset();
        c.inc_by(value);
    } else {
        c.inc_by(value - current);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrored_counters_follow_the_store_and_its_resets() {
        let c = IntCounter::new("x_total", "x").unwrap();
        set_counter(&c, 5);
        set_counter(&c, 7);
        assert_eq!(c.get(), 7);
        set_counter(&c, 2);
        assert_eq!(c.get(), 2);
    }
}
