//! Call operations of the in-memory store: the Rust twin of the call
//! branches of `ops.lua`.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::model::{Model, DAY_MS};
use super::{ms, MemoryStore};
use crate::call::CallId;
use crate::routing::error::Result;
use crate::routing::store::RING_GRACE;
use crate::routing::types::{CounsellorId, Hold, PoolId, RingOutcome, Status, Strategy};

/// Like `MAX_TRIED` in `ops.lua`.
const MAX_TRIED: usize = 32;

impl Model {
    /// One hold turn, as the `claim` branch of `ops.lua`.
    fn hold(
        &mut self,
        call: &str,
        pool: &PoolId,
        strategy: Strategy,
        now: i64,
        ring_ms: i64,
        wait: bool,
    ) -> Hold {
        let Some(rec) = self.calls.get(call) else {
            return self.claim_new(call, pool, strategy, now, ring_ms, wait);
        };
        if rec.ended || rec.answered {
            return Hold::Over;
        }
        if let Some(rung) = rec.rung.clone() {
            let pending = self
                .team
                .get(&rung)
                .is_some_and(|c| c.status == Status::Ringing && c.call.as_deref() == Some(call));
            if pending {
                return Hold::Ring(rung);
            }
        }
        self.claim_new(call, pool, strategy, now, ring_ms, wait)
    }

    fn claim_new(
        &mut self,
        call: &str,
        pool: &PoolId,
        strategy: Strategy,
        now: i64,
        ring_ms: i64,
        wait: bool,
    ) -> Hold {
        let tried = self
            .calls
            .get(call)
            .map(|r| r.tried.clone())
            .unwrap_or_default();
        let winner = if tried.len() < MAX_TRIED {
            self.choose(call, pool, strategy, &tried)
        } else {
            None
        };
        if let Some(winner) = winner {
            self.rr_seq += 1;
            let rr = self.rr_seq;
            self.update(&winner, |c| {
                c.rr = rr;
                c.call = Some(call.to_owned());
                c.ring = now + ring_ms;
                c.move_to(Status::Ringing, now);
            });
            self.unline(call);
            let rec = self.calls.entry(call.to_owned()).or_default();
            rec.tried.insert(winner.clone());
            rec.rung = Some(winner.clone());
            self.touch(call, now);
            return Hold::Ring(winner);
        }
        if !wait {
            return Hold::Nobody { on_duty: 0 };
        }
        let duty = self.sets.on_duty(pool);
        let on_duty = duty.map_or(0, |d| d.len()) as u32;
        let tried_on_duty = tried
            .iter()
            .filter(|id| duty.is_some_and(|d| d.contains(*id)))
            .count() as u32;
        if on_duty <= tried_on_duty {
            if let Some(rec) = self.calls.get_mut(call) {
                rec.seq = None;
            }
            self.unline(call);
            return Hold::Nobody { on_duty };
        }
        let position = self.enqueue(call, pool, now);
        Hold::Wait { position, on_duty }
    }
}

impl MemoryStore {
    pub async fn claim(
        &self,
        call: &CallId,
        pool: &PoolId,
        strategy: Strategy,
        now: DateTime<Utc>,
        ring_timeout: Duration,
    ) -> Result<Option<CounsellorId>> {
        match self
            .claim_or(call, pool, strategy, now, ring_timeout, false)
            .await
        {
            Hold::Ring(id) => Ok(Some(id)),
            _ => Ok(None),
        }
    }

    pub async fn claim_or_wait(
        &self,
        call: &CallId,
        pool: &PoolId,
        strategy: Strategy,
        now: DateTime<Utc>,
        ring_timeout: Duration,
    ) -> Result<Hold> {
        Ok(self
            .claim_or(call, pool, strategy, now, ring_timeout, true)
            .await)
    }

    async fn claim_or(
        &self,
        call: &CallId,
        pool: &PoolId,
        strategy: Strategy,
        now: DateTime<Utc>,
        ring_timeout: Duration,
        wait: bool,
    ) -> Hold {
        let (mut m, now) = self.at(now);
        let ring_ms = ms(ring_timeout.saturating_add(RING_GRACE));
        m.hold(call.as_str(), pool, strategy, now, ring_ms, wait)
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
        let (ended, rung) = (rec.ended, rec.rung.clone());
        m.touch(key, now);
        let max_call = self.max_call;
        m.update(id, |c| {
            let day = now.div_euclid(DAY_MS);
            if c.day != day {
                c.day = day;
                c.calls = 0;
            }
            c.calls += 1;
            c.misses = 0;
            let ringing = c.status == Status::Ringing && c.call.as_deref() == Some(key);
            // Late while the call goes on: hold them (see `ops.lua`).
            let late = !ended && rung.as_ref() == Some(id) && c.status == Status::Available;
            if ringing || late {
                c.call = Some(key.to_owned());
                c.talk = now + max_call;
                c.move_to(Status::InCall, now);
            }
        });
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
        let Some(c) = m.team.get(id) else {
            return Ok(RingOutcome {
                took_call,
                ..RingOutcome::default()
            });
        };
        if c.status != Status::Ringing || c.call.as_deref() != Some(key) {
            return Ok(RingOutcome {
                consecutive_misses: c.misses,
                took_call,
                ..RingOutcome::default()
            });
        }
        let misses = c.misses + 1;
        let auto_away = max_no_answer > 0 && misses >= max_no_answer;
        m.update(id, |c| {
            c.misses = misses;
            if auto_away {
                c.lease = 0;
                c.move_to(Status::Away, now);
            }
        });
        if auto_away {
            m.auto_away += 1;
        } else {
            m.free(id, now);
        }
        Ok(RingOutcome {
            applied: true,
            consecutive_misses: misses,
            auto_away,
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
        let rung = rec.rung.clone();
        m.touch(key, now);
        if m.unline(key) {
            m.abandoned += 1;
        }
        let Some(rung) = rung else { return Ok(true) };
        let status = match m.team.get(&rung) {
            Some(c) if c.call.as_deref() == Some(key) => c.status,
            _ => return Ok(true),
        };
        match status {
            Status::InCall => {
                m.update(&rung, |c| {
                    c.wrap = now + ms(wrap_up);
                    c.move_to(Status::WrapUp, now);
                });
            }
            Status::Ringing => m.free(&rung, now),
            _ => {}
        }
        Ok(true)
    }
}
