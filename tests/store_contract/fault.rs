//! Redis dies mid-test: operations fail fast with `Err` (the caller plays
//! fallback markup), and the same store works again once Redis is back.

use std::time::{Duration, Instant};

use lotse::routing::Store;

use crate::harness::{available, claim, de, id, redis_store, t};
use crate::redis_server::RedisServer;

#[tokio::test]
async fn redis_outage_is_an_error_then_heals() {
    let mut server = RedisServer::start();
    let store = Store::Redis(redis_store(&server));
    available(&store, &["anna"], 0).await;
    assert!(store.ping().await.is_ok());

    server.stop();
    for _ in 0..3 {
        let started = Instant::now();
        let res = tokio::time::timeout(Duration::from_secs(5), store.stats(t(1))).await;
        let res = res.expect("an outage must not hang a caller");
        assert!(res.is_err(), "{res:?}");
        assert!(store.ping().await.is_err());
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    server.restart();
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.ping().await.is_err() {
        assert!(Instant::now() < deadline, "store never reconnected");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The restarted Redis is empty (no persistence): the roster comes back
    // the way lotse would restore it, by registering again.
    store.register(&id("anna"), &[de()], t(2)).await.unwrap();
    available(&store, &["anna"], 3).await;
    assert_eq!(claim(&store, "CA1", 4).await.as_deref(), Some("anna"));
}

/// Redis restarts while this instance is idle (a deploy, a crash with
/// persistence): the connection it holds is dead, and nobody has noticed
/// yet. The first operation afterwards, a caller's claim, must succeed on
/// a fresh connection instead of failing into "nobody available".
#[tokio::test]
async fn the_first_operation_after_an_unnoticed_restart_succeeds() {
    let mut server = RedisServer::start();
    let store = Store::Redis(redis_store(&server));
    store.register(&id("anna"), &[de()], t(0)).await.unwrap();
    available(&store, &["anna"], 1).await;

    server.restart();
    // Nothing touched the store in between: the first thing it hears of
    // the restart is this operation.
    store
        .register(&id("anna"), &[de()], t(2))
        .await
        .expect("the first operation after a restart");
    available(&store, &["anna"], 3).await;
    assert_eq!(claim(&store, "CA2", 4).await.as_deref(), Some("anna"));
}
