//! Who to ring: counsellor presence (with expiring leases), the atomic
//! claim of a free counsellor for a call, the ring/answer/end bookkeeping,
//! and the per-pool FIFO waiting line.
//!
//! # Layout
//! - `types`: ids, statuses, strategies and what the store reports.
//! - [`Store`] (`store`): the handle callers hold, its counsellor side in
//!   `store/presence` and its caller side in `store/calls`; dispatches to
//! - `redis_store` (+ `redis_conn`, `redis_reply`, `redis_script`) + `store.lua`/`line.lua`/
//!   `ops.lua`: the shared store, one Lua function call per operation, keys as laid out in `keys`;
//! - `memory`: the same rules for a single instance, without Redis.
//! - `error`: [`StoreError`], which callers turn into fallback markup.
//! - `roster`: registers the configured team in the store, again and again.
//!
//! This module holds counsellor ids, pool names and call ids only; it never
//! sees a phone number.

mod error;
mod keys;
mod memory;
mod redis_conn;
mod redis_reply;
mod redis_script;
mod redis_store;
mod roster;
mod store;
mod types;

pub use error::StoreError;
pub use keys::KeyPrefix;
pub use memory::MemoryStore;
pub use redis_conn::RedisTimeouts;
pub(crate) use redis_conn::{stale as connection_went_stale, Conn};
pub use redis_store::RedisStore;
pub use roster::{keep_registered, log_events, register_all, Member};
pub use store::{Store, CALL_GRACE, LINE_STALE_AFTER, MAX_CALL, RING_GRACE};
pub use types::{
    CounsellorId, CounsellorState, Hold, PoolId, Presence, RingOutcome, Stats, Status, StoreEvent,
    Strategy,
};
