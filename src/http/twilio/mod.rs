//! Twilio webhooks. `POST /twilio/voice`: a new call, and every menu answer,
//! redirect and hold-loop turn of it (`?step=…&lang=…`). `POST /twilio/dial`:
//! how ringing a counsellor ended. `POST /twilio/whisper`: the counsellor's
//! leg before it is bridged. `POST /twilio/presence`: a counsellor setting
//! their presence by phone. `POST /twilio/status`: call status callbacks.
//! Every request is authenticated before anything else happens; every
//! failure after that still answers with valid TwiML.

mod ring;
mod voice;

use std::future::Future;
use std::sync::Arc;

use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tracing::{warn, Instrument, Span};

use super::{App, WEBHOOK_BUDGET};
use crate::connect::Ctx;
use crate::flow::Action;
use crate::providers::twilio::{request, signature, twiml, Callback};

pub fn routes(app: Arc<App>) -> Router {
    let fallback = app.fallback_for(&app.settings.flow.default_language);
    Router::new()
        .route("/twilio/voice", post(voice::voice))
        .route("/twilio/status", post(voice::status))
        .route("/twilio/dial", post(ring::dial))
        .route("/twilio/whisper", post(ring::whisper))
        .route("/twilio/presence", post(voice::presence))
        .layer(CatchPanicLayer::custom(move |_| xml(fallback.clone())))
        .with_state(app)
}

pub(super) fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, twiml::CONTENT_TYPE)], body).into_response()
}

fn render(app: &App, actions: &[Action]) -> Response {
    xml(twiml::render(
        actions,
        &twiml::Links {
            public_url: &app.settings.twilio.public_url,
        },
    ))
}

/// Checks `X-Twilio-Signature` against the configured public URL (never the
/// Host header: behind a TLS proxy that differs) plus path and query.
fn authentic(app: &App, uri: &OriginalUri, headers: &HeaderMap, form: &request::Form) -> bool {
    let twilio = &app.settings.twilio;
    if !twilio.verify_signatures {
        return true;
    }
    let path_and_query = uri.0.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}{}", twilio.public_url, path_and_query);
    let header = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !header.is_empty() && signature::verify(&twilio.tokens, &url, form.pairs(), header) {
        return true;
    }
    app.metrics.signature_failed("twilio");
    warn!(
        signature.present = !header.is_empty(),
        "twilio webhook rejected: bad signature"
    );
    false
}

/// A Twilio webhook whose signature holds: its form, and what its callback
/// URL carries. Extracting it refuses a forged request with 403 before any
/// handler code runs.
pub(super) struct Signed {
    pub form: request::Form,
    pub cb: Callback,
    /// The raw query, for callbacks with parameters of their own.
    pub query: String,
}

impl FromRequest<Arc<App>> for Signed {
    type Rejection = Response;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .cloned()
            .unwrap_or_else(|| OriginalUri(parts.uri.clone()));
        let body = axum::body::to_bytes(body, MAX_WEBHOOK_BYTES)
            .await
            .map_err(|_| bad_request("body too large"))?;
        let form = request::Form::parse(&body);
        if !authentic(app, &uri, &parts.headers, &form) {
            return Err(forbidden());
        }
        let query = uri.0.query().unwrap_or("").to_owned();
        Ok(Signed {
            form,
            cb: twiml::parse_callback(&query),
            query,
        })
    }
}

/// Twilio's webhooks are a few kilobytes; anything far larger is not one.
const MAX_WEBHOOK_BYTES: usize = 64 * 1024;

/// No detail for a forger.
fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "invalid signature\n").into_response()
}

fn bad_request(e: impl std::fmt::Display) -> Response {
    warn!(error = %e, "twilio webhook rejected: bad request");
    (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response()
}

fn ctx(app: &App) -> Ctx<'_> {
    app.ctx()
}

/// Runs `work` within the webhook budget, inside `span`. A failure or a
/// timeout answers `on_failure` (the caller's fallback message, or a
/// hang-up on a counsellor's leg): never an error status, never silence.
async fn within_budget<E: std::fmt::Display>(
    app: &App,
    span: Span,
    on_failure: impl FnOnce() -> Response,
    work: impl Future<Output = Result<Vec<Action>, E>>,
) -> Response {
    match tokio::time::timeout(WEBHOOK_BUDGET, work.instrument(span.clone())).await {
        Ok(Ok(actions)) => render(app, &actions),
        Ok(Err(e)) => {
            span.in_scope(|| warn!(error = %e, "webhook failed; answering the fallback"));
            on_failure()
        }
        Err(_) => {
            let budget_ms = WEBHOOK_BUDGET.as_millis() as u64;
            span.in_scope(|| warn!(budget_ms, "webhook too slow; answering the fallback"));
            on_failure()
        }
    }
}
