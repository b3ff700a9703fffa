//! The waiting line of the in-memory store: the Rust twin of `enqueue`,
//! `position` and `leave` in `calls.lua`.

use chrono::{DateTime, Utc};

use super::MemoryStore;
use crate::call::CallId;
use crate::routing::error::Result;
use crate::routing::types::PoolId;

impl MemoryStore {
    pub async fn enqueue(
        &self,
        call: &CallId,
        pool: &PoolId,
        now: DateTime<Utc>,
    ) -> Result<Option<u32>> {
        let (mut m, now) = self.at(now);
        let key = call.as_str();
        if m.calls.get(key).is_some_and(|r| r.ended) {
            return Ok(None);
        }
        if let Some((_, pos)) = m.rank(key) {
            m.seen.insert(key.to_owned(), now);
            return Ok(Some(pos));
        }
        let old = m.calls.get(key).and_then(|r| r.seq.clone());
        let seq = match old {
            Some((seq, p)) if p == *pool => seq,
            _ => {
                m.line_seq += 1;
                m.line_seq
            }
        };
        let rec = m.calls.entry(key.to_owned()).or_default();
        rec.seq = Some((seq, pool.clone()));
        rec.touched = now;
        m.join(key, seq, pool.clone(), now);
        Ok(m.rank(key).map(|(_, pos)| pos))
    }

    pub async fn position(&self, call: &CallId, now: DateTime<Utc>) -> Result<Option<u32>> {
        let (m, _) = self.at(now);
        Ok(m.rank(call.as_str()).map(|(_, pos)| pos))
    }

    pub async fn leave(&self, call: &CallId, abandoned: bool, now: DateTime<Utc>) -> Result<bool> {
        let (mut m, _) = self.at(now);
        let key = call.as_str();
        if let Some(rec) = m.calls.get_mut(key) {
            rec.seq = None;
        }
        if !m.unline(key) {
            return Ok(false);
        }
        if abandoned {
            m.abandoned += 1;
        }
        Ok(true)
    }
}
