//! sipgate's call-control API, the one thing lotse calls out to: ending a
//! call (`DELETE {api_url}/calls/{callId}`) once its final message has
//! played, since sipgate's `Play` does not end a call by itself.
//!
//! Authenticated with a personal access token (`token_id` + the token from
//! `LOTSE_SIPGATE__TOKEN`, as HTTP basic auth) or an OAuth bearer token.
//! Every request has a timeout and one retry; a call already over (`404`)
//! counts as ended. Hang-ups waiting for their message are bounded.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;
use tracing::{info, warn, Instrument, Span};

use crate::call::CallId;
use crate::config::Sipgate;

/// The whole request, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Time for sipgate to fetch the audio and start playing it, added to
/// the audio's own length before the call is ended.
pub const HANGUP_GRACE: Duration = Duration::from_millis(1500);
/// Calls waiting to be ended at once; far more than lines a hotline has.
const MAX_PENDING: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("no call-control token (LOTSE_SIPGATE__TOKEN)")]
    NoToken,
    #[error("call-control request failed: {0}")]
    Request(String),
    #[error("call-control API answered {0}")]
    Status(u16),
}

impl ControlError {
    /// The `result` label of `lotse_sipgate_hangups_total`.
    pub fn label(&self) -> &'static str {
        match self {
            ControlError::NoToken => "no_token",
            _ => "failed",
        }
    }
}

pub struct CallControl {
    client: reqwest::Client,
    api_url: String,
    authorization: Option<SecretString>,
    pending: Arc<Semaphore>,
}

impl CallControl {
    pub fn new(s: &Sipgate) -> CallControl {
        let authorization = s.token.as_ref().map(|token| {
            let token = token.expose_secret();
            SecretString::from(match &s.token_id {
                Some(id) => format!("Basic {}", STANDARD.encode(format!("{id}:{token}"))),
                None => format!("Bearer {token}"),
            })
        });
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .expect("a client with rustls and timeouts builds");
        CallControl {
            client,
            api_url: s.api_url.clone(),
            authorization,
            pending: Arc::new(Semaphore::new(MAX_PENDING)),
        }
    }

    pub fn has_token(&self) -> bool {
        self.authorization.is_some()
    }

    /// Ends the call now. Tried twice; `404` means it is already over.
    pub async fn hang_up(&self, call: &CallId) -> Result<(), ControlError> {
        let Some(auth) = &self.authorization else {
            return Err(ControlError::NoToken);
        };
        let segment: String = form_urlencoded::byte_serialize(call.as_str().as_bytes()).collect();
        let url = format!("{}/calls/{}", self.api_url, segment.replace('+', "%20"));
        let mut last = ControlError::Status(0);
        for attempt in 0..2 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            let sent = self
                .client
                .delete(&url)
                .header("authorization", auth.expose_secret())
                .header("accept", "application/json")
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() || r.status() == 404 => return Ok(()),
                // A refused token will not be accepted a second later.
                Ok(r) if r.status() == 401 || r.status() == 403 => {
                    return Err(ControlError::Status(r.status().as_u16()))
                }
                Ok(r) => last = ControlError::Status(r.status().as_u16()),
                // Never the URL: it holds the call id.
                Err(e) => last = ControlError::Request(e.without_url().to_string()),
            }
        }
        Err(last)
    }

    /// Ends the call once `after` has passed (its final message played),
    /// in the background, within the current span.
    pub fn hang_up_after(
        self: &Arc<Self>,
        call: CallId,
        after: Duration,
        metrics: Arc<crate::metrics::Metrics>,
    ) {
        let Ok(permit) = self.pending.clone().try_acquire_owned() else {
            warn!("too many calls waiting to be ended; this one continues by sipgate's routing");
            metrics.sipgate_hangups.with_label_values(&["failed"]).inc();
            return;
        };
        let control = self.clone();
        let task = async move {
            tokio::time::sleep(after).await;
            let result = control.hang_up(&call).await;
            drop(permit);
            match result {
                Ok(()) => {
                    info!("call ended after its final message");
                    metrics.sipgate_hangups.with_label_values(&["ended"]).inc();
                }
                Err(e) => {
                    warn!(error = %e, "cannot end the call; sipgate routes it on its own");
                    metrics
                        .sipgate_hangups
                        .with_label_values(&[e.label()])
                        .inc();
                }
            }
        };
        tokio::spawn(task.instrument(Span::current()));
    }
}
