//! Call operations of the in-memory store: the Rust twin of `calls.lua`.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::model::DAY_MS;
use super::{ms, MemoryStore};
use crate::call::CallId;
use crate::routing::error::Result;
use crate::routing::store::RING_GRACE;
use crate::routing::types::{CounsellorId, PoolId, RingOutcome, Status, Strategy};

impl MemoryStore {
    pub async fn claim(
        &self,
        call: &CallId,
        pool: &PoolId,
        strategy: Strategy,
        now: DateTime<Utc>,
        ring_timeout: Duration,
    ) -> Result<Option<CounsellorId>> {
        let (mut m, now) = self.at(now);
        let key = call.as_str();
        let rec = m.calls.entry(key.to_owned()).or_default();
        if rec.ended {
            return Ok(None);
        }
        let (pending, tried) = (
            rec.rung.clone().filter(|_| !rec.answered),
            rec.tried.clone(),
        );
        if let Some(rung) = pending {
            let ringing = m
                .team
                .get(&rung)
                .is_some_and(|c| c.status == Status::Ringing && c.call.as_deref() == Some(key));
            if ringing {
                return Ok(Some(rung));
            }
        }
        let in_line = m.line_of.get(key) == Some(pool);
        let head = m.lines.get(pool).and_then(|l| l.values().next());
        match head {
            Some(h) if !(in_line && h == key) => return Ok(None),
            _ => {}
        }
        let winner = m
            .team
            .iter()
            .filter(|(id, c)| {
                c.status == Status::Available && c.pools.contains(pool) && !tried.contains(*id)
            })
            .min_by_key(|(id, c)| (c.score(strategy), (*id).clone()))
            .map(|(id, _)| id.clone());
        let Some(winner) = winner else {
            return Ok(None);
        };
        m.rr_seq += 1;
        let rr = m.rr_seq;
        let c = m.team.get_mut(&winner).expect("picked above");
        c.rr = rr;
        c.call = Some(key.to_owned());
        c.ring = now + ms(ring_timeout.saturating_add(RING_GRACE));
        c.move_to(Status::Ringing, now);
        let rec = m.calls.get_mut(key).expect("created above");
        rec.tried.insert(winner.clone());
        rec.rung = Some(winner.clone());
        rec.touched = now;
        if in_line {
            m.unline(key);
        }
        Ok(Some(winner))
    }

    pub async fn answered(
        &self,
        call: &CallId,
        id: &CounsellorId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let (mut m, now) = self.at(now);
        let key = call.as_str();
        let Some(rec) = m.calls.get_mut(key) else {
            return Ok(false);
        };
        if !rec.tried.contains(id) || rec.answered {
            return Ok(false);
        }
        rec.answered = true;
        rec.touched = now;
        let Some(c) = m.team.get_mut(id) else {
            return Ok(true);
        };
        let day = now.div_euclid(DAY_MS);
        if c.day != day {
            c.day = day;
            c.calls = 0;
        }
        c.calls += 1;
        c.misses = 0;
        if c.status == Status::Ringing && c.call.as_deref() == Some(key) {
            c.move_to(Status::InCall, now);
        }
        Ok(true)
    }

    pub async fn ring_failed(
        &self,
        call: &CallId,
        id: &CounsellorId,
        now: DateTime<Utc>,
        max_no_answer: u32,
    ) -> Result<RingOutcome> {
        let (mut m, now) = self.at(now);
        let key = call.as_str();
        let mut requeue = None;
        let took_call = m
            .calls
            .get(key)
            .is_some_and(|rec| rec.answered && rec.rung.as_ref() == Some(id));
        if let Some(rec) = m.calls.get_mut(key) {
            if rec.rung.as_ref() == Some(id) && !rec.answered {
                rec.rung = None;
                if !rec.ended {
                    requeue = rec.seq.clone();
                }
            }
        }
        if let Some((seq, pool)) = requeue {
            m.join(key, seq, pool, now);
        }
        let Some(c) = m.team.get_mut(id) else {
            return Ok(RingOutcome {
                took_call,
                ..RingOutcome::default()
            });
        };
        if c.status != Status::Ringing || c.call.as_deref() != Some(key) {
            let misses = c.misses;
            return Ok(RingOutcome {
                applied: false,
                consecutive_misses: misses,
                auto_away: false,
                took_call,
            });
        }
        c.misses += 1;
        let misses = c.misses;
        if max_no_answer > 0 && misses >= max_no_answer {
            c.lease = 0;
            c.move_to(Status::Away, now);
            m.auto_away += 1;
            return Ok(RingOutcome {
                applied: true,
                consecutive_misses: misses,
                auto_away: true,
                took_call,
            });
        }
        m.free(id, now);
        Ok(RingOutcome {
            applied: true,
            consecutive_misses: misses,
            auto_away: false,
            took_call,
        })
    }

    pub async fn call_ended(
        &self,
        call: &CallId,
        now: DateTime<Utc>,
        wrap_up: Duration,
    ) -> Result<bool> {
        let (mut m, now) = self.at(now);
        let key = call.as_str();
        let rec = m.calls.entry(key.to_owned()).or_default();
        if rec.ended {
            return Ok(false);
        }
        rec.ended = true;
        rec.touched = now;
        let rung = rec.rung.clone();
        if m.unline(key) {
            m.abandoned += 1;
        }
        let Some(rung) = rung else { return Ok(true) };
        let Some(c) = m.team.get_mut(&rung) else {
            return Ok(true);
        };
        if c.call.as_deref() != Some(key) {
            return Ok(true);
        }
        match c.status {
            Status::InCall => {
                c.wrap = now + ms(wrap_up);
                c.move_to(Status::WrapUp, now);
            }
            Status::Ringing => m.free(&rung, now),
            _ => {}
        }
        Ok(true)
    }
}
