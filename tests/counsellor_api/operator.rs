//! The operator's view of the team and "set offline".

use crate::helpers::*;

#[tokio::test]
async fn the_operator_sees_everyone_with_name_status_since_and_calls_but_no_phone() {
    let app = spawn(settings(None)).await;
    app.put_status("/api/v1/me/status", Auth::Bearer(ANNA), "available")
        .await;
    app.advance(60);
    app.put_status("/api/v1/me/status", Auth::Bearer(BEN), "away")
        .await;

    let r = app.get("/api/v1/counsellors", Auth::Bearer(OPERATOR)).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let team = r.json.as_array().expect("a list");
    let ids: Vec<_> = team.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["anna", "ben", "clara"]);
    assert_eq!(team[0]["name"], "Anna");
    assert_eq!(team[0]["status"], "available");
    assert_eq!(team[0]["since"], "2026-03-30T07:00:00Z");
    assert_eq!(team[1]["status"], "away");
    assert_eq!(team[1]["since"], "2026-03-30T07:01:00Z");
    assert_eq!(team[2]["status"], "offline");
    assert_eq!(team[0]["calls_today"], 0);
    let text = r.json.to_string();
    assert!(!text.contains("+49") && !text.contains("phone"), "{text}");
}

#[tokio::test]
async fn the_operator_sets_a_counsellor_offline_and_they_see_it() {
    let app = spawn(settings(None)).await;
    app.put_status("/api/v1/me/status", Auth::Bearer(ANNA), "available")
        .await;
    let r = app
        .put_status(
            "/api/v1/counsellors/anna/status",
            Auth::Bearer(OPERATOR),
            "offline",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["id"], "anna");
    assert_eq!(r.json["status"], "offline");
    let me = app.get("/api/v1/me", Auth::Bearer(ANNA)).await;
    assert_eq!(me.json["status"], "offline");
    // Clara has no token but the operator can still set her.
    let r = app
        .put_status(
            "/api/v1/counsellors/clara/status",
            Auth::Bearer(OPERATOR),
            "away",
        )
        .await;
    assert_eq!(r.json["status"], "away");
}

#[tokio::test]
async fn an_unknown_counsellor_is_404_and_bad_bodies_are_400() {
    let app = spawn(settings(None)).await;
    for id in ["dora", "Anna", "anna%20", "x".repeat(40).as_str()] {
        let path = format!("/api/v1/counsellors/{id}/status");
        let r = app
            .put_status(&path, Auth::Bearer(OPERATOR), "offline")
            .await;
        assert_error(&r, 404);
    }
    let r = app
        .put_status(
            "/api/v1/counsellors/anna/status",
            Auth::Bearer(OPERATOR),
            "in_call",
        )
        .await;
    assert_error(&r, 400);
    let r = app
        .call(
            "PUT",
            "/api/v1/counsellors/anna/status",
            Auth::Bearer(OPERATOR),
            Some("{oops"),
        )
        .await;
    assert_error(&r, 400);
}

#[tokio::test]
async fn a_store_that_does_not_answer_is_503_with_json() {
    // Nothing listens on this port: every store operation fails at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn(settings(Some(format!("redis://127.0.0.1:{port}/")))).await;
    assert_error(&app.get("/api/v1/me", Auth::Bearer(ANNA)).await, 503);
    let r = app
        .put_status("/api/v1/me/status", Auth::Bearer(ANNA), "available")
        .await;
    assert_error(&r, 503);
    let r = app
        .call("POST", "/api/v1/me/heartbeat", Auth::Bearer(ANNA), None)
        .await;
    assert_error(&r, 503);
    assert_error(
        &app.get("/api/v1/counsellors", Auth::Bearer(OPERATOR)).await,
        503,
    );
    assert_error(
        &app.get("/api/v1/hotline", Auth::Bearer(OPERATOR)).await,
        503,
    );
    // Authentication does not need the store: a wrong token is still 401.
    assert_error(&app.get("/api/v1/me", Auth::Bearer("nope")).await, 401);
}
