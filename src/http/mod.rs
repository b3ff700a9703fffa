//! The HTTP edge: axum router, middleware, and the handlers that turn
//! provider webhooks into calls of the flow engine. Handlers parse, call the
//! pure core, render; nothing here decides where a call goes.

pub mod api;
pub mod fallback;
mod health;
pub mod page;
mod recording;
pub mod serve;
mod sipgate;
mod state;
mod twilio;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{HeaderName, Request};
use axum::Router;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use sipgate::warm as warm_sipgate_audio;
pub use state::{situation, App};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How long a webhook may take before the caller gets fallback markup.
/// Twilio gives up after 15 s and plays its own error to the caller; we
/// answer well before that.
pub const WEBHOOK_BUDGET: Duration = Duration::from_secs(8);

/// The whole service. Middleware order, outermost first: request id → trace
/// span (matched route, never the raw path) → propagate id. Webhook routes
/// add their own panic and timeout guards that answer with fallback markup.
pub fn router(app: Arc<App>) -> Router {
    let audio = app.settings.audio_dir.clone();
    let mut router = Router::new()
        .merge(twilio::routes(app.clone()))
        .merge(sipgate::routes(app.clone()))
        .merge(health::routes(app.clone()))
        .merge(recording::routes(app.clone()))
        .merge(api::routes(app.clone()))
        .merge(page::routes(app.clone()))
        .merge(crate::metrics::endpoint::routes(app.clone()));
    router = match audio {
        Some(dir) => router.nest_service("/audio", ServeDir::new(dir)),
        None => router.route("/audio/{file}", axum::routing::get(built_in_audio)),
    };
    let metrics = app.metrics.clone();
    let track = axum::middleware::from_fn_with_state(metrics, crate::metrics::endpoint::track);
    router.layer(track).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|req: &Request<_>| {
                        let route = req
                            .extensions()
                            .get::<MatchedPath>()
                            .map_or("unmatched", |m| m.as_str());
                        let id = req
                            .headers()
                            .get(&REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("");
                        tracing::info_span!(
                            "http",
                            http.route = route,
                            http.method = crate::metrics::method_label(req.method()),
                            request.id = id
                        )
                    })
                    .on_response(DefaultOnResponse::new().level(Level::INFO))
                    // A 503 from /readyz while Redis is down is a state, not an error per probe.
                    .on_failure(DefaultOnFailure::new().level(Level::WARN)),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
    )
}

/// The built-in flow's recordings, when no `call-flows/audio/` is configured.
async fn built_in_audio(
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match crate::flow::built_in_audio(&file) {
        Some(bytes) => ([(axum::http::header::CONTENT_TYPE, "audio/wav")], bytes).into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// A bound, not yet running server; binding first lets tests use port 0 and
/// learn the real port.
pub struct Server {
    listener: TcpListener,
    router: Router,
    limits: serve::Limits,
}

impl Server {
    pub async fn bind(app: Arc<App>, addr: SocketAddr) -> std::io::Result<Server> {
        let listener = crate::http::serve::listen(addr)?;
        Ok(Server {
            listener,
            router: router(app),
            limits: serve::Limits::main(),
        })
    }

    /// Other bounds than [`serve::Limits::main`] (tests use small ones).
    pub fn with_limits(mut self, limits: serve::Limits) -> Server {
        self.limits = limits;
        self
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish
    /// (a caller mid-webhook still gets an answer) for a bounded time; see
    /// [`serve`] for every bound on a connection.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        serve::serve(self.listener, self.router, self.limits, shutdown).await
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}
