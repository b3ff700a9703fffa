//! Series of the paths that keep writes alive through a store outage: the
//! journal of store writes a callback needed (`crate::connect::journal`)
//! and the outbox's repairs and spool (`crate::outbox`). A cloneable set of
//! handles, so the journal and the outbox hold them without the registry.

use prometheus::{IntCounter, IntCounterVec, IntGauge, Opts, Registry};

/// Why a kept store write was given up: the journal was full (the oldest
/// goes), or the store answered the write with an error that no retry cures.
pub const DROP_REASONS: [&str; 2] = ["full", "refused"];

/// What the outbox repaired or did instead of failing: the consumer group
/// recreated (`group`), a job the store had lost queued again from this
/// instance's copy (`requeued`), a recording callback written to the local
/// spool because the store was unreachable (`spooled`), a spooled job moved
/// into the shared queue (`moved`), a job a run without Redis left in the
/// embedded queue taken over once Redis was configured (`adopted`).
pub const OUTBOX_EVENTS: [&str; 5] = ["group", "requeued", "spooled", "moved", "adopted"];

#[derive(Clone)]
pub struct Durability {
    pub writes_pending: IntGauge,
    pub writes_kept: IntCounter,
    pub writes_replayed: IntCounter,
    pub writes_dropped: IntCounterVec,
    pub outbox: IntCounterVec,
}

impl Durability {
    pub fn register(r: &Registry) -> Durability {
        let d = Durability::unregistered();
        for c in [
            Box::new(d.writes_pending.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(d.writes_kept.clone()),
            Box::new(d.writes_replayed.clone()),
            Box::new(d.writes_dropped.clone()),
            Box::new(d.outbox.clone()),
        ] {
            r.register(c).expect("unique metric");
        }
        d
    }

    /// Counts into nothing (`lotse simulate`, `lotse outbox`, unit tests).
    pub fn unregistered() -> Durability {
        let counter = |name: &str, help: &str| IntCounter::new(name, help).expect("valid metric");
        let vec = |name: &str, help: &str, label: &str| {
            IntCounterVec::new(Opts::new(name, help), &[label]).expect("valid metric")
        };
        let d = Durability {
            writes_pending: IntGauge::new("store_writes_pending", "Store writes of call callbacks (answered, ring result, call ended, left the line) that the store could not take yet and this instance keeps retrying.").expect("valid metric"),
            writes_kept: counter("store_writes_kept_total", "Store writes of call callbacks kept for a retry because the store could not take them."),
            writes_replayed: counter("store_writes_replayed_total", "Kept store writes the store took on a retry."),
            writes_dropped: vec("store_writes_dropped_total", "Kept store writes given up, by reason (full = the journal's bound was reached and the oldest went; refused = the store rejected the write for good).", "reason"),
            outbox: vec("email_outbox_repairs_total", "Outbox repairs and detours, by event (group = consumer group recreated; requeued = a job the store lost queued again; spooled = a recording kept on local disk while the store was unreachable; moved = a spooled recording moved into the shared queue).", "event"),
        };
        for r in DROP_REASONS {
            d.writes_dropped.with_label_values(&[r]);
        }
        for e in OUTBOX_EVENTS {
            d.outbox.with_label_values(&[e]);
        }
        d
    }

    /// `event`: one of [`OUTBOX_EVENTS`].
    pub fn outbox(&self, event: &'static str) {
        self.outbox.with_label_values(&[event]).inc();
    }
}

impl Default for Durability {
    fn default() -> Self {
        Durability::unregistered()
    }
}
