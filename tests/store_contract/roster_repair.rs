//! A counsellor's hash vanishing from Redis (an `allkeys-*` eviction on a
//! shared server, an operator's `DEL`): the first operation that meets it
//! rebuilds it from the roster, never answers "store unavailable", and
//! nobody offline or away is ever in a pool or rung. Redis only: the
//! in-memory store cannot lose an entry.

use std::time::Duration;

use lotse::routing::{
    KeyPrefix, PoolId, Presence, RedisStore, Status, Store, StoreEvent, Strategy as Pick,
};
use redis::AsyncCommands;

use crate::harness::{call, de, id, t};
use crate::redis_server::RedisServer;

pub(crate) const WHO: [&str; 4] = ["anna", "ben", "cleo", "dora"];
pub(crate) const LONG: Duration = Duration::from_secs(86_400);

pub(crate) fn en() -> PoolId {
    PoolId::parse("en").unwrap()
}

pub(crate) async fn store_on(
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

pub(crate) async fn claim(store: &Store, c: &str, pool: &PoolId, at: i64) -> Option<String> {
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
