//! Counsellors set their presence by calling the hotline and entering a PIN.

use crate::helpers::*;
use crate::*;
use lotse::routing::Status;

const C5_PHONE: &str = "+493023125105";

fn from_c5(call: &str, digits: Option<&str>) -> Vec<(String, String)> {
    let mut p = pairs(&[
        ("CallSid", call),
        ("From", C5_PHONE),
        ("To", "+498003009944"),
    ]);
    if let Some(d) = digits {
        p.push(("Digits".into(), d.into()));
    }
    p
}

#[tokio::test]
async fn a_counsellor_sets_available_by_phone_with_the_pin() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let ask = app.voice("/twilio/voice", &from_c5("CApin1", None)).await;
    assert!(ask.body.contains("PIN"), "{}", ask.body);
    assert!(
        !ask.body.contains("Guten Tag, hier ist"),
        "no caller greeting: {}",
        ask.body
    );

    let wrong = app
        .voice(&gather_action(&ask.body), &from_c5("CApin1", Some("1234")))
        .await;
    assert!(wrong.body.contains("PIN stimmt nicht"), "{}", wrong.body);
    let menu = app
        .voice(
            &gather_action(&wrong.body),
            &from_c5("CApin1", Some("4711")),
        )
        .await;
    assert!(
        menu.body.contains("Ihr Status: abgemeldet") && menu.body.contains("drücken Sie die 1"),
        "{}",
        menu.body
    );

    let done = app
        .voice(&gather_action(&menu.body), &from_c5("CApin1", Some("1")))
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
async fn without_the_pin_a_call_from_that_phone_is_an_ordinary_call() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let ask = app.voice("/twilio/voice", &from_c5("CApin2", None)).await;
    let waited = app
        .voice(&gather_action(&ask.body), &from_c5("CApin2", Some("")))
        .await;
    assert!(
        waited.body.contains("kostenfrei und vertraulich"),
        "the caller flow: {}",
        waited.body
    );

    let mut reply = app.voice("/twilio/voice", &from_c5("CApin3", None)).await;
    for _ in 0..3 {
        reply = app
            .voice(
                &gather_action(&reply.body),
                &from_c5("CApin3", Some("0000")),
            )
            .await;
    }
    assert!(
        reply.body.contains("kostenfrei und vertraulich"),
        "three wrong PINs: {}",
        reply.body
    );
    assert_eq!(app.status("c5").await, Status::Offline);
}

#[tokio::test]
async fn the_pin_menu_is_only_for_registered_numbers() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    let r = app.voice("/twilio/voice", &incoming("CApin4")).await;
    assert!(
        r.body.contains("kostenfrei und vertraulich") && !r.body.contains("PIN"),
        "{}",
        r.body
    );
}
