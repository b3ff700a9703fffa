//! Presence: the roster, a counsellor's own switch, leases and wrap-up.

use std::time::Duration;

use lotse::routing::{Presence, Status, Store, StoreError};

use crate::harness::{available, call, claim, de, id, t, TTL};

pub async fn roster_and_own_status(store: &Store) {
    let anna = store.register(&id("anna"), &[de()], t(0)).await.unwrap();
    assert_eq!(
        (anna.status, anna.since, anna.calls_today),
        (Status::Offline, t(0), 0)
    );
    let again = store.register(&id("anna"), &[de()], t(5)).await.unwrap();
    assert_eq!(again.since, t(0), "registering again changes nothing");

    let s = store
        .set_status(&id("anna"), Presence::Away, t(10), TTL)
        .await
        .unwrap();
    assert_eq!((s.status, s.since), (Status::Away, t(10)));
    let s = store
        .set_status(&id("anna"), Presence::Away, t(20), TTL)
        .await
        .unwrap();
    assert_eq!(s.since, t(10), "same status keeps its since");
    let s = store
        .set_status(&id("anna"), Presence::Available, t(30), TTL)
        .await
        .unwrap();
    assert_eq!((s.status, s.since), (Status::Available, t(30)));

    let err = store
        .set_status(&id("nobody"), Presence::Available, t(30), TTL)
        .await;
    assert!(matches!(err, Err(StoreError::UnknownCounsellor(_))));
    assert!(store.state(&id("nobody"), t(30)).await.unwrap().is_none());

    available(store, &["ben"], 40).await;
    let all = store
        .states(&[id("ben"), id("nobody"), id("anna")], t(41))
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["ben", "anna"]);

    // Setting "available" while lotse holds the counsellor renews only.
    assert_eq!(claim(store, "CA1", 50).await.as_deref(), Some("anna"));
    let s = store
        .set_status(&id("anna"), Presence::Available, t(51), TTL)
        .await
        .unwrap();
    assert_eq!(s.status, Status::Ringing);
    let stats = store.stats(t(52)).await.unwrap();
    assert_eq!(stats.by_status, [0, 1, 0, 1, 0, 0]);
}

pub async fn lease_expires_without_heartbeat(store: &Store) {
    available(store, &["anna", "ben"], 0).await;
    // Only ben keeps his page open.
    store.heartbeat(&id("ben"), t(60), TTL).await.unwrap();
    let s = store.state(&id("anna"), t(89)).await.unwrap().unwrap();
    assert_eq!(s.status, Status::Available);
    assert_eq!(claim(store, "CA1", 95).await.as_deref(), Some("ben"));
    let s = store.state(&id("anna"), t(96)).await.unwrap().unwrap();
    assert_eq!(
        (s.status, s.since),
        (Status::Offline, t(90)),
        "offline since the lease ran out"
    );
    assert_eq!(claim(store, "CA2", 97).await, None);
    // A late heartbeat does not bring a ghost back.
    let s = store.heartbeat(&id("anna"), t(98), TTL).await.unwrap();
    assert_eq!(s.status, Status::Offline);
    let stats = store.stats(t(99)).await.unwrap();
    assert_eq!(stats.leases_expired, 1);
    assert_eq!(stats.by_status, [1, 0, 0, 1, 0, 0]);
}

pub async fn heartbeat_keeps_the_lease(store: &Store) {
    available(store, &["anna"], 0).await;
    for s in (60..=600).step_by(60) {
        store.heartbeat(&id("anna"), t(s), TTL).await.unwrap();
    }
    assert_eq!(claim(store, "CA1", 680).await.as_deref(), Some("anna"));
    // Heartbeats keep the lease during the call too.
    store.heartbeat(&id("anna"), t(700), TTL).await.unwrap();
    store
        .answered(&call("CA1"), &id("anna"), t(701))
        .await
        .unwrap();
    store.heartbeat(&id("anna"), t(760), TTL).await.unwrap();
    assert_eq!(store.stats(t(800)).await.unwrap().leases_expired, 0);
}

pub async fn wrap_up_then_available(store: &Store) {
    available(store, &["anna"], 0).await;
    assert_eq!(claim(store, "CA1", 1).await.as_deref(), Some("anna"));
    store
        .answered(&call("CA1"), &id("anna"), t(2))
        .await
        .unwrap();
    store.heartbeat(&id("anna"), t(30), TTL).await.unwrap();
    store
        .call_ended(&call("CA1"), t(40), Duration::from_secs(60))
        .await
        .unwrap();
    let s = store.state(&id("anna"), t(99)).await.unwrap().unwrap();
    assert_eq!(
        (s.status, s.since, s.calls_today),
        (Status::WrapUp, t(40), 1)
    );
    assert_eq!(
        claim(store, "CA2", 99).await,
        None,
        "nobody rung during wrap-up"
    );
    let s = store.state(&id("anna"), t(100)).await.unwrap().unwrap();
    assert_eq!((s.status, s.since), (Status::Available, t(100)));
    assert_eq!(claim(store, "CA2", 101).await.as_deref(), Some("anna"));
}

pub async fn wrap_up_past_the_lease_goes_offline(store: &Store) {
    available(store, &["anna"], 0).await;
    assert_eq!(claim(store, "CA1", 1).await.as_deref(), Some("anna"));
    store
        .answered(&call("CA1"), &id("anna"), t(2))
        .await
        .unwrap();
    // The lease (t90) runs out during the call: no effect until the call is done.
    let s = store.state(&id("anna"), t(120)).await.unwrap().unwrap();
    assert_eq!(s.status, Status::InCall);
    store
        .call_ended(&call("CA1"), t(130), Duration::from_secs(60))
        .await
        .unwrap();
    let s = store.state(&id("anna"), t(200)).await.unwrap().unwrap();
    assert_eq!((s.status, s.since), (Status::Offline, t(190)));
    assert_eq!(store.stats(t(200)).await.unwrap().leases_expired, 1);
}
