//! Random scripts of presence changes, claims, ring results and deleted
//! counsellor hashes against a real Redis: after every step each surviving
//! entry agrees with the pools and duty sets, and nobody offline or away
//! is ever rung.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use lotse::routing::{Presence, Status};
use proptest::prelude::*;
use redis::AsyncCommands;

use crate::harness::{call, de, id, t};
use crate::redis_server::RedisServer;
use crate::roster_repair::{claim, en, store_on, LONG, WHO};

#[derive(Clone, Debug)]
enum Op {
    Set(usize, Presence),
    Heartbeat(usize),
    Register(usize),
    Claim(usize),
    Fail(usize),
    Talk(usize),
    Delete(usize),
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    let w = 0..WHO.len();
    let presence = prop_oneof![
        3 => Just(Presence::Available),
        1 => Just(Presence::Away),
        1 => Just(Presence::Offline),
    ];
    prop_oneof![
        3 => (w.clone(), presence).prop_map(|(w, p)| Op::Set(w, p)),
        2 => w.clone().prop_map(Op::Heartbeat),
        1 => w.clone().prop_map(Op::Register),
        4 => (0..8usize).prop_map(Op::Claim),
        2 => (0..8usize).prop_map(Op::Fail),
        1 => (0..8usize).prop_map(Op::Talk),
        2 => w.prop_map(Op::Delete),
    ]
}

/// Every set entry whose hash exists agrees with it: pools hold only the
/// available (in that pool), `duty:` only the engaged, `st:` the status.
async fn consistent(
    redis: &mut redis::aio::MultiplexedConnection,
    prefix: &str,
) -> Result<(), String> {
    for w in WHO {
        let h: BTreeMap<String, String> = redis.hgetall(format!("{prefix}c:{w}")).await.unwrap();
        let Some(status) = h.get("status") else {
            continue;
        };
        let pools = h.get("pools").cloned().unwrap_or_default();
        for pool in ["de", "en"] {
            let member: bool = redis
                .sismember(format!("{prefix}duty:{pool}"), w)
                .await
                .unwrap();
            let engaged = status != "offline" && status != "away";
            if member != (engaged && pools.split(',').any(|p| p == pool)) {
                return Err(format!("{w} ({status}, {pools}) in duty:{pool}: {member}"));
            }
            for strat in ["longest-idle", "round-robin", "fewest-calls"] {
                let key = format!("{prefix}pool:{pool}:{strat}");
                let score: Option<f64> = redis.zscore(key, w).await.unwrap();
                if score.is_some() && status != "available" {
                    return Err(format!("{w} is {status} yet in pool {pool}"));
                }
            }
        }
        for s in [
            "offline",
            "available",
            "away",
            "ringing",
            "in_call",
            "wrap_up",
        ] {
            let member: bool = redis.sismember(format!("{prefix}st:{s}"), w).await.unwrap();
            if member != (s == status) {
                return Err(format!("{w} is {status}, st:{s} says {member}"));
            }
        }
    }
    Ok(())
}

/// One random script on a hotline of its own.
async fn deletions(server: &RedisServer, n: u32, script: &[Op]) -> Result<(), TestCaseError> {
    let (store, mut redis, prefix) = store_on(server, &format!("case{n}")).await;
    let pools = |w: usize| {
        if w.is_multiple_of(2) {
            vec![de(), en()]
        } else {
            vec![de()]
        }
    };
    // Who may be rung: set available (or restored by their page)
    // and not set away/offline or lost since.
    let mut may_ring = [false; 4];
    let mut rung: BTreeMap<usize, usize> = BTreeMap::new();
    for (w, who) in WHO.iter().enumerate() {
        store.register(&id(who), &pools(w), t(0)).await.unwrap();
    }
    for (step, op) in script.iter().enumerate() {
        let at = 1 + step as i64;
        match op {
            Op::Set(w, p) => {
                let s = store
                    .set_status(&id(WHO[*w]), *p, t(at), LONG)
                    .await
                    .unwrap();
                may_ring[*w] = s.status != Status::Away && s.status != Status::Offline;
            }
            Op::Heartbeat(w) => {
                let s = store.heartbeat(&id(WHO[*w]), t(at), LONG).await.unwrap();
                may_ring[*w] = s.status != Status::Away && s.status != Status::Offline;
            }
            Op::Register(w) => {
                store
                    .register(&id(WHO[*w]), &pools(*w), t(at))
                    .await
                    .unwrap();
            }
            Op::Claim(c) => {
                let pool = if c.is_multiple_of(2) { de() } else { en() };
                if let Some(w) = claim(&store, &format!("CA{c}"), &pool, at).await {
                    let w = WHO.iter().position(|x| *x == w).unwrap();
                    prop_assert!(
                        may_ring[w],
                        "step {}: rang {} who may not be rung",
                        step,
                        WHO[w]
                    );
                    rung.insert(*c, w);
                }
            }
            Op::Fail(c) => {
                if let Some(w) = rung.remove(c) {
                    store
                        .ring_failed(&call(&format!("CA{c}")), &id(WHO[w]), t(at), 0)
                        .await
                        .unwrap();
                }
            }
            Op::Talk(c) => {
                if let Some(w) = rung.remove(c) {
                    let cid = call(&format!("CA{c}"));
                    store.answered(&cid, &id(WHO[w]), t(at)).await.unwrap();
                    store.call_ended(&cid, t(at), Duration::ZERO).await.unwrap();
                }
            }
            Op::Delete(w) => {
                let _: () = redis.del(format!("{prefix}c:{}", WHO[*w])).await.unwrap();
                may_ring[*w] = false;
            }
        }
        let deleted = matches!(op, Op::Delete(_));
        if !deleted {
            if let Err(e) = consistent(&mut redis, &prefix).await {
                prop_assert!(false, "step {} {:?}: {}", step, op, e);
            }
        }
    }
    // Once the roster task has been round, everything agrees again.
    store
        .register_many(
            &WHO.iter()
                .enumerate()
                .map(|(w, x)| (id(x), pools(w)))
                .collect::<Vec<_>>(),
            t(999),
        )
        .await
        .unwrap();
    let stats = store.stats(t(999)).await.unwrap();
    prop_assert_eq!(stats.by_status.iter().sum::<u64>(), WHO.len() as u64);
    if let Err(e) = consistent(&mut redis, &prefix).await {
        prop_assert!(false, "after the roster round: {}", e);
    }
    Ok(())
}

#[test]
fn random_deletions_never_break_routing() {
    let server = RedisServer::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let case = AtomicU32::new(0);
    let config = ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    };
    proptest!(config, |(script in proptest::collection::vec(op(), 1..60))| {
        let n = case.fetch_add(1, Ordering::Relaxed);
        rt.block_on(deletions(&server, n, &script))?;
    });
}
