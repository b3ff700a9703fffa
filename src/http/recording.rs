//! `POST /twilio/recording`: Twilio's recording status callback. A finished
//! voicemail becomes an email job, stored durably before this answers 200:
//! in the queue, or — Redis unreachable — in the local spool, from where the
//! sender moves it into the queue later (Twilio does not retry a 503 by
//! default, so a 503 could lose the message). Only if neither can take it
//! is the answer 503. The same recording posted again is acknowledged and
//! ignored.
//!
//! Also home of the other half of the join: when a caller agrees to a call
//! back, their number is kept (briefly, keyed by the call) for the
//! recording of the same call to pick up. Without consent it is never kept.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use tracing::{error, info, warn};

use super::twilio::{xml, Signed};
use super::App;
use crate::call::{CallEvent, Caller};
use crate::clock::{Clock, SystemClock};
use crate::flow::{Action, Turn};
use crate::outbox::{Accepted, Job, RecordingState, JOIN_WINDOW};
use crate::providers::twilio::twiml;

/// The store gets this long; the caller (or Twilio) must not wait longer.
const STORE_BUDGET: Duration = Duration::from_secs(4);
/// Of that, Redis gets this long before the job goes to the local spool.
const REDIS_BUDGET: Duration = Duration::from_secs(2);

pub fn routes(app: Arc<App>) -> Router {
    Router::new()
        .route("/twilio/recording", post(recording))
        .with_state(app)
}

async fn recording(State(app): State<Arc<App>>, Signed { form, query, .. }: Signed) -> Response {
    let callback =
        form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k == "callback" && v == "yes");
    let (Some(id), Some(call)) = (form.get("RecordingSid"), form.get("CallSid")) else {
        warn!("recording callback rejected: missing RecordingSid or CallSid");
        return (StatusCode::BAD_REQUEST, "missing parameter\n").into_response();
    };
    let state = match form.get("RecordingStatus").unwrap_or("completed") {
        "completed" => RecordingState::Completed,
        "absent" | "failed" => RecordingState::Absent,
        _ => return empty(&app), // in-progress and future states: nothing to do yet
    };
    let duration_s: u32 = form
        .get("RecordingDuration")
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    if state == RecordingState::Absent && !callback {
        info!(
            recording.state = "absent",
            "empty voicemail without call back request; nothing to send"
        );
        return empty(&app);
    }
    let now = app.clock.now();
    let job = Job {
        id: id.to_owned(),
        recorded_at: now - chrono::Duration::seconds(i64::from(duration_s)),
        duration_s,
        recording_url: form.get("RecordingUrl").map(str::to_owned),
        state,
        callback_requested: callback,
        number: None,
        // Retries run on real time, whatever clock the calls are served on.
        queued_at: SystemClock.now(),
        attempts: 0,
        last_error: None,
    };
    let key = job.key();
    let stored = tokio::time::timeout(
        STORE_BUDGET,
        app.outbox.accept(&job, call, callback, REDIS_BUDGET),
    )
    .await;
    match stored {
        Ok(Ok(Accepted::Queued)) => {
            info!(job = %key, duration_s, callback.requested = callback, "voicemail queued for the team");
            empty(&app)
        }
        // Logged where it was spooled.
        Ok(Ok(Accepted::Spooled)) => empty(&app),
        Ok(Ok(Accepted::Duplicate)) => {
            info!(job = %key, "recording callback repeated; already queued");
            empty(&app)
        }
        Ok(Err(e)) => {
            error!(job = %key, error = %e, "cannot store the voicemail job, neither in the queue nor in the local spool; asking Twilio to retry");
            (StatusCode::SERVICE_UNAVAILABLE, "try again\n").into_response()
        }
        Err(_) => {
            error!(job = %key, budget_ms = STORE_BUDGET.as_millis() as u64, "storing the voicemail job timed out; asking Twilio to retry");
            (StatusCode::SERVICE_UNAVAILABLE, "try again\n").into_response()
        }
    }
}

fn empty(app: &App) -> Response {
    xml(twiml::render(
        &[],
        &twiml::Links {
            public_url: &app.settings.twilio.public_url,
        },
    ))
}

/// After the caller pressed 1 at the voicemail question (the turn starts
/// a recording with a call back requested), keeps their number for
/// [`JOIN_WINDOW`]. A failure costs the number, never the call: the caller
/// still records, and the email says a call back was asked for.
pub(super) async fn keep_number_if_consented(app: &App, event: &CallEvent, turn: &Turn) {
    let consented = turn.played.iter().any(|(_, a)| {
        matches!(
            a,
            Action::Record {
                callback_requested: true,
                ..
            }
        )
    });
    let (true, Caller::Number(number)) = (consented, &event.caller) else {
        return;
    };
    let keep =
        app.outbox
            .queue
            .remember_number(event.call_id.as_str(), number.expose(), JOIN_WINDOW);
    match tokio::time::timeout(STORE_BUDGET, keep).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            warn!(error = %e, "cannot keep the number for the call back; the email will lack it")
        }
        Err(_) => warn!("keeping the number for the call back timed out; the email will lack it"),
    }
}
