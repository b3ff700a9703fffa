//! "Block this caller" (a contract for tools):
//! - `POST /api/v1/me/block` `{"reason": "threat"|"harassment"|"prank"|"other",
//!   "days": N}` (days optional: `[abuse] block_days`) bans the caller of the
//!   counsellor's current or last call → 201 with the ban, or 404 when
//!   there is no such call (or its number was withheld);
//! - `GET /api/v1/me/block`: whether there is a call to block, for the page;
//! - `GET /api/v1/blocks` (operator): every live ban and the counts;
//! - `DELETE /api/v1/blocks/{id}` (operator): lifts a ban → 204, or 404.
//!
//! Nobody sees a number here: a ban is its keyed hash, a prefix, a reason,
//! who set it and when it ends.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{Me, Operator};
use super::error::{ApiError, Json};
use crate::abuse::{parse_hash, Blocked, Reason};
use crate::config::abuse::MAX_BLOCK_DAYS;
use crate::http::App;

const OFF: &str = "blocking is off: this lotse has no [abuse] key (LOTSE_ABUSE__KEY)";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockRequest {
    reason: Reason,
    #[serde(default)]
    days: Option<u32>,
}

pub async fn block(
    State(app): State<Arc<App>>,
    Me(c): Me,
    Json(req): Json<BlockRequest>,
) -> Result<Response, ApiError> {
    let days = req.days.unwrap_or(app.settings.abuse.block_days);
    if !(1..=MAX_BLOCK_DAYS).contains(&days) {
        return Err(ApiError::BadRequest(format!(
            "days must be 1 to {MAX_BLOCK_DAYS}"
        )));
    }
    let now = app.clock.now();
    match app.abuse.block(&c.id, req.reason, days, now).await? {
        Blocked::Done(ban) => Ok((StatusCode::CREATED, axum::Json(ban)).into_response()),
        Blocked::NoCall => Err(ApiError::NotFound(
            "no current or recent call of yours whose caller could be blocked",
        )),
        Blocked::Withheld => Err(ApiError::NotFound(
            "the caller of your last call withheld their number: there is nothing to block",
        )),
        Blocked::Full => Err(ApiError::Conflict(
            "the ban list is full; the operator must lift old bans first",
        )),
        Blocked::Off => Err(ApiError::Off(OFF)),
    }
}

/// What the page shows: the call that could be blocked, if any.
pub async fn mine(State(app): State<Arc<App>>, Me(c): Me) -> Result<Json<Value>, ApiError> {
    let now = app.clock.now();
    let a = &app.settings.abuse;
    let call = match app.abuse.last_call(&c.id, now).await? {
        None => Value::Null,
        Some(call) => {
            let ban = app.abuse.ban_of(&call, now).await?;
            json!({
                "current": call.current,
                "answered_at": call.answered_at,
                "withheld": call.caller.is_none(),
                "blocked_until": ban.map(|b| b.until),
            })
        }
    };
    Ok(Json(json!({
        "enabled": app.abuse.enabled(),
        "default_days": a.block_days,
        "max_days": MAX_BLOCK_DAYS,
        "reasons": Reason::ALL.map(Reason::as_str),
        "call": call,
    })))
}

pub async fn list(State(app): State<Arc<App>>, _: Operator) -> Result<Json<Value>, ApiError> {
    let now = app.clock.now();
    let bans = app.abuse.bans(now).await?;
    let mut counts = serde_json::Map::new();
    counts.insert("active".into(), bans.len().into());
    for reason in Reason::ALL {
        let n = bans.iter().filter(|b| b.reason == reason).count();
        counts.insert(reason.as_str().into(), n.into());
    }
    for (outcome, n) in app.abuse.refused_today(now).await? {
        counts.insert(format!("{outcome}_today"), n.into());
    }
    Ok(Json(json!({
        "enabled": app.abuse.enabled(),
        "bans": bans,
        "counts": counts,
    })))
}

/// The id is the ban's full hash as `GET /api/v1/blocks` lists it.
pub async fn lift(
    State(app): State<Arc<App>>,
    _: Operator,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let Some(id) = parse_hash(&id) else {
        return Err(ApiError::NotFound("no ban with this id"));
    };
    match app.abuse.lift(id, app.clock.now()).await? {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(ApiError::NotFound("no ban with this id")),
    }
}
