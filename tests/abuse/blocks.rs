//! "Block this caller" through the API, seen by another instance at once;
//! the ban ends by itself or by the operator; the API's refusals.

use crate::helpers::CALLER;
use crate::*;

const BLOCKED: &str = "lotse_calls_total{lang=\"de\",outcome=\"blocked\"}";

#[tokio::test]
async fn a_caller_blocked_during_the_call_is_refused_on_another_instance_until_the_ban_ends() {
    let redis = RedisServer::start();
    let (a, b) = (instance(&redis, &[]).await, instance(&redis, &[]).await);
    let (status, none) = a.api("GET", "/api/v1/me/block", ANNA, None).await;
    assert_eq!((status, &none["call"]), (200, &Value::Null), "{none}");
    assert_eq!(none["enabled"], true);

    a.anna_takes_a_call("CAblock0001", CALLER).await;
    let (_, mine) = a.api("GET", "/api/v1/me/block", ANNA, None).await;
    assert_eq!(mine["call"]["current"], true, "{mine}");
    assert_eq!(mine["call"]["withheld"], false);
    let (status, ban) = a.block(r#"{"reason":"threat","days":2}"#).await;
    assert_eq!(status, 201, "{ban}");
    assert_eq!(
        (ban["reason"].as_str(), ban["by"].as_str()),
        (Some("threat"), Some("anna"))
    );
    let id = ban["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    assert_eq!(ban["prefix"].as_str().unwrap(), &id[..8]);
    a.hang_up("CAblock0001", CALLER).await;
    let (_, mine) = a.api("GET", "/api/v1/me/block", ANNA, None).await;
    assert_eq!(mine["call"]["current"], false, "{mine}");
    assert_eq!(mine["call"]["blocked_until"], ban["until"]);

    // The next call from that number, on the other instance: the neutral
    // message and the end of the call; nobody rung, counted as blocked.
    assert_eq!(b.new_call("CAblock0002", CALLER).await, Heard::Refused);
    assert_eq!(b.metric(BLOCKED).await, 1.0);
    assert_eq!(b.new_call("CAblock0003", OTHER).await, Heard::Greeting);
    assert_eq!(b.metric("lotse_abuse_bans").await, 1.0);
    assert_eq!(
        a.metric("lotse_abuse_blocks_total{reason=\"threat\"}")
            .await,
        1.0
    );

    let (status, list) = b.api("GET", "/api/v1/blocks", OPERATOR, None).await;
    assert_eq!(status, 200, "{list}");
    let bans = list["bans"].as_array().unwrap();
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0]["id"], id.as_str());
    assert_eq!(bans[0]["by"], "anna");
    assert_eq!(list["counts"]["active"], 1);
    assert_eq!(list["counts"]["threat"], 1);
    assert_eq!(list["counts"]["blocked_today"], 1);

    // Two days later the ban has ended by itself.
    b.clock
        .set(b.clock.now() + chrono::Duration::days(2) + chrono::Duration::seconds(1));
    assert_eq!(b.new_call("CAblock0004", CALLER).await, Heard::Greeting);
    let (_, list) = b.api("GET", "/api/v1/blocks", OPERATOR, None).await;
    assert_eq!(list["bans"], serde_json::json!([]));
}

#[tokio::test]
async fn the_operator_lifts_a_ban_and_the_next_call_goes_through() {
    let redis = RedisServer::start();
    let a = instance(&redis, &[]).await;
    a.anna_takes_a_call("CAlift0001", CALLER).await;
    a.hang_up("CAlift0001", CALLER).await;
    // After the call: the last call's caller (default duration: 30 days).
    let (status, ban) = a.block(r#"{"reason":"prank"}"#).await;
    assert_eq!(status, 201, "{ban}");
    let until = chrono::DateTime::parse_from_rfc3339(ban["until"].as_str().unwrap()).unwrap();
    assert_eq!(until.to_utc() - a.clock.now(), chrono::Duration::days(30));
    assert_eq!(a.new_call("CAlift0002", CALLER).await, Heard::Refused);
    let path = format!("/api/v1/blocks/{}", ban["id"].as_str().unwrap());
    let (status, _) = a.api("DELETE", &path, ANNA, None).await;
    assert_eq!(status, 403, "counsellors do not lift");
    let (status, _) = a.api("DELETE", &path, OPERATOR, None).await;
    assert_eq!(status, 204);
    let (status, err) = a.api("DELETE", &path, OPERATOR, None).await;
    assert_eq!(status, 404, "{err}");
    assert_eq!(a.new_call("CAlift0003", CALLER).await, Heard::Greeting);
    assert_eq!(a.metric("lotse_abuse_lifts_total").await, 1.0);
}

#[tokio::test]
async fn blocking_refuses_what_it_cannot_do_with_clear_errors() {
    let redis = RedisServer::start();
    let a = instance(&redis, &[]).await;
    let (status, err) = a.block(r#"{"reason":"threat","days":3}"#).await;
    assert_eq!(status, 404, "no call yet: {err}");
    assert!(err["error"].as_str().unwrap().len() > 10);
    let (status, _) = a.block(r#"{"reason":"spam"}"#).await;
    assert_eq!(status, 400);
    let (status, _) = a.block(r#"{"reason":"threat","days":0}"#).await;
    assert_eq!(status, 400);
    let (status, _) = a.block(r#"{"reason":"threat","days":366}"#).await;
    assert_eq!(status, 400);
    let (status, _) = a
        .api(
            "POST",
            "/api/v1/me/block",
            OPERATOR,
            Some(r#"{"reason":"threat"}"#),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = a.api("GET", "/api/v1/blocks", ANNA, None).await;
    assert_eq!(status, 403);
    let (status, _) = a
        .api("DELETE", "/api/v1/blocks/not-a-hash", OPERATOR, None)
        .await;
    assert_eq!(status, 404);

    // A withheld caller: nothing to block, and the page is told why.
    a.anna_takes_a_call("CAanon0001", "anonymous").await;
    let (_, mine) = a.api("GET", "/api/v1/me/block", ANNA, None).await;
    assert_eq!(mine["call"]["withheld"], true, "{mine}");
    let (status, err) = a.block(r#"{"reason":"threat"}"#).await;
    assert_eq!(status, 404, "{err}");
    assert!(err["error"].as_str().unwrap().contains("withheld"));
}

#[tokio::test]
async fn without_a_key_nothing_is_screened_and_blocking_says_it_is_off() {
    let redis = RedisServer::start();
    let a = instance(&redis, &[("LOTSE_ABUSE__KEY", "")]).await;
    for i in 0..8 {
        assert_eq!(
            a.new_call(&format!("CAoff{i:04}"), CALLER).await,
            Heard::Greeting
        );
    }
    let (status, mine) = a.api("GET", "/api/v1/me/block", ANNA, None).await;
    assert_eq!((status, &mine["enabled"]), (200, &Value::Bool(false)));
    let (status, err) = a.block(r#"{"reason":"threat"}"#).await;
    assert_eq!(status, 503, "{err}");
    assert!(err["error"].as_str().unwrap().contains("LOTSE_ABUSE__KEY"));
}
