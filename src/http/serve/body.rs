//! A request's body, read whole before any handler runs, within a time and
//! a size bound: a client that trickles its body, or sends far more than
//! any of our endpoints takes, is answered and cut off instead of holding a
//! connection (and a task) open.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;

use super::Limits;

/// The request with its body in memory, or the answer for a body that came
/// too slowly (408), too large (413) or broken (400). Each of these closes
/// the connection.
pub async fn read_whole(
    req: Request<Incoming>,
    limits: &Limits,
) -> Result<Request<Body>, Response> {
    let (parts, body) = req.into_parts();
    let read = Limited::new(body, limits.max_body_bytes).collect();
    match tokio::time::timeout(limits.body_timeout, read).await {
        Ok(Ok(collected)) => Ok(Request::from_parts(parts, Body::from(collected.to_bytes()))),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(refuse(StatusCode::PAYLOAD_TOO_LARGE)),
        Ok(Err(_)) => Err(refuse(StatusCode::BAD_REQUEST)),
        Err(_) => {
            tracing::debug!(
                timeout_ms = limits.body_timeout.as_millis() as u64,
                "request body too slow; connection closed"
            );
            Err(refuse(StatusCode::REQUEST_TIMEOUT))
        }
    }
}

fn refuse(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("refused");
    (
        status,
        [(header::CONNECTION, "close")],
        format!("{reason}\n"),
    )
        .into_response()
}
