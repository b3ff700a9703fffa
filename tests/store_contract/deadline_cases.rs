//! States that wait for a callback end by themselves: a call `in_call`
//! whose end was never recorded ends at `max_call` plus the grace; a late
//! answer holds a counsellor who is talking; a call answered or over claims
//! nobody, however often its step is replayed.

use std::time::Duration;

use lotse::routing::{Hold, Presence, Status, Store, StoreEvent, Strategy, CALL_GRACE};

use crate::harness::{available, call, claim, de, id, t, RING};

/// A lease that outlives each test, as a page's heartbeats would keep it.
const DAY: Duration = Duration::from_secs(86_400);
const WRAP: Duration = Duration::from_secs(30);

async fn status(store: &Store, who: &str, at: i64) -> (Status, chrono::DateTime<chrono::Utc>) {
    let s = store.state(&id(who), t(at)).await.unwrap().unwrap();
    (s.status, s.since)
}

async fn on_duty(store: &Store, who: &[&str], at: i64) {
    available(store, who, at).await;
    for w in who {
        store
            .set_status(&id(w), Presence::Available, t(at), DAY)
            .await
            .unwrap();
    }
}

async fn hold(store: &Store, c: &str, at: i64) -> Hold {
    store
        .claim_or_wait(&call(c), &de(), Strategy::LongestIdle, t(at), RING)
        .await
        .unwrap()
}

pub async fn in_call_past_max_call_is_ended_by_the_store(store: &Store) {
    let store = store.clone().with_max_call(Duration::from_secs(600));
    let store = &store;
    on_duty(store, &["anna", "ben"], 0).await;
    assert_eq!(claim(store, "CA1", 10).await.as_deref(), Some("anna"));
    assert!(store
        .answered(&call("CA1"), &id("anna"), t(12))
        .await
        .unwrap());
    // Its end is never recorded (the instance died). 600 s + the grace.
    let deadline = 12 + 600 + CALL_GRACE.as_secs() as i64;
    assert_eq!(status(store, "anna", deadline - 1).await.0, Status::InCall);
    assert_eq!(
        store
            .stats(t(deadline - 1))
            .await
            .unwrap()
            .calls_force_ended,
        0
    );
    assert_eq!(
        status(store, "anna", deadline).await,
        (Status::Available, t(deadline))
    );
    let stats = store.stats(t(deadline)).await.unwrap();
    assert_eq!(stats.calls_force_ended, 1);
    assert_eq!(stats.count(Status::InCall), 0);
    let events = store.take_events(t(deadline)).await.unwrap();
    assert_eq!(events, [StoreEvent::CallForceEnded(id("anna"))]);
    assert!(store.take_events(t(deadline)).await.unwrap().is_empty());
    // The lost callbacks turning up now change nothing; the call is over.
    assert!(!store
        .call_ended(&call("CA1"), t(deadline + 1), WRAP)
        .await
        .unwrap());
    let late = store
        .ring_failed(&call("CA1"), &id("anna"), t(deadline + 2), 1)
        .await
        .unwrap();
    assert!(!late.applied);
    assert_eq!(hold(store, "CA1", deadline + 3).await, Hold::Over);
    assert_eq!(
        status(store, "anna", deadline + 3).await.0,
        Status::Available
    );
    // Ben (free since t0) first, then anna is offered calls again.
    assert_eq!(
        claim(store, "CA2", deadline + 4).await.as_deref(),
        Some("ben")
    );
    assert_eq!(
        claim(store, "CA3", deadline + 4).await.as_deref(),
        Some("anna")
    );
}

pub async fn a_late_answer_holds_a_talking_counsellor(store: &Store) {
    on_duty(store, &["anna", "ben"], 0).await;
    assert_eq!(claim(store, "CA1", 10).await.as_deref(), Some("anna"));
    // The key press was not recorded (Redis away); the ring deadline
    // (20 s + 30 s grace) frees anna while she talks to CA1.
    assert_eq!(status(store, "anna", 60).await, (Status::Available, t(60)));
    // Replayed once the store is back: anna is held for CA1.
    assert!(store
        .answered(&call("CA1"), &id("anna"), t(70))
        .await
        .unwrap());
    assert_eq!(status(store, "anna", 70).await, (Status::InCall, t(70)));
    assert!(!store
        .answered(&call("CA1"), &id("anna"), t(71))
        .await
        .unwrap());
    assert_eq!(claim(store, "CA2", 72).await.as_deref(), Some("ben"));
    assert_eq!(
        claim(store, "CA3", 73).await,
        None,
        "anna is not offered CA3"
    );
    // The dial result (bridged, then over) and the end, late and twice.
    let o = store
        .ring_failed(&call("CA1"), &id("anna"), t(80), 1)
        .await
        .unwrap();
    assert!(o.took_call && !o.applied && !o.auto_away);
    assert!(store.call_ended(&call("CA1"), t(81), WRAP).await.unwrap());
    assert!(!store.call_ended(&call("CA1"), t(82), WRAP).await.unwrap());
    assert_eq!(status(store, "anna", 82).await, (Status::WrapUp, t(81)));
    assert_eq!(
        status(store, "anna", 111).await,
        (Status::Available, t(111))
    );
    let s = store.state(&id("anna"), t(111)).await.unwrap().unwrap();
    assert_eq!(s.calls_today, 1);
}

pub async fn a_late_answer_moves_nobody_who_has_moved_on(store: &Store) {
    on_duty(store, &["anna"], 0).await;
    assert_eq!(claim(store, "CA1", 10).await.as_deref(), Some("anna"));
    // Freed at t60 and rung for CA2 since: the late answer for CA1 must not
    // pull her out of that ring.
    assert_eq!(claim(store, "CA2", 61).await.as_deref(), Some("anna"));
    assert!(store
        .answered(&call("CA1"), &id("anna"), t(62))
        .await
        .unwrap());
    assert_eq!(status(store, "anna", 62).await, (Status::Ringing, t(61)));
    // After CA1 ended, a late answer moves nobody either.
    assert!(
        store
            .ring_failed(&call("CA2"), &id("anna"), t(63), 0)
            .await
            .unwrap()
            .applied
    );
    assert_eq!(claim(store, "CA3", 64).await.as_deref(), Some("anna"));
    assert!(store.call_ended(&call("CA3"), t(65), WRAP).await.unwrap());
    assert!(store
        .answered(&call("CA3"), &id("anna"), t(66))
        .await
        .unwrap());
    assert_eq!(status(store, "anna", 66).await, (Status::Available, t(65)));
}

pub async fn a_call_answered_or_over_claims_nobody(store: &Store) {
    on_duty(store, &["anna", "ben"], 0).await;
    assert_eq!(hold(store, "CA1", 10).await, Hold::Ring(id("anna")));
    assert_eq!(
        hold(store, "CA1", 11).await,
        Hold::Ring(id("anna")),
        "retried turn"
    );
    assert!(store
        .answered(&call("CA1"), &id("anna"), t(12))
        .await
        .unwrap());
    // A replayed counsellor step: no second ring, no place in line.
    for at in [13, 14] {
        assert_eq!(hold(store, "CA1", at).await, Hold::Over);
        assert_eq!(claim(store, "CA1", at).await, None);
    }
    assert_eq!(store.position(&call("CA1"), t(15)).await.unwrap(), None);
    assert_eq!(status(store, "ben", 15).await.0, Status::Available);
    assert_eq!(status(store, "anna", 15).await.0, Status::InCall);
    assert!(store.call_ended(&call("CA1"), t(20), WRAP).await.unwrap());
    assert_eq!(hold(store, "CA1", 21).await, Hold::Over);
    assert_eq!(status(store, "anna", 21).await, (Status::WrapUp, t(20)));
    let stats = store.stats(t(21)).await.unwrap();
    assert_eq!((stats.waiting, stats.count(Status::Available)), (0, 1));
}
