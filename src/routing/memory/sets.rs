//! The in-memory twin of the sets `store.lua` keeps beside each counsellor
//! hash (`sets()` there): who is in which status, who is on duty per pool,
//! the available by pool and strategy score, and the held by deadline.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::model::{engaged, Counsellor};
use crate::routing::types::{CounsellorId, PoolId, Status, Strategy};

const STRATEGIES: [Strategy; 3] = [
    Strategy::LongestIdle,
    Strategy::RoundRobin,
    Strategy::FewestCalls,
];

pub(super) type ByScore = BTreeSet<(i64, CounsellorId)>;

#[derive(Default, Debug)]
pub(super) struct Sets {
    /// Counsellors per status, in `Status::ALL` order.
    pub by_status: [u64; 6],
    /// Engaged members of each pool (`duty:<pool>`).
    pub duty: HashMap<PoolId, HashSet<CounsellorId>>,
    /// Available members of each pool by strategy score, in `STRATEGIES`
    /// order (`pool:<pool>:<strategy>`).
    pub pools: HashMap<PoolId, [ByScore; 3]>,
    pub leases: ByScore,
    pub rings: ByScore,
    pub wraps: ByScore,
    pub talks: ByScore,
}

impl Sets {
    /// Adds (`add`) or removes one counsellor as `c` says.
    pub fn apply(&mut self, id: &CounsellorId, c: &Counsellor, add: bool) {
        let i = Status::ALL.iter().position(|s| *s == c.status).unwrap_or(0);
        if add {
            self.by_status[i] += 1;
        } else {
            self.by_status[i] = self.by_status[i].saturating_sub(1);
        }
        if engaged(c.status) {
            for p in &c.pools {
                let members = self.duty.entry(p.clone()).or_default();
                if add {
                    members.insert(id.clone());
                } else {
                    members.remove(id);
                }
            }
        }
        let entry = |set: &mut ByScore, score: i64| {
            if add {
                set.insert((score, id.clone()));
            } else {
                set.remove(&(score, id.clone()));
            }
        };
        match c.status {
            Status::Available => {
                entry(&mut self.leases, c.lease);
                for p in &c.pools {
                    let sets = self.pools.entry(p.clone()).or_default();
                    for (set, s) in sets.iter_mut().zip(STRATEGIES) {
                        entry(set, c.score(s));
                    }
                }
            }
            Status::Ringing => entry(&mut self.rings, c.ring),
            Status::WrapUp => entry(&mut self.wraps, c.wrap),
            Status::InCall => entry(&mut self.talks, c.talk),
            Status::Offline | Status::Away => {}
        }
    }

    /// The available members of `pool` in `strategy` order.
    pub fn available(&self, pool: &PoolId, strategy: Strategy) -> Option<&ByScore> {
        let i = STRATEGIES.iter().position(|s| *s == strategy)?;
        Some(&self.pools.get(pool)?[i])
    }

    pub fn on_duty(&self, pool: &PoolId) -> Option<&HashSet<CounsellorId>> {
        self.duty.get(pool)
    }
}
