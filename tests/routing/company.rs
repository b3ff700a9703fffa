//! Company in the waiting line (issue 13): a calm sentence every minute,
//! the place in line in turn, and from the second minute the way out to a
//! message, which keeps the place until the caller takes it.

use crate::helpers::*;
use crate::*;
use lotse::routing::Presence;

const REASSURE: &str = "Danke für Ihre Geduld";
const POSITION: &str = "Position 1 in der Warteschleife";
const OFFER: &str = "drücken Sie die 2";

/// c1 talks to someone else, so the next caller waits in line.
async fn busy_line(app: &TestApp) {
    app.set("c1", Presence::Available).await;
    app.wants_counsellor("CAtalking").await;
    let talking = lotse::call::CallId::parse("CAtalking").unwrap();
    app.app
        .store
        .answered(&talking, &id("c1"), app.clock.now())
        .await
        .unwrap();
}

/// What Twilio does when the hold turn's music ends and nobody pressed a
/// key (`actionOnEmptyResult`), or sends when the caller presses `digits`.
async fn answer_hold_turn(app: &TestApp, call: &str, twiml: &str, digits: &str) -> Reply {
    let params = pairs(&[("CallSid", call), ("From", CALLER), ("Digits", digits)]);
    app.voice(&gather_action(twiml), &params).await
}

#[tokio::test]
async fn a_calm_sentence_every_minute_and_from_the_second_the_way_out() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    busy_line(&app).await;
    let mut reply = app.wants_counsellor("CAwaits").await;
    let joined = &reply.body;
    assert!(
        joined.contains("Alle Beraterinnen und Berater") && joined.contains(POSITION),
        "{joined}"
    );
    assert!(
        joined.contains("110") && !joined.contains(OFFER),
        "{joined}"
    );
    assert!(
        joined.contains(r#"<Gather input="dtmf" numDigits="1" timeout="1""#)
            && joined.contains("hold.wav</Play></Gather><Redirect"),
        "talk and music inside a key-press wait: {joined}"
    );

    // Before the offer, the key does nothing: the caller keeps waiting.
    let early = answer_hold_turn(&app, "CAwaits", &reply.body, "2").await;
    assert!(
        early.body.contains("hold.wav") && !early.body.contains("Nachricht"),
        "{}",
        early.body
    );
    reply = early;

    let mut heard = Vec::new();
    for t in (15..=285).step_by(15) {
        app.clock.set(instant(OPEN) + chrono::Duration::seconds(t));
        reply = answer_hold_turn(&app, "CAwaits", &reply.body, "").await;
        let b = &reply.body;
        assert!(b.contains("hold.wav"), "still waiting at {t} s: {b}");
        let said = |s: &str| b.contains(s);
        if said(REASSURE) || said(POSITION) || said(OFFER) {
            heard.push((t, said(REASSURE), said(POSITION), said(OFFER)));
        }
    }
    assert_eq!(
        heard,
        [
            (60, true, false, true),
            (120, false, true, true),
            (180, true, false, true),
            (240, false, true, true),
        ],
        "(second, reassurance, position, offer)"
    );
    assert!(reply.body.contains("heard=4"), "{}", reply.body);

    // The caller takes the way out: the voicemail step's consent question,
    // and only now the place in line is given up, not counted abandoned.
    assert_eq!(
        app.app.store.waiting_count(app.clock.now()).await.unwrap(),
        1
    );
    let out = answer_hold_turn(&app, "CAwaits", &reply.body, "2").await;
    assert!(
        out.body.contains("Nachricht hinterlassen") && out.body.contains("drücken Sie jetzt die 1"),
        "{}",
        out.body
    );
    assert!(out.body.contains("step=voicemail"), "{}", out.body);
    assert!(!out.body.contains("hold.wav"), "{}", out.body);
    let stats = app.app.store.stats(app.clock.now()).await.unwrap();
    assert_eq!((stats.waiting, stats.abandoned), (0, 0));
    let (_, metrics) = app.get("/metrics").await;
    let counted = metrics.lines().any(|l| {
        l.starts_with("lotse_calls_total{")
            && l.contains(r#"outcome="no_counsellor""#)
            && l.contains(r#"lang="de""#)
            && l.ends_with(" 1")
    });
    assert!(counted, "{metrics}");
}

#[tokio::test]
async fn another_key_in_line_changes_nothing() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    busy_line(&app).await;
    let joined = app.wants_counsellor("CAkeys").await;
    app.clock.set(instant(OPEN) + chrono::Duration::seconds(61));
    let offered = answer_hold_turn(&app, "CAkeys", &joined.body, "").await;
    assert!(offered.body.contains(OFFER), "{}", offered.body);
    for key in ["1", "9", "*"] {
        let still = answer_hold_turn(&app, "CAkeys", &offered.body, key).await;
        assert!(still.body.contains("hold.wav"), "{key}: {}", still.body);
    }
    assert_eq!(
        app.app.store.waiting_count(app.clock.now()).await.unwrap(),
        1
    );
}
