//! The waiting line of the in-memory store and who may take a free
//! counsellor: the Rust twin of `line.lua`, plus the `enqueue`, `position`
//! and `leave` operations of `ops.lua`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::model::{Model, Place};
use super::MemoryStore;
use crate::call::CallId;
use crate::routing::error::Result;
use crate::routing::types::{CounsellorId, PoolId, Strategy};

impl Model {
    fn tried_of(&self, call: &str) -> Vec<CounsellorId> {
        self.calls
            .get(call)
            .map(|r| r.tried.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Puts `call` in the line of `pool` at arrival number `seq`, seen `now`.
    pub fn join(&mut self, call: &str, seq: u64, pool: PoolId, now: i64) {
        self.unline(call);
        for id in self.tried_of(call) {
            let key = (pool.clone(), id);
            self.tried_waiting.entry(key).or_default().insert(seq, ());
        }
        self.lines
            .entry(pool.clone())
            .or_default()
            .insert(seq, call.to_owned());
        self.seen.insert((now, call.to_owned()));
        let place = Place {
            pool,
            seq,
            seen: now,
        };
        self.line_of.insert(call.to_owned(), place);
    }

    pub fn unline(&mut self, call: &str) -> bool {
        let Some(place) = self.line_of.remove(call) else {
            return false;
        };
        self.seen.remove(&(place.seen, call.to_owned()));
        if let Some(line) = self.lines.get_mut(&place.pool) {
            line.remove(place.seq);
        }
        for id in self.tried_of(call) {
            let key = (place.pool.clone(), id);
            if let Some(waiting) = self.tried_waiting.get_mut(&key) {
                waiting.remove(place.seq);
                if waiting.is_empty() {
                    self.tried_waiting.remove(&key);
                }
            }
        }
        true
    }

    pub fn rank(&self, call: &str) -> Option<(PoolId, u32)> {
        let place = self.line_of.get(call)?;
        let below = self.lines.get(&place.pool)?.below(place.seq);
        Some((place.pool.clone(), below as u32 + 1))
    }

    /// Drops places not refreshed for more than `stale_after` ms, counted
    /// abandoned and without their arrival number, as `prune_line()` in Lua.
    pub fn prune_line(&mut self, now: i64, stale_after: i64) {
        while let Some((seen, call)) = self.seen.first().cloned() {
            if now - seen <= stale_after {
                break;
            }
            self.unline(&call);
            if let Some(rec) = self.calls.get_mut(&call) {
                rec.seq = None;
            }
            self.abandoned += 1;
        }
    }

    /// Joins the line of `pool` or, already waiting, marks the caller as
    /// still there; the 1-based position, as `enqueue` in `line.lua`.
    pub fn enqueue(&mut self, call: &str, pool: &PoolId, now: i64) -> u32 {
        if let Some(place) = self.line_of.get_mut(call) {
            self.seen.remove(&(place.seen, call.to_owned()));
            place.seen = now;
            self.seen.insert((now, call.to_owned()));
            return self.rank(call).map_or(0, |(_, pos)| pos);
        }
        let old = self.calls.get(call).and_then(|r| r.seq.clone());
        let seq = match old {
            Some((seq, p)) if p == *pool => seq,
            _ => {
                self.line_seq += 1;
                self.line_seq
            }
        };
        let rec = self.calls.entry(call.to_owned()).or_default();
        rec.seq = Some((seq, pool.clone()));
        self.join(call, seq, pool.clone(), now);
        self.touch(call, now);
        self.rank(call).map_or(0, |(_, pos)| pos)
    }

    /// Whom `call` may take from `pool` by `strategy`, never one in
    /// `tried`, as `choose` in `line.lua`: the first in line (or anyone when
    /// nobody waits) takes the best untried counsellor; anyone behind only
    /// one that every caller ahead has tried, found among those the first
    /// in line tried.
    pub fn choose(
        &self,
        call: &str,
        pool: &PoolId,
        strategy: Strategy,
        tried: &BTreeSet<CounsellorId>,
    ) -> Option<CounsellorId> {
        let free = self.sets.available(pool, strategy)?;
        let line = self.lines.get(pool);
        // At their arrival number (kept while a ring is pending), else
        // behind everyone waiting, as in `line.lua`.
        let mine = self
            .calls
            .get(call)
            .and_then(|r| r.seq.as_ref())
            .filter(|(_, p)| p == pool)
            .map(|(seq, _)| *seq);
        let ahead = match (line, mine) {
            (Some(line), Some(seq)) => line.below(seq),
            (Some(line), None) => line.len(),
            (None, _) => 0,
        };
        if ahead == 0 {
            return free
                .iter()
                .find(|(_, id)| !tried.contains(id))
                .map(|(_, id)| id.clone());
        }
        let (_, head) = line?.first()?;
        let head_tried = &self.calls.get(head)?.tried;
        head_tried
            .iter()
            .filter(|id| !tried.contains(*id))
            .filter_map(|id| {
                let c = self.team.get(id)?;
                free.contains(&(c.score(strategy), id.clone()))
                    .then(|| (c.score(strategy), id))
            })
            .filter(|(_, id)| {
                let key = (pool.clone(), (*id).clone());
                let waiting = self.tried_waiting.get(&key);
                let passed = waiting.map_or(0, |w| mine.map_or(w.len(), |seq| w.below(seq)));
                passed == ahead
            })
            .min()
            .map(|(_, id)| id.clone())
    }
}

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
        Ok(Some(m.enqueue(key, pool, now)))
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
