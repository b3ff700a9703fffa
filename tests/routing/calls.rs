//! Ringing: the race between instances, the whisper, no answer, presence leases.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::helpers::*;
use crate::*;
use lotse::routing::{Presence, Status};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_calls_on_two_instances_ring_five_counsellors_once_each() {
    let redis = RedisServer::start();
    let (a, b) = (instance(&redis, OPEN).await, instance(&redis, OPEN).await);
    for c in ["c1", "c2", "c3", "c4", "c5"] {
        a.set(c, Presence::Available).await;
    }
    let calls = (0..50).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        async move { app.wants_counsellor(&format!("CArace{i:04}")).await }
    });
    let replies = futures::future::join_all(calls).await;
    let rung: Vec<String> = replies.iter().filter_map(|r| dialled(&r.body)).collect();
    assert_eq!(rung.len(), 5, "exactly five dials");
    assert_eq!(
        rung.iter().collect::<BTreeSet<_>>().len(),
        5,
        "five different counsellors: {rung:?}"
    );
    let waiting = replies
        .iter()
        .filter(|r| r.body.contains("hold.wav") && r.body.contains("<Redirect"))
        .count();
    assert_eq!(waiting, 45, "the others wait in line");
    assert!(replies.iter().all(|r| r.status == 200));
    assert_eq!(a.app.store.waiting_count(a.clock.now()).await.unwrap(), 45);
}

#[tokio::test]
async fn dial_shows_the_hotline_number_and_the_whisper_asks_for_a_key() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c3", Presence::Available).await;
    let r = app.wants_counsellor("CAwhisper").await;
    assert_eq!(dialled(&r.body).as_deref(), Some("c3"));
    assert!(
        r.body.contains("callerId=\"+498003009944\""),
        "callers stay anonymous: {}",
        r.body
    );
    assert!(
        !r.body.contains(CALLER.trim_start_matches('+')),
        "{}",
        r.body
    );
    assert!(r.body.contains("timeout=\"20\""), "{}", r.body);
    assert_eq!(app.status("c3").await, Status::Ringing);

    let whisper = whisper_url(&r.body);
    let leg = pairs(&[
        ("CallSid", "CAleg"),
        ("ParentCallSid", "CAwhisper"),
        ("CallStatus", "in-progress"),
    ]);
    let ask = app.voice(&whisper, &leg).await;
    assert!(
        ask.body.contains("Anruf über die Hotline") && ask.body.contains("Drücken Sie die 1"),
        "{}",
        ask.body
    );
    let answer = gather_action(&ask.body);

    let mut pressed = leg.clone();
    pressed.push(("Digits".into(), "".into()));
    let declined = app.voice(&answer, &pressed).await;
    assert!(
        declined.body.contains("<Hangup/>"),
        "no key is no answer: {}",
        declined.body
    );
    assert_eq!(
        app.status("c3").await,
        Status::Ringing,
        "a voicemail never takes the call"
    );

    pressed.last_mut().unwrap().1 = "1".into();
    let accepted = app.voice(&answer, &pressed).await;
    assert!(
        !accepted.body.contains("<Hangup"),
        "an empty answer bridges: {}",
        accepted.body
    );
    assert_eq!(app.status("c3").await, Status::InCall);

    let end = app
        .ring_result("CAwhisper", &r.body, "completed", true)
        .await;
    assert!(end.body.contains("<Hangup/>"));
    assert_eq!(app.status("c3").await, Status::WrapUp);
    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(31));
    assert_eq!(
        app.status("c3").await,
        Status::Available,
        "back after wrap-up, lease still alive"
    );
}

#[tokio::test]
async fn no_answer_tries_the_next_and_never_the_missed_one_again() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c1", Presence::Available).await;
    app.set("c2", Presence::Available).await;
    let first = app.wants_counsellor("CAnoanswer").await;
    let missed = dialled(&first.body).expect("rings someone");

    let second = app
        .ring_result("CAnoanswer", &first.body, "no-answer", false)
        .await;
    assert!(
        second.body.contains("Bitte bleiben Sie dran"),
        "{}",
        second.body
    );
    let next = dialled(&second.body).expect("rings the next one");
    assert_ne!(next, missed);

    // The second one is busy: everyone on duty was tried, so the caller
    // hears the alternatives instead of waiting for nobody.
    let third = app
        .ring_result("CAnoanswer", &second.body, "busy", false)
        .await;
    assert_eq!(dialled(&third.body), None, "{}", third.body);
    assert!(third.body.contains("keine Beraterin"), "{}", third.body);
}

#[tokio::test]
async fn a_counsellor_who_misses_twice_in_a_row_is_set_away() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c4", Presence::Available).await;
    for call in ["CAmiss1", "CAmiss2"] {
        let r = app.wants_counsellor(call).await;
        assert_eq!(dialled(&r.body).as_deref(), Some("c4"), "{}", r.body);
        app.ring_result(call, &r.body, "no-answer", false).await;
    }
    assert_eq!(app.status("c4").await, Status::Away);
    let stats = app.app.store.stats(app.clock.now()).await.unwrap();
    assert_eq!(stats.auto_away, 1);
}

#[tokio::test]
async fn without_heartbeats_a_counsellor_is_not_rung_after_the_lease() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c2", Presence::Available).await;
    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(89));
    app.app
        .store
        .heartbeat(&id("c2"), app.clock.now(), Duration::from_secs(90))
        .await
        .unwrap();
    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(89));
    let alive = app.wants_counsellor("CAlease1").await;
    assert_eq!(
        dialled(&alive.body).as_deref(),
        Some("c2"),
        "heartbeat kept the lease"
    );
    app.ring_result("CAlease1", &alive.body, "no-answer", false)
        .await;

    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(91));
    let gone = app.wants_counsellor("CAlease2").await;
    assert_eq!(dialled(&gone.body), None, "{}", gone.body);
    assert!(
        gone.body.contains("keine Beraterin"),
        "nobody on duty: {}",
        gone.body
    );
    assert_eq!(app.status("c2").await, Status::Offline);
}

#[tokio::test]
async fn english_callers_reach_only_english_speaking_counsellors() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c2", Presence::Available).await;
    let r = app
        .voice(
            "/twilio/voice?step=menu&lang=en",
            &pairs(&[("CallSid", "CAen"), ("From", CALLER), ("Digits", "1")]),
        )
        .await;
    assert_eq!(dialled(&r.body), None, "c2 speaks only German: {}", r.body);
    app.set("c1", Presence::Available).await;
    let r = app
        .voice(
            "/twilio/voice?step=menu&lang=en",
            &pairs(&[("CallSid", "CAen2"), ("From", CALLER), ("Digits", "1")]),
        )
        .await;
    assert_eq!(dialled(&r.body).as_deref(), Some("c1"), "{}", r.body);
    assert!(r.body.contains("connecting you"), "{}", r.body);
}

#[tokio::test]
async fn a_caller_who_hangs_up_while_it_rings_is_not_put_through_to_anyone_else() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c1", Presence::Available).await;
    app.set("c2", Presence::Available).await;
    let r = app.wants_counsellor("CAgone").await;
    let rung = dialled(&r.body).expect("rings someone");
    let params = pairs(&[
        ("CallSid", "CAgone"),
        ("CallStatus", "completed"),
        ("DialCallStatus", "no-answer"),
        ("DialBridged", "false"),
    ]);
    let after = app.voice(&dial_action(&r.body), &params).await;
    assert_eq!(dialled(&after.body), None, "{}", after.body);
    assert!(after.body.contains("<Hangup/>"), "{}", after.body);
    assert_eq!(app.status(&rung).await, Status::Available);
    assert_eq!(app.status("c1").await, Status::Available);
    assert_eq!(app.status("c2").await, Status::Available);
}

#[tokio::test]
async fn a_counsellor_who_pauses_while_ringing_does_not_cost_the_caller_the_call() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c1", Presence::Available).await;
    app.set("c2", Presence::Available).await;
    let r = app.wants_counsellor("CApause").await;
    let first = dialled(&r.body).expect("rings someone");
    app.set(&first, Presence::Away).await;
    // Their leg was picked up (a voicemail, or the whisper timed out): completed, not bridged.
    let next = app
        .ring_result("CApause", &r.body, "completed", false)
        .await;
    let second = dialled(&next.body).unwrap_or_else(|| panic!("the caller goes on: {}", next.body));
    assert_ne!(second, first);
    assert_eq!(app.status(&first).await, Status::Away);
}

#[tokio::test]
async fn a_pressed_whisper_counts_as_talked_even_without_dial_bridged() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c1", Presence::Available).await;
    app.set("c2", Presence::Available).await;
    let r = app.wants_counsellor("CAtook").await;
    let who = dialled(&r.body).unwrap();
    let call = lotse::call::CallId::parse("CAtook").unwrap();
    app.app
        .store
        .answered(&call, &id(&who), app.clock.now())
        .await
        .unwrap();
    let params = pairs(&[
        ("CallSid", "CAtook"),
        ("CallStatus", "in-progress"),
        ("DialCallStatus", "completed"),
    ]);
    let end = app.voice(&dial_action(&r.body), &params).await;
    assert!(
        end.body.contains("<Hangup/>") && dialled(&end.body).is_none(),
        "{}",
        end.body
    );
    assert_eq!(app.status(&who).await, Status::WrapUp);
}
