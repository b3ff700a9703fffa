//! A counsellor's hash vanishing from Redis (an `allkeys-*` eviction on a
//! shared server, an operator's `DEL`): the first operation that meets it
//! rebuilds it from the roster, never answers "store unavailable", and
//! nobody offline or away is ever in a pool or rung. Redis only: the
//! in-memory store cannot lose an entry.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use lotse::routing::{
    KeyPrefix, PoolId, Presence, RedisStore, Status, Store, StoreEvent, Strategy as Pick,
};
use proptest::prelude::*;
use redis::AsyncCommands;

use crate::harness::{call, de, id, t};
use crate::redis_server::RedisServer;

const WHO: [&str; 4] = ["anna", "ben", "cleo", "dora"];
const LONG: Duration = Duration::from_secs(86_400);

fn en() -> PoolId {
    PoolId::parse("en").unwrap()
}

async fn store_on(
    server: &RedisServer,
    hotline: &str,
) -> (Store, redis::aio::MultiplexedConnection, String) {
    let prefix = KeyPrefix::new("heal", hotline).unwrap();
    let raw = prefix.as_str().to_owned();
    let store = RedisStore::connect(&server.url(), prefix, Default::default()).unwrap();
    let client = redis::Client::open(server.url()).unwrap();
    let conn = client.get_multiplexed_async_connection().await.unwrap();
    (Store::Redis(store), conn, raw)
}

async fn claim(store: &Store, c: &str, pool: &PoolId, at: i64) -> Option<String> {
    let won = store
        .claim(&call(c), pool, Pick::LongestIdle, t(at), LONG)
        .await;
    won.expect("never 'store unavailable'")
        .map(|w| w.as_str().to_owned())
}

#[tokio::test]
async fn a_vanished_counsellor_is_rebuilt_and_never_rung_while_offline() {
    let server = RedisServer::start();
    let (store, mut redis, prefix) = store_on(&server, "scenario").await;
    for w in ["anna", "ben"] {
        store.register(&id(w), &[de(), en()], t(0)).await.unwrap();
    }
    store
        .set_status(&id("anna"), Presence::Available, t(1), LONG)
        .await
        .unwrap();
    let _: () = redis.del(format!("{prefix}c:anna")).await.unwrap();
    // The next call meets the lost entry in the pool: no error, nobody rung.
    assert_eq!(claim(&store, "CA1", &de(), 2).await, None);
    let stats = store.stats(t(3)).await.unwrap();
    assert_eq!(stats.roster_repaired, 1);
    assert_eq!(stats.by_status, [2, 0, 0, 0, 0, 0], "both offline");
    let events = store.take_events(t(3)).await.unwrap();
    assert_eq!(events, [StoreEvent::RosterRepaired(id("anna"))]);
    for pool in [de(), en()] {
        let n: u64 = redis
            .zcard(format!("{prefix}pool:{}:longest-idle", pool))
            .await
            .unwrap();
        assert_eq!(n, 0, "no offline counsellor in the {pool} pool");
    }
    // Lost again; then the roster task registers the team.
    store
        .set_status(&id("anna"), Presence::Available, t(4), LONG)
        .await
        .unwrap();
    let _: () = redis.del(format!("{prefix}c:anna")).await.unwrap();
    let s = store
        .register(&id("anna"), &[de(), en()], t(5))
        .await
        .unwrap();
    assert_eq!(s.status, Status::Offline);
    assert_eq!(
        claim(&store, "CA2", &en(), 6).await,
        None,
        "not dialled while offline"
    );
    // Her page, still open, beats: the store, not anna, lost her state.
    let s = store.heartbeat(&id("anna"), t(7), LONG).await.unwrap();
    assert_eq!(s.status, Status::Available);
    assert_eq!(
        claim(&store, "CA3", &en(), 8).await.as_deref(),
        Some("anna")
    );
    // A page left open after the lease ran out does not: that is no loss.
    store
        .set_status(
            &id("ben"),
            Presence::Available,
            t(9),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    let s = store.heartbeat(&id("ben"), t(30), LONG).await.unwrap();
    assert_eq!(s.status, Status::Offline);
}

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

#[tokio::test]
async fn a_counsellor_last_seen_in_a_call_is_not_made_available_after_a_loss() {
    let server = RedisServer::start();
    let (store, mut redis, prefix) = store_on(&server, "held").await;
    store.register(&id("anna"), &[de()], t(0)).await.unwrap();
    store
        .set_status(&id("anna"), Presence::Available, t(1), LONG)
        .await
        .unwrap();
    assert_eq!(
        claim(&store, "CA1", &de(), 2).await.as_deref(),
        Some("anna")
    );
    assert!(store
        .answered(&call("CA1"), &id("anna"), t(3))
        .await
        .unwrap());
    // Redis loses her entry while she talks; the roster task rebuilds it.
    let _: () = redis.del(format!("{prefix}c:anna")).await.unwrap();
    store.register(&id("anna"), &[de()], t(4)).await.unwrap();
    // Her page last saw her in the call: its beat renews nothing and never
    // makes her available, so the next caller does not ring her mid-call.
    let s = store.heartbeat_held(&id("anna"), t(5), LONG).await.unwrap();
    assert_eq!(s.status, Status::Offline);
    assert_eq!(claim(&store, "CA2", &de(), 6).await, None);
    // Once the page shows her available again (she chose it), it may.
    let s = store.heartbeat(&id("anna"), t(7), LONG).await.unwrap();
    assert_eq!(s.status, Status::Available);
}
