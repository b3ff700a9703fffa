//! Tokens, session cookies, CSRF tokens and phone numbers never reach the
//! logs, at the most verbose level, on success and on refusal.

use crate::helpers::*;

#[tokio::test]
async fn no_token_cookie_or_phone_number_is_ever_logged() {
    crate::captured_logs::captured_logs(); // installs the capturing subscriber

    let app = spawn(settings(None)).await;
    let wrong = r#"{"token":"wrong-token-d00d"}"#;
    assert_eq!(
        app.call("POST", "/session", Auth::None, Some(wrong))
            .await
            .status,
        401
    );
    let body = serde_json::json!({ "token": ANNA }).to_string();
    let r = app.call("POST", "/session", Auth::None, Some(&body)).await;
    let set = r.headers["set-cookie"].to_str().unwrap().to_owned();
    let cookie = set.split(';').next().unwrap().to_owned();
    let csrf = r.json["csrf"].as_str().unwrap().to_owned();
    let session = Auth::Cookie(&cookie, Some(&csrf));
    assert_eq!(
        app.put_status("/api/v1/me/status", session, "available")
            .await
            .status,
        200
    );
    assert_eq!(
        app.put_status("/api/v1/me/status", Auth::Cookie(&cookie, None), "away")
            .await
            .status,
        403
    );
    assert_eq!(app.get("/api/v1/me", Auth::Bearer(ANNA)).await.status, 200);
    assert_eq!(
        app.get("/api/v1/me", Auth::Bearer("wrong-token-d00d"))
            .await
            .status,
        401
    );
    let r = app
        .put_status(
            "/api/v1/counsellors/ben/status",
            Auth::Bearer(OPERATOR),
            "offline",
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        app.get("/api/v1/counsellors", Auth::Bearer(OPERATOR))
            .await
            .status,
        200
    );
    assert_eq!(
        app.call("DELETE", "/session", session, None).await.status,
        204
    );

    let text = crate::captured_logs::captured_logs();
    assert!(
        text.contains("signed in to the page"),
        "logging works: {text}"
    );
    let value = cookie.split_once('=').unwrap().1;
    for secret in [
        ANNA,
        OPERATOR,
        "wrong-token-d00d",
        value,
        &csrf,
        "+4930",
        "2312500",
    ] {
        assert!(!text.contains(secret), "{secret:?} logged:\n{text}");
    }
}
