//! Redis going away mid-call and coming back.

use crate::*;
use lotse::routing::Presence;

#[tokio::test]
async fn redis_down_gives_the_fallback_and_routing_heals_when_it_returns() {
    let mut redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c5", Presence::Available).await;
    let before = app.wants_counsellor("CAfault1").await;
    assert_eq!(dialled(&before.body).as_deref(), Some("c5"));

    redis.stop();
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, 503, "{body}");
    // Mid-call: the ring result cannot be stored, the caller still hears a way on.
    let during = app
        .ring_result("CAfault1", &before.body, "no-answer", false)
        .await;
    assert_eq!(during.status, 200);
    assert!(
        during.body.contains("keine Beraterin") && during.body.contains("110"),
        "{}",
        during.body
    );
    let new_call = app.wants_counsellor("CAfault2").await;
    assert_eq!(new_call.status, 200);
    assert!(
        new_call.body.contains("110") && new_call.body.contains("Nachricht hinterlassen"),
        "{}",
        new_call.body
    );

    // Back, but empty (no persistence): the roster task registers the team
    // again; the counsellor signs in again. The same store reconnects itself.
    redis.restart();
    lotse::routing::register_all(&app.app.store, &app.app.team(), app.clock.now())
        .await
        .expect("store reconnected");
    app.set("c5", Presence::Available).await;
    assert_eq!(app.get("/readyz").await.0, 200);
    let after = app.wants_counsellor("CAfault3").await;
    assert_eq!(
        dialled(&after.body).as_deref(),
        Some("c5"),
        "{}",
        after.body
    );
}
