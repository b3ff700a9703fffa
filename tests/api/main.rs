//! The service over real HTTP: signed Twilio webhooks in, TwiML out.

#[allow(dead_code)] // shared with tests/routing and tests/privacy, which use the rest
mod helpers;

use helpers::*;

const OPEN: &str = "2026-03-30T09:00:00+02:00";
const CLOSURE: &str = "2026-12-24T10:00:00+01:00";

#[tokio::test]
async fn signed_call_when_open_gets_greeting_and_menu() {
    let app = spawn_app(OPEN).await;
    let r = app.voice("/twilio/voice", &incoming("CA0001")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.content_type.starts_with("text/xml"), "{}", r.content_type);
    assert!(r.body.starts_with("<?xml"));
    assert!(r.body.contains("kostenfrei und vertraulich"), "{}", r.body);
    assert!(r.body.contains("<Gather"), "{}", r.body);
    assert!(
        !r.body.contains("<Dial"),
        "no counsellor routing yet: {}",
        r.body
    );
}

#[tokio::test]
async fn unsigned_or_tampered_requests_are_refused() {
    let app = spawn_app(OPEN).await;
    let params = incoming("CA0002");
    assert_eq!(app.post("/twilio/voice", &params, None).await.status, 403);
    assert_eq!(
        app.post("/twilio/voice", &params, Some("wrong-token"))
            .await
            .status,
        403
    );

    let url = format!("{PUBLIC_URL}/twilio/voice");
    let sig = lotse::providers::twilio::signature::compute(TOKEN.as_bytes(), &url, &params);
    let mut changed = params.clone();
    changed.iter_mut().find(|(k, _)| k == "To").unwrap().1 = "+498003009945".into();
    let r = app
        .post_signed_for("/twilio/voice", &changed, Some(sig.clone()))
        .await;
    assert_eq!(r.status, 403);
    // The same signature on the untouched parameters is fine.
    assert_eq!(
        app.post_signed_for("/twilio/voice", &params, Some(sig))
            .await
            .status,
        200
    );
    // A query added after signing breaks it too.
    let sig = lotse::providers::twilio::signature::compute(TOKEN.as_bytes(), &url, &params);
    assert_eq!(
        app.post_signed_for("/twilio/voice?lang=en", &params, Some(sig))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn rotation_accepts_old_and_new_tokens_and_default_port() {
    let app = spawn_with(settings_with_tokens("old-token, new-token"), OPEN).await;
    let params = incoming("CA0003");
    assert_eq!(
        app.post("/twilio/voice", &params, Some("old-token"))
            .await
            .status,
        200
    );
    assert_eq!(
        app.post("/twilio/voice", &params, Some("new-token"))
            .await
            .status,
        200
    );
    let url = format!("{PUBLIC_URL}:443/twilio/voice");
    let sig = lotse::providers::twilio::signature::compute(b"new-token", &url, &params);
    assert_eq!(
        app.post_signed_for("/twilio/voice", &params, Some(sig))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn missing_required_parameters_are_a_bad_request() {
    let app = spawn_app(OPEN).await;
    let params: Vec<_> = incoming("CA0004")
        .into_iter()
        .filter(|(k, _)| k != "CallSid")
        .collect();
    let r = app.voice("/twilio/voice", &params).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("CallSid"), "{}", r.body);
    assert!(!r.body.contains(CALLER));
}

#[tokio::test]
async fn closure_day_plays_the_off_hours_message_and_hangs_up() {
    let app = spawn_app(CLOSURE).await;
    let r = app.voice("/twilio/voice", &incoming("CA0005")).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("montags bis freitags von 9 bis 16 Uhr"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Ab Montag, dem 28. Dezember, erreichen Sie uns wieder montags"),
        "one sentence for the next opening: {}",
        r.body
    );
    assert!(
        r.body.contains("info ät starkestelle Punkt D E"),
        "{}",
        r.body
    );
    // Who we are, closed, 110, when we are back, how to write (issue 13).
    let at = |s: &str| {
        r.body
            .find(s)
            .unwrap_or_else(|| panic!("{s} in {}", r.body))
    };
    assert!(at("starke Stelle") < at("nicht besetzt"), "{}", r.body);
    assert!(at("nicht besetzt") < at("110"), "{}", r.body);
    assert!(
        at("110") < at("Ab Montag") && at("Ab Montag") < at("E-Mail"),
        "{}",
        r.body
    );
    assert_eq!(r.body.matches("für Sie da").count(), 0, "{}", r.body);
    // Then the offer to leave a message (issue 4), not a hang-up.
    assert!(
        r.body.trim_end().ends_with("</Gather></Response>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Nachricht hinterlassen"), "{}", r.body);
}

#[tokio::test]
async fn good_friday_names_the_holiday() {
    let app = spawn_app("2026-04-03T10:00:00+02:00").await;
    let r = app.voice("/twilio/voice", &incoming("CA0006")).await;
    assert!(r.body.contains("Karfreitag"), "{}", r.body);
    assert!(
        r.body.contains("Dienstag, dem 7. April"),
        "Easter Monday is a holiday too: {}",
        r.body
    );
}

#[tokio::test]
async fn menu_info_returns_to_the_menu_and_9_switches_to_english() {
    let app = spawn_app(OPEN).await;
    let first = app.voice("/twilio/voice", &incoming("CA0007")).await;
    let menu = gather_action(&first.body);

    let mut params = pairs(&[("CallSid", "CA0007"), ("Digits", "2")]);
    let info = app.voice(&menu, &params).await;
    assert!(info.body.contains("Prävention"), "{}", info.body);
    assert!(
        info.body.contains("<Gather"),
        "back to the menu: {}",
        info.body
    );

    params[1].1 = "9".into();
    let english = app.voice(&menu, &params).await;
    assert!(
        english.body.contains("language=\"en-GB\""),
        "{}",
        english.body
    );
    assert!(
        english.body.contains("free and confidential"),
        "{}",
        english.body
    );
    assert!(gather_action(&english.body).contains("lang=en"));
}

#[tokio::test]
async fn no_input_goes_to_the_counsellor_step_and_wrong_keys_repeat_the_menu() {
    let app = spawn_app(OPEN).await;
    let first = app.voice("/twilio/voice", &incoming("CA0008")).await;
    let menu = gather_action(&first.body);

    let none = app
        .voice(&menu, &pairs(&[("CallSid", "CA0008"), ("Digits", "")]))
        .await;
    // Nobody of the demo team is on duty: the caller hears the alternatives at once.
    assert!(none.body.contains("keine Beraterin"), "{}", none.body);
    assert!(!none.body.contains("<Dial"));
    assert!(
        none.body.contains("Nachricht hinterlassen"),
        "{}",
        none.body
    );

    let wrong = app
        .voice(&menu, &pairs(&[("CallSid", "CA0008"), ("Digits", "7")]))
        .await;
    assert!(wrong.body.contains("nicht belegt"), "{}", wrong.body);
    assert!(wrong.body.contains("<Gather"), "{}", wrong.body);
}

#[tokio::test]
async fn internal_failure_still_gives_the_caller_valid_fallback_markup() {
    let app = spawn_app(OPEN).await;
    // A language the flow does not have makes the engine fail.
    let r = app
        .voice("/twilio/voice?lang=xx", &incoming("CA0009"))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("technischer Fehler"), "{}", r.body);
    assert!(
        r.body.contains("110") && r.body.contains("Nachricht hinterlassen"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_callback_for_an_unknown_step_starts_over() {
    let app = spawn_app(OPEN).await;
    let r = app
        .voice(
            "/twilio/voice?step=gone&lang=de",
            &pairs(&[("CallSid", "CA0010"), ("Digits", "1")]),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<Gather"), "{}", r.body);
}

#[tokio::test]
async fn status_callbacks_are_authenticated_and_acknowledged() {
    let app = spawn_app(OPEN).await;
    let params = pairs(&[
        ("CallSid", "CA0011"),
        ("CallStatus", "completed"),
        ("CallDuration", "42"),
    ]);
    assert_eq!(app.post("/twilio/status", &params, None).await.status, 403);
    let r = app.voice("/twilio/status", &params).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<Response"), "{}", r.body);
}

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app(OPEN).await;
    assert_eq!(app.get("/healthz").await.0, 200);
    assert_eq!(app.get("/readyz").await.0, 200);

    let no_token = spawn_with(settings_with_tokens(""), OPEN).await;
    let (status, body) = no_token.get("/readyz").await;
    assert_eq!(status, 503);
    assert!(body.contains("LOTSE_TWILIO__AUTH_TOKEN"), "{body}");
    assert_eq!(
        no_token
            .voice("/twilio/voice", &incoming("CA0012"))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn the_clock_is_the_only_source_of_time() {
    let app = spawn_app(OPEN).await;
    assert!(app
        .voice("/twilio/voice", &incoming("CA0013"))
        .await
        .body
        .contains("<Gather"));
    app.clock.set(instant("2026-03-30T16:00:00+02:00"));
    let closed = app.voice("/twilio/voice", &incoming("CA0014")).await;
    assert!(
        closed.body.contains("außerhalb unserer Sprechzeiten"),
        "{}",
        closed.body
    );
}
