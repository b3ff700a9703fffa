//! A sipgate caller through the default flow: the menu, a counsellor,
//! the off-hours message and its hang-up, withheld numbers, the audio.

use lotse::routing::{Presence, Status};

use crate::support::*;

#[tokio::test]
async fn a_signed_new_call_walks_the_menu_to_a_counsellor() {
    let sg = spawn(OPEN).await;
    sg.set("anna", Presence::Available).await;
    let call = "CALLM1";
    let menu = sg.post("/sipgate/call", &new_call(call, FROM)).await.body;
    assert!(menu.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response onHangup=\"https://hotline.example.org/sipgate/hangup?sig="), "{menu}");
    assert_eq!(attr(&menu, "Gather", "maxDigits").as_deref(), Some("1"));
    assert_eq!(attr(&menu, "Gather", "timeout").as_deref(), Some("6000"));
    let audio = urls(&menu);
    assert_eq!(audio.len(), 1, "greeting and menu are one file: {menu}");
    let (status, ct, wav) = sg.fetch(&audio[0]).await;
    assert_eq!((status, ct.as_str()), (200, "audio/wav"));
    assert_telephone_wav(&wav);

    // 1: a counsellor. First "one moment please", then the ring.
    let connecting = sg.post(&on_data(&menu), &dtmf(call, "1")).await.body;
    assert!(on_data(&connecting).contains("dial=1"), "{connecting}");
    assert_eq!(urls(&connecting).len(), 1);
    assert_eq!(sg.status("anna").await, Status::Ringing);
    let dial = sg.post(&on_data(&connecting), &dtmf(call, "")).await.body;
    assert!(dial.contains("<Dial callerId=\"498003009944\" anonymous=\"false\"><Number>493023125001</Number></Dial>"), "{dial}");
    let on_answer = attr(&dial, "Response", "onAnswer").expect("onAnswer");
    let on_hangup = attr(&dial, "Response", "onHangup").expect("onHangup");
    assert!(
        on_answer.starts_with("https://hotline.example.org/sipgate/answer?")
            && on_answer.contains("c=anna")
    );

    // Anna picks up and they talk; the caller hangs up.
    let answer = body(&[
        ("event", "answer"),
        ("callId", call),
        ("from", FROM),
        ("to", HOTLINE),
        ("direction", "in"),
        ("answeringNumber", "493023125001"),
    ]);
    sg.post(&on_answer, &answer).await;
    assert_eq!(sg.status("anna").await, Status::InCall);
    let hangup = body(&[
        ("event", "hangup"),
        ("cause", "normalClearing"),
        ("callId", call),
        ("from", FROM),
        ("to", HOTLINE),
        ("direction", "in"),
    ]);
    sg.post(&on_hangup, &hangup).await;
    assert_eq!(sg.status("anna").await, Status::WrapUp);
    // sipgate retries: the same event again changes nothing.
    sg.post(&on_hangup, &hangup).await;
    assert_eq!(sg.status("anna").await, Status::WrapUp);
    sg.assert_metrics(&[
        "lotse_calls_total{lang=\"de\",outcome=\"connected\"} 1",
        "lotse_calls_started_total{provider=\"sipgate\"} 1",
    ])
    .await;
    assert!(
        sg.api.deleted().is_empty(),
        "a talked call is not ended by lotse"
    );
}

#[tokio::test]
async fn the_off_hours_message_ends_with_a_hang_up_request() {
    let sg = spawn(SATURDAY).await;
    let call = "CALLO1";
    let closed = sg.post("/sipgate/call", &new_call(call, FROM)).await.body;
    // One Play (closed message and goodbye: sipgate cannot record, so no
    // voicemail offer), no Gather: nothing to press.
    assert!(!closed.contains("<Gather"), "{closed}");
    let audio = urls(&closed);
    assert_eq!(audio.len(), 1, "{closed}");
    assert!(
        closed.contains("<Play><Url>https://hotline.example.org/audio/rendered/"),
        "{closed}"
    );
    let (status, _, wav) = sg.fetch(&audio[0]).await;
    assert_eq!(status, 200);
    assert_telephone_wav(&wav);
    // After the message, the call is ended through the call-control API,
    // with the personal access token as basic auth.
    let (id, auth) = sg.api.wait_for(call).await;
    assert_eq!(id, call);
    let expected = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{TOKEN_ID}:{TOKEN}")
        )
    );
    assert_eq!(auth, expected);
    sg.assert_metrics(&[
        "lotse_sipgate_hangups_total{result=\"ended\"} 1",
        "lotse_calls_total{lang=\"de\",outcome=\"off_hours\"} 1",
    ])
    .await;
}

#[tokio::test]
async fn a_withheld_number_is_served_and_never_shown() {
    // Even with present_caller_id, a caller who withheld their number is
    // put through with the hotline's number.
    let sg = spawn_env(
        OPEN,
        TONE_TTS,
        "",
        &[("LOTSE_ROUTING__PRESENT_CALLER_ID", "true")],
    )
    .await;
    sg.set("ben", Presence::Available).await;
    let call = "CALLA1";
    let dial = sg.to_counsellor(call, "anonymous").await;
    assert!(
        dial.contains(
            "<Dial callerId=\"498003009944\" anonymous=\"false\"><Number>493023125002</Number>"
        ),
        "{dial}"
    );
    assert!(!dial.contains("anonymous</"), "{dial}");
}

#[tokio::test]
async fn nobody_on_duty_hears_the_alternatives_and_the_call_ends() {
    let sg = spawn(OPEN).await;
    let call = "CALLN1";
    let menu = sg.post("/sipgate/call", &new_call(call, FROM)).await.body;
    let reply = sg.post(&on_data(&menu), &dtmf(call, "1")).await.body;
    assert!(
        reply.contains("<Play>") && !reply.contains("<Gather"),
        "{reply}"
    );
    sg.api.wait_for(call).await;
}

#[tokio::test]
async fn a_busy_counsellor_ends_the_sipgate_call_and_counts_as_a_miss() {
    let sg = spawn(OPEN).await;
    sg.set("anna", Presence::Available).await;
    let call = "CALLB1";
    let dial = sg.to_counsellor(call, FROM).await;
    let on_hangup = attr(&dial, "Response", "onHangup").unwrap();
    let busy = body(&[("event", "hangup"), ("cause", "busy"), ("callId", call)]);
    sg.post(&on_hangup, &busy).await;
    assert_eq!(
        sg.status("anna").await,
        Status::Available,
        "free again, nobody rung for a gone caller"
    );
    sg.assert_metrics(&["lotse_ring_attempts_total{result=\"not_answered\"} 1"])
        .await;
}

#[tokio::test]
async fn outgoing_calls_of_the_account_are_left_alone() {
    let sg = spawn(OPEN).await;
    let out = body(&[
        ("event", "newCall"),
        ("direction", "out"),
        ("from", HOTLINE),
        ("to", FROM),
        ("callId", "CALLX1"),
    ]);
    let reply = sg.post("/sipgate/call", &out).await.body;
    assert!(reply.ends_with("/>") && !reply.contains("<Play"), "{reply}");
}

#[tokio::test]
async fn espeak_ng_renders_every_prompt_as_8_khz_mono_wav_and_caches_it() {
    let default_tts = r#"["espeak-ng", "-v", "{voice}", "-s", "150", "-w", "{out}", "--stdin"]"#;
    let sg = spawn_env(OPEN, default_tts, "", &[]).await;
    let call = "CALLE1";
    let menu = sg.post("/sipgate/call", &new_call(call, FROM)).await.body;
    assert_eq!(urls(&menu).len(), 1, "{menu}");
    let (status, _, wav) = sg.fetch(&urls(&menu)[0]).await;
    assert_eq!(status, 200);
    assert_telephone_wav(&wav);
    let seconds = (wav.len() - 44) as f64 / 16000.0;
    assert!(seconds > 10.0, "greeting and menu spoken: {seconds} s");
    // English (9): its own voice; the same text again comes from the cache.
    let english = sg.post(&on_data(&menu), &dtmf(call, "9")).await.body;
    assert_eq!(urls(&english).len(), 1, "{english}");
    let (_, _, en) = sg.fetch(&urls(&english)[0]).await;
    assert_telephone_wav(&en);
    let cache = sg.app.app.settings.sipgate.cache_dir.clone();
    let before = std::fs::read_dir(&cache).unwrap().count();
    sg.fetch(&urls(&english)[0]).await;
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        before,
        "nothing synthesized twice"
    );
    // A URL lotse did not make is not rendered.
    let forged = urls(&menu)[0]
        .replace("/rendered/", "/rendered/0")
        .replace(".wav?", "x.wav?");
    assert_eq!(sg.fetch(&forged).await.0, 404);
}

#[tokio::test]
async fn logs_never_show_the_callers_number_or_the_call_id() {
    let _ = crate::captured_logs::captured_logs();
    let sg = spawn(OPEN).await;
    sg.set("clara", Presence::Available).await;
    let call = "CALLPRIVACY7";
    let dial = sg.to_counsellor(call, FROM).await;
    let hangup = body(&[
        ("event", "hangup"),
        ("cause", "cancel"),
        ("callId", call),
        ("from", FROM),
    ]);
    sg.post(&attr(&dial, "Response", "onHangup").unwrap(), &hangup)
        .await;
    let logs = crate::captured_logs::captured_logs();
    assert!(logs.contains("ringing a counsellor"), "logs were captured");
    assert!(
        !logs.contains(FROM) && !logs.contains(&FROM[2..]),
        "a number in the logs"
    );
    assert!(!logs.contains(call), "a call id in the logs");
}

#[tokio::test]
async fn an_answer_posted_without_its_link_is_matched_by_the_answering_number() {
    let sg = spawn(OPEN).await;
    sg.set("anna", Presence::Available).await;
    let call = "CALLN2";
    sg.to_counsellor(call, FROM).await;
    let answer = body(&[
        ("event", "answer"),
        ("callId", call),
        ("answeringNumber", "493023125001"),
    ]);
    sg.post("/sipgate/call", &answer).await;
    assert_eq!(sg.status("anna").await, Status::InCall);
    let hangup = body(&[
        ("event", "hangup"),
        ("cause", "normalClearing"),
        ("callId", call),
    ]);
    sg.post("/sipgate/hangup", &hangup).await;
    assert_eq!(sg.status("anna").await, Status::WrapUp);
}
