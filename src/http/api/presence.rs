//! What the API does with the store, shared by the bearer and the cookie
//! routes: read, set and renew one counsellor's presence, and the JSON shape
//! a counsellor is shown in (id, name, status, since; never a phone number).
//!
//! A configured counsellor the store does not know yet (a Redis that
//! restarted empty, before the roster task registers the team again) is
//! registered on the spot instead of answering 404 for a real person.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::ApiError;
use crate::config::Counsellor;
use crate::http::App;
use crate::routing::{CounsellorState, Presence, Status, StoreError};

#[derive(Serialize)]
pub struct CounsellorView {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub since: DateTime<Utc>,
    pub calls_today: u32,
    /// Whole seconds of wrap-up left; `null` in every other status.
    pub wrap_up_left_s: Option<i64>,
}

pub fn view(app: &App, c: &Counsellor, s: &CounsellorState) -> CounsellorView {
    let wrap_up_left_s = (s.status == Status::WrapUp).then(|| {
        let wrap_up = chrono::Duration::from_std(app.settings.routing.wrap_up).unwrap_or_default();
        (s.since + wrap_up - app.clock.now()).num_seconds().max(0)
    });
    CounsellorView {
        id: c.id.to_string(),
        name: c.name.clone(),
        status: s.status,
        since: s.since,
        calls_today: s.calls_today,
        wrap_up_left_s,
    }
}

async fn register(
    app: &App,
    c: &Counsellor,
    now: DateTime<Utc>,
) -> Result<CounsellorState, StoreError> {
    app.store.register(&c.id, &c.pools, now).await
}

pub async fn current(app: &App, c: &Counsellor) -> Result<CounsellorState, ApiError> {
    let now = app.clock.now();
    match app.store.state(&c.id, now).await? {
        Some(s) => Ok(s),
        None => Ok(register(app, c, now).await?),
    }
}

/// A counsellor as the operator sees them: their view, and until when
/// presence by phone is locked after wrong PINs (`null`: not locked).
#[derive(Serialize)]
pub struct TeamMember {
    #[serde(flatten)]
    pub view: CounsellorView,
    pub pin_locked_until: Option<DateTime<Utc>>,
}

/// Everyone configured, in config order.
pub async fn team(app: &App) -> Result<Vec<TeamMember>, ApiError> {
    let mut out = Vec::with_capacity(app.settings.counsellors.len());
    let now = app.clock.now();
    for c in &app.settings.counsellors {
        let view = view(app, c, &current(app, c).await?);
        let pin_locked_until = crate::connect::pin_limits::locked_until(&app.kv, c, now).await?;
        out.push(TeamMember {
            view,
            pin_locked_until,
        });
    }
    Ok(out)
}

pub async fn set(app: &App, c: &Counsellor, p: Presence) -> Result<CounsellorState, ApiError> {
    let (now, ttl) = (app.clock.now(), app.settings.routing.presence_ttl);
    match app.store.set_status(&c.id, p, now, ttl).await {
        Err(StoreError::UnknownCounsellor(_)) => {
            register(app, c, now).await?;
            Ok(app.store.set_status(&c.id, p, now, ttl).await?)
        }
        other => Ok(other?),
    }
}

/// `held`: the caller (the page) last saw its counsellor ringing, talking
/// or wrapping up. Then a heartbeat only renews: if the store lost their
/// entry meanwhile they may still be mid-conversation, and must not be
/// made available for a second caller (see [`crate::routing::Store::heartbeat_held`]).
pub async fn heartbeat(app: &App, c: &Counsellor, held: bool) -> Result<CounsellorState, ApiError> {
    let (now, ttl) = (app.clock.now(), app.settings.routing.presence_ttl);
    let beat = || async {
        match held {
            true => app.store.heartbeat_held(&c.id, now, ttl).await,
            false => app.store.heartbeat(&c.id, now, ttl).await,
        }
    };
    match beat().await {
        // The store lost everything (e.g. an empty restart). The page beats
        // only while its counsellor is on duty: register them, and a
        // heartbeat on the fresh entry makes them available again, unless
        // they were last seen in a call.
        Err(StoreError::UnknownCounsellor(_)) => {
            register(app, c, now).await?;
            Ok(beat().await?)
        }
        other => Ok(other?),
    }
}
