//! The waiting line: FIFO, positions, hang-ups, closing time, the longest wait.

use crate::helpers::*;
use crate::*;
use lotse::routing::Presence;

#[tokio::test]
async fn the_first_caller_to_wait_is_the_first_connected() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c1", Presence::Available).await;
    let a = app.wants_counsellor("CAfifoA").await;
    assert_eq!(dialled(&a.body).as_deref(), Some("c1"));

    let b = app.wants_counsellor("CAfifoB").await;
    assert!(
        b.body
            .contains("Alle Beraterinnen und Berater sind gerade im Gespräch"),
        "{}",
        b.body
    );
    assert!(b.body.contains("Position 1 "), "{}", b.body);
    let c = app.wants_counsellor("CAfifoC").await;
    assert!(c.body.contains("Position 2 "), "{}", c.body);

    // A's conversation ends; after wrap-up c1 is free again.
    app.ring_result("CAfifoA", &a.body, "completed", true).await;
    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(31));

    // C's hold loop comes round first, but B has waited longer.
    let c2 = app.follow("CAfifoC", &c.body).await;
    assert_eq!(dialled(&c2.body), None, "{}", c2.body);
    assert!(
        !c2.body.contains("Position"),
        "the position did not change: {}",
        c2.body
    );
    let b2 = app.follow("CAfifoB", &b.body).await;
    assert_eq!(dialled(&b2.body).as_deref(), Some("c1"), "{}", b2.body);
    let c3 = app.follow("CAfifoC", &c2.body).await;
    assert!(
        c3.body.contains("Position 1 "),
        "C moved up and is told so: {}",
        c3.body
    );
}

#[tokio::test]
async fn a_caller_who_hangs_up_while_waiting_leaves_the_line_as_abandoned() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c1", Presence::Available).await;
    app.wants_counsellor("CAbusy").await;
    app.wants_counsellor("CAgone").await;
    assert_eq!(
        app.app.store.waiting_count(app.clock.now()).await.unwrap(),
        1
    );
    let status = pairs(&[
        ("CallSid", "CAgone"),
        ("CallStatus", "completed"),
        ("CallDuration", "40"),
    ]);
    assert_eq!(app.voice("/twilio/status", &status).await.status, 200);
    app.voice("/twilio/status", &status).await; // Twilio retries: still one.
    let stats = app.app.store.stats(app.clock.now()).await.unwrap();
    assert_eq!((stats.waiting, stats.abandoned), (0, 1));
}

#[tokio::test]
async fn waiting_callers_hear_the_off_hours_message_at_closing_time() {
    let redis = RedisServer::start();
    let app = instance(&redis, "2026-03-30T15:59:00+02:00").await;
    app.set("c1", Presence::Available).await;
    app.wants_counsellor("CAtalking").await;
    let waiting = app.wants_counsellor("CAlate").await;
    assert!(waiting.body.contains("hold.wav"));
    app.clock.set(instant("2026-03-30T16:00:05+02:00"));
    let closed = app.follow("CAlate", &waiting.body).await;
    assert!(
        closed.body.contains("außerhalb unserer Sprechzeiten"),
        "{}",
        closed.body
    );
    assert!(
        closed.body.contains("Nachricht hinterlassen"),
        "voicemail is offered: {}",
        closed.body
    );
    assert_eq!(
        app.app.store.waiting_count(app.clock.now()).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn after_the_longest_wait_the_caller_hears_the_alternatives() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c1", Presence::Available).await;
    app.wants_counsellor("CAlong1").await;
    // c1 takes the first call and talks for longer than the second may wait.
    let first = lotse::call::CallId::parse("CAlong1").unwrap();
    app.app
        .store
        .answered(&first, &id("c1"), app.clock.now())
        .await
        .unwrap();
    let mut reply = app.wants_counsellor("CAlong2").await;
    // The hold loop comes round every 15 s; the line sees the caller each time.
    for _ in 0..19 {
        app.clock
            .set(app.clock.now() + chrono::Duration::seconds(15));
        reply = app.follow("CAlong2", &reply.body).await;
        assert!(reply.body.contains("hold.wav"), "{}", reply.body);
    }
    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(15));
    let given_up = app.follow("CAlong2", &reply.body).await;
    assert!(
        given_up.body.contains("keine Beraterin"),
        "{}",
        given_up.body
    );
    assert!(given_up.body.contains("110"));
    assert_eq!(
        app.app.store.waiting_count(app.clock.now()).await.unwrap(),
        0
    );
}
