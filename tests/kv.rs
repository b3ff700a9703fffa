//! `lotse::kv` against a real `redis-server` and in memory: the same
//! answers from both, for every operation and for expiry.

#[path = "support/redis_server.rs"]
mod redis_server;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use lotse::kv::{Entry, Kv, MemoryKv};
use lotse::routing::{KeyPrefix, RedisStore, RedisTimeouts, Store};
use redis_server::RedisServer;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

/// Memory expiry follows `now`; Redis expires plain records by its own
/// clock, so the Redis variant also waits for real.
async fn later(kv: &Kv, now: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    if let Kv::Redis(_) = kv {
        tokio::time::sleep(by).await;
    }
    now + chrono::Duration::from_std(by).unwrap()
}

const SHORT: Duration = Duration::from_millis(300);
const PAST_SHORT: Duration = Duration::from_millis(450);

async fn markers_and_counters(kv: &Kv) {
    let now = t0();
    assert!(kv.once("seen:a", SHORT, now).await.unwrap());
    assert!(!kv.once("seen:a", SHORT, now).await.unwrap());
    assert!(
        kv.once("seen:b", SHORT, now).await.unwrap(),
        "names are separate"
    );
    assert_eq!(kv.hit("pin:anna", SHORT, now).await.unwrap(), 1);
    assert_eq!(kv.hit("pin:anna", SHORT, now).await.unwrap(), 2);
    assert_eq!(kv.count("pin:anna", now).await.unwrap(), 2);
    assert_eq!(kv.count("pin:ben", now).await.unwrap(), 0);
    let now = later(kv, now, PAST_SHORT).await;
    assert!(
        kv.once("seen:a", SHORT, now).await.unwrap(),
        "a mark expires"
    );
    assert_eq!(kv.count("pin:anna", now).await.unwrap(), 0, "a window ends");
    assert_eq!(kv.hit("pin:anna", SHORT, now).await.unwrap(), 1);
}

async fn records(kv: &Kv) {
    let now = t0();
    assert_eq!(kv.get("session:x", now).await.unwrap(), None);
    kv.put("session:x", "{\"who\":\"anna\"}", SHORT, now)
        .await
        .unwrap();
    assert_eq!(
        kv.get("session:x", now).await.unwrap().as_deref(),
        Some("{\"who\":\"anna\"}")
    );
    kv.put("session:x", "v2", SHORT, now).await.unwrap();
    assert_eq!(
        kv.get("session:x", now).await.unwrap().as_deref(),
        Some("v2")
    );
    assert!(kv.remove("session:x", now).await.unwrap());
    assert!(!kv.remove("session:x", now).await.unwrap());
    kv.put("session:y", "v", SHORT, now).await.unwrap();
    let now = later(kv, now, PAST_SHORT).await;
    assert_eq!(
        kv.get("session:y", now).await.unwrap(),
        None,
        "a record expires"
    );
}

fn entry(id: &str, value: &str, until: DateTime<Utc>) -> Entry {
    Entry {
        id: id.into(),
        value: value.into(),
        until,
    }
}

async fn tables(kv: &Kv) {
    let now = t0();
    let day = chrono::Duration::days(1);
    assert!(kv
        .table_put("bans", &entry("b", "2", now + day), 2, now)
        .await
        .unwrap());
    assert!(kv
        .table_put("bans", &entry("a", "1", now + day * 2), 2, now)
        .await
        .unwrap());
    assert!(
        !kv.table_put("bans", &entry("c", "3", now + day), 2, now)
            .await
            .unwrap(),
        "full"
    );
    assert!(
        kv.table_put("bans", &entry("a", "1b", now + day), 2, now)
            .await
            .unwrap(),
        "replacing fits"
    );
    let list = kv.table_list("bans", now).await.unwrap();
    assert_eq!(
        list,
        vec![entry("a", "1b", now + day), entry("b", "2", now + day)]
    );
    assert_eq!(
        kv.table_get("bans", "b", now).await.unwrap(),
        Some(entry("b", "2", now + day))
    );
    assert_eq!(kv.table_get("other", "b", now).await.unwrap(), None);
    let after = now + day;
    assert_eq!(
        kv.table_get("bans", "b", after).await.unwrap(),
        None,
        "expired at until"
    );
    assert!(kv.table_list("bans", after).await.unwrap().is_empty());
    assert!(
        kv.table_put("bans", &entry("c", "3", after + day), 2, after)
            .await
            .unwrap(),
        "room again"
    );
    assert!(kv.table_remove("bans", "c", after).await.unwrap());
    assert!(!kv.table_remove("bans", "c", after).await.unwrap());
}

async fn names_are_checked(kv: &Kv) {
    let now = t0();
    assert!(
        kv.once("a{b}", SHORT, now).await.is_err(),
        "no hash-tag braces"
    );
    assert!(kv.get("", now).await.is_err());
    assert!(kv.get(&"x".repeat(201), now).await.is_err());
    assert!(kv.get("has space", now).await.is_err());
}

fn redis_kv(server: &RedisServer) -> Kv {
    let prefix = KeyPrefix::new("lotse-test", "kv").unwrap();
    let store = RedisStore::connect(&server.url(), prefix, RedisTimeouts::default()).unwrap();
    Store::Redis(store).kv()
}

macro_rules! both {
    ($($case:ident),*) => {
        mod redis {
            $(#[tokio::test]
            async fn $case() {
                let server = crate::RedisServer::start();
                crate::$case(&crate::redis_kv(&server)).await;
            })*
        }
        mod memory {
            $(#[tokio::test]
            async fn $case() {
                crate::$case(&crate::Kv::Memory(crate::MemoryKv::new())).await;
            })*
        }
    };
}

both!(markers_and_counters, records, tables, names_are_checked);

#[tokio::test]
async fn redis_outage_is_an_error_not_a_hang() {
    let mut server = RedisServer::start();
    let kv = redis_kv(&server);
    assert!(kv.once("x", SHORT, t0()).await.unwrap());
    server.stop();
    assert!(kv.once("y", SHORT, t0()).await.is_err());
    server.restart();
    let mut ok = false;
    for _ in 0..50 {
        if kv.once("z", SHORT, t0()).await.is_ok() {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok, "the connection heals by itself");
}

#[tokio::test]
async fn memory_keeps_at_most_its_bound() {
    let kv = Kv::Memory(MemoryKv::new());
    let now = t0();
    let n = lotse::kv::MAX_RECORDS + 10;
    for i in 0..n {
        let ttl = Duration::from_secs(60 + i as u64);
        assert!(kv.once(&format!("m:{i}"), ttl, now).await.unwrap());
    }
    // The soonest-expiring ten went first; the newest are all still there.
    assert!(kv.once("m:0", Duration::from_secs(1), now).await.unwrap());
    assert!(!kv
        .once(&format!("m:{}", n - 1), Duration::from_secs(1), now)
        .await
        .unwrap());
}
