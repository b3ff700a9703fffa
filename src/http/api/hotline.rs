//! `GET /api/v1/hotline`: what the page shows beside a counsellor's own
//! status — is the line open, when it closes or opens next, how many callers
//! wait and how many counsellors are free. Counts only: never a caller's
//! number, name or call id. Any signed-in counsellor or the operator may
//! read it.

use std::sync::Arc;

use axum::extract::State;
use chrono::DateTime;
use chrono_tz::Tz;
use serde::Serialize;

use super::auth::Principal;
use super::error::{ApiError, Json};
use crate::http::App;
use crate::routing::Status;
use crate::schedule::Decision;

#[derive(Serialize)]
pub struct Hotline {
    pub open: bool,
    /// When the current opening ends (open) …
    pub closes_at: Option<DateTime<Tz>>,
    /// … or when the line opens next (closed; `null` if not within a year).
    pub next_open: Option<DateTime<Tz>>,
    /// Why it is closed: `weekend`, `before_hours`, `after_hours`,
    /// `holiday`, `closure`; `null` when open.
    pub reason: Option<&'static str>,
    /// The hotline's time zone, so the page shows its times, not the device's.
    pub timezone: String,
    pub waiting: u64,
    pub available: u64,
}

pub async fn get(State(app): State<Arc<App>>, _: Principal) -> Result<Json<Hotline>, ApiError> {
    let now = app.clock.now();
    let stats = app.store.stats(now).await?;
    let (open, closes_at, next_open, reason) = match app.settings.schedule.decide(now) {
        Decision::Open { closes_at } => (true, Some(closes_at), None, None),
        Decision::Closed { reason, next_open } => (false, None, next_open, Some(reason.code())),
    };
    Ok(Json(Hotline {
        open,
        closes_at,
        next_open,
        reason,
        timezone: app.settings.schedule.tz.name().to_owned(),
        waiting: stats.waiting,
        available: stats.count(Status::Available),
    }))
}
