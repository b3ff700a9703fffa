//! `GET /metrics`, on the main listener or on its own (`[metrics] listen`),
//! optionally behind a bearer token (`[metrics] token_sha256`); and the
//! middleware that counts and times every HTTP request by matched route.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;

use super::Metrics;
use crate::http::App;

/// The media type of Prometheus' text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `/metrics` for the main router, unless it has a listener of its own.
pub fn routes(app: Arc<App>) -> Router {
    match app.settings.metrics.listen {
        Some(_) => Router::new(),
        None => own_router(app),
    }
}

fn own_router(app: Arc<App>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(app)
}

async fn metrics(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(expected) = &app.settings.metrics.token_sha256 {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let hash: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        if given.is_empty() || !bool::from(hash.ct_eq(expected)) {
            let challenge = [(header::WWW_AUTHENTICATE, "Bearer")];
            return (StatusCode::UNAUTHORIZED, challenge, "token required\n").into_response();
        }
    }
    let body = super::scrape::render(&app).await;
    ([(header::CONTENT_TYPE, TEXT_FORMAT)], body).into_response()
}

/// Counts and times a request under its matched route (`/twilio/voice`,
/// never the raw path with its query or ids); `unmatched` for 404s. Two
/// kinds are kept out of their own series, so that nothing a client sends
/// adds one: a method outside the standard nine (no route takes it; it
/// counts under the preset `unmatched`/`other`), and `/metrics` itself
/// (Prometheus records its own scrapes).
pub async fn track(State(m): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    if route == "/metrics" {
        return next.run(req).await;
    }
    let method = method_label(req.method());
    let route = match method {
        "other" => "unmatched".to_owned(),
        _ => route,
    };
    let started = Instant::now();
    let response = next.run(req).await;
    let code = response.status().as_u16();
    // A made-up method is refused one of two ways; both series are preset.
    let status = match method {
        "other" if code == 404 => "404".to_owned(),
        "other" => "405".to_owned(),
        _ => code.to_string(),
    };
    m.http_requests
        .with_label_values(&[&route, method, &status])
        .inc();
    m.http_duration
        .with_label_values(&[&route])
        .observe(started.elapsed().as_secs_f64());
    response
}

/// The `method` label: one of the standard methods, else `other`. A method
/// is free text a client chooses (`X0000001 /healthz` is a valid request),
/// so it never becomes a label value of its own.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    const STANDARD: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    STANDARD
        .iter()
        .find(|m| *m == method)
        .map_or("other", Method::as_str)
}

/// The separate metrics listener, bound now so a wrong address fails at
/// start; `None` when `/metrics` lives on the main listener.
pub async fn bind_separately(app: &Arc<App>) -> std::io::Result<Option<(TcpListener, Router)>> {
    let Some(addr) = app.settings.metrics.listen else {
        return Ok(None);
    };
    let listener = crate::http::serve::listen(addr)?;
    Ok(Some((listener, own_router(app.clone()))))
}

/// Serves a listener from [`bind_separately`] until `shutdown`, with the
/// same connection bounds as the main listener (fewer connections).
pub fn spawn_separately(
    bound: (TcpListener, Router),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let (listener, router) = bound;
    let addr = listener
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
    let limits = crate::http::serve::Limits::metrics();
    let task = tokio::spawn(async move {
        if let Err(e) = crate::http::serve::serve(listener, router, limits, shutdown).await {
            tracing::error!(error = %e, "metrics listener failed");
        }
    });
    (addr, task)
}
