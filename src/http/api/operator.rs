//! Operator routes: the whole team's presence, and setting anyone's status
//! (mostly "offline" for a counsellor who forgot to sign out).

use std::sync::Arc;

use axum::extract::{Path, State};

use super::auth::Operator;
use super::error::{ApiError, Json};
use super::me::StatusChange;
use super::presence::{self, CounsellorView};
use crate::http::App;

pub async fn list(
    State(app): State<Arc<App>>,
    _: Operator,
) -> Result<Json<Vec<CounsellorView>>, ApiError> {
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
