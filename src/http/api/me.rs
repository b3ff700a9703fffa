//! `/api/v1/me…`: a counsellor's own presence. The contract of issue 3:
//! `GET /api/v1/me` → `{"id","name","status","since"}` (plus `calls_today`
//! and `wrap_up_left_s`), `PUT /api/v1/me/status` with
//! `{"status": "available"|"away"|"offline"}`, `POST /api/v1/me/heartbeat`.

use std::sync::Arc;

use axum::extract::State;
use serde::Deserialize;

use super::auth::Me;
use super::error::{ApiError, Json};
use super::presence::{self, CounsellorView};
use crate::http::App;
use crate::routing::Presence;

/// The statuses a person may choose; `ringing`, `in_call` and `wrap_up` are
/// lotse's to set, so they do not parse here (→ 400).
#[derive(Deserialize)]
pub struct StatusChange {
    pub status: Presence,
}

pub async fn get(State(app): State<Arc<App>>, Me(c): Me) -> Result<Json<CounsellorView>, ApiError> {
    let state = presence::current(&app, &c).await?;
    Ok(Json(presence::view(&app, &c, &state)))
}

pub async fn put_status(
    State(app): State<Arc<App>>,
    Me(c): Me,
    Json(change): Json<StatusChange>,
) -> Result<Json<CounsellorView>, ApiError> {
    let state = presence::set(&app, &c, change.status).await?;
    tracing::info!(counsellor = %c.id, status = state.status.as_str(), "presence set by the counsellor");
    Ok(Json(presence::view(&app, &c, &state)))
}

/// Renews the lease of an available (or rung, talking, wrapping-up)
/// counsellor; never revives one who is offline or away.
pub async fn heartbeat(
    State(app): State<Arc<App>>,
    Me(c): Me,
) -> Result<Json<CounsellorView>, ApiError> {
    let state = presence::heartbeat(&app, &c).await?;
    Ok(Json(presence::view(&app, &c, &state)))
}
