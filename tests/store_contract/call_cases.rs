//! Claims and the ring/answer/end callbacks: strategies, tried
//! counsellors, retried and reordered callbacks, auto-away.

use std::time::Duration;

use lotse::routing::{Status, Store, Strategy};

use crate::harness::{available, call, claim, de, id, t, RING};

const WRAP: Duration = Duration::from_secs(0);

async fn claim_by(store: &Store, c: &str, strategy: Strategy, at: i64) -> Option<String> {
    let won = store.claim(&call(c), &de(), strategy, t(at), RING).await;
    let won = won.unwrap();
    won.map(|w| w.as_str().to_owned())
}

async fn talk(store: &Store, c: &str, who: &str, at: i64) {
    assert!(store.answered(&call(c), &id(who), t(at)).await.unwrap());
    assert!(store.call_ended(&call(c), t(at + 1), WRAP).await.unwrap());
}

pub async fn longest_idle_picks_the_longest_free(store: &Store) {
    available(store, &["cleo"], 0).await;
    available(store, &["anna"], 1).await;
    available(store, &["ben"], 2).await;
    assert_eq!(claim(store, "CA1", 10).await.as_deref(), Some("cleo"));
    assert_eq!(claim(store, "CA2", 11).await.as_deref(), Some("anna"));
    talk(store, "CA1", "cleo", 12).await;
    // cleo is free again since t13, after ben (t2): ben first.
    assert_eq!(claim(store, "CA3", 20).await.as_deref(), Some("ben"));
    assert_eq!(claim(store, "CA4", 21).await.as_deref(), Some("cleo"));
}

pub async fn round_robin_picks_least_recently_offered(store: &Store) {
    available(store, &["anna", "ben", "cleo"], 0).await;
    let rr = Strategy::RoundRobin;
    let mut picked = Vec::new();
    for (i, c) in ["CA1", "CA2", "CA3", "CA4"].iter().enumerate() {
        let who = claim_by(store, c, rr, 10 + i as i64).await.unwrap();
        store
            .ring_failed(&call(c), &id(&who), t(10 + i as i64), 0)
            .await
            .unwrap();
        picked.push(who);
    }
    assert_eq!(picked, ["anna", "ben", "cleo", "anna"]);
    // Longest-idle would pick anna again: a failed ring keeps her idle time.
    assert_eq!(claim(store, "CA5", 20).await.as_deref(), Some("anna"));
}

pub async fn fewest_calls_counts_answered_calls_today(store: &Store) {
    available(store, &["anna", "ben", "cleo"], 0).await;
    let fc = Strategy::FewestCalls;
    assert_eq!(
        claim_by(store, "CA1", fc, 10).await.as_deref(),
        Some("anna")
    );
    talk(store, "CA1", "anna", 11).await;
    assert_eq!(claim_by(store, "CA2", fc, 20).await.as_deref(), Some("ben"));
    talk(store, "CA2", "ben", 21).await;
    assert_eq!(
        claim_by(store, "CA3", fc, 30).await.as_deref(),
        Some("cleo")
    );
    talk(store, "CA3", "cleo", 31).await;
    assert_eq!(
        claim_by(store, "CA4", fc, 40).await.as_deref(),
        Some("anna")
    );
    talk(store, "CA4", "anna", 41).await;
    assert_eq!(claim_by(store, "CA5", fc, 50).await.as_deref(), Some("ben"));
    let s = store.state(&id("anna"), t(60)).await.unwrap().unwrap();
    assert_eq!(s.calls_today, 2);
    let tomorrow = 86_400;
    let s = store
        .state(&id("anna"), t(tomorrow))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.calls_today, 0, "calls_today starts again each UTC day");
}

pub async fn tried_counsellors_are_skipped(store: &Store) {
    available(store, &["anna", "ben"], 0).await;
    assert_eq!(claim(store, "CA1", 10).await.as_deref(), Some("anna"));
    store
        .ring_failed(&call("CA1"), &id("anna"), t(30), 5)
        .await
        .unwrap();
    assert_eq!(claim(store, "CA1", 31).await.as_deref(), Some("ben"));
    store
        .ring_failed(&call("CA1"), &id("ben"), t(50), 5)
        .await
        .unwrap();
    assert_eq!(claim(store, "CA1", 51).await, None, "both tried for CA1");
    assert_eq!(claim(store, "CA2", 52).await.as_deref(), Some("anna"));
}

pub async fn repeated_callbacks_change_nothing(store: &Store) {
    available(store, &["anna", "ben"], 0).await;
    assert_eq!(claim(store, "CA1", 10).await.as_deref(), Some("anna"));
    assert_eq!(
        claim(store, "CA1", 11).await.as_deref(),
        Some("anna"),
        "retried claim"
    );
    assert!(store
        .answered(&call("CA1"), &id("anna"), t(12))
        .await
        .unwrap());
    assert!(!store
        .answered(&call("CA1"), &id("anna"), t(13))
        .await
        .unwrap());
    let late_fail = store
        .ring_failed(&call("CA1"), &id("anna"), t(14), 1)
        .await
        .unwrap();
    assert!(!late_fail.applied && !late_fail.auto_away);
    assert!(
        !store
            .answered(&call("CA1"), &id("ben"), t(14))
            .await
            .unwrap(),
        "never rung"
    );
    let wrap = Duration::from_secs(60);
    assert!(store.call_ended(&call("CA1"), t(20), wrap).await.unwrap());
    assert!(!store.call_ended(&call("CA1"), t(25), wrap).await.unwrap());
    let s = store.state(&id("anna"), t(26)).await.unwrap().unwrap();
    assert_eq!(
        (s.status, s.since, s.calls_today),
        (Status::WrapUp, t(20), 1)
    );
    assert_eq!(
        claim(store, "CA1", 30).await,
        None,
        "an ended call claims no one"
    );

    assert_eq!(claim(store, "CA2", 40).await.as_deref(), Some("ben"));
    let first = store
        .ring_failed(&call("CA2"), &id("ben"), t(60), 3)
        .await
        .unwrap();
    let again = store
        .ring_failed(&call("CA2"), &id("ben"), t(61), 3)
        .await
        .unwrap();
    assert!(first.applied && !again.applied);
    assert_eq!((first.consecutive_misses, again.consecutive_misses), (1, 1));
}

pub async fn completed_before_answered(store: &Store) {
    available(store, &["anna"], 0).await;
    assert_eq!(claim(store, "CA1", 10).await.as_deref(), Some("anna"));
    store
        .call_ended(&call("CA1"), t(20), Duration::from_secs(60))
        .await
        .unwrap();
    let s = store.state(&id("anna"), t(21)).await.unwrap().unwrap();
    assert_eq!(
        s.status,
        Status::Available,
        "a ring that ends frees the counsellor"
    );
    assert!(store
        .answered(&call("CA1"), &id("anna"), t(22))
        .await
        .unwrap());
    let s = store.state(&id("anna"), t(23)).await.unwrap().unwrap();
    assert_eq!((s.status, s.calls_today), (Status::Available, 1));
    assert_eq!(claim(store, "CA2", 24).await.as_deref(), Some("anna"));
}

pub async fn auto_away_after_max_no_answer(store: &Store) {
    available(store, &["anna"], 0).await;
    let miss = |c: &'static str, at: i64| async move {
        assert_eq!(claim(store, c, at).await.as_deref(), Some("anna"));
        store
            .ring_failed(&call(c), &id("anna"), t(at + 1), 2)
            .await
            .unwrap()
    };
    assert_eq!(miss("CA1", 10).await.consecutive_misses, 1);
    // An answered call in between resets the count.
    assert_eq!(claim(store, "CA2", 50).await.as_deref(), Some("anna"));
    store
        .answered(&call("CA2"), &id("anna"), t(51))
        .await
        .unwrap();
    store.call_ended(&call("CA2"), t(52), WRAP).await.unwrap();
    let o = miss("CA3", 60).await;
    assert_eq!((o.consecutive_misses, o.auto_away), (1, false));
    let o = miss("CA4", 70).await;
    assert_eq!(
        (o.applied, o.consecutive_misses, o.auto_away),
        (true, 2, true)
    );
    let s = store.state(&id("anna"), t(80)).await.unwrap().unwrap();
    assert_eq!(s.status, Status::Away);
    assert_eq!(claim(store, "CA5", 81).await, None);
    assert_eq!(store.stats(t(82)).await.unwrap().auto_away, 1);
}

pub async fn late_answer_counts_for_fewest_calls(store: &Store) {
    available(store, &["anna", "ben"], 0).await;
    let fc = Strategy::FewestCalls;
    assert_eq!(
        claim_by(store, "CA1", fc, 10).await.as_deref(),
        Some("anna")
    );
    store.call_ended(&call("CA1"), t(11), WRAP).await.unwrap();
    // The answer arrives after the hang-up: anna is free, with one call.
    assert!(store
        .answered(&call("CA1"), &id("anna"), t(12))
        .await
        .unwrap());
    assert_eq!(claim_by(store, "CA2", fc, 13).await.as_deref(), Some("ben"));
}
