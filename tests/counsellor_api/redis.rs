//! The same API on a real `redis-server` started by this test: presence
//! set through the API is what the shared store holds, and a Redis that
//! restarted empty does not turn a configured counsellor into a 404. Page
//! sessions live there too: any instance serves any browser, and a store
//! that does not answer is a 503, never a sign-out.

use crate::helpers::*;
use crate::redis_server::RedisServer;

#[tokio::test]
async fn presence_through_the_api_lives_in_redis() {
    let mut redis = RedisServer::start();
    let app = spawn(settings(Some(redis.url()))).await;

    let r = app
        .put_status("/api/v1/me/status", Auth::Bearer(ANNA), "available")
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    app.advance(30);
    let r = app
        .call("POST", "/api/v1/me/heartbeat", Auth::Bearer(ANNA), None)
        .await;
    assert_eq!(r.json["status"], "available");
    let team = app.get("/api/v1/counsellors", Auth::Bearer(OPERATOR)).await;
    assert_eq!(team.json[0]["status"], "available");
    let hotline = app.get("/api/v1/hotline", Auth::Bearer(ANNA)).await;
    assert_eq!(hotline.json["available"], 1);

    let r = app
        .put_status(
            "/api/v1/counsellors/anna/status",
            Auth::Bearer(OPERATOR),
            "offline",
        )
        .await;
    assert_eq!(r.json["status"], "offline");
    assert_eq!(
        app.get("/api/v1/me", Auth::Bearer(ANNA)).await.json["status"],
        "offline"
    );

    // Redis down: 503; back (empty): the counsellor is registered again on use.
    redis.stop();
    assert_error(&app.get("/api/v1/me", Auth::Bearer(ANNA)).await, 503);
    redis.restart();
    let mut last = None;
    for _ in 0..50 {
        let r = app
            .put_status("/api/v1/me/status", Auth::Bearer(BEN), "available")
            .await;
        if r.status == 200 {
            last = Some(r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let r = last.expect("the API recovers once Redis is back");
    assert_eq!(r.json["status"], "available");
    assert_eq!(
        app.get("/api/v1/me", Auth::Bearer(ANNA)).await.json["status"],
        "offline"
    );
}

/// Redis restarts empty while anna is on duty: her open page keeps beating,
/// and its next beat makes her available again (the store, not anna, lost
/// her state). Reading her state first changes nothing about that.
#[tokio::test]
async fn an_open_page_brings_its_counsellor_back_after_an_empty_restart() {
    let mut redis = RedisServer::start();
    let app = spawn(settings(Some(redis.url()))).await;
    let r = app
        .put_status("/api/v1/me/status", Auth::Bearer(ANNA), "available")
        .await;
    assert_eq!(r.json["status"], "available");

    redis.restart();
    let mut me = None;
    for _ in 0..50 {
        let r = app.get("/api/v1/me", Auth::Bearer(ANNA)).await;
        if r.status == 200 {
            me = Some(r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let me = me.expect("the API recovers once Redis is back");
    assert_eq!(me.json["status"], "offline", "the store forgot");
    app.advance(30);
    let r = app
        .call("POST", "/api/v1/me/heartbeat", Auth::Bearer(ANNA), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["status"], "available");
    let hotline = app.get("/api/v1/hotline", Auth::Bearer(ANNA)).await;
    assert_eq!(hotline.json["available"], 1);
    // Ben never set a status: his page would not beat; if it did, a
    // first beat on a fresh entry counts the same.
    let r = app
        .put_status("/api/v1/me/status", Auth::Bearer(BEN), "offline")
        .await;
    assert_eq!(r.json["status"], "offline");
    let r = app
        .call("POST", "/api/v1/me/heartbeat", Auth::Bearer(BEN), None)
        .await;
    assert_eq!(r.json["status"], "offline", "a chosen offline stays");
}

/// Redis restarts empty while anna talks to a caller: her page last saw her
/// `in_call` and says so with its beat, so she is not made available (and
/// rung for a second caller) mid-conversation; the page then shows her
/// offline and she chooses again. A beat that says nonsense is refused.
#[tokio::test]
async fn a_page_that_last_saw_a_call_does_not_make_its_counsellor_available() {
    let mut redis = RedisServer::start();
    let app = spawn(settings(Some(redis.url()))).await;
    app.put_status("/api/v1/me/status", Auth::Bearer(ANNA), "available")
        .await;
    redis.restart();
    let beat = |body: &'static str| {
        app.call(
            "POST",
            "/api/v1/me/heartbeat",
            Auth::Bearer(ANNA),
            Some(body),
        )
    };
    let mut r = beat(r#"{"status":"in_call"}"#).await;
    for _ in 0..50 {
        if r.status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        r = beat(r#"{"status":"in_call"}"#).await;
    }
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["status"], "offline", "not available mid-call");
    let hotline = app.get("/api/v1/hotline", Auth::Bearer(ANNA)).await;
    assert_eq!(hotline.json["available"], 0);
    assert_eq!(beat(r#"{"status":"talking"}"#).await.status, 400);
    let r = beat(r#"{"status":"available"}"#).await;
    assert_eq!(
        r.json["status"], "available",
        "last seen available: restored"
    );
}

#[tokio::test]
async fn a_page_session_from_one_instance_works_on_another() {
    let mut redis = RedisServer::start();
    let one = spawn(settings(Some(redis.url()))).await;
    let two = spawn(settings(Some(redis.url()))).await;
    let (cookie, _, csrf) = crate::session::sign_in(&one, ANNA).await;

    let r = two.get("/session", Auth::Cookie(&cookie, None)).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["id"], "anna");
    assert_eq!(r.json["csrf"], csrf.as_str());
    let r = two
        .put_status(
            "/api/v1/me/status",
            Auth::Cookie(&cookie, Some(&csrf)),
            "available",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);

    // The store is away: the page hears 503 (and keeps its session).
    redis.stop();
    assert_error(&two.get("/session", Auth::Cookie(&cookie, None)).await, 503);
    redis.restart();
    // Redis restarted empty (no persistence here): the session is gone.
    assert_eq!(session_status(&two, &cookie).await, 401);

    // Signing out on one instance ends the session on every instance.
    let (cookie, _, csrf) = crate::session::sign_in(&two, ANNA).await;
    assert_eq!(session_status(&one, &cookie).await, 200);
    let r = one
        .call(
            "DELETE",
            "/session",
            Auth::Cookie(&cookie, Some(&csrf)),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_error(&two.get("/session", Auth::Cookie(&cookie, None)).await, 401);
}

/// `GET /session`'s status once the instance reaches Redis again.
async fn session_status(app: &TestApp, cookie: &str) -> u16 {
    for _ in 0..50 {
        let status = app.get("/session", Auth::Cookie(cookie, None)).await.status;
        if status != 503 {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the instance never reached Redis again");
}
