//! Liveness and readiness for load balancers and orchestrators.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::App;

pub fn routes(app: Arc<App>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(app)
}

/// The process is up and answering.
async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Ready to take calls: a Twilio token is set (else every webhook would be
/// refused) and the store answers (else every caller gets the fallback).
async fn readyz(State(app): State<Arc<App>>) -> (StatusCode, Json<Value>) {
    let twilio = &app.settings.twilio;
    // A hotline on sipgate alone needs no Twilio token.
    let sipgate_takes_calls = app.sipgate.is_some();
    let reason = if twilio.verify_signatures && twilio.tokens.is_empty() && !sipgate_takes_calls {
        Some("no Twilio auth token: set LOTSE_TWILIO__AUTH_TOKEN")
    } else if app.store.ping().await.is_err() {
        Some("the store (Redis) does not answer")
    } else {
        None
    };
    match reason {
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "not_ready", "reason": reason})),
        ),
        None => (StatusCode::OK, Json(json!({"status": "ready"}))),
    }
}
