//! Presence by phone cannot be brute-forced or replayed: three PINs per
//! call whatever is pressed between, five wrong ones within an hour lock a
//! counsellor's presence by phone for an hour (the operator sees it), and a
//! replayed or late presence answer changes nothing.

use std::path::Path;

use crate::helpers::*;
use crate::phone_presence::{from, star, C5_PHONE};
use crate::redis_server::RedisServer;
use crate::*;
use lotse::routing::Status;

const OPERATOR: &str = "operator-token-for-pin-tests";

async fn with_operator(redis: &RedisServer) -> TestApp {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing/lotse-test.toml");
    let hash = sha256_hex(OPERATOR);
    let settings = settings_with_env(
        Some(&config),
        &[
            ("LOTSE_TWILIO__AUTH_TOKEN", TOKEN),
            ("LOTSE_REDIS__URL", &redis.url()),
            ("LOTSE_API__OPERATOR_TOKEN_SHA256", &hash),
        ],
    );
    spawn_with(settings, OPEN).await
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Enters `pins` one after the other from the PIN question `ask`; the last reply.
async fn enter(app: &TestApp, phone: &str, call: &str, ask: Reply, pins: &[&str]) -> Reply {
    let mut reply = ask;
    for pin in pins {
        reply = app
            .voice(&gather_action(&reply.body), &from(phone, call, Some(pin)))
            .await;
    }
    reply
}

fn failures(app: &TestApp, reason: &str) -> u64 {
    app.app
        .metrics
        .pin_failures
        .with_label_values(&[reason])
        .get()
}

#[tokio::test]
async fn three_pins_per_call_whatever_is_pressed_between() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let ask = star(&app, C5_PHONE, "CAbrute1").await;
    let back = enter(&app, C5_PHONE, "CAbrute1", ask, &["0000", "0001", "0002"]).await;
    assert!(back.body.contains("<Redirect"), "{}", back.body);

    // Back in the menu, the attacker presses `*` again: no fourth question.
    let menu = app.follow("CAbrute1", &back.body).await;
    let again = app
        .voice(
            &gather_action(&menu.body),
            &from(C5_PHONE, "CAbrute1", Some("*")),
        )
        .await;
    assert!(
        !again.body.contains("PIN"),
        "no PIN question after three: {}",
        again.body
    );
    assert!(!again.body.contains("/twilio/presence"), "{}", again.body);

    // Even a signed fourth PIN answer (say, from an old question) never opens the menu.
    let fourth = format!(
        "/twilio/presence?step=pin&lang=de&since={}&rung=3",
        app.clock.now().timestamp()
    );
    let right = app
        .voice(&fourth, &from(C5_PHONE, "CAbrute1", Some("4711")))
        .await;
    assert!(!right.body.contains("Ihr Status"), "{}", right.body);
    assert_eq!(app.status("c5").await, Status::Offline);
    assert_eq!(failures(&app, "wrong"), 3);
}

#[tokio::test]
async fn five_wrong_pins_within_an_hour_lock_presence_by_phone() {
    let redis = RedisServer::start();
    let app = with_operator(&redis).await;
    let ask = star(&app, C5_PHONE, "CAlock1").await;
    enter(&app, C5_PHONE, "CAlock1", ask, &["1111", "2222", "3333"]).await;
    let ask = star(&app, C5_PHONE, "CAlock2").await;
    let after = enter(&app, C5_PHONE, "CAlock2", ask, &["4444", "5555"]).await;
    assert!(after.body.contains("PIN stimmt nicht"), "{}", after.body);
    assert_eq!(app.app.metrics.pin_lockouts.get(), 1);

    // The right PIN now sounds exactly like a wrong one.
    let ask = star(&app, C5_PHONE, "CAlock3").await;
    let right = enter(&app, C5_PHONE, "CAlock3", ask, &["4711"]).await;
    let wrong = {
        let ask = star(&app, C5_PHONE, "CAlock4").await;
        enter(&app, C5_PHONE, "CAlock4", ask, &["9999"]).await
    };
    assert_eq!(speech(&right.body), speech(&wrong.body));
    assert_eq!(app.status("c5").await, Status::Offline);
    assert_eq!(failures(&app, "wrong"), 5);
    assert_eq!(failures(&app, "locked"), 2);

    // The operator sees it, in the API (and so on the page).
    let team: serde_json::Value = app
        .client
        .get(format!("http://{}/api/v1/counsellors", app.addr))
        .bearer_auth(OPERATOR)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let c5 = team
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "c5")
        .unwrap();
    assert_eq!(c5["pin_locked_until"], "2026-03-30T09:00:00Z", "{c5}");
    let c1 = team
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "c1")
        .unwrap();
    assert_eq!(c1["pin_locked_until"], serde_json::Value::Null);

    // An hour later the right PIN works again.
    app.clock.set(instant("2026-03-30T11:00:01+02:00"));
    let ask = star(&app, C5_PHONE, "CAlock5").await;
    let menu = enter(&app, C5_PHONE, "CAlock5", ask, &["4711"]).await;
    assert!(menu.body.contains("Ihr Status"), "{}", menu.body);
}

#[tokio::test]
async fn a_replayed_or_late_presence_answer_changes_nothing() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let ask = star(&app, C5_PHONE, "CAreplay").await;
    let menu = enter(&app, C5_PHONE, "CAreplay", ask, &["4711"]).await;
    let set_available = (
        gather_action(&menu.body),
        from(C5_PHONE, "CAreplay", Some("1")),
    );
    let done = app.voice(&set_available.0, &set_available.1).await;
    assert!(done.body.contains("jetzt verfügbar"), "{}", done.body);

    // The counsellor pauses on the page; the captured "1" is replayed.
    app.set("c5", lotse::routing::Presence::Away).await;
    let replayed = app.voice(&set_available.0, &set_available.1).await;
    assert_eq!(replayed.status, 200);
    assert!(
        replayed.body.contains("<Hangup/>") && !replayed.body.contains("<Say"),
        "{}",
        replayed.body
    );
    assert_eq!(app.status("c5").await, Status::Away);

    // A fresh question answered long after it was asked: also nothing.
    let ask = star(&app, C5_PHONE, "CAlate").await;
    let menu = enter(&app, C5_PHONE, "CAlate", ask, &["4711"]).await;
    app.clock.set(instant("2026-03-30T10:11:00+02:00"));
    let late = app
        .voice(
            &gather_action(&menu.body),
            &from(C5_PHONE, "CAlate", Some("1")),
        )
        .await;
    assert!(
        late.body.contains("<Hangup/>") && !late.body.contains("<Say"),
        "{}",
        late.body
    );
    assert_eq!(app.status("c5").await, Status::Away);
}

/// A quick caller (or a script): a wrong PIN, no answer to the next PIN
/// question (back to the menu), `*` again and the right PIN, all within
/// one second. The PIN question asked again is a new question, not a
/// replay of the one left unanswered.
#[tokio::test]
async fn a_pin_question_asked_again_within_a_second_is_not_a_replay() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let ask = star(&app, C5_PHONE, "CAquick").await;
    let wrong = enter(&app, C5_PHONE, "CAquick", ask, &["0000"]).await;
    assert!(wrong.body.contains("PIN stimmt nicht"), "{}", wrong.body);
    let back = app
        .voice(
            &gather_action(&wrong.body),
            &from(C5_PHONE, "CAquick", Some("")),
        )
        .await;
    let menu = app.follow("CAquick", &back.body).await;
    let again = app
        .voice(
            &gather_action(&menu.body),
            &from(C5_PHONE, "CAquick", Some("*")),
        )
        .await;
    assert!(again.body.contains("PIN"), "{}", again.body);
    let opened = enter(&app, C5_PHONE, "CAquick", again, &["4711"]).await;
    assert!(
        opened.body.contains("drücken Sie die 1") || opened.body.contains("Drücken Sie die 1"),
        "the right PIN opens the presence menu: {}",
        opened.body
    );
}

/// What the caller hears, without the callback URLs (which carry the turn).
fn speech(twiml: &str) -> Vec<String> {
    twiml
        .split("<Say")
        .skip(1)
        .map(|s| s[s.find('>').unwrap() + 1..s.find("</Say>").unwrap()].to_owned())
        .collect()
}
