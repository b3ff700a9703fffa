//! The journal: store writes that a call's callbacks need — the whisper's
//! key press (`answered`), a ring's result (`ring_failed`), the end of a
//! call (`call_ended`), leaving the line (`leave`) — kept in this
//! instance's memory when the store cannot take them, and replayed, oldest
//! first, until it does.
//!
//! Why: the provider sends each of these once (or a few times, then gives
//! up), and it already got its answer — the caller was bridged, the call is
//! over. A write lost here would leave a counsellor `in_call` for the rest of
//! the shift, or a counsellor who is talking free to be rung again.
//!
//! Rules:
//! - **Order.** Writes are replayed in the order they were made (one queue
//!   for the instance, so in order per call too), and a new write, or a
//!   claim, first replays what is pending ([`Journal::settle`]): a claim never
//!   runs on a store that has not heard of an earlier key press.
//! - **The instant it happened.** A replay carries the instant of the
//!   original callback, so a call that ended during the outage wraps up from
//!   when it ended, and an answer recorded late still precedes the ring's
//!   deadline.
//! - **Idempotent.** Every store write is idempotent (the provider repeats
//!   callbacks too), so a write that reached the store although its reply
//!   was lost is harmless to replay; an identical write already kept is not
//!   kept twice.
//! - **Bounded.** At most [`CAPACITY`] writes; when full the oldest goes
//!   (counted, logged); the store's own deadlines (ring, `in_call`, line)
//!   end what it held. A write the store refuses with an error no retry
//!   cures is given up after [`MAX_REFUSALS`] tries.
//! - **Per instance, in memory; saved at a stop.** On shutdown `lotse serve`
//!   gives the journal a last chance ([`Journal::drain`]) and saves what is
//!   still kept to the spool, for the next instance to take over (`saved`).
//!   A crash loses what is kept; the same deadlines are the backstop.
//!
//! [`spawn`] runs the replayer: right after a write is kept, then with
//! backoff from [`BACKOFF_FIRST`] to [`BACKOFF_MAX`], so once the store is
//! back every kept write lands within about a second.

mod replay;
mod saved;
mod takeover;

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tracing::{warn, Span};

use crate::call::CallId;
use crate::metrics::durability::Durability;
use crate::routing::{CounsellorId, RingOutcome, Store, StoreError};
use replay::execute;
pub use replay::spawn;
pub use takeover::{spawn_takeover, Takeover};

/// Writes kept at most. A few per call, so this covers thousands of calls
/// ending during one outage; one entry is a few hundred bytes.
pub const CAPACITY: usize = 4096;
/// Tries before a write the store refuses for good (not an outage) is dropped.
pub const MAX_REFUSALS: u32 = 3;
pub const BACKOFF_FIRST: Duration = Duration::from_millis(100);
pub const BACKOFF_MAX: Duration = Duration::from_secs(1);
/// How long a webhook waits for another task's replay before it gives up
/// (and its own write is kept behind).
const REPLAY_WAIT: Duration = Duration::from_secs(2);

/// One store write a callback needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    Answered {
        counsellor: CounsellorId,
    },
    RingFailed {
        counsellor: CounsellorId,
        max_no_answer: u32,
    },
    CallEnded {
        wrap_up: Duration,
    },
    Left {
        abandoned: bool,
    },
}

impl Write {
    /// For logs: what kind of write, never whose call.
    pub fn name(&self) -> &'static str {
        match self {
            Write::Answered { .. } => "answered",
            Write::RingFailed { .. } => "ring_failed",
            Write::CallEnded { .. } => "call_ended",
            Write::Left { .. } => "left_line",
        }
    }
}

/// What the store said to a write applied at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Answered(bool),
    RingFailed(RingOutcome),
    CallEnded(bool),
    Left(bool),
}

/// Writes made before are still waiting for the store.
#[derive(Debug, thiserror::Error)]
pub enum Unsettled {
    #[error("store writes of earlier callbacks are still pending: {0}")]
    Store(#[from] StoreError),
    #[error("store writes of earlier callbacks are still being replayed")]
    Busy,
}

struct Entry {
    seq: u64,
    call: CallId,
    write: Write,
    at: DateTime<Utc>,
    /// The callback's span (it names the call by pseudonym) for later logs.
    span: Span,
    refusals: u32,
}

#[derive(Default)]
struct Pending {
    entries: VecDeque<Entry>,
    next_seq: u64,
}

pub struct Journal {
    store: Store,
    pending: Mutex<Pending>,
    /// One replayer at a time, so writes land in order.
    replaying: tokio::sync::Mutex<()>,
    wake: Notify,
    capacity: usize,
    metrics: Durability,
    /// Entries of the saved-writes directory already named in the log.
    named: takeover::Named,
}

impl Journal {
    pub fn new(store: Store, metrics: Durability) -> Journal {
        Journal::with_capacity(store, metrics, CAPACITY)
    }

    pub fn with_capacity(store: Store, metrics: Durability, capacity: usize) -> Journal {
        Journal {
            store,
            pending: Mutex::default(),
            replaying: tokio::sync::Mutex::new(()),
            wake: Notify::new(),
            capacity: capacity.max(1),
            metrics,
            named: Default::default(),
        }
    }

    fn pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes kept and not yet taken by the store.
    pub fn len(&self) -> usize {
        self.pending().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `ringing → in_call`; `None`: kept for a retry (the caller is bridged anyway).
    pub async fn answered(
        &self,
        call: &CallId,
        counsellor: &CounsellorId,
        at: DateTime<Utc>,
    ) -> Option<bool> {
        let counsellor = counsellor.clone();
        match self.apply(call, Write::Answered { counsellor }, at).await {
            Some(Applied::Answered(first)) => Some(first),
            _ => None,
        }
    }

    /// See [`Store::ring_failed`]; `None`: kept for a retry.
    pub async fn ring_failed(
        &self,
        call: &CallId,
        counsellor: &CounsellorId,
        at: DateTime<Utc>,
        max_no_answer: u32,
    ) -> Option<RingOutcome> {
        let counsellor = counsellor.clone();
        let write = Write::RingFailed {
            counsellor,
            max_no_answer,
        };
        match self.apply(call, write, at).await {
            Some(Applied::RingFailed(outcome)) => Some(outcome),
            _ => None,
        }
    }

    /// See [`Store::call_ended`]; `None`: kept for a retry.
    pub async fn call_ended(
        &self,
        call: &CallId,
        at: DateTime<Utc>,
        wrap_up: Duration,
    ) -> Option<bool> {
        match self.apply(call, Write::CallEnded { wrap_up }, at).await {
            Some(Applied::CallEnded(ended)) => Some(ended),
            _ => None,
        }
    }

    /// See [`Store::leave`]; `None`: kept for a retry.
    pub async fn leave(&self, call: &CallId, abandoned: bool, at: DateTime<Utc>) -> Option<bool> {
        match self.apply(call, Write::Left { abandoned }, at).await {
            Some(Applied::Left(left)) => Some(left),
            _ => None,
        }
    }

    /// Applies `write` after everything kept before it, or keeps it.
    pub async fn apply(&self, call: &CallId, write: Write, at: DateTime<Utc>) -> Option<Applied> {
        if self.settle().await.is_err() {
            warn!(
                write = write.name(),
                "store writes of earlier callbacks still pending; this one waits behind them"
            );
            self.keep(call, write, at);
            return None;
        }
        match execute(&self.store, call, &write, at).await {
            Ok(applied) => Some(applied),
            Err(e) => {
                warn!(write = write.name(), error = %e, "the store did not take a write; kept for a retry");
                self.keep(call, write, at);
                None
            }
        }
    }

    /// Keeps `write` for the replayer without trying the store now: for a
    /// caller whose store work just failed (a second failing round trip
    /// would only delay the markup they are waiting for).
    pub fn later(&self, call: &CallId, write: Write, at: DateTime<Utc>) {
        self.keep(call, write, at);
    }

    fn keep(&self, call: &CallId, write: Write, at: DateTime<Utc>) {
        let mut p = self.pending();
        // A repeated callback: the write is kept already.
        if p.entries
            .iter()
            .any(|e| e.call == *call && e.write == write)
        {
            return;
        }
        if p.entries.len() >= self.capacity {
            if let Some(old) = p.entries.pop_front() {
                self.metrics
                    .writes_dropped
                    .with_label_values(&["full"])
                    .inc();
                let capacity = self.capacity;
                old.span.in_scope(|| warn!(write = old.write.name(), capacity, "store write journal full; the oldest kept write is dropped (the store's deadlines end what it held)"));
            }
        }
        let seq = p.next_seq;
        p.next_seq += 1;
        p.entries.push_back(Entry {
            seq,
            call: call.clone(),
            write,
            at,
            span: Span::current(),
            refusals: 0,
        });
        self.metrics.writes_pending.set(p.entries.len() as i64);
        self.metrics.writes_kept.inc();
        drop(p);
        self.wake.notify_one();
    }
}
