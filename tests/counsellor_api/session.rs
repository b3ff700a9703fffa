//! The page's sign-in: token once → session cookie; CSRF on state changes;
//! sign-out; strict headers on the page itself.

use crate::helpers::*;

/// Signs in; returns the `name=value` cookie, the raw `Set-Cookie` and the
/// CSRF token.
pub async fn sign_in(app: &TestApp, token: &str) -> (String, String, String) {
    let body = serde_json::json!({ "token": token }).to_string();
    let r = app.call("POST", "/session", Auth::None, Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let set = r.headers["set-cookie"].to_str().unwrap().to_owned();
    let pair = set.split(';').next().unwrap().to_owned();
    (pair, set, r.json["csrf"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_wrong_token_gets_a_clear_401_and_no_cookie() {
    let app = spawn(settings(None)).await;
    for body in [r#"{"token":"wrong"}"#, r#"{"token":""}"#] {
        let r = app.call("POST", "/session", Auth::None, Some(body)).await;
        assert_error(&r, 401);
        assert!(r.headers.get("set-cookie").is_none());
    }
    assert_error(
        &app.call("POST", "/session", Auth::None, Some("{")).await,
        400,
    );
}

#[tokio::test]
async fn the_cookie_is_httponly_strict_and_secure_on_https() {
    let app = spawn(settings(None)).await; // public_url is https://…
    let (pair, set, csrf) = sign_in(&app, ANNA).await;
    assert!(pair.starts_with("__Host-lotse_session="), "{set}");
    for attr in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set.contains(attr), "{attr} missing: {set}");
    }
    assert!(!set.contains(ANNA) && !csrf.contains(ANNA));

    let mut s = settings(None);
    s.twilio.public_url = "http://127.0.0.1:8080".into();
    let app = spawn(s).await;
    let (pair, set, _) = sign_in(&app, ANNA).await;
    assert!(pair.starts_with("lotse_session="), "{set}");
    assert!(!set.contains("Secure") && set.contains("HttpOnly"), "{set}");
}

#[tokio::test]
async fn the_session_works_on_the_api_and_changes_need_the_csrf_token() {
    let app = spawn(settings(None)).await;
    let (cookie, _, csrf) = sign_in(&app, ANNA).await;
    let info = app.get("/session", Auth::Cookie(&cookie, None)).await;
    assert_eq!(info.json["role"], "counsellor");
    assert_eq!(info.json["id"], "anna");
    assert_eq!(info.json["name"], "Anna");
    assert_eq!(info.json["csrf"], csrf.as_str());
    assert_eq!(info.json["presence_ttl_s"], 90);

    let me = app.get("/api/v1/me", Auth::Cookie(&cookie, None)).await;
    assert_eq!(me.json["id"], "anna");
    for wrong in [None, Some("0000"), Some(&cookie[..])] {
        let r = app
            .put_status(
                "/api/v1/me/status",
                Auth::Cookie(&cookie, wrong),
                "available",
            )
            .await;
        assert_error(&r, 403);
        let r = app
            .call(
                "POST",
                "/api/v1/me/heartbeat",
                Auth::Cookie(&cookie, wrong),
                None,
            )
            .await;
        assert_error(&r, 403);
    }
    assert_eq!(
        app.get("/api/v1/me", Auth::Bearer(ANNA)).await.json["status"],
        "offline"
    );
    let r = app
        .put_status(
            "/api/v1/me/status",
            Auth::Cookie(&cookie, Some(&csrf)),
            "available",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(
        app.get("/api/v1/me", Auth::Bearer(ANNA)).await.json["status"],
        "available"
    );
}

#[tokio::test]
async fn sign_out_ends_the_session_and_sessions_expire() {
    let app = spawn(settings(None)).await;
    let (cookie, _, csrf) = sign_in(&app, OPERATOR).await;
    assert_eq!(
        app.get("/api/v1/counsellors", Auth::Cookie(&cookie, None))
            .await
            .status,
        200
    );
    // Signing out needs the CSRF token too: no other site can do it.
    assert_error(
        &app.call("DELETE", "/session", Auth::Cookie(&cookie, None), None)
            .await,
        403,
    );
    let r = app
        .call(
            "DELETE",
            "/session",
            Auth::Cookie(&cookie, Some(&csrf)),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert!(r.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_error(
        &app.get("/api/v1/counsellors", Auth::Cookie(&cookie, None))
            .await,
        401,
    );
    assert_error(&app.get("/session", Auth::Cookie(&cookie, None)).await, 401);

    let (cookie, _, _) = sign_in(&app, BEN).await;
    app.advance(12 * 3600 - 1);
    assert_eq!(
        app.get("/api/v1/me", Auth::Cookie(&cookie, None))
            .await
            .status,
        200
    );
    app.advance(1);
    assert_error(
        &app.get("/api/v1/me", Auth::Cookie(&cookie, None)).await,
        401,
    );
}

#[tokio::test]
async fn the_page_is_served_with_a_csp_that_forbids_inline_script() {
    let app = spawn(settings(None)).await;
    let r = app.get("/", Auth::None).await;
    assert_eq!(r.status, 200);
    let csp = r.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert_eq!(r.headers["x-frame-options"], "DENY");
    let html = r.json.as_str().unwrap();
    assert!(html.contains("<html lang=\"de\">"));
    assert!(
        !html.contains("<script>") && !html.contains(" on"),
        "no inline script"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing external"
    );
    for (file, kind) in [
        ("app.js", "javascript"),
        ("app.css", "css"),
        ("i18n.js", "javascript"),
    ] {
        let r = app.get(&format!("/assets/{file}"), Auth::None).await;
        assert_eq!(r.status, 200, "{file}");
        assert!(r.headers["content-type"].to_str().unwrap().contains(kind));
    }
    assert_eq!(app.get("/assets/nothing.js", Auth::None).await.status, 404);
}
