//! Who is asking: a bearer token (the REST API) or the page's session cookie
//! (which must bring its CSRF token on every state change). Tokens are
//! compared by their SHA-256 against the configured hashes, in constant
//! time and against every entry, so neither timing nor order tells how close
//! a guess came. No token, cookie or hash is ever logged.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::ApiError;
use crate::config::{Counsellor, Settings};
use crate::http::page::{cookie, Session};
use crate::http::App;
use crate::routing::CounsellorId;

const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Counsellor(CounsellorId),
    Operator,
}

/// Whoever a valid token or session belongs to: the counsellor and operator
/// extractors below narrow it down.
pub struct Principal(pub Role);

/// The role a presented token belongs to, if any.
pub fn role_for_token(settings: &Settings, token: &str) -> Option<Role> {
    let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let matches = |hash: &Option<[u8; 32]>| hash.is_some_and(|h| bool::from(h.ct_eq(&digest)));
    let mut found = matches(&settings.operator_token_sha256).then_some(Role::Operator);
    for c in &settings.counsellors {
        if matches(&c.token_sha256) && found.is_none() {
            found = Some(Role::Counsellor(c.id.clone()));
        }
    }
    found
}

fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<Arc<App>> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        // A request with an Authorization header is judged by it alone.
        if let Some(value) = parts.headers.get(AUTHORIZATION) {
            let token = value.to_str().ok().and_then(bearer);
            let role = token.and_then(|t| role_for_token(&app.settings, t));
            return role.map(Principal).ok_or(ApiError::Unauthorized);
        }
        let session = session(app, &parts.headers, &parts.method).await?;
        Ok(Principal(session.role))
    }
}

/// The page's live session from its cookie; for anything but GET/HEAD it
/// must also bring the session's CSRF token in `X-CSRF-Token`.
/// A store that does not answer is a 503 (the page says so and keeps its
/// session), never a sign-out.
pub async fn session(app: &App, headers: &HeaderMap, method: &Method) -> Result<Session, ApiError> {
    let cookie = cookie::read(app, headers).ok_or(ApiError::Unauthorized)?;
    let session = app
        .sessions
        .get(&cookie, app.clock.now())
        .await?
        .ok_or(ApiError::Unauthorized)?;
    if !method.is_safe() {
        let sent = headers.get(CSRF_HEADER).map(|v| v.as_bytes());
        let ok = sent.is_some_and(|s| bool::from(s.ct_eq(session.csrf.as_bytes())));
        if !ok {
            return Err(ApiError::Csrf);
        }
    }
    Ok(session)
}

/// A counsellor acting on themselves (`/api/v1/me…`).
pub struct Me(pub Counsellor);

impl FromRequestParts<Arc<App>> for Me {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        match Principal::from_request_parts(parts, app).await?.0 {
            Role::Counsellor(id) => app
                .settings
                .counsellors
                .iter()
                .find(|c| c.id == id)
                .cloned()
                .map(Me)
                .ok_or(ApiError::Unauthorized),
            Role::Operator => Err(ApiError::Forbidden(
                "this route is for counsellors; the operator uses /api/v1/counsellors",
            )),
        }
    }
}

/// The operator, on routes that see or change the whole team.
pub struct Operator;

impl FromRequestParts<Arc<App>> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        match Principal::from_request_parts(parts, app).await?.0 {
            Role::Operator => Ok(Operator),
            Role::Counsellor(_) => Err(ApiError::Forbidden("this route needs the operator token")),
        }
    }
}
