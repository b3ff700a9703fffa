//! [`Store`]: the one handle the flow engine and the HTTP layer hold. It
//! dispatches to Redis (shared by many instances) or memory (one instance);
//! both follow the same rules, proven by `tests/store_contract`.
//!
//! Every operation takes the instant it happens at; neither store reads the
//! clock. Time-driven changes (a lease running out, a wrap-up ending, a
//! ring past its deadline, a place in line not refreshed) are applied lazily
//! at the start of whichever operation comes next, so results depend only
//! on the sequence of calls and their `now`s.
//!
//! Cost: no operation reads the whole team or the whole line. Who is on
//! duty per pool is kept as states change; claims read the head of a
//! sorted set; every time-driven change is found once by its deadline.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::error::Result;
use super::memory::MemoryStore;
use super::redis_store::RedisStore;
use super::types::{Stats, StoreEvent};

/// How long a place in line lasts without a fresh [`Store::enqueue`]
/// unless the store is built with [`Store::with_line_stale_after`]. Callers
/// on hold re-enqueue about every 15 s, so this misses three refreshes.
pub const LINE_STALE_AFTER: Duration = Duration::from_secs(60);

/// Added to the ring timeout given to [`Store::claim`]: a ring still
/// pending this long after the dial gave up lost both its result and its
/// status callback, and the counsellor is freed.
pub const RING_GRACE: Duration = Duration::from_secs(30);

/// How long a call may stay `in_call` unless the store is built with
/// [`Store::with_max_call`]: Twilio's own `<Dial timeLimit>` default.
pub const MAX_CALL: Duration = Duration::from_secs(14_400);

/// Added to `max_call`: the provider ends the call at its time limit, and
/// its callbacks get this long to arrive before the store ends the call
/// itself.
pub const CALL_GRACE: Duration = Duration::from_secs(120);

#[derive(Clone)]
pub enum Store {
    Redis(RedisStore),
    Memory(MemoryStore),
}

/// Forwards an operation to whichever store this is; `calls` and
/// `presence` use it for their halves of the API.
macro_rules! dispatch {
    ($self:ident . $op:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Redis(s) => s.$op($($arg),*).await,
            Store::Memory(s) => s.$op($($arg),*).await,
        }
    };
}

mod calls;
mod presence;

impl Store {
    /// The same store, but a place in line not refreshed by `enqueue` for
    /// longer than `stale_after` counts as a caller who hung up unheard
    /// (default [`LINE_STALE_AFTER`]). Every instance sharing one Redis
    /// should use the same value.
    pub fn with_line_stale_after(self, stale_after: Duration) -> Self {
        match self {
            Store::Redis(s) => Store::Redis(s.with_line_stale_after(stale_after)),
            Store::Memory(s) => Store::Memory(s.with_line_stale_after(stale_after)),
        }
    }

    /// The small shared records (`crate::kv`) that belong with this store:
    /// in the same Redis under the same prefix, or a fresh memory twin.
    pub fn kv(&self) -> crate::kv::Kv {
        match self {
            Store::Redis(s) => crate::kv::Kv::Redis(s.kv()),
            Store::Memory(_) => crate::kv::Kv::Memory(crate::kv::MemoryKv::new()),
        }
    }

    /// The same store, but a call `in_call` longer than `max_call` plus
    /// [`CALL_GRACE`] lost its end (the instance that would have recorded
    /// it died, or the write failed): the store ends it as the status
    /// callback would have, frees the counsellor, counts it
    /// ([`Stats::calls_force_ended`]) and reports it ([`Store::take_events`]).
    /// Default [`MAX_CALL`]; every instance sharing one Redis should use the
    /// same value.
    pub fn with_max_call(self, max_call: Duration) -> Self {
        match self {
            Store::Redis(s) => Store::Redis(s.with_max_call(max_call)),
            Store::Memory(s) => Store::Memory(s.with_max_call(max_call)),
        }
    }

    /// For `/readyz`: can the store answer right now?
    pub async fn ping(&self) -> Result<()> {
        dispatch!(self.ping())
    }

    pub async fn waiting_count(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(self.stats(now).await?.waiting)
    }

    /// Gauges and counters for `/metrics`; a handful of reads, not a scan.
    pub async fn stats(&self, now: DateTime<Utc>) -> Result<Stats> {
        dispatch!(self.stats(now))
    }

    /// What the store did on its own since the last call, oldest first (at
    /// most the last 64), each handed to exactly one caller: with several
    /// instances, whichever asks logs it.
    pub async fn take_events(&self, now: DateTime<Utc>) -> Result<Vec<StoreEvent>> {
        dispatch!(self.take_events(now))
    }
}
