//! A counsellor's own presence: read, set, renew; bad bodies are 400.

use crate::helpers::*;

#[tokio::test]
async fn me_starts_offline_and_follows_status_changes() {
    let app = spawn(settings(None)).await;
    let r = app.get("/api/v1/me", Auth::Bearer(ANNA)).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["id"], "anna");
    assert_eq!(r.json["name"], "Anna");
    assert_eq!(r.json["status"], "offline");
    assert!(r.json["since"].is_string());
    assert!(r.json.get("phone").is_none());
    assert_eq!(r.headers["cache-control"], "no-store");

    app.advance(5);
    for status in ["available", "away", "offline", "available"] {
        let r = app
            .put_status("/api/v1/me/status", Auth::Bearer(ANNA), status)
            .await;
        assert_eq!(r.status, 200, "{}", r.json);
        assert_eq!(r.json["status"], status);
        let me = app.get("/api/v1/me", Auth::Bearer(ANNA)).await;
        assert_eq!(me.json["status"], status);
        assert_eq!(me.json["since"], "2026-03-30T07:00:05Z");
    }
    // Ben is untouched by Anna's switch.
    let ben = app.get("/api/v1/me", Auth::Bearer(BEN)).await;
    assert_eq!(ben.json["status"], "offline");
}

#[tokio::test]
async fn bad_json_or_an_unknown_status_is_400_with_a_clear_message() {
    let app = spawn(settings(None)).await;
    let put =
        |body: &'static str| app.call("PUT", "/api/v1/me/status", Auth::Bearer(ANNA), Some(body));
    for body in ["{", "", "[]", r#"{"state":"available"}"#, r#"{"status":5}"#] {
        assert_error(&put(body).await, 400);
    }
    for status in ["busy", "ringing", "in_call", "wrap_up", "Available"] {
        let r = app
            .put_status("/api/v1/me/status", Auth::Bearer(ANNA), status)
            .await;
        assert_error(&r, 400);
        let message = r.json["error"].as_str().unwrap();
        assert!(
            message.contains("available") && message.contains("offline"),
            "{message}"
        );
    }
    // No JSON content type at all is a 415 with the same JSON shape.
    let r = app
        .call("PUT", "/api/v1/me/status", Auth::Bearer(ANNA), None)
        .await;
    assert_error(&r, 415);
    // Nothing changed.
    let me = app.get("/api/v1/me", Auth::Bearer(ANNA)).await;
    assert_eq!(me.json["status"], "offline");
}

#[tokio::test]
async fn heartbeats_keep_available_alive_and_never_revive_it() {
    let app = spawn(settings(None)).await;
    let ttl = 90;
    app.put_status("/api/v1/me/status", Auth::Bearer(ANNA), "available")
        .await;
    for _ in 0..3 {
        app.advance(ttl - 10);
        let r = app
            .call("POST", "/api/v1/me/heartbeat", Auth::Bearer(ANNA), None)
            .await;
        assert_eq!(r.status, 200, "{}", r.json);
        assert_eq!(r.json["status"], "available");
    }
    app.advance(ttl + 1);
    let me = app.get("/api/v1/me", Auth::Bearer(ANNA)).await;
    assert_eq!(me.json["status"], "offline", "the lease ran out");
    let r = app
        .call("POST", "/api/v1/me/heartbeat", Auth::Bearer(ANNA), None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json["status"], "offline",
        "a late heartbeat does not revive"
    );
}

#[tokio::test]
async fn hotline_shows_open_or_next_opening_and_counts_only() {
    let app = spawn(settings(None)).await;
    app.put_status("/api/v1/me/status", Auth::Bearer(ANNA), "available")
        .await;
    let r = app.get("/api/v1/hotline", Auth::Bearer(ANNA)).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["open"], true);
    assert_eq!(r.json["closes_at"], "2026-03-30T16:00:00+02:00");
    assert_eq!(r.json["timezone"], "Europe/Berlin");
    assert_eq!(r.json["waiting"], 0);
    assert_eq!(r.json["available"], 1);

    app.clock.set(instant("2026-04-03T10:00:00+02:00")); // Good Friday
    let r = app.get("/api/v1/hotline", Auth::Bearer(OPERATOR)).await;
    assert_eq!(r.json["open"], false);
    assert_eq!(r.json["reason"], "holiday");
    assert_eq!(r.json["next_open"], "2026-04-07T09:00:00+02:00");
}
