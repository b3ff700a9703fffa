//! Signing in to the page: the token is posted once in a JSON body (never in
//! a URL, never logged) and exchanged for a session cookie; the answer also
//! carries the session's CSRF token, which the page keeps in memory and
//! sends back in `X-CSRF-Token`. `GET /session` lets a reloaded page pick
//! the session up again; `DELETE /session` signs out.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::sessions::SessionError;
use super::{cookie, Session};
use crate::http::api::{role_for_token, session, ApiError, Json, Role};
use crate::http::App;

#[derive(Deserialize)]
pub struct SignIn {
    token: String,
}

/// What the page needs to know about whoever signed in.
#[derive(Serialize)]
pub struct SessionInfo {
    role: &'static str,
    id: Option<String>,
    name: Option<String>,
    csrf: String,
    expires: DateTime<Utc>,
    /// The lease length: the page renews well within it.
    presence_ttl_s: u64,
}

fn info(app: &App, s: &Session) -> SessionInfo {
    let (role, id, name) = match &s.role {
        Role::Operator => ("operator", None, None),
        Role::Counsellor(id) => {
            let name = app.settings.counsellors.iter().find(|c| &c.id == id);
            (
                "counsellor",
                Some(id.to_string()),
                name.map(|c| c.name.clone()),
            )
        }
    };
    SessionInfo {
        role,
        id,
        name,
        csrf: s.csrf.clone(),
        expires: s.expires,
        presence_ttl_s: app.settings.routing.presence_ttl.as_secs(),
    }
}

pub async fn sign_in(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Json(body): Json<SignIn>,
) -> Result<Response, ApiError> {
    let Some(role) = role_for_token(&app.settings, body.token.trim()) else {
        tracing::info!("page sign-in refused: unknown token");
        return Err(ApiError::SignInRefused);
    };
    let now = app.clock.now();
    if let Some(old) = cookie::read(&app, &headers) {
        app.sessions.end(&old, now).await?;
    }
    let (value, session) = app.sessions.create(role, now).await.map_err(|e| match e {
        SessionError::NoRandomness => {
            tracing::error!("no randomness for a session id");
            ApiError::Unavailable
        }
        SessionError::Store(e) => ApiError::from(e),
    })?;
    match &session.role {
        Role::Counsellor(id) => tracing::info!(counsellor = %id, "signed in to the page"),
        Role::Operator => tracing::info!("operator signed in to the page"),
    }
    let max_age = super::sessions::LIFETIME.num_seconds();
    let set = cookie::set(&app, Some(&value), max_age);
    Ok(([(SET_COOKIE, set)], Json(info(&app, &session))).into_response())
}

pub async fn current(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<SessionInfo>, ApiError> {
    let s = session(&app, &headers, &Method::GET).await?;
    Ok(Json(info(&app, &s)))
}

/// Ends the session (with its CSRF token, so no other site can sign a
/// counsellor out) and deletes the cookie. Without a session it only
/// deletes the cookie.
pub async fn sign_out(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    match session(&app, &headers, &Method::DELETE).await {
        Ok(_) | Err(ApiError::Unauthorized) => {}
        Err(e) => return Err(e),
    }
    if let Some(value) = cookie::read(&app, &headers) {
        app.sessions.end(&value, app.clock.now()).await?;
    }
    let clear = cookie::set(&app, None, 0);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear)]).into_response())
}
