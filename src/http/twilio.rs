//! Twilio webhooks: `POST /twilio/voice` (a new call, and every menu answer or
//! redirect of it, with `?step=…&lang=…`) and `POST /twilio/status` (call
//! status callbacks). Every request is authenticated before anything else
//! happens; every failure after that still answers with valid TwiML.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tracing::{info, warn, Instrument};

use super::{App, WEBHOOK_BUDGET};
use crate::flow::{self, Resume};
use crate::providers::twilio::{request, signature, twiml};

pub fn routes(app: Arc<App>) -> Router {
    let fallback = app.fallback_for(&app.settings.flow.default_language);
    Router::new()
        .route("/twilio/voice", post(voice))
        .route("/twilio/status", post(status))
        .layer(CatchPanicLayer::custom(move |_| xml(fallback.clone())))
        .with_state(app)
}

pub(super) fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, twiml::CONTENT_TYPE)], body).into_response()
}

/// Checks `X-Twilio-Signature` against the configured public URL (never the
/// Host header: behind a TLS proxy that differs) plus path and query.
pub(super) fn authentic(
    app: &App,
    uri: &OriginalUri,
    headers: &HeaderMap,
    form: &request::Form,
) -> bool {
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
    warn!(
        signature.present = !header.is_empty(),
        "twilio webhook rejected: bad signature"
    );
    false
}

/// No detail for the sender: whoever forges requests learns nothing.
pub(super) fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "invalid signature\n").into_response()
}

/// `step` and `lang` from the callback URL the flow engine asked for.
fn position(uri: &OriginalUri) -> (Option<String>, Option<String>) {
    let (mut step, mut lang) = (None, None);
    for (k, v) in form_urlencoded::parse(uri.0.query().unwrap_or("").as_bytes()) {
        match &*k {
            "step" => step = Some(v.into_owned()),
            "lang" => lang = Some(v.into_owned()),
            _ => {}
        }
    }
    (step, lang)
}

async fn voice(
    State(app): State<Arc<App>>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = request::Form::parse(&body);
    if !authentic(&app, &uri, &headers, &form) {
        return forbidden();
    }
    let (step, lang) = position(&uri);
    let event = match request::call_event(&form, step.is_none()) {
        Ok(event) => event,
        Err(e) => {
            warn!(error = %e, "twilio webhook rejected: bad request");
            return (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response();
        }
    };
    let lang = lang.unwrap_or_else(|| app.settings.flow.default_language.clone());
    let span = tracing::info_span!("call", call = %app.pseudonyms.call_key(&event.call_id));
    let work = answer(app.clone(), step, lang.clone(), event);
    match tokio::time::timeout(WEBHOOK_BUDGET, work.instrument(span)).await {
        Ok(Ok(markup)) => xml(markup),
        Ok(Err(e)) => {
            warn!(error = %e, "call flow failed; caller gets the fallback message");
            xml(app.fallback_for(&lang))
        }
        Err(_) => {
            warn!(
                budget_ms = WEBHOOK_BUDGET.as_millis() as u64,
                "webhook too slow; caller gets the fallback message"
            );
            xml(app.fallback_for(&lang))
        }
    }
}

/// Decide (pure engine), then render. A step the flow no longer has (a
/// callback from before a flow change) starts the call over rather than
/// dropping it.
async fn answer(
    app: Arc<App>,
    step: Option<String>,
    lang: String,
    event: crate::call::CallEvent,
) -> Result<String, flow::FlowError> {
    let digits = event.digits.clone();
    let flow = &app.settings.flow;
    let sit = app.situation(app.clock.now());
    let turn = match step {
        None => flow::start(flow, &sit, Some(&lang))?,
        Some(step) if flow.steps.contains_key(&step) => flow::resume(
            flow,
            &sit,
            &Resume {
                step,
                lang: lang.clone(),
            },
            digits.as_deref(),
        )?,
        Some(_) => {
            warn!("callback for a step the flow does not have; starting over");
            flow::start(flow, &sit, Some(&lang))?
        }
    };
    let mut steps: Vec<&str> = turn.played.iter().map(|(s, _)| s.as_str()).collect();
    steps.dedup();
    info!(flow.steps = ?steps, "call answered");
    super::recording::keep_number_if_consented(&app, &event, &turn).await;
    let links = twiml::Links {
        public_url: &app.settings.twilio.public_url,
    };
    Ok(twiml::render(&turn.actions(), &links))
}

async fn status(
    State(app): State<Arc<App>>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = request::Form::parse(&body);
    if !authentic(&app, &uri, &headers, &form) {
        return forbidden();
    }
    match request::status_event(&form) {
        Ok(event) => {
            let key = app.pseudonyms.call_key(&event.call_id);
            info!(call = %key, call.status = event.call_status.as_str(), "call status");
            xml(twiml::render(
                &[],
                &twiml::Links {
                    public_url: &app.settings.twilio.public_url,
                },
            ))
        }
        Err(e) => {
            warn!(error = %e, "twilio status callback rejected: bad request");
            (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response()
        }
    }
}
