//! The abuse series, in the one registry of `crate::metrics`. Refused calls
//! themselves are counted in `lotse_calls_total{outcome="blocked"|"limited"}`.
//! Labels are closed sets: a ban's reason, a check's result.

use prometheus::{IntCounter, IntCounterVec, IntGauge, Opts, Registry};

use super::bans::Reason;

#[derive(Clone)]
pub struct AbuseSeries {
    /// Live bans in the shared store, read at scrape time.
    pub bans: IntGauge,
    pub blocks: IntCounterVec,
    pub lifts: IntCounter,
    pub checks: IntCounterVec,
}

/// Results of the anonymous-caller check.
pub const CHECK_RESULTS: [&str; 3] = ["asked", "passed", "failed"];

impl AbuseSeries {
    pub fn new(r: &Registry) -> AbuseSeries {
        let bans = IntGauge::new(
            "abuse_bans",
            "Callers banned now (shared store, read at scrape time).",
        )
        .expect("valid metric");
        let blocks = IntCounterVec::new(
            Opts::new("abuse_blocks_total", "Bans set by counsellors (page or API), by reason (threat, harassment, prank, other)."),
            &["reason"],
        )
        .expect("valid metric");
        let lifts = IntCounter::new("abuse_lifts_total", "Bans lifted early by the operator.")
            .expect("valid metric");
        let checks = IntCounterVec::new(
            Opts::new(
                "abuse_checks_total",
                "The anonymous-caller key-press check: asked, passed, failed.",
            ),
            &["result"],
        )
        .expect("valid metric");
        for c in [
            Box::new(bans.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(blocks.clone()),
            Box::new(lifts.clone()),
            Box::new(checks.clone()),
        ] {
            r.register(c).expect("unique metric");
        }
        for reason in Reason::ALL {
            blocks.with_label_values(&[reason.as_str()]);
        }
        for result in CHECK_RESULTS {
            checks.with_label_values(&[result]);
        }
        AbuseSeries {
            bans,
            blocks,
            lifts,
            checks,
        }
    }

    /// A series that counts into nothing (`lotse simulate`).
    pub fn unregistered() -> AbuseSeries {
        AbuseSeries::new(&Registry::new())
    }
}
