//! sipgate.io webhooks (with `[sipgate] enabled`). `POST /sipgate/call`: a
//! new call (the URL set in sipgate's console), and every menu answer and
//! continuation of it; `POST /sipgate/answer`, `POST /sipgate/hangup`: a
//! counsellor picked up, the call ended. `GET /audio/rendered/…`: the
//! answers' audio, as telephone WAV.
//!
//! Every event is authenticated before anything else happens (the body's
//! RSA signature, then the MAC of the URL it was posted to); every failure
//! after that still answers with valid markup (the fallback message).
//! The handlers are thin: the flow, the store work and the counsellors are
//! the same for every provider (`crate::flow`, `crate::connect`).

mod audio;
mod call;
mod control;
mod reply;
mod ring;

use std::sync::Arc;

use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use secrecy::ExposeSecret;
use tower_http::catch_panic::CatchPanicLayer;
use tracing::warn;

pub use audio::warm;
pub use control::{CallControl, HANGUP_GRACE};

use super::App;
use crate::audio::Renderer;
use crate::call::CallId;
use crate::config::Settings;
use crate::connect::Ctx;
use crate::providers::sipgate::signature::PublicKey;
use crate::providers::sipgate::{links, request, xml, Event, LinkKey, Links, Reply, Target};
use crate::providers::twilio::Form;

/// What the sipgate adapter keeps for the life of the process.
pub struct Sipgate {
    /// The key the webhooks are signed with.
    pub key: PublicKey,
    /// Signs the URLs lotse hands to sipgate (shared by all instances
    /// through the call-control token; random without one).
    pub links: LinkKey,
    pub audio: Renderer,
    pub control: Arc<CallControl>,
}

impl Sipgate {
    pub fn new(settings: &Settings) -> Sipgate {
        let s = &settings.sipgate;
        let key = s
            .public_key_pem
            .as_deref()
            .and_then(PublicKey::from_pem)
            .unwrap_or_else(PublicKey::sipgate);
        let links = match &s.token {
            Some(t) => LinkKey::derive(t.expose_secret().as_bytes()),
            None => LinkKey::random(),
        };
        Sipgate {
            key,
            links,
            audio: Renderer::new(settings),
            control: Arc::new(CallControl::new(s)),
        }
    }
}

pub fn routes(app: Arc<App>) -> Router {
    if app.sipgate.is_none() {
        return Router::new();
    }
    Router::new()
        .route("/sipgate/call", post(call::event))
        .route("/sipgate/answer", post(call::event))
        .route("/sipgate/hangup", post(call::event))
        // sipgate hangs up on an error status; an empty answer lets the
        // call go on by the account's own routing.
        .layer(CatchPanicLayer::custom(|_| {
            xml_response(String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>",
            ))
        }))
        .route("/audio/rendered/{name}", get(audio::rendered))
        .with_state(app)
}

fn xml_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, xml::CONTENT_TYPE)], body).into_response()
}

/// The sipgate adapter; routes exist only when it is enabled.
fn adapter(app: &App) -> &Sipgate {
    app.sipgate
        .as_ref()
        .expect("sipgate routes exist only with the adapter")
}

fn links<'a>(app: &'a App, call: &'a CallId) -> Links<'a> {
    Links {
        public_url: &app.settings.public_url,
        key: &adapter(app).links,
        call,
    }
}

fn render(app: &App, call: &CallId, reply: &Reply) -> Response {
    xml_response(xml::render(reply, &links(app, call)))
}

fn ctx(app: &App) -> Ctx<'_> {
    app.ctx()
}

/// Push-API events are a few hundred bytes.
const MAX_EVENT_BYTES: usize = 64 * 1024;

/// A push-API event whose signature and URL hold. Extracting it refuses a
/// forged event with 403 before any handler code runs.
pub(super) struct SignedEvent {
    pub event: Event,
    pub target: Target,
}

impl FromRequest<Arc<App>> for SignedEvent {
    type Rejection = Response;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let query = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.query(), |u| u.0.query())
            .unwrap_or("")
            .to_owned();
        let body = axum::body::to_bytes(body, MAX_EVENT_BYTES)
            .await
            .map_err(|_| bad_request("body too large"))?;
        let header = parts
            .headers
            .get("x-sipgate-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let sipgate = adapter(app);
        if header.is_empty() || !sipgate.key.verify(&body, header) {
            return Err(forbidden(app, "bad signature", !header.is_empty()));
        }
        let event = request::event(&Form::parse(&body)).map_err(bad_request)?;
        let target = links::parse(&query, event.call_id(), &sipgate.links)
            .map_err(|e| forbidden(app, &e.to_string(), true))?;
        Ok(SignedEvent { event, target })
    }
}

/// No detail for a forger.
fn forbidden(app: &App, why: &str, present: bool) -> Response {
    app.metrics.signature_failed("sipgate");
    warn!(
        reason = why,
        signature.present = present,
        "sipgate event rejected"
    );
    (StatusCode::FORBIDDEN, "invalid signature\n").into_response()
}

fn bad_request(e: impl std::fmt::Display) -> Response {
    warn!(error = %e, "sipgate event rejected: bad request");
    (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response()
}
