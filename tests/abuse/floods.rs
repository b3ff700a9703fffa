//! Flood limits per number (shared by every instance) and the key-press
//! check for withheld callers during a burst.

use crate::helpers::CALLER;
use crate::*;

const LIMITED: &str = "lotse_calls_total{lang=\"de\",outcome=\"limited\"}";

#[tokio::test]
async fn the_seventh_call_within_the_hour_from_one_number_is_limited_on_any_instance() {
    let redis = RedisServer::start();
    let (a, b) = (instance(&redis, &[]).await, instance(&redis, &[]).await);
    for i in 0..6 {
        let app = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            app.new_call(&format!("CAflood{i:04}"), CALLER).await,
            Heard::Greeting,
            "call {i}"
        );
    }
    assert_eq!(a.new_call("CAflood0006", CALLER).await, Heard::Refused);
    assert_eq!(b.new_call("CAflood0007", CALLER).await, Heard::Refused);
    assert_eq!(a.metric(LIMITED).await + b.metric(LIMITED).await, 2.0);
    assert_eq!(
        a.new_call("CAflood0008", OTHER).await,
        Heard::Greeting,
        "another number is unaffected"
    );
    let (_, list) = a.api("GET", "/api/v1/blocks", OPERATOR, None).await;
    assert_eq!(list["counts"]["limited_today"], 2, "{list}");
    assert_eq!(list["bans"], serde_json::json!([]), "a flood is no ban");
}

/// A counsellor's own number is limited like any other: a stranger who
/// spoofs numbers must not learn whose phone is a counsellor's by calling
/// seven times (issue 10: the hotline never reveals it).
#[tokio::test]
async fn a_counsellors_own_number_is_limited_like_any_other() {
    let redis = RedisServer::start();
    let a = instance(&redis, &[("LOTSE_ABUSE__MAX_CALLS_PER_HOUR", "2")]).await;
    let mut heard_own = Vec::new();
    let mut heard_stranger = Vec::new();
    for i in 0..3 {
        heard_own.push(a.new_call(&format!("CAown{i:04}"), "+493023125001").await);
        heard_stranger.push(a.new_call(&format!("CAother{i:04}"), CALLER).await);
    }
    assert_eq!(heard_own, heard_stranger, "the same answers");
    assert_eq!(heard_own[2], Heard::Refused);
}

#[tokio::test]
async fn withheld_callers_in_a_burst_must_press_5_and_robocalls_fail() {
    let redis = RedisServer::start();
    let a = instance(&redis, &[("LOTSE_ABUSE__ANONYMOUS_CHECK", "2")]).await;
    assert_eq!(a.new_call("CAanon0001", "anonymous").await, Heard::Greeting);
    assert_eq!(
        a.new_call("CAanon0002", "+266696687").await,
        Heard::Greeting
    );
    // The third withheld call within the minute: the check first.
    let r = a
        .voice("/twilio/voice", &call_from("CAanon0003", "anonymous"))
        .await;
    assert_eq!(heard(&r.body), Heard::Check);
    assert!(r.body.contains("drücken Sie bitte die 5"), "{}", r.body);
    let mut answer = call_from("CAanon0003", "anonymous");
    answer.push(("Digits".into(), "5".into()));
    let passed = a.voice(&gather_action(&r.body), &answer).await;
    assert_eq!(heard(&passed.body), Heard::Greeting, "a person presses 5");

    // A robocall: silence, then a wrong key.
    let r = a
        .voice("/twilio/voice", &call_from("CAanon0004", "anonymous"))
        .await;
    assert_eq!(heard(&r.body), Heard::Check);
    let mut robot = call_from("CAanon0004", "anonymous");
    robot.push(("Digits".into(), "".into()));
    let again = a.voice(&gather_action(&r.body), &robot).await;
    assert_eq!(heard(&again.body), Heard::Check, "a second chance");
    robot.last_mut().unwrap().1 = "1".into();
    let failed = a.voice(&gather_action(&again.body), &robot).await;
    assert_eq!(heard(&failed.body), Heard::Refused);

    assert_eq!(
        a.metric("lotse_abuse_checks_total{result=\"asked\"}").await,
        2.0
    );
    assert_eq!(
        a.metric("lotse_abuse_checks_total{result=\"passed\"}")
            .await,
        1.0
    );
    assert_eq!(
        a.metric("lotse_abuse_checks_total{result=\"failed\"}")
            .await,
        1.0
    );
    assert_eq!(a.metric(LIMITED).await, 1.0);
    // Numbers shown are never checked, however many withheld calls come in.
    assert_eq!(a.new_call("CAanon0005", OTHER).await, Heard::Greeting);
}

#[tokio::test]
async fn without_the_check_withheld_callers_always_reach_the_flow() {
    let redis = RedisServer::start();
    let a = instance(&redis, &[]).await;
    for i in 0..10 {
        assert_eq!(
            a.new_call(&format!("CAwh{i:04}"), "anonymous").await,
            Heard::Greeting
        );
    }
}

#[tokio::test]
async fn a_retried_webhook_of_the_same_call_counts_once_and_hears_the_same() {
    let redis = RedisServer::start();
    let a = instance(&redis, &[("LOTSE_ABUSE__MAX_CALLS_PER_HOUR", "2")]).await;
    for _ in 0..5 {
        assert_eq!(a.new_call("CAretry0001", CALLER).await, Heard::Greeting);
    }
    assert_eq!(a.new_call("CAretry0002", CALLER).await, Heard::Greeting);
    assert_eq!(a.new_call("CAretry0003", CALLER).await, Heard::Refused);
    assert_eq!(a.new_call("CAretry0003", CALLER).await, Heard::Refused);
    assert_eq!(
        a.metric(LIMITED).await,
        1.0,
        "a retry is not another refused call"
    );
}

#[tokio::test]
async fn with_the_store_down_callers_still_reach_the_flow_and_blocking_says_try_again() {
    let mut redis = RedisServer::start();
    let a = instance(&redis, &[]).await;
    assert_eq!(a.new_call("CAdown0001", CALLER).await, Heard::Greeting);
    redis.stop();
    assert_eq!(
        a.new_call("CAdown0002", CALLER).await,
        Heard::Greeting,
        "never refused for a store failure"
    );
    let (status, err) = a.block(r#"{"reason":"threat"}"#).await;
    assert_eq!(status, 503, "{err}");
}
