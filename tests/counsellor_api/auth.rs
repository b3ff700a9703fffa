//! Who may call what: 401 without a valid token, 403 for the wrong role.

use crate::helpers::*;

#[tokio::test]
async fn no_token_or_a_wrong_one_is_401_with_a_json_error() {
    let app = spawn(settings(None)).await;
    for auth in [
        Auth::None,
        Auth::Bearer("not-a-token"),
        Auth::Header(&format!("Basic {ANNA}")),
        Auth::Header("Bearer"),
        Auth::Cookie("lotse_session=forged", None),
    ] {
        for path in ["/api/v1/me", "/api/v1/counsellors", "/api/v1/hotline"] {
            let r = app.get(path, auth).await;
            assert_error(&r, 401);
            assert!(r.headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer"));
        }
    }
    let r = app
        .put_status("/api/v1/me/status", Auth::Bearer("nope"), "available")
        .await;
    assert_error(&r, 401);
    let r = app
        .call("POST", "/api/v1/me/heartbeat", Auth::None, None)
        .await;
    assert_error(&r, 401);
}

#[tokio::test]
async fn a_wrong_token_is_refused_even_with_a_matching_prefix_or_case() {
    let app = spawn(settings(None)).await;
    for guess in [
        &ANNA[..ANNA.len() - 1],
        &ANNA.to_uppercase(),
        &format!("{ANNA}x"),
    ] {
        assert_error(&app.get("/api/v1/me", Auth::Bearer(guess)).await, 401);
    }
    // The scheme is case-insensitive (RFC 9110), the token is not.
    let r = app
        .get("/api/v1/me", Auth::Header(&format!("bearer {ANNA}")))
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
}

#[tokio::test]
async fn a_counsellor_token_on_operator_routes_is_403() {
    let app = spawn(settings(None)).await;
    assert_error(
        &app.get("/api/v1/counsellors", Auth::Bearer(ANNA)).await,
        403,
    );
    let r = app
        .put_status(
            "/api/v1/counsellors/ben/status",
            Auth::Bearer(ANNA),
            "offline",
        )
        .await;
    assert_error(&r, 403);
}

#[tokio::test]
async fn the_operator_is_not_a_counsellor() {
    let app = spawn(settings(None)).await;
    assert_error(&app.get("/api/v1/me", Auth::Bearer(OPERATOR)).await, 403);
    let r = app
        .put_status("/api/v1/me/status", Auth::Bearer(OPERATOR), "available")
        .await;
    assert_error(&r, 403);
}

#[tokio::test]
async fn a_counsellor_without_a_configured_token_hash_cannot_sign_in_at_all() {
    let mut s = settings(None);
    s.counsellors[1].token_sha256 = None;
    let app = spawn(s).await;
    assert_error(&app.get("/api/v1/me", Auth::Bearer(BEN)).await, 401);
    assert_eq!(app.get("/api/v1/me", Auth::Bearer(ANNA)).await.status, 200);
}

#[tokio::test]
async fn unknown_api_routes_are_a_json_404() {
    let app = spawn(settings(None)).await;
    assert_error(&app.get("/api/v1/nothing", Auth::Bearer(ANNA)).await, 404);
}
