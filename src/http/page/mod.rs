//! The counsellor page at `/`: one HTML page with its script and style,
//! compiled into the binary (no CDN, no font, no files to deploy), and the
//! sign-in session behind it.
//!
//! # Layout
//! - `assets`: the page's files (`assets/*`), served with strict headers.
//! - `signin`: `POST /session` (token → cookie), `GET /session`, `DELETE /session`.
//! - `sessions`: sign-in sessions in the shared store; `cookie`: the cookie itself.
//!
//! The page then talks to `/api/v1/…` with its cookie and CSRF header.

mod assets;
pub mod cookie;
mod sessions;
mod signin;

use std::sync::Arc;

use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::map_response;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub use sessions::{Session, Sessions};

use super::App;

/// Scripts, styles, images and requests only from lotse itself; no inline
/// script or style, no plugins, no framing, forms post only here.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

pub fn routes(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{file}", get(assets::file))
        .route(
            "/session",
            get(signin::current)
                .post(signin::sign_in)
                .delete(signin::sign_out),
        )
        .layer(map_response(security_headers))
        .with_state(app)
}

async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp
}
