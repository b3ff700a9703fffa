//! Store writes a callback needs, through a Redis outage: the journal keeps
//! them and replays them when Redis is back. Redis here keeps its data
//! across the restart (append-only file), as a crashed or cut-off Redis
//! with persistence does; the empty restart is the chaos test's business.

use std::time::{Duration, Instant};

use crate::helpers::*;
use crate::*;
use lotse::connect::journal;
use lotse::routing::{Presence, Status};

pub(crate) fn persistent_redis() -> RedisServer {
    RedisServer::start_with(&["--appendonly", "yes", "--appendfsync", "always"])
}

/// The counsellor's leg of the `<Dial>` in `twiml`: picked up, asked for
/// the key; returns the URL the key press goes to and the leg's params.
pub(crate) async fn pick_up(
    app: &TestApp,
    call: &str,
    twiml: &str,
) -> (String, Vec<(String, String)>) {
    let leg = pairs(&[
        ("CallSid", &format!("{call}leg")),
        ("ParentCallSid", call),
        ("CallStatus", "in-progress"),
    ]);
    let ask = app.voice(&whisper_url(twiml), &leg).await;
    assert!(ask.body.contains("Drücken Sie die 1"), "{}", ask.body);
    (gather_action(&ask.body), leg)
}

pub(crate) async fn press(
    app: &TestApp,
    answer: &str,
    leg: &[(String, String)],
    key: &str,
) -> Reply {
    let mut pressed = leg.to_vec();
    pressed.push(("Digits".into(), key.into()));
    app.voice(answer, &pressed).await
}

pub(crate) async fn hung_up(app: &TestApp, call: &str) -> Reply {
    let params = pairs(&[
        ("CallSid", call),
        ("CallStatus", "completed"),
        ("From", CALLER),
        ("CallDuration", "240"),
    ]);
    app.voice("/twilio/status", &params).await
}

/// Polls (real time) until `who` is in one of `states`; the store is only
/// read, so nothing but the journal's replayer can move them there.
pub(crate) async fn until_status(
    app: &TestApp,
    who: &str,
    states: &[Status],
    within: Duration,
) -> Status {
    let deadline = Instant::now() + within;
    loop {
        let now = app.clock.now();
        if let Ok(Some(s)) = app.app.store.state(&id(who), now).await {
            if states.contains(&s.status) {
                return s.status;
            }
        }
        assert!(Instant::now() < deadline, "{who} never reached {states:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_call_that_ends_while_redis_is_down_frees_its_counsellor_when_redis_returns() {
    let mut redis = persistent_redis();
    let app = instance(&redis, OPEN).await;
    let replayer = journal::spawn(app.app.journal.clone());
    app.set("c3", Presence::Available).await;
    let ring = app.wants_counsellor("CAlost").await;
    assert_eq!(dialled(&ring.body).as_deref(), Some("c3"));
    let (answer, leg) = pick_up(&app, "CAlost", &ring.body).await;
    press(&app, &answer, &leg, "1").await;
    assert_eq!(app.status("c3").await, Status::InCall);

    redis.stop();
    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(40));
    let end = app
        .ring_result("CAlost", &ring.body, "completed", true)
        .await;
    assert_eq!(end.status, 200);
    assert!(end.body.contains("<Hangup/>"), "{}", end.body);
    assert_eq!(hung_up(&app, "CAlost").await.status, 200);
    // Both callbacks end the same call: one write kept, not two.
    assert_eq!(app.app.journal.len(), 1);
    let d = &app.app.metrics.durability;
    assert_eq!(d.writes_pending.get(), 1);

    redis.restart();
    let reached = until_status(
        &app,
        "c3",
        &[Status::WrapUp, Status::Available],
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(reached, Status::WrapUp, "wrap-up from when the call ended");
    assert!(app.app.journal.is_empty());
    assert_eq!(d.writes_pending.get(), 0);
    assert!(d.writes_replayed.get() >= 1);
    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(31));
    assert_eq!(app.status("c3").await, Status::Available);
    replayer.abort();
}

#[tokio::test]
async fn a_key_press_while_redis_is_down_keeps_the_counsellor_from_the_next_caller() {
    let mut redis = persistent_redis();
    // No replayer: the next claim on this instance replays the key press first.
    let app = instance(&redis, OPEN).await;
    app.set("c3", Presence::Available).await;
    let ring = app.wants_counsellor("CAtalk1").await;
    assert_eq!(dialled(&ring.body).as_deref(), Some("c3"));
    let (answer, leg) = pick_up(&app, "CAtalk1", &ring.body).await;

    redis.stop();
    let bridged = press(&app, &answer, &leg, "1").await;
    assert_eq!(bridged.status, 200);
    assert!(
        !bridged.body.contains("<Hangup"),
        "the caller is put through although Redis is down: {}",
        bridged.body
    );
    assert_eq!(app.app.journal.len(), 1);

    redis.restart();
    // Long past the ring's deadline (20 s + 30 s grace).
    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(90));
    let next = app.wants_counsellor("CAtalk2").await;
    assert_eq!(dialled(&next.body), None, "c3 is talking: {}", next.body);
    assert!(
        next.body.contains("hold.wav"),
        "the next caller waits: {}",
        next.body
    );
    assert_eq!(app.status("c3").await, Status::InCall);
    assert!(app.app.journal.is_empty());
}

#[tokio::test]
async fn a_key_press_kept_on_one_instance_reaches_the_other_within_a_second() {
    let mut redis = persistent_redis();
    let a = instance(&redis, OPEN).await;
    let b = instance(&redis, OPEN).await;
    let replayer = journal::spawn(a.app.journal.clone());
    a.set("c4", Presence::Available).await;
    let ring = a.wants_counsellor("CAtalk3").await;
    assert_eq!(dialled(&ring.body).as_deref(), Some("c4"));
    let (answer, leg) = pick_up(&a, "CAtalk3", &ring.body).await;
    redis.stop();
    press(&a, &answer, &leg, "1").await;
    redis.restart();
    until_status(&a, "c4", &[Status::InCall], Duration::from_secs(5)).await;

    b.clock.set(b.clock.now() + chrono::Duration::seconds(90));
    let next = b.wants_counsellor("CAtalk4").await;
    assert_eq!(dialled(&next.body), None, "c4 is talking: {}", next.body);
    assert_eq!(b.status("c4").await, Status::InCall);
    replayer.abort();
}

#[tokio::test]
async fn the_journal_is_bounded_keeps_a_repeat_once_and_drains_in_order() {
    let mut redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let store = app.app.store.clone();
    let metrics = lotse::metrics::durability::Durability::unregistered();
    let kept = lotse::connect::Journal::with_capacity(store, metrics.clone(), 2);
    let now = app.clock.now();
    let wrap = Duration::from_secs(30);
    let calls: Vec<_> = ["CAb1", "CAb2", "CAb3"]
        .iter()
        .map(|c| lotse::call::CallId::parse(c).unwrap())
        .collect();

    redis.stop();
    assert_eq!(kept.call_ended(&calls[0], now, wrap).await, None);
    assert_eq!(kept.call_ended(&calls[0], now, wrap).await, None);
    assert_eq!(kept.len(), 1, "a repeated callback is kept once");
    assert_eq!(kept.call_ended(&calls[1], now, wrap).await, None);
    assert_eq!(kept.call_ended(&calls[2], now, wrap).await, None);
    assert_eq!(kept.len(), 2, "bounded");
    assert_eq!(metrics.writes_dropped.with_label_values(&["full"]).get(), 1);
    assert_eq!(metrics.writes_kept.get(), 3);
    assert!(kept.settle().await.is_err(), "still down");

    redis.restart();
    kept.settle().await.expect("drains once Redis is back");
    assert!(kept.is_empty());
    assert_eq!(metrics.writes_replayed.get(), 2);
    assert_eq!(metrics.writes_pending.get(), 0);
    // Replayed (calls 2 and 3), so they count as ended; call 1 was dropped.
    assert_eq!(kept.call_ended(&calls[2], now, wrap).await, Some(false));
    assert_eq!(kept.call_ended(&calls[0], now, wrap).await, Some(true));
}
