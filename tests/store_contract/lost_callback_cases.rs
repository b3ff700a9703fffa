//! Callbacks that never arrive: a ring whose result and status callbacks
//! were both lost ends at its deadline, and a waiting caller whose hang-up
//! was lost stops blocking the line once their hold loop stops re-enqueueing.

use std::time::Duration;

use lotse::routing::{Status, Store, Strategy};

use crate::harness::{available, call, claim, de, id, t};

async fn enqueue(store: &Store, c: &str, at: i64) -> Option<u32> {
    store.enqueue(&call(c), &de(), t(at)).await.unwrap()
}

async fn position(store: &Store, c: &str, at: i64) -> Option<u32> {
    store.position(&call(c), t(at)).await.unwrap()
}

async fn status(store: &Store, who: &str, at: i64) -> (Status, chrono::DateTime<chrono::Utc>) {
    let s = store.state(&id(who), t(at)).await.unwrap().unwrap();
    (s.status, s.since)
}

pub async fn lost_ring_callbacks_free_the_counsellor(store: &Store) {
    available(store, &["ben"], 0).await;
    available(store, &["anna"], 1).await;
    // Ring timeout 20 s (harness) + 30 s grace: the deadline is t60.
    assert_eq!(claim(store, "CA1", 10).await.as_deref(), Some("ben"));
    assert_eq!(status(store, "ben", 59).await, (Status::Ringing, t(10)));
    assert_eq!(status(store, "ben", 60).await, (Status::Available, t(60)));
    let stats = store.stats(t(60)).await.unwrap();
    assert_eq!(stats.by_status, [0, 2, 0, 0, 0, 0]);
    assert_eq!(stats.leases_expired, 0);
    // Idle time kept: ben (free since t0) still goes before anna (t1).
    assert_eq!(claim(store, "CA2", 61).await.as_deref(), Some("ben"));
    let o = store
        .ring_failed(&call("CA2"), &id("ben"), t(62), 2)
        .await
        .unwrap();
    assert_eq!((o.consecutive_misses, o.auto_away), (1, false), "no miss");
    // The lost callbacks turning up late move no one.
    let late = store
        .ring_failed(&call("CA1"), &id("ben"), t(63), 1)
        .await
        .unwrap();
    assert!(!late.applied && !late.auto_away);
    assert!(store
        .answered(&call("CA1"), &id("ben"), t(64))
        .await
        .unwrap());
    let wrap = Duration::from_secs(60);
    assert!(store.call_ended(&call("CA1"), t(65), wrap).await.unwrap());
    assert_eq!(status(store, "ben", 66).await, (Status::Available, t(62)));
}

pub async fn ring_deadline_past_the_lease_goes_offline(store: &Store) {
    available(store, &["anna"], 0).await;
    // Lease until t90; a 40 s ring timeout puts the deadline at t120.
    let ring = Duration::from_secs(40);
    let won = store
        .claim(&call("CA1"), &de(), Strategy::LongestIdle, t(50), ring)
        .await
        .unwrap();
    assert_eq!(won.unwrap().as_str(), "anna");
    assert_eq!(status(store, "anna", 119).await.0, Status::Ringing);
    assert_eq!(status(store, "anna", 120).await, (Status::Offline, t(120)));
    let stats = store.stats(t(121)).await.unwrap();
    assert_eq!((stats.leases_expired, stats.by_status[0]), (1, 1));
    assert_eq!(claim(store, "CA2", 122).await, None);
}

pub async fn stale_head_of_the_line_is_dropped(store: &Store) {
    store.register(&id("anna"), &[de()], t(0)).await.unwrap();
    for (i, c) in ["W1", "W2", "W3"].iter().enumerate() {
        enqueue(store, c, i as i64).await;
    }
    // W2 and W3 are on hold and re-enqueue; W1 hung up unheard.
    for at in [15, 30, 45, 60] {
        assert_eq!(enqueue(store, "W2", at).await, Some(2));
        assert_eq!(enqueue(store, "W3", at).await, Some(3));
    }
    assert_eq!(
        position(store, "W1", 60).await,
        Some(1),
        "60 s is not stale"
    );
    assert_eq!(position(store, "W1", 61).await, None);
    assert_eq!(position(store, "W2", 61).await, Some(1));
    let stats = store.stats(t(61)).await.unwrap();
    assert_eq!((stats.waiting, stats.abandoned), (2, 1));
    available(store, &["anna"], 62).await;
    assert_eq!(claim(store, "W2", 62).await.as_deref(), Some("anna"));
    // A late redirect brings W1 back: at the end, not at its old place.
    assert_eq!(enqueue(store, "W1", 63).await, Some(2));
    assert_eq!(position(store, "W3", 63).await, Some(1));
}

pub async fn stale_places_behind_the_head_are_skipped(store: &Store) {
    for (i, c) in ["W1", "W2", "W3", "W4"].iter().enumerate() {
        enqueue(store, c, i as i64).await;
    }
    for at in [30, 55] {
        enqueue(store, "W1", at).await;
        enqueue(store, "W4", at).await;
    }
    assert_eq!(position(store, "W4", 61).await, Some(4), "none stale yet");
    assert_eq!(position(store, "W4", 62).await, Some(3), "W2 gone");
    assert_eq!(position(store, "W4", 63).await, Some(2), "W3 gone");
    assert_eq!(store.waiting_count(t(64)).await.unwrap(), 2);
    assert_eq!(position(store, "W1", 64).await, Some(1));
    // Their hang-ups arriving later count nothing twice.
    store
        .call_ended(&call("W2"), t(65), Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(store.stats(t(65)).await.unwrap().abandoned, 2);
}

pub async fn stale_after_is_set_per_store(store: &Store) {
    let store = store.clone().with_line_stale_after(Duration::from_secs(20));
    available(&store, &["anna"], 0).await;
    enqueue(&store, "W1", 0).await;
    enqueue(&store, "W2", 0).await;
    assert_eq!(claim(&store, "W1", 1).await.as_deref(), Some("anna"));
    enqueue(&store, "W2", 15).await;
    // A failed ring counts as a sign of life: W1 is back, seen at t19.
    store
        .ring_failed(&call("W1"), &id("anna"), t(19), 3)
        .await
        .unwrap();
    enqueue(&store, "W2", 30).await;
    assert_eq!(position(&store, "W1", 35).await, Some(1));
    assert_eq!(position(&store, "W2", 35).await, Some(2));
    assert_eq!(position(&store, "W1", 39).await, Some(1));
    assert_eq!(position(&store, "W1", 40).await, None);
    assert_eq!(position(&store, "W2", 40).await, Some(1));
    assert_eq!(store.stats(t(40)).await.unwrap().abandoned, 1);
}
