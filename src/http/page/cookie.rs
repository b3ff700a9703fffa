//! The session cookie: its name, its attributes, and reading it back.
//!
//! `HttpOnly` (page scripts never see it), `SameSite=Strict` (never sent on
//! a request another site starts), `Path=/`. When the public URL is https it
//! is also `Secure` and named with the `__Host-` prefix, which browsers
//! accept only from a secure origin, on `/`, without a `Domain`: no sibling
//! subdomain can plant or overwrite it.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};

use crate::http::App;

const PLAIN: &str = "lotse_session";
const HOST_ONLY: &str = "__Host-lotse_session";

/// `Secure` when the service is reached over https.
pub fn secure(app: &App) -> bool {
    app.settings.twilio.public_url.starts_with("https://")
}

fn name(secure: bool) -> &'static str {
    if secure {
        HOST_ONLY
    } else {
        PLAIN
    }
}

/// `Set-Cookie` for a new session, or (with `None`) one that deletes it.
pub fn set(app: &App, value: Option<&str>, max_age_s: i64) -> HeaderValue {
    let secure = secure(app);
    let (value, max_age) = match value {
        Some(v) => (v, max_age_s),
        None => ("", 0),
    };
    let mut cookie = format!(
        "{}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict",
        name(secure)
    );
    if secure {
        cookie.push_str("; Secure");
    }
    // Built from hex and fixed text only, so always a valid header value.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session cookie's value from the request, if any.
pub fn read(app: &App, headers: &HeaderMap) -> Option<String> {
    let wanted = name(secure(app));
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == wanted && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}
