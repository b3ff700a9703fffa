//! Claim + release round trip (`claim`, then `ring_failed` puts the
//! counsellor back) with 10 and with 10,000 counsellors available, against
//! a private `redis-server` started here and against the in-memory store.
//! The Redis figures must stay flat as the team grows: a claim reads the
//! head of a sorted set, it never scans the team.
//!
//! `cargo bench --bench routing -- --warm-up-time 1 --measurement-time 3`

#[path = "../tests/support/redis_server.rs"]
mod redis_server;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use lotse::call::CallId;
use lotse::routing::{
    CounsellorId, KeyPrefix, MemoryStore, PoolId, Presence, RedisStore, RedisTimeouts, Store,
    Strategy,
};
use redis_server::RedisServer;
use tokio::runtime::Runtime;

const TEAM_SIZES: [usize; 2] = [10, 10_000];
/// Long enough that no lease runs out while the bench runs.
const TTL: Duration = Duration::from_secs(86_400);
const RING: Duration = Duration::from_secs(20);

async fn fill(store: &Store, n: usize) {
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let de = PoolId::parse("de").unwrap();
    for i in 0..n {
        let id = CounsellorId::parse(&format!("c{i:05}")).unwrap();
        store
            .register(&id, std::slice::from_ref(&de), now)
            .await
            .unwrap();
        store
            .set_status(&id, Presence::Available, now, TTL)
            .await
            .unwrap();
    }
}

async fn round_trip(store: &Store, seq: &AtomicU64) {
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
    let de = PoolId::parse("de").unwrap();
    let call = CallId::parse(&format!("CA{}", seq.fetch_add(1, Ordering::Relaxed))).unwrap();
    let won = store
        .claim(&call, &de, Strategy::LongestIdle, now, RING)
        .await
        .unwrap();
    let won = won.expect("a free counsellor");
    let out = store.ring_failed(&call, &won, now, 0).await.unwrap();
    assert!(out.applied);
}

fn bench_store(c: &mut Criterion, name: &str, rt: &Runtime, make: &dyn Fn(usize) -> Store) {
    let mut group = c.benchmark_group(name);
    let seq = AtomicU64::new(0);
    for n in TEAM_SIZES {
        let store = make(n);
        rt.block_on(fill(&store, n));
        group.bench_with_input(BenchmarkId::new("claim_release", n), &n, |b, _| {
            b.iter(|| rt.block_on(round_trip(&store, &seq)))
        });
    }
    group.finish();
}

fn routing(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let server = RedisServer::start();
    let redis = |n: usize| {
        let prefix = KeyPrefix::new("bench", &format!("team{n}")).unwrap();
        let store = rt.block_on(async {
            RedisStore::connect(&server.url(), prefix, RedisTimeouts::default())
        });
        Store::Redis(store.unwrap())
    };
    bench_store(c, "redis", &rt, &redis);
    bench_store(c, "memory", &rt, &|_| Store::Memory(MemoryStore::new()));
}

criterion_group!(benches, routing);
criterion_main!(benches);
