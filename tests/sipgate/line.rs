//! The waiting line on sipgate: no queue verb, so a Gather that plays the
//! reassurance, the position and the hold music, and comes back through
//! `onData` to look for a free counsellor again.

use lotse::clock::Clock;
use lotse::routing::{Presence, Status};

use crate::support::*;

/// Ben on duty, and rung for a Twilio caller: busy for anyone else.
async fn ben_busy_with_twilio(sg: &Sipgate, call_sid: &str) {
    sg.set("ben", Presence::Available).await;
    let params = crate::helpers::pairs(&[
        ("CallSid", call_sid),
        ("From", crate::helpers::CALLER),
        ("Digits", "1"),
    ]);
    let twilio = sg
        .app
        .voice("/twilio/voice?step=menu&lang=de", &params)
        .await;
    assert!(twilio.body.contains("<Dial"), "{}", twilio.body);
    assert_eq!(sg.status("ben").await, Status::Ringing);
}

#[tokio::test]
async fn a_caller_waits_in_a_gather_loop_with_hold_music_until_a_counsellor_is_free() {
    let sg = spawn(OPEN).await;
    ben_busy_with_twilio(&sg, "CAbusy").await;

    let call = "CALLL1";
    let menu = sg.post("/sipgate/call", &new_call(call, FROM)).await.body;
    let hold = sg.post(&on_data(&menu), &dtmf(call, "1")).await.body;
    let next = on_data(&hold);
    assert!(
        next.contains("step=counsellor") && next.contains("told=1"),
        "{next}"
    );
    assert_eq!(attr(&hold, "Gather", "timeout").as_deref(), Some("1000"));
    // Reassurance, position 1 and the hold music, as one telephone WAV.
    let (status, _, wav) = sg.fetch(&urls(&hold)[0]).await;
    assert_eq!(status, 200);
    assert_telephone_wav(&wav);
    let seconds = (wav.len() - 44) as f64 / 16000.0;
    assert!(seconds > 12.0, "hold music plays: {seconds} s");
    assert_eq!(sg.waiting().await, 1);

    // The music ends, sipgate posts an empty dtmf: still busy, the loop
    // goes on without repeating the position. A key pressed while waiting
    // changes nothing.
    sg.app
        .clock
        .set(sg.app.clock.now() + chrono::Duration::seconds(13));
    let again = sg.post(&next, &dtmf(call, "")).await.body;
    assert!(on_data(&again).contains("step=counsellor"), "{again}");
    let again = sg.post(&on_data(&again), &dtmf(call, "5")).await.body;
    assert!(on_data(&again).contains("step=counsellor"), "{again}");

    // The Twilio call ends; after the wrap-up Ben is free and the waiting
    // sipgate caller is rung on the next turn of the loop.
    let status = crate::helpers::pairs(&[("CallSid", "CAbusy"), ("CallStatus", "completed")]);
    sg.app.voice("/twilio/status", &status).await;
    sg.app
        .clock
        .set(sg.app.clock.now() + chrono::Duration::seconds(61));
    let connecting = sg.post(&on_data(&again), &dtmf(call, "")).await.body;
    assert!(on_data(&connecting).contains("dial=1"), "{connecting}");
    assert_eq!(sg.status("ben").await, Status::Ringing);
}

#[tokio::test]
async fn a_caller_who_hangs_up_in_line_leaves_it() {
    let sg = spawn(OPEN).await;
    ben_busy_with_twilio(&sg, "CAbusy2").await;
    let call = "CALLL2";
    let menu = sg.post("/sipgate/call", &new_call(call, FROM)).await.body;
    let hold = sg.post(&on_data(&menu), &dtmf(call, "1")).await.body;
    assert_eq!(sg.waiting().await, 1);
    let hangup = body(&[
        ("event", "hangup"),
        ("cause", "normalClearing"),
        ("callId", call),
    ]);
    sg.post(&attr(&hold, "Response", "onHangup").unwrap(), &hangup)
        .await;
    assert_eq!(sg.waiting().await, 0);
    sg.assert_metrics(&["lotse_calls_total{lang=\"de\",outcome=\"abandoned\"} 1"])
        .await;
}
