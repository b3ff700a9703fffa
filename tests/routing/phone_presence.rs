//! Counsellors set their presence by phone: `*` in the menu, then a PIN,
//! from their registered number.

use crate::helpers::*;
use crate::*;
use lotse::routing::Status;

pub const C5_PHONE: &str = "+493023125105";

pub fn from(phone: &str, call: &str, digits: Option<&str>) -> Vec<(String, String)> {
    let mut p = pairs(&[("CallSid", call), ("From", phone), ("To", "+498003009944")]);
    if let Some(d) = digits {
        p.push(("Digits".into(), d.into()));
    }
    p
}

/// Calls in and presses `*` in the menu: the PIN question.
pub async fn star(app: &TestApp, phone: &str, call: &str) -> Reply {
    let greeting = app.voice("/twilio/voice", &from(phone, call, None)).await;
    assert!(
        greeting.body.contains("kostenfrei und vertraulich"),
        "everyone hears the greeting: {}",
        greeting.body
    );
    assert!(
        !greeting.body.contains("PIN"),
        "a caller id alone reveals nothing: {}",
        greeting.body
    );
    app.voice(
        &gather_action(&greeting.body),
        &from(phone, call, Some("*")),
    )
    .await
}

#[tokio::test]
async fn a_counsellor_sets_available_by_phone_with_star_and_the_pin() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let ask = star(&app, C5_PHONE, "CApin1").await;
    assert!(ask.body.contains("PIN"), "{}", ask.body);

    let wrong = app
        .voice(
            &gather_action(&ask.body),
            &from(C5_PHONE, "CApin1", Some("1234")),
        )
        .await;
    assert!(wrong.body.contains("PIN stimmt nicht"), "{}", wrong.body);
    let menu = app
        .voice(
            &gather_action(&wrong.body),
            &from(C5_PHONE, "CApin1", Some("4711")),
        )
        .await;
    assert!(
        menu.body.contains("Ihr Status: abgemeldet") && menu.body.contains("drücken Sie die 1"),
        "{}",
        menu.body
    );

    let done = app
        .voice(
            &gather_action(&menu.body),
            &from(C5_PHONE, "CApin1", Some("1")),
        )
        .await;
    assert!(
        done.body.contains("jetzt verfügbar") && done.body.contains("<Hangup/>"),
        "{}",
        done.body
    );
    assert_eq!(app.status("c5").await, Status::Available);

    // No page renews it: the lease lasts until closing time, not 90 s.
    app.clock.set(instant("2026-03-30T15:30:00+02:00"));
    assert_eq!(app.status("c5").await, Status::Available);
    let rung = app.wants_counsellor("CAafterpin").await;
    assert_eq!(dialled(&rung.body).as_deref(), Some("c5"), "{}", rung.body);
}

#[tokio::test]
async fn no_pin_or_wrong_pins_lead_back_to_the_caller_flow() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let ask = star(&app, C5_PHONE, "CApin2").await;
    let waited = app
        .voice(
            &gather_action(&ask.body),
            &from(C5_PHONE, "CApin2", Some("")),
        )
        .await;
    let again = app.follow("CApin2", &waited.body).await;
    assert!(
        again.body.contains("kostenfrei und vertraulich"),
        "the caller flow: {}",
        again.body
    );

    let mut reply = star(&app, C5_PHONE, "CApin3").await;
    for _ in 0..3 {
        reply = app
            .voice(
                &gather_action(&reply.body),
                &from(C5_PHONE, "CApin3", Some("0000")),
            )
            .await;
    }
    assert!(
        reply.body.contains("<Redirect"),
        "three wrong PINs: back to the start: {}",
        reply.body
    );
    assert_eq!(app.status("c5").await, Status::Offline);
}

#[tokio::test]
async fn the_right_pin_from_another_number_sounds_like_a_wrong_one() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let ask = star(&app, CALLER, "CApin4").await;
    assert!(
        ask.body.contains("PIN"),
        "everyone pressing * hears the same question: {}",
        ask.body
    );
    let wrong = app
        .voice(
            &gather_action(&ask.body),
            &from(CALLER, "CApin4", Some("4711")),
        )
        .await;
    assert!(wrong.body.contains("PIN stimmt nicht"), "{}", wrong.body);
    assert_eq!(app.status("c5").await, Status::Offline);
}
