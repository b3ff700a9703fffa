//! The in-memory store's data and its time-driven transitions: the Rust
//! twin of the helpers at the top of `store.lua` (`move`, `free`, `tick`).
//! Linear scans are fine here: this store serves one instance and one team.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::routing::types::{CounsellorId, CounsellorState, PoolId, Status, Strategy};

pub(super) const DAY_MS: i64 = 86_400_000;
/// Call records are forgotten a day after their last change, like the
/// `EXPIRE` on `call:` keys in Redis.
const CALL_TTL_MS: i64 = DAY_MS;

#[derive(Clone, Debug)]
pub(super) struct Counsellor {
    pub status: Status,
    pub since: i64,
    pub lease: i64,
    pub wrap: i64,
    /// Ring deadline while ringing.
    pub ring: i64,
    pub idle: i64,
    pub rr: i64,
    pub day: i64,
    pub calls: u32,
    pub misses: u32,
    pub call: Option<String>,
    pub pools: Vec<PoolId>,
}

impl Counsellor {
    pub fn new(now: i64, pools: Vec<PoolId>) -> Self {
        Self {
            status: Status::Offline,
            since: now,
            lease: 0,
            wrap: 0,
            ring: 0,
            idle: 0,
            rr: 0,
            day: 0,
            calls: 0,
            misses: 0,
            call: None,
            pools,
        }
    }

    /// Same scores as the `pool:<pool>:<strategy>` sorted sets.
    pub fn score(&self, strategy: Strategy) -> i64 {
        match strategy {
            Strategy::LongestIdle => self.idle,
            Strategy::RoundRobin => self.rr,
            Strategy::FewestCalls => self.day * 1_000_000 + i64::from(self.calls),
        }
    }

    pub fn state(&self, id: &CounsellorId, now: i64) -> CounsellorState {
        let today = now.div_euclid(DAY_MS);
        CounsellorState {
            id: id.clone(),
            status: self.status,
            since: chrono::DateTime::from_timestamp_millis(self.since).unwrap_or_default(),
            calls_today: if self.day == today { self.calls } else { 0 },
        }
    }

    pub fn engaged(&self) -> bool {
        matches!(
            self.status,
            Status::Available | Status::Ringing | Status::InCall | Status::WrapUp
        )
    }

    pub fn move_to(&mut self, status: Status, since: i64) {
        self.status = status;
        self.since = since;
        if !matches!(status, Status::Ringing | Status::InCall | Status::WrapUp) {
            self.call = None;
        }
    }
}

#[derive(Default, Debug)]
pub(super) struct CallRec {
    pub rung: Option<CounsellorId>,
    pub answered: bool,
    pub ended: bool,
    /// Arrival number and pool, kept after a claim so a failed ring puts
    /// the caller back in their old place.
    pub seq: Option<(u64, PoolId)>,
    pub tried: BTreeSet<CounsellorId>,
    pub touched: i64,
}

#[derive(Default, Debug)]
pub(super) struct Model {
    pub team: BTreeMap<CounsellorId, Counsellor>,
    pub calls: HashMap<String, CallRec>,
    pub lines: HashMap<PoolId, BTreeMap<u64, String>>,
    pub line_of: HashMap<String, PoolId>,
    /// Waiting call → its last `enqueue` (ms).
    pub seen: HashMap<String, i64>,
    pub rr_seq: i64,
    pub line_seq: u64,
    pub leases_expired: u64,
    pub auto_away: u64,
    pub abandoned: u64,
    next_sweep: i64,
}

impl Model {
    pub fn expired(&mut self, id: &CounsellorId, at: i64) {
        if let Some(c) = self.team.get_mut(id) {
            c.lease = 0;
            c.move_to(Status::Offline, at);
            self.leases_expired += 1;
        }
    }

    /// A counsellor released by a call is available again only on a live lease.
    pub fn free(&mut self, id: &CounsellorId, at: i64) {
        let Some(c) = self.team.get_mut(id) else {
            return;
        };
        if c.lease > at {
            c.move_to(Status::Available, at);
        } else {
            self.expired(id, at);
        }
    }

    /// Wrap-ups that ended, rings past their deadline (no miss, idle time
    /// kept), then leases that ran out, as `tick()` in Lua.
    pub fn tick(&mut self, now: i64) {
        let due: Vec<_> = self
            .team
            .iter()
            .filter(|(_, c)| c.status == Status::WrapUp && c.wrap <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            let c = self.team.get_mut(&id).expect("listed above");
            c.idle = c.wrap;
            let t = c.wrap;
            self.free(&id, t);
        }
        let due: Vec<_> = self
            .team
            .iter()
            .filter(|(_, c)| c.status == Status::Ringing && c.ring <= now)
            .map(|(id, c)| (id.clone(), c.ring))
            .collect();
        for (id, ring) in due {
            self.free(&id, ring);
        }
        let due: Vec<_> = self
            .team
            .iter()
            .filter(|(_, c)| c.status == Status::Available && c.lease <= now)
            .map(|(id, c)| (id.clone(), c.lease))
            .collect();
        for (id, lease) in due {
            self.expired(&id, lease);
        }
        // Sweeping old call records every operation would cost O(calls);
        // once a minute (of `now`) is plenty for a one-day retention.
        if now >= self.next_sweep {
            self.calls.retain(|_, r| now - r.touched < CALL_TTL_MS);
            self.next_sweep = now + 60_000;
        }
    }

    pub fn rank(&self, call: &str) -> Option<(PoolId, u32)> {
        let pool = self.line_of.get(call)?;
        let line = self.lines.get(pool)?;
        let pos = line.values().position(|c| c == call)?;
        Some((pool.clone(), pos as u32 + 1))
    }

    /// Drops places not refreshed for more than `stale_after` ms, counted
    /// abandoned and without their arrival number, as `prune_line()` in Lua.
    pub fn prune_line(&mut self, now: i64, stale_after: i64) {
        let stale: Vec<_> = self
            .seen
            .iter()
            .filter(|(_, seen)| now - **seen > stale_after)
            .map(|(call, _)| call.clone())
            .collect();
        for call in stale {
            self.unline(&call);
            if let Some(rec) = self.calls.get_mut(&call) {
                rec.seq = None;
            }
            self.abandoned += 1;
        }
    }

    /// Puts `call` in the line of `pool` at arrival number `seq`, seen `now`.
    pub fn join(&mut self, call: &str, seq: u64, pool: PoolId, now: i64) {
        self.lines
            .entry(pool.clone())
            .or_default()
            .insert(seq, call.to_owned());
        self.line_of.insert(call.to_owned(), pool);
        self.seen.insert(call.to_owned(), now);
    }

    pub fn unline(&mut self, call: &str) -> bool {
        self.seen.remove(call);
        let Some(pool) = self.line_of.remove(call) else {
            return false;
        };
        if let Some(line) = self.lines.get_mut(&pool) {
            line.retain(|_, c| c != call);
        }
        true
    }
}
