//! The counsellor API under `/api/v1/` (issue 3's contract): JSON in and
//! out, bearer tokens for tools and phones, and the page's session cookie
//! (with its CSRF header) for the browser. Both reach the same handlers.
//!
//! # Layout
//! - `auth`: bearer token or session → [`Role`]; the `Me` and `Operator` extractors.
//! - `error`: [`ApiError`] → status + `{"error": "…"}`; the `Json` extractor that answers 400.
//! - `presence`: reading, setting and renewing presence in the store; the JSON view.
//! - `handlers` (own and operator presence), `hotline`: the handlers.
//! - `blocks`: "block this caller" and the operator's ban list (`crate::abuse`).

mod auth;
mod blocks;
mod error;
mod handlers;
mod hotline;
mod presence;

use std::sync::Arc;

use axum::http::header::{CACHE_CONTROL, X_CONTENT_TYPE_OPTIONS};
use axum::http::HeaderValue;
use axum::middleware::map_response;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::Router;

pub use auth::{role_for_token, session, Role};
pub use error::{ApiError, Json};

use super::App;

/// Everything under `/api/v1`; an unknown path there is a JSON 404 too.
pub fn routes(app: Arc<App>) -> Router {
    let v1 = Router::new()
        .route("/me", get(handlers::me))
        .route("/me/status", put(handlers::put_my_status))
        .route("/me/heartbeat", post(handlers::heartbeat))
        .route("/counsellors", get(handlers::team))
        .route("/counsellors/{id}/status", put(handlers::put_status))
        .route("/me/block", get(blocks::mine).post(blocks::block))
        .route("/blocks", get(blocks::list))
        .route("/blocks/{id}", delete(blocks::lift))
        .route("/hotline", get(hotline::get))
        .fallback(|| async { ApiError::NotFound("no such API route") })
        .layer(map_response(no_store))
        .with_state(app);
    Router::new().nest("/api/v1", v1)
}

/// Presence is personal and changes by the second: never cached, never
/// sniffed into something else.
async fn no_store(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    resp
}
