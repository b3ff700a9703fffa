//! Proves that a whole call, including the failure paths, leaves no trace of
//! the caller's number in the logs, at the most verbose level.

#[path = "support/captured_logs.rs"]
mod captured_logs;
#[allow(dead_code)] // shared with tests/api, which uses all of it
#[path = "api/helpers.rs"]
mod helpers;

use helpers::*;

#[tokio::test]
async fn a_full_call_never_logs_the_callers_number() {
    captured_logs::captured_logs(); // installs the capturing subscriber

    let app = spawn_app("2026-03-30T10:00:00+02:00").await;
    let first = app
        .voice(
            "/twilio/voice",
            &incoming("CA00000000000000000000000000privacy"),
        )
        .await;
    let menu = gather_action(&first.body);
    for digits in ["2", "9", "7", "", "1"] {
        let mut p = incoming("CA00000000000000000000000000privacy");
        p.push(("Digits".into(), digits.into()));
        assert_eq!(app.voice(&menu, &p).await.status, 200);
    }
    // Failure paths log too: bad signature, missing parameter, engine failure.
    assert_eq!(
        app.post("/twilio/voice", &incoming("CA1"), Some("wrong"))
            .await
            .status,
        403
    );
    let no_sid: Vec<_> = incoming("CA2")
        .into_iter()
        .filter(|(k, _)| k != "CallSid")
        .collect();
    assert_eq!(app.voice("/twilio/voice", &no_sid).await.status, 400);
    app.voice("/twilio/voice?lang=xx", &incoming("CA3")).await;
    let mut status = incoming("CA00000000000000000000000000privacy");
    status.push(("CallDuration".into(), "61".into()));
    status
        .iter_mut()
        .find(|(k, _)| k == "CallStatus")
        .unwrap()
        .1 = "completed".into();
    app.voice("/twilio/status", &status).await;
    app.clock.set(instant("2026-12-24T10:00:00+01:00"));
    app.voice("/twilio/voice", &incoming("CA4")).await;

    routed_call_and_phone_presence().await;
    waiting_caller_leaves_a_message_instead().await;
    wrong_pins_and_a_lockout().await;

    let text = captured_logs::captured_logs();
    assert!(
        text.contains("call answered"),
        "the call was logged at all:\n{text}"
    );
    assert!(
        text.contains("bad signature") && text.contains("fallback"),
        "{text}"
    );
    assert!(
        text.contains("ringing a counsellor")
            && text.contains("presence set by phone")
            && text.contains("left the line to leave a message"),
        "{text}"
    );
    assert!(
        text.contains("presence PIN refused") && text.contains("presence by phone locked"),
        "{text}"
    );
    assert!(!text.contains(WRONG_PIN), "a PIN is never logged:\n{text}");
    let digits = CALLER.trim_start_matches('+');
    // The caller's number, the call id, and the counsellors' own numbers.
    for leak in [
        CALLER,
        digits,
        &digits[2..],
        "%2B49",
        "privacy",
        "3023125105",
        "3023125101",
    ] {
        assert!(!text.contains(leak), "log contains {leak:?}:\n{text}");
    }
}

/// Ringing, whisper, no answer, waiting, and a counsellor's PIN call, with
/// the five-person test team (in memory).
async fn routed_call_and_phone_presence() {
    use lotse::routing::Presence;
    let app = test_team().await;
    let c1 = lotse::routing::CounsellorId::parse("c1").unwrap();
    let ttl = app.app.settings.routing.presence_ttl;
    use lotse::clock::Clock;
    app.app
        .store
        .set_status(&c1, Presence::Available, app.clock.now(), ttl)
        .await
        .unwrap();
    let call =
        |sid: &str, digits: &str| pairs(&[("CallSid", sid), ("From", CALLER), ("Digits", digits)]);
    let dial = app
        .voice(
            "/twilio/voice?step=menu&lang=de",
            &call("CA0000000000000000000000000privacy2", "1"),
        )
        .await;
    assert!(dial.body.contains("<Dial"), "{}", dial.body);
    let wait = app
        .voice(
            "/twilio/voice?step=menu&lang=de",
            &call("CA0000000000000000000000000privacy3", "1"),
        )
        .await;
    assert!(wait.body.contains("hold.wav"), "{}", wait.body);
    let action = dial
        .body
        .split("action=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let mut result = call("CA0000000000000000000000000privacy2", "");
    result.extend(pairs(&[
        ("DialCallStatus", "no-answer"),
        ("DialBridged", "false"),
        ("CallStatus", "in-progress"),
    ]));
    app.voice(action.strip_prefix(PUBLIC_URL).unwrap(), &result)
        .await;

    let from_c5 = |digits: Option<&str>| {
        let mut p = pairs(&[
            ("CallSid", "CA0000000000000000000000000privacy4"),
            ("From", "+493023125105"),
            ("To", "+498003009944"),
        ]);
        p.extend(digits.map(|d| ("Digits".to_owned(), d.to_owned())));
        p
    };
    let greeting = app.voice("/twilio/voice", &from_c5(None)).await;
    let ask = app
        .voice(&gather_action(&greeting.body), &from_c5(Some("*")))
        .await;
    let menu = app
        .voice(&gather_action(&ask.body), &from_c5(Some("4711")))
        .await;
    let done = app
        .voice(&gather_action(&menu.body), &from_c5(Some("1")))
        .await;
    assert!(done.body.contains("verfügbar"), "{}", done.body);
}

/// A caller waits in line, hears the offer after a minute and presses 2
/// (issue 13): leaving the line logs nothing of them either.
async fn waiting_caller_leaves_a_message_instead() {
    use lotse::clock::Clock;
    let config =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing/lotse-test.toml");
    let app = spawn_with(
        settings_from(Some(&config), TOKEN),
        "2026-03-30T10:00:00+02:00",
    )
    .await;
    let c1 = lotse::routing::CounsellorId::parse("c1").unwrap();
    let ttl = app.app.settings.routing.presence_ttl;
    let store = &app.app.store;
    store
        .set_status(
            &c1,
            lotse::routing::Presence::Available,
            app.clock.now(),
            ttl,
        )
        .await
        .unwrap();
    let call =
        |sid: &str, digits: &str| pairs(&[("CallSid", sid), ("From", CALLER), ("Digits", digits)]);
    let talking = "CA0000000000000000000000000privacy5";
    app.voice("/twilio/voice?step=menu&lang=de", &call(talking, "1"))
        .await;
    let talking = lotse::call::CallId::parse(talking).unwrap();
    store
        .answered(&talking, &c1, app.clock.now())
        .await
        .unwrap();
    let waiting = "CA0000000000000000000000000privacy6";
    let joined = app
        .voice("/twilio/voice?step=menu&lang=de", &call(waiting, "1"))
        .await;
    app.clock.set(instant("2026-03-30T10:01:05+02:00"));
    let offered = app
        .voice(&gather_action(&joined.body), &call(waiting, ""))
        .await;
    assert!(
        offered.body.contains("drücken Sie die 2"),
        "{}",
        offered.body
    );
    let out = app
        .voice(&gather_action(&offered.body), &call(waiting, "2"))
        .await;
    assert!(out.body.contains("step=voicemail"), "{}", out.body);
}

const WRONG_PIN: &str = "86420975";

/// Wrong PINs from a counsellor's number until presence by phone locks, and
/// one from a number that is no counsellor's: logged with an id at most.
async fn wrong_pins_and_a_lockout() {
    let app = test_team().await;
    for (n, from) in ["+493023125105", "+493023125105", CALLER]
        .iter()
        .enumerate()
    {
        let call = format!("CA000000000000000000000000privacypin{n}");
        let p = |digits: Option<&str>| {
            let mut p = pairs(&[("CallSid", &call), ("From", from), ("To", "+498003009944")]);
            p.extend(digits.map(|d| ("Digits".to_owned(), d.to_owned())));
            p
        };
        let greeting = app.voice("/twilio/voice", &p(None)).await;
        let mut reply = app
            .voice(&gather_action(&greeting.body), &p(Some("*")))
            .await;
        for _ in 0..3 {
            if !reply.body.contains("/twilio/presence") {
                break;
            }
            reply = app
                .voice(&gather_action(&reply.body), &p(Some(WRONG_PIN)))
                .await;
        }
    }
}

/// `lotse` with the five-person test team (c5 has a PIN), in memory.
async fn test_team() -> TestApp {
    let config =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing/lotse-test.toml");
    spawn_with(
        settings_from(Some(&config), TOKEN),
        "2026-03-30T10:00:00+02:00",
    )
    .await
}
