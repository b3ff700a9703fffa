//! The waiting line: FIFO per pool, a free counsellor for the first caller
//! who has not tried them, a failed ring keeps the caller's place, leaving
//! (and hanging up) removes them.

use std::time::Duration;

use lotse::routing::{PoolId, Presence, Store, Strategy};

use crate::harness::{available, call, claim, de, id, t, RING, TTL};

async fn enqueue(store: &Store, c: &str, at: i64) -> Option<u32> {
    store.enqueue(&call(c), &de(), t(at)).await.unwrap()
}

async fn position(store: &Store, c: &str, at: i64) -> Option<u32> {
    store.position(&call(c), t(at)).await.unwrap()
}

pub async fn fifo_and_first_claim(store: &Store) {
    store.register(&id("anna"), &[de()], t(0)).await.unwrap();
    assert_eq!(enqueue(store, "W1", 1).await, Some(1));
    assert_eq!(enqueue(store, "W2", 2).await, Some(2));
    assert_eq!(enqueue(store, "W3", 3).await, Some(3));
    assert_eq!(
        enqueue(store, "W2", 4).await,
        Some(2),
        "enqueue is idempotent"
    );
    assert_eq!(store.waiting_count(t(5)).await.unwrap(), 3);
    assert_eq!(claim(store, "W1", 6).await, None, "nobody free yet");

    available(store, &["anna"], 10).await;
    assert_eq!(claim(store, "W2", 11).await, None, "not at the head");
    assert_eq!(
        claim(store, "NEW", 11).await,
        None,
        "a new caller does not jump the line"
    );
    assert_eq!(claim(store, "W1", 12).await.as_deref(), Some("anna"));
    assert_eq!(
        position(store, "W1", 13).await,
        None,
        "a claimed caller left the line"
    );
    assert_eq!(position(store, "W2", 13).await, Some(1));
    assert_eq!(position(store, "W3", 13).await, Some(2));
    assert_eq!(store.waiting_count(t(13)).await.unwrap(), 2);
    assert_eq!(store.stats(t(13)).await.unwrap().abandoned, 0);
}

pub async fn failed_ring_keeps_the_place_in_line(store: &Store) {
    available(store, &["anna"], 0).await;
    store
        .set_status(&id("anna"), Presence::Away, t(1), TTL)
        .await
        .unwrap();
    enqueue(store, "W1", 2).await;
    enqueue(store, "W2", 3).await;
    enqueue(store, "W3", 3).await;
    store
        .set_status(&id("anna"), Presence::Available, t(4), TTL)
        .await
        .unwrap();
    assert_eq!(claim(store, "W2", 5).await, None, "W1 is owed anna");
    assert_eq!(claim(store, "W1", 5).await.as_deref(), Some("anna"));
    store
        .ring_failed(&call("W1"), &id("anna"), t(25), 3)
        .await
        .unwrap();
    assert_eq!(position(store, "W1", 25).await, Some(1), "back at the head");
    assert_eq!(position(store, "W2", 25).await, Some(2));
    assert_eq!(
        claim(store, "W1", 26).await,
        None,
        "anna already tried for W1"
    );
    // W1 tried anna: the next caller who has not takes her, while W1
    // keeps the head of the line for whoever comes free next.
    assert_eq!(claim(store, "W3", 26).await, None, "W2 is ahead of W3");
    assert_eq!(claim(store, "W2", 26).await.as_deref(), Some("anna"));
    assert_eq!(position(store, "W1", 26).await, Some(1));
    assert_eq!(position(store, "W3", 26).await, Some(2));
    // An answered caller is not put back, and `leave` ends the claim to a place.
    available(store, &["ben"], 27).await;
    assert_eq!(claim(store, "W3", 28).await, None, "W1 is owed ben");
    assert_eq!(claim(store, "W1", 28).await.as_deref(), Some("ben"));
    store
        .answered(&call("W1"), &id("ben"), t(29))
        .await
        .unwrap();
    store
        .ring_failed(&call("W1"), &id("ben"), t(30), 3)
        .await
        .unwrap();
    assert_eq!(position(store, "W1", 30).await, None);
    assert_eq!(position(store, "W3", 30).await, Some(1));
}

pub async fn leaving_the_line(store: &Store) {
    for (i, c) in ["W1", "W2", "W3", "W4"].iter().enumerate() {
        enqueue(store, c, i as i64).await;
    }
    assert!(store.leave(&call("W2"), true, t(10)).await.unwrap());
    assert!(
        !store.leave(&call("W2"), true, t(11)).await.unwrap(),
        "only once"
    );
    assert_eq!(position(store, "W3", 11).await, Some(2));
    // Hanging up while waiting: the status callback removes the place.
    store
        .call_ended(&call("W1"), t(12), Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(position(store, "W3", 12).await, Some(1));
    assert_eq!(
        enqueue(store, "W1", 13).await,
        None,
        "an ended call cannot wait"
    );
    // Leaving without giving up (e.g. sent to voicemail) is not abandoned.
    assert!(store.leave(&call("W4"), false, t(14)).await.unwrap());
    let stats = store.stats(t(15)).await.unwrap();
    assert_eq!((stats.waiting, stats.abandoned), (1, 2));
}

pub async fn pools_have_their_own_lines(store: &Store) {
    let en = PoolId::parse("en").unwrap();
    store
        .register(&id("emma"), std::slice::from_ref(&en), t(0))
        .await
        .unwrap();
    store
        .set_status(&id("emma"), Presence::Available, t(0), TTL)
        .await
        .unwrap();
    available(store, &["anna"], 0).await;
    // Both speak English once anna is in both pools.
    assert_eq!(
        store.enqueue(&call("E1"), &en, t(1)).await.unwrap(),
        Some(1)
    );
    assert_eq!(
        claim(store, "D1", 2).await.as_deref(),
        Some("anna"),
        "en line blocks no de caller"
    );
    let won = store
        .claim(&call("E2"), &en, Strategy::LongestIdle, t(3), RING)
        .await
        .unwrap();
    assert_eq!(won, None, "E1 is first in the en line");
    let won = store
        .claim(&call("E1"), &en, Strategy::LongestIdle, t(4), RING)
        .await
        .unwrap();
    assert_eq!(won.unwrap().as_str(), "emma");
    store
        .register(&id("anna"), &[de(), en.clone()], t(5))
        .await
        .unwrap();
    store
        .ring_failed(&call("D1"), &id("anna"), t(6), 3)
        .await
        .unwrap();
    let won = store
        .claim(&call("E2"), &en, Strategy::LongestIdle, t(7), RING)
        .await
        .unwrap();
    assert_eq!(won.unwrap().as_str(), "anna", "re-registered into en");
}
