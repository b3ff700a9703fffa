//! Where one hotline's routing data lives in Redis.
//!
//! Every key is `<namespace>:{<hotline>}:<suffix>`. The braces are a Redis
//! Cluster hash tag: all keys of a hotline hash to one slot, so the single
//! script that touches many of them runs unchanged on a cluster. The script
//! receives only the prefix as `KEYS[1]` (cluster clients route by it) and
//! derives every other key from it; the suffixes are:
//!
//! | suffix | type | holds |
//! |---|---|---|
//! | `c:<id>` | hash | one counsellor: status, since, lease, wrap, ring, talk, idle, rr, day, calls, misses, call, pools, fresh |
//! | `roster` | hash | id → pools: what a vanished `c:<id>` is rebuilt from |
//! | `st:<status>` | set | counsellors by status (the status gauge) |
//! | `duty:<pool>` | set | members of the pool available, ringing, in call or in wrap-up |
//! | `leases` | zset | available counsellors by lease end (ms) |
//! | `rings` | zset | ringing counsellors by ring deadline (ms) |
//! | `talks` | zset | counsellors in call by the call's deadline (ms) |
//! | `wraps` | zset | counsellors in wrap-up by wrap-up end (ms) |
//! | `pool:<pool>:<strategy>` | zset | available members of a pool, scored for that strategy |
//! | `due` | string | nothing is due before this instant (ms): a lower bound on every deadline above and on `seen` + stale-after, so most calls skip the look at them |
//! | `stats` | hash | `leases_expired`, `auto_away`, `abandoned`, `calls_force_ended`, `roster_repaired` (counters) |
//! | `events` | list | what the store did on its own (`force_ended:<id>`, `repaired:<id>`), last 64, for one instance to log |
//! | `seq` | hash | `rr` (claims so far), `line` (arrivals so far) |
//! | `call:<call>` | hash | `rung`, `answered`, `ended`, `seq`, `pool`; expires 24 h after last write |
//! | `tried:<call>` | set | counsellors already claimed for the call; expires like `call:` |
//! | `line:<pool>` | zset | waiting calls by arrival number |
//! | `lines` | hash | waiting call → its pool |
//! | `seen` | zset | waiting calls by their last `enqueue` (ms) |
//! | `tw:<pool>:<id>` | zset | waiting calls of the pool that tried this counsellor, by arrival number |

use std::fmt;

use super::types::PoolId;

/// The validated key prefix of one hotline, e.g. `lotse:{starke}:`.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyPrefix(String);

impl KeyPrefix {
    /// Both parts follow the id rule `[a-z0-9_-]{1,32}` (checked by reusing
    /// `PoolId`), so no `{`, `}` or `:` can shift the hash tag. Tests pass a
    /// unique namespace to isolate themselves on one server.
    pub fn new(namespace: &str, hotline: &str) -> Option<Self> {
        PoolId::parse(namespace)?;
        PoolId::parse(hotline)?;
        Some(Self(format!("{namespace}:{{{hotline}}}:")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for KeyPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPrefix({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_carries_the_hash_tag() {
        let p = KeyPrefix::new("lotse", "starke").unwrap();
        assert_eq!(p.as_str(), "lotse:{starke}:");
        assert!(KeyPrefix::new("lotse", "a}b").is_none());
        assert!(KeyPrefix::new("", "x").is_none());
    }
}
