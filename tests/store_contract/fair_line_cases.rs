//! A fair line without head-of-line blocking: a free counsellor goes to the
//! longest-waiting caller who may take them (has not tried them), never
//! waits behind a first in line who already has.

use lotse::routing::{Hold, PoolId, Status, Store, Strategy};

use crate::harness::{available, call, claim, de, id, t, RING};

async fn hold(store: &Store, c: &str, at: i64) -> Hold {
    store
        .claim_or_wait(&call(c), &de(), Strategy::LongestIdle, t(at), RING)
        .await
        .unwrap()
}

fn waits(position: u32, on_duty: u32) -> Hold {
    Hold::Wait { position, on_duty }
}

/// The scenario: Ben talks, Anna is free. Z, first in line, is
/// offered Anna, who does not answer; Z is back at the head. U, second,
/// must get Anna at U's next turn instead of hold music until `max_wait`.
pub async fn a_caller_behind_takes_whom_the_first_has_tried(store: &Store) {
    available(store, &["ben"], 0).await;
    assert_eq!(claim(store, "CAtalk", 1).await.as_deref(), Some("ben"));
    store
        .answered(&call("CAtalk"), &id("ben"), t(2))
        .await
        .unwrap();
    assert_eq!(hold(store, "Z", 3).await, waits(1, 1));
    assert_eq!(hold(store, "U", 4).await, waits(2, 1));
    available(store, &["anna"], 5).await;
    assert_eq!(hold(store, "U", 6).await, waits(2, 2), "Z is owed anna");
    assert_eq!(hold(store, "Z", 7).await, Hold::Ring(id("anna")));
    assert_eq!(hold(store, "U", 8).await, waits(1, 2));
    store
        .ring_failed(&call("Z"), &id("anna"), t(27), 3)
        .await
        .unwrap();
    assert_eq!(store.position(&call("Z"), t(27)).await.unwrap(), Some(1));
    // Z's own turn: nobody untried is free, Z keeps the head.
    assert_eq!(hold(store, "Z", 28).await, waits(1, 2));
    assert_eq!(hold(store, "U", 29).await, Hold::Ring(id("anna")));
    assert_eq!(store.position(&call("Z"), t(29)).await.unwrap(), Some(1));
    let stats = store.stats(t(30)).await.unwrap();
    assert_eq!((stats.waiting, stats.count(Status::Available)), (1, 0));
    // Ben comes free after his call: Z, still first, has not tried him.
    store
        .call_ended(&call("CAtalk"), t(31), Default::default())
        .await
        .unwrap();
    assert_eq!(
        hold(store, "NEW", 32).await,
        waits(2, 2),
        "a new caller queues"
    );
    assert_eq!(hold(store, "Z", 33).await, Hold::Ring(id("ben")));
}

/// Among the callers who may take a counsellor, the one waiting longest
/// does; callers ahead who tried them do not block those behind.
pub async fn among_eligible_callers_the_longest_waiting(store: &Store) {
    available(store, &["ben"], 0).await;
    assert_eq!(hold(store, "CAtalk", 0).await, Hold::Ring(id("ben")));
    store
        .answered(&call("CAtalk"), &id("ben"), t(0))
        .await
        .unwrap();
    available(store, &["anna"], 1).await;
    // W1 and W2 each try anna, then wait in line; W3 is ringing her.
    assert_eq!(hold(store, "W1", 2).await, Hold::Ring(id("anna")));
    store
        .ring_failed(&call("W1"), &id("anna"), t(3), 0)
        .await
        .unwrap();
    assert_eq!(
        store.enqueue(&call("W1"), &de(), t(3)).await.unwrap(),
        Some(1)
    );
    assert_eq!(
        hold(store, "W2", 4).await,
        Hold::Ring(id("anna")),
        "W1 tried her"
    );
    store
        .ring_failed(&call("W2"), &id("anna"), t(5), 0)
        .await
        .unwrap();
    assert_eq!(
        store.enqueue(&call("W2"), &de(), t(5)).await.unwrap(),
        Some(2)
    );
    assert_eq!(hold(store, "W3", 6).await, Hold::Ring(id("anna")));
    assert_eq!(hold(store, "W4", 7).await, waits(3, 2));
    assert_eq!(hold(store, "W5", 7).await, waits(4, 2));
    store
        .ring_failed(&call("W3"), &id("anna"), t(8), 0)
        .await
        .unwrap();
    assert_eq!(
        store.enqueue(&call("W3"), &de(), t(8)).await.unwrap(),
        Some(5)
    );
    // Anna is free; W1–W3 tried her: W4 is the first who may take her.
    assert_eq!(hold(store, "W5", 9).await, waits(4, 2), "W4 is ahead of W5");
    assert_eq!(hold(store, "W2", 9).await, waits(2, 2), "W2 tried anna");
    assert_eq!(hold(store, "W3", 9).await, waits(5, 2), "W3 tried anna");
    assert_eq!(hold(store, "W4", 9).await, Hold::Ring(id("anna")));
    store
        .ring_failed(&call("W4"), &id("anna"), t(10), 0)
        .await
        .unwrap();
    assert_eq!(hold(store, "W5", 11).await, Hold::Ring(id("anna")));
    store
        .ring_failed(&call("W5"), &id("anna"), t(12), 0)
        .await
        .unwrap();
    // Ben's call ends: W1, first in line, has not tried him.
    store
        .call_ended(&call("CAtalk"), t(13), Default::default())
        .await
        .unwrap();
    assert_eq!(hold(store, "W3", 14).await, waits(5, 2));
    assert_eq!(hold(store, "W1", 15).await, Hold::Ring(id("ben")));
    // Everyone waiting tried anna: she goes to the next caller.
    assert_eq!(hold(store, "W2", 16).await, waits(1, 2));
    assert_eq!(hold(store, "NEW", 16).await, Hold::Ring(id("anna")));
}

/// Someone who tried every counsellor on duty leaves the line at once:
/// waiting would be a ringing void.
pub async fn nobody_left_untried_leaves_the_line(store: &Store) {
    available(store, &["anna"], 0).await;
    assert_eq!(hold(store, "CA1", 1).await, Hold::Ring(id("anna")));
    store
        .ring_failed(&call("CA1"), &id("anna"), t(2), 0)
        .await
        .unwrap();
    assert_eq!(hold(store, "CA2", 3).await, Hold::Ring(id("anna")));
    assert_eq!(hold(store, "CA1", 4).await, Hold::Nobody { on_duty: 1 });
    assert_eq!(store.position(&call("CA1"), t(4)).await.unwrap(), None);
    let en = PoolId::parse("en").unwrap();
    let other = store
        .claim_or_wait(&call("CA3"), &en, Strategy::LongestIdle, t(5), RING)
        .await
        .unwrap();
    assert_eq!(other, Hold::Nobody { on_duty: 0 }, "nobody speaks en");
    assert_eq!(store.stats(t(6)).await.unwrap().abandoned, 0);
}
