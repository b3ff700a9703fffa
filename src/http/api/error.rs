//! The counsellor API's one error type. Every failure is a status code and a
//! short JSON `{"error": "…"}` a person can act on; internals (the store's
//! error chain) go to the log once, never to the client.

use axum::extract::rejection::JsonRejection;
use axum::extract::FromRequest;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::routing::StoreError;

#[derive(Debug)]
pub enum ApiError {
    /// No credentials, or ones that match nobody.
    Unauthorized,
    /// A sign-in on the page with a token that matches nobody.
    SignInRefused,
    /// Known, but not allowed here (a counsellor on an operator route).
    Forbidden(&'static str),
    /// A cookie session changing state without its CSRF token.
    Csrf,
    BadRequest(String),
    UnsupportedMediaType,
    NotFound(&'static str),
    /// The request clashes with the state (a full ban list).
    Conflict(&'static str),
    /// A feature that is switched off by configuration.
    Off(&'static str),
    /// The presence store (Redis) does not answer: retry later.
    Unavailable,
}

impl ApiError {
    fn parts(&self) -> (StatusCode, String) {
        match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "missing or unknown token: send Authorization: Bearer <token>".into(),
            ),
            ApiError::SignInRefused => (
                StatusCode::UNAUTHORIZED,
                "this token belongs to no counsellor and not to the operator".into(),
            ),
            ApiError::Forbidden(why) => (StatusCode::FORBIDDEN, (*why).into()),
            ApiError::Csrf => (
                StatusCode::FORBIDDEN,
                "missing or wrong X-CSRF-Token header for this session".into(),
            ),
            ApiError::BadRequest(why) => (StatusCode::BAD_REQUEST, why.clone()),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send a JSON body with Content-Type: application/json".into(),
            ),
            ApiError::NotFound(what) => (StatusCode::NOT_FOUND, (*what).into()),
            ApiError::Conflict(why) => (StatusCode::CONFLICT, (*why).into()),
            ApiError::Off(why) => (StatusCode::SERVICE_UNAVAILABLE, (*why).into()),
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the presence store is unavailable; try again shortly".into(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = self.parts();
        let mut resp = (status, axum::Json(json!({ "error": message }))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            let challenge = HeaderValue::from_static("Bearer realm=\"lotse\"");
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
        }
        resp
    }
}

impl From<StoreError> for ApiError {
    /// The one place a store failure on the API is logged.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnknownCounsellor(_) => ApiError::NotFound("unknown counsellor"),
            other => {
                tracing::warn!(error = %other, "counsellor API: presence store failed");
                ApiError::Unavailable
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
            other => ApiError::BadRequest(format!("invalid request body: {}", other.body_text())),
        }
    }
}

/// `axum::Json`, but a body that does not parse is a JSON 400 (or 415), in
/// the same shape as every other API error, not axum's plain-text 422.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
