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

/// Ready to take calls. Not ready while no Twilio token is set (every
/// webhook would be refused); the shared store joins this check later.
async fn readyz(State(app): State<Arc<App>>) -> (StatusCode, Json<Value>) {
    let twilio = &app.settings.twilio;
    if twilio.verify_signatures && twilio.tokens.is_empty() {
        let reason = "no Twilio auth token: set LOTSE_TWILIO__AUTH_TOKEN";
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "not_ready", "reason": reason})),
        );
    }
    (StatusCode::OK, Json(json!({"status": "ready"})))
}
