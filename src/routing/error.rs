//! The one error type of the routing store. Callers turn any of these into
//! fallback markup for the caller; none of them is worth a panic.

use redis::RedisError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Redis unreachable, timed out, or refused the command. The connection
    /// manager reconnects on its own; the next operation may succeed.
    #[error("redis store unavailable")]
    Redis(#[from] RedisError),
    /// The id was never registered with the store (not on the roster).
    #[error("unknown counsellor {0}")]
    UnknownCounsellor(String),
    /// Redis answered in a shape the script never produces: a version skew
    /// between instances, or a bug.
    #[error("unexpected reply from the routing store: {0}")]
    Protocol(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
