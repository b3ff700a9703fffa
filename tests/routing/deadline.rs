//! A call whose end never reaches the store (the instance died) ends at
//! `max_call_s` plus the grace: the counsellor is free again, the metric
//! counts it, and the log line names the counsellor, never the caller.

use std::path::Path;

use crate::captured_logs::captured_logs;
use crate::helpers::*;
use crate::*;
use lotse::routing::{Presence, Status, CALL_GRACE};

#[tokio::test]
async fn a_call_whose_end_is_lost_ends_at_max_call() {
    captured_logs();
    let redis = RedisServer::start();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing/lotse-test.toml");
    let url = redis.url();
    let env = [
        ("LOTSE_TWILIO__AUTH_TOKEN", TOKEN),
        ("LOTSE_REDIS__URL", url.as_str()),
        ("LOTSE_ROUTING__MAX_CALL_S", "600"),
    ];
    let app = spawn_with(settings_with_env(Some(&config), &env), OPEN).await;
    app.set("c1", Presence::Available).await;
    let dial = app.wants_counsellor("CAlostend").await;
    assert!(dial.body.contains("timeLimit=\"600\""), "{}", dial.body);
    app.takes("CAlostend", &dial.body).await;
    assert_eq!(app.status("c1").await, Status::InCall);
    // Neither the dial result nor the status callback ever comes; c1's
    // page keeps beating.
    let store = &app.app.store;
    let ttl = app.app.settings.routing.presence_ttl;
    let deadline = 600 + CALL_GRACE.as_secs() as i64;
    for _ in 0..(deadline - 1) / 60 {
        app.later(60).await;
        store
            .heartbeat(&id("c1"), app.clock.now(), ttl)
            .await
            .unwrap();
    }
    app.later((deadline - 1) % 60).await;
    assert_eq!(app.status("c1").await, Status::InCall);
    app.later(1).await;
    assert_eq!(app.status("c1").await, Status::Available);
    let (status, metrics) = app.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("lotse_calls_force_ended_total 1"),
        "{metrics}"
    );
    // What the roster task of some instance logs.
    lotse::routing::log_events(&store.take_events(app.clock.now()).await.unwrap());
    let logs = captured_logs();
    let line = logs
        .lines()
        .find(|l| l.contains("call ended by the store"))
        .unwrap_or_else(|| panic!("no log line: {logs}"));
    assert!(line.contains("c1"), "{line}");
    assert!(!line.contains("CAlostend") && !line.contains(CALLER.trim_start_matches('+')));
    // The next caller reaches c1 again.
    let next = app.wants_counsellor("CAnext").await;
    assert_eq!(dialled(&next.body).as_deref(), Some("c1"), "{}", next.body);
}
