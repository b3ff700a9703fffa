//! Decoding the routing script's replies into typed results. A reply of an
//! unexpected shape is a `StoreError::Protocol`, never a panic.

use chrono::DateTime;
use redis::{FromRedisValue, Value};

use super::error::{Result, StoreError};
use super::types::{CounsellorId, CounsellorState};

pub(super) fn protocol(what: &str, got: &str) -> StoreError {
    StoreError::Protocol(format!("{what}: {got}"))
}

pub(super) fn one_state(reply: Vec<Value>, id: &CounsellorId) -> Result<CounsellorState> {
    if reply.is_empty() {
        return Err(StoreError::UnknownCounsellor(id.to_string()));
    }
    parse_states(reply)?
        .pop()
        .ok_or_else(|| protocol("state", "empty"))
}

/// The script flattens each state to `[id, status, since_ms, calls_today]`.
pub(super) fn parse_states(reply: Vec<Value>) -> Result<Vec<CounsellorState>> {
    let bad = |e: redis::ParsingError| protocol("state", &e.to_string());
    let mut out = Vec::with_capacity(reply.len() / 4);
    let mut it = reply.into_iter();
    while let (Some(id), Some(status), Some(since), Some(calls)) =
        (it.next(), it.next(), it.next(), it.next())
    {
        let id = String::from_redis_value(id).map_err(bad)?;
        let status = String::from_redis_value(status).map_err(bad)?;
        let since = i64::from_redis_value(since).map_err(bad)?;
        out.push(CounsellorState {
            id: CounsellorId::parse(&id).ok_or_else(|| protocol("id", &id))?,
            status: status.parse().map_err(|e: String| protocol("status", &e))?,
            since: DateTime::from_timestamp_millis(since)
                .ok_or_else(|| protocol("since", &since.to_string()))?,
            calls_today: u32::from_redis_value(calls).map_err(bad)?,
        });
    }
    Ok(out)
}
