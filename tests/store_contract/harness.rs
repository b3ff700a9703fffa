//! One store per test: a fresh `redis-server` (or a fresh memory store), a
//! fixed start instant, and short constructors for ids.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use lotse::call::CallId;
use lotse::routing::{
    CounsellorId, KeyPrefix, MemoryStore, PoolId, Presence, RedisStore, RedisTimeouts, Store,
};

use crate::redis_cluster::RedisCluster;
use crate::redis_server::RedisServer;

pub const TTL: Duration = Duration::from_secs(90);
/// The dial's ring timeout given to every claim: a ring is abandoned by the
/// store 20 s + `RING_GRACE` (30 s) after its claim.
pub const RING: Duration = Duration::from_secs(20);

pub struct Harness {
    pub store: Store,
    /// Kept alive for the test; killed on drop.
    pub _server: Option<RedisServer>,
}

impl Harness {
    pub fn redis() -> Self {
        let server = RedisServer::start();
        let store = redis_store(&server);
        Self {
            store: Store::Redis(store),
            _server: Some(server),
        }
    }

    pub fn memory() -> Self {
        Self {
            store: Store::Memory(MemoryStore::new()),
            _server: None,
        }
    }
}

pub fn redis_store(server: &RedisServer) -> RedisStore {
    let timeouts = RedisTimeouts {
        connect: Duration::from_millis(500),
        response: Duration::from_millis(500),
    };
    let prefix = KeyPrefix::new("lotse-test", "hotline").unwrap();
    RedisStore::connect(&server.url(), prefix, timeouts).expect("redis url")
}

/// A store on `cluster` for hotline `h<n>`.
pub async fn cluster_store(cluster: &RedisCluster, n: u32) -> Store {
    let prefix = KeyPrefix::new("lotse-test", &format!("h{n}")).unwrap();
    let urls = cluster.urls();
    let store = RedisStore::connect_cluster(&urls, prefix, RedisTimeouts::default()).await;
    Store::Redis(store.expect("cluster connection"))
}

/// `s` seconds after a fixed Monday 09:00 UTC.
pub fn t(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + chrono::Duration::seconds(s)
}

pub fn id(raw: &str) -> CounsellorId {
    CounsellorId::parse(raw).unwrap()
}

pub fn call(raw: &str) -> CallId {
    CallId::parse(raw).unwrap()
}

pub fn de() -> PoolId {
    PoolId::parse("de").unwrap()
}

/// Registers `ids` in pool `de` and makes them available at `t(at)`.
pub async fn available(store: &Store, ids: &[&str], at: i64) {
    for raw in ids {
        store.register(&id(raw), &[de()], t(at)).await.unwrap();
        store
            .set_status(&id(raw), Presence::Available, t(at), TTL)
            .await
            .unwrap();
    }
}

pub async fn claim(store: &Store, c: &str, at: i64) -> Option<String> {
    let won = store
        .claim(&call(c), &de(), Default::default(), t(at), RING)
        .await
        .unwrap();
    won.map(|w| w.as_str().to_owned())
}
