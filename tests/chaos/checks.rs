//! What must hold, checked against the store while the world runs (only
//! when Redis is up and every kept write has landed) and once at the end.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use lotse::outbox::JobKey;
use lotse::routing::Status;

use crate::world::{id, Phase, World, TEAM, WRAP_UP_S};

impl World {
    /// Nobody is held by a call that is over, free while their phone rings
    /// or they talk, or in wrap-up longer than `wrap_up_s`.
    pub async fn check_honest(&mut self) {
        let ids: Vec<_> = TEAM.iter().map(|c| id(c)).collect();
        let now = self.instant();
        let Ok(states) = self.nodes[0].app.store.states(&ids, now).await else {
            return;
        };
        for s in states {
            let p = &self.people[s.id.as_str()];
            let wrong = match s.status {
                Status::InCall => p.talking.is_none().then_some("in_call, talking to nobody"),
                Status::Ringing => p.ringing.is_none().then_some("ringing, no phone ringing"),
                Status::WrapUp => (p.talking.is_some()
                    || p.last_end.is_none_or(|end| self.now - end > WRAP_UP_S))
                .then_some("wrap_up, not after a call of the last wrap_up_s"),
                Status::Available => (p.talking.is_some() || p.ringing.is_some())
                    .then_some("available while their phone rings or they talk"),
                _ => None,
            };
            if let Some(what) = wrong {
                let since = (now - s.since).num_seconds();
                self.violation(format!("{}: {what} (store says so for {since} s)", s.id));
            }
        }
    }

    /// Call `i` was just sent back to the hold music: every counsellor of
    /// its pool who is free and whom it has not tried must be kept for a
    /// caller ahead of it in line who has not tried them either (they
    /// take them at their next hold turn, or after their pending ring:
    /// strict FIFO among those who may).
    pub async fn check_fair(&mut self, i: usize) {
        let ids: Vec<_> = TEAM.iter().map(|c| id(c)).collect();
        let now = self.instant();
        let store = self.nodes[0].app.store.clone();
        let Ok(states) = store.states(&ids, now).await else {
            return;
        };
        let place = |sid: &str| {
            let store = store.clone();
            let call = lotse::call::CallId::parse(sid).unwrap();
            async move { store.position(&call, now).await.ok().flatten() }
        };
        let Some(mine) = place(&self.calls[i].sid).await else {
            return;
        };
        let mut ahead = Vec::new();
        for (j, c) in self.calls.iter().enumerate() {
            // A caller being rung keeps their place if the store says so
            // (they rejoin there if the ring fails).
            let waiting = matches!(c.phase, Phase::Holding { .. } | Phase::Ringing);
            if j != i && waiting && place(&c.sid).await.is_some_and(|p| p < mine) {
                ahead.push(j);
            }
        }
        for s in states {
            let who = s.id.as_str();
            let untried = |j: usize| !self.calls[j].tried.contains(who);
            if s.status == Status::Available && untried(i) && !ahead.iter().any(|&j| untried(j)) {
                let line = format!(
                    "t={}s: call {i} (place {mine}) holds while {who} is available, untried, and nobody ahead may take them",
                    self.now
                );
                if self.report.unfair.len() < 10 {
                    self.report.unfair.push(line);
                }
            }
        }
    }

    /// After the last call: once the wrap-ups ran out, every counsellor is
    /// available again (their pages kept signing them in).
    pub async fn check_everyone_back(&mut self) {
        if !self.redis_up {
            self.redis.restart();
            self.redis_up = true;
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.settled() {
            assert!(
                Instant::now() < deadline,
                "kept writes never landed (seed {})",
                self.seed
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.presence().await;
        self.advance(WRAP_UP_S + 1);
        let ids: Vec<_> = TEAM.iter().map(|c| id(c)).collect();
        let states = self.nodes[0]
            .app
            .store
            .states(&ids, self.instant())
            .await
            .expect("store");
        for s in states {
            if s.status != Status::Available {
                self.violation(format!(
                    "{} is {} after the last call",
                    s.id,
                    s.status.as_str()
                ));
            }
        }
        self.check_honest().await;
    }

    /// Every recording Twilio was told was taken became exactly one email.
    pub async fn check_emails(&mut self, maildir: &Path) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut empty = copies(&self.spool) == 0;
            for n in &self.nodes {
                let c = n.app.outbox.queue.counts().await.expect("outbox counts");
                empty &= (c.queued, c.retrying, c.dead) == (0, 0, 0);
            }
            if empty {
                break;
            }
            if Instant::now() > deadline {
                self.violation("the outbox never emptied".into());
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // A few more sender rounds, so that a duplicate would show.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut sent: BTreeMap<String, usize> = BTreeMap::new();
        for path in crate::servers::messages(maildir) {
            let raw = std::fs::read_to_string(&path).unwrap_or_default();
            let id = raw
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Message-ID: ")
                        .or_else(|| l.strip_prefix("Message-Id: "))
                })
                .unwrap_or("none")
                .to_owned();
            *sent.entry(id).or_default() += 1;
        }
        let expected: BTreeMap<String, usize> = self
            .report
            .recordings
            .iter()
            .map(|r| (format!("<{}.voicemail@lotse>", JobKey::of(r)), 1))
            .collect();
        if sent != expected {
            let missing: Vec<_> = expected.keys().filter(|k| !sent.contains_key(*k)).collect();
            let extra: Vec<_> = sent
                .iter()
                .filter(|(k, n)| **n != 1 || !expected.contains_key(*k))
                .collect();
            self.violation(format!(
                "emails: missing {missing:?}, duplicated or unknown {extra:?}"
            ));
        }
    }
}

fn copies(spool: &Path) -> usize {
    std::fs::read_dir(spool.join("custody"))
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
            })
            .count()
        })
        .unwrap_or(0)
}
