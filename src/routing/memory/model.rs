//! The in-memory store's data and its time-driven transitions: the Rust
//! twin of the helpers in `store.lua` (`move`, `free`, `force_end`,
//! `tick`). Every change to a counsellor goes through [`Model::update`],
//! which keeps the ordered indexes in `sets` in step, so no operation
//! scans the team.

use std::collections::{BTreeSet, HashMap, VecDeque};

use super::ranked::Ranked;
use super::sets::Sets;
use crate::routing::types::{CounsellorId, CounsellorState, PoolId, Status, StoreEvent, Strategy};

pub(super) const DAY_MS: i64 = 86_400_000;
/// Call records are forgotten a day after their last change, like the
/// `EXPIRE` on `call:` keys in Redis.
const CALL_TTL_MS: i64 = DAY_MS;
/// Like `EVENTS_KEPT` in `store.lua`.
const EVENTS_KEPT: usize = 64;

#[derive(Clone, Debug)]
pub(super) struct Counsellor {
    pub status: Status,
    pub since: i64,
    pub lease: i64,
    pub wrap: i64,
    /// Ring deadline while ringing.
    pub ring: i64,
    /// Deadline of the call while in call.
    pub talk: i64,
    pub idle: i64,
    pub rr: i64,
    pub day: i64,
    pub calls: u32,
    pub misses: u32,
    pub call: Option<String>,
    pub pools: Vec<PoolId>,
    /// Registered and nobody set a status since (see `heartbeat`).
    pub fresh: bool,
}

impl Counsellor {
    pub fn new(now: i64, pools: Vec<PoolId>) -> Self {
        Self {
            status: Status::Offline,
            since: now,
            lease: 0,
            wrap: 0,
            ring: 0,
            talk: 0,
            idle: 0,
            rr: 0,
            day: 0,
            calls: 0,
            misses: 0,
            call: None,
            pools,
            fresh: true,
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
        engaged(self.status)
    }

    /// Only inside [`Model::update`], which re-indexes afterwards.
    pub fn move_to(&mut self, status: Status, since: i64) {
        self.status = status;
        self.since = since;
        self.fresh = false;
        if !matches!(status, Status::Ringing | Status::InCall | Status::WrapUp) {
            self.call = None;
        }
    }
}

pub(super) fn engaged(status: Status) -> bool {
    matches!(
        status,
        Status::Available | Status::Ringing | Status::InCall | Status::WrapUp
    )
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

/// A waiting call: its pool, arrival number and last `enqueue`.
#[derive(Clone, Debug)]
pub(super) struct Place {
    pub pool: PoolId,
    pub seq: u64,
    pub seen: i64,
}

#[derive(Default, Debug)]
pub(super) struct Model {
    pub team: HashMap<CounsellorId, Counsellor>,
    pub sets: Sets,
    pub calls: HashMap<String, CallRec>,
    /// Call records by their last change, to forget them after a day.
    pub touched: BTreeSet<(i64, String)>,
    /// Per pool: arrival number → waiting call.
    pub lines: HashMap<PoolId, Ranked<String>>,
    pub line_of: HashMap<String, Place>,
    /// Waiting calls by their last `enqueue` (ms).
    pub seen: BTreeSet<(i64, String)>,
    /// Per pool and counsellor: arrival numbers of waiting calls that
    /// tried them (`tw:<pool>:<id>` in Redis).
    pub tried_waiting: HashMap<(PoolId, CounsellorId), Ranked<()>>,
    pub rr_seq: i64,
    pub line_seq: u64,
    pub leases_expired: u64,
    pub auto_away: u64,
    pub abandoned: u64,
    pub calls_force_ended: u64,
    pub events: VecDeque<StoreEvent>,
}

impl Model {
    /// Changes one counsellor and keeps every index in step: out of the
    /// sets as they were, `f`, back in as they are now. `None` if unknown.
    pub fn update<R>(
        &mut self,
        id: &CounsellorId,
        f: impl FnOnce(&mut Counsellor) -> R,
    ) -> Option<R> {
        let c = self.team.get_mut(id)?;
        self.sets.apply(id, c, false);
        let out = f(c);
        self.sets.apply(id, c, true);
        Some(out)
    }

    pub fn insert(&mut self, id: &CounsellorId, c: Counsellor) {
        self.sets.apply(id, &c, true);
        self.team.insert(id.clone(), c);
    }

    pub fn expired(&mut self, id: &CounsellorId, at: i64) {
        let moved = self.update(id, |c| {
            c.lease = 0;
            c.move_to(Status::Offline, at);
        });
        if moved.is_some() {
            self.leases_expired += 1;
        }
    }

    /// A counsellor released by a call is available again only on a live lease.
    pub fn free(&mut self, id: &CounsellorId, at: i64) {
        let live = self.update(id, |c| {
            let live = c.lease > at;
            if live {
                c.move_to(Status::Available, at);
            }
            live
        });
        if live == Some(false) {
            self.expired(id, at);
        }
    }

    /// Ends a call `in_call` past its deadline, as `force_end` in Lua.
    fn force_end(&mut self, id: &CounsellorId, now: i64) {
        let Some((t, call)) = self.update(id, |c| {
            c.idle = c.talk;
            (c.talk, c.call.clone())
        }) else {
            return;
        };
        if let Some(call) = call {
            let rec = self.calls.entry(call.clone()).or_default();
            rec.ended = true;
            self.touch(&call, now);
        }
        self.free(id, t);
        self.calls_force_ended += 1;
        self.event(StoreEvent::CallForceEnded(id.clone()));
    }

    pub fn event(&mut self, e: StoreEvent) {
        self.events.push_back(e);
        while self.events.len() > EVENTS_KEPT {
            self.events.pop_front();
        }
    }

    /// Marks a call record changed at `now` (it lives a day from here).
    pub fn touch(&mut self, call: &str, now: i64) {
        let Some(rec) = self.calls.get_mut(call) else {
            return;
        };
        self.touched.remove(&(rec.touched, call.to_owned()));
        rec.touched = now;
        self.touched.insert((now, call.to_owned()));
    }

    /// Wrap-ups that ended, rings past their deadline (no miss, idle time
    /// kept), calls past `max_call`, then leases that ran out, as `tick()`
    /// in Lua; each found by its deadline, then old call records.
    pub fn tick(&mut self, now: i64) {
        while let Some((t, id)) = due(&self.sets.wraps, now) {
            self.update(&id, |c| c.idle = t);
            self.free(&id, t);
        }
        while let Some((t, id)) = due(&self.sets.rings, now) {
            self.free(&id, t);
        }
        while let Some((_, id)) = due(&self.sets.talks, now) {
            self.force_end(&id, now);
        }
        while let Some((t, id)) = due(&self.sets.leases, now) {
            self.expired(&id, t);
        }
        while let Some((t, call)) = self.touched.first().cloned() {
            if now - t < CALL_TTL_MS {
                break;
            }
            self.touched.pop_first();
            self.calls.remove(&call);
        }
    }
}

fn due(set: &BTreeSet<(i64, CounsellorId)>, now: i64) -> Option<(i64, CounsellorId)> {
    set.first().filter(|(t, _)| *t <= now).cloned()
}
