//! Two lotse instances (two stores, two connections) on one Redis: 50 calls
//! claimed at once against 5 free counsellors. Exactly 5 win, all different.

use std::collections::BTreeSet;

use lotse::routing::{Store, Strategy};

use crate::harness::{available, call, de, redis_store, t, RING};
use crate::redis_server::RedisServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_never_claim_the_same_counsellor() {
    let server = RedisServer::start();
    let a = Store::Redis(redis_store(&server));
    let b = Store::Redis(redis_store(&server));
    available(&a, &["c1", "c2", "c3", "c4", "c5"], 0).await;

    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move {
                let c = call(&format!("CA{i:03}"));
                store
                    .claim(&c, &de(), Strategy::LongestIdle, t(10), RING)
                    .await
            })
        })
        .collect();
    let mut won = Vec::new();
    for task in tasks {
        if let Some(id) = task.await.unwrap().unwrap() {
            won.push(id);
        }
    }
    let distinct: BTreeSet<_> = won.iter().collect();
    assert_eq!((won.len(), distinct.len()), (5, 5), "{won:?}");
    let stats = b.stats(t(11)).await.unwrap();
    assert_eq!(stats.count(lotse::routing::Status::Ringing), 5);
}
