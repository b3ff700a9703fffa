//! The presence handlers. A counsellor's own (`/api/v1/me…`, issue 3's
//! contract: `GET /api/v1/me` → `{"id","name","status","since"}` plus
//! `calls_today` and `wrap_up_left_s`; `PUT /api/v1/me/status` with
//! `{"status": "available"|"away"|"offline"}`; `POST /api/v1/me/heartbeat`)
//! and the operator's (the whole team; anyone's status, mostly "offline" for
//! a counsellor who forgot to sign out).

use std::sync::Arc;

use axum::extract::{Path, State};
use serde::Deserialize;

use super::auth::{Me, Operator};
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

pub async fn me(State(app): State<Arc<App>>, Me(c): Me) -> Result<Json<CounsellorView>, ApiError> {
    let state = presence::current(&app, &c).await?;
    Ok(Json(presence::view(&app, &c, &state)))
}

pub async fn put_my_status(
    State(app): State<Arc<App>>,
    Me(c): Me,
    Json(change): Json<StatusChange>,
) -> Result<Json<CounsellorView>, ApiError> {
    let state = presence::set(&app, &c, change.status).await?;
    tracing::info!(counsellor = %c.id, status = state.status.as_str(), "presence set by the counsellor");
    Ok(Json(presence::view(&app, &c, &state)))
}

/// What a heartbeat may say: the status its sender last saw. Optional (an
/// empty body is a plain heartbeat), so tools that send nothing still work.
#[derive(Deserialize)]
pub struct LastSeen {
    pub status: crate::routing::Status,
}

/// Renews the lease of an available (or rung, talking, wrapping-up)
/// counsellor; never revives one who is offline or away. The page sends
/// `{"status": <what it last saw>}`: a counsellor last seen in a call is
/// not made available when the store lost their entry.
pub async fn heartbeat(
    State(app): State<Arc<App>>,
    Me(c): Me,
    body: axum::body::Bytes,
) -> Result<Json<CounsellorView>, ApiError> {
    let seen = match body.iter().all(u8::is_ascii_whitespace) {
        true => None,
        false => Some(
            serde_json::from_slice::<LastSeen>(&body)
                .map_err(|_| ApiError::BadRequest("expected {\"status\": …} or nothing".into()))?,
        ),
    };
    let held = seen.is_some_and(|s| {
        use crate::routing::Status::{InCall, Ringing, WrapUp};
        matches!(s.status, Ringing | InCall | WrapUp)
    });
    let state = presence::heartbeat(&app, &c, held).await?;
    Ok(Json(presence::view(&app, &c, &state)))
}

pub async fn team(
    State(app): State<Arc<App>>,
    _: Operator,
) -> Result<Json<Vec<presence::TeamMember>>, ApiError> {
    Ok(Json(presence::team(&app).await?))
}

/// The id is taken as plain text and looked up in the configuration: an id
/// that is not there, well-formed or not, is a 404.
pub async fn put_status(
    State(app): State<Arc<App>>,
    _: Operator,
    Path(id): Path<String>,
    Json(change): Json<StatusChange>,
) -> Result<Json<CounsellorView>, ApiError> {
    let c = app
        .settings
        .counsellors
        .iter()
        .find(|c| c.id.as_str() == id)
        .ok_or(ApiError::NotFound("no counsellor with this id"))?;
    let state = presence::set(&app, c, change.status).await?;
    tracing::info!(counsellor = %c.id, status = state.status.as_str(), "presence set by the operator");
    Ok(Json(presence::view(&app, c, &state)))
}
