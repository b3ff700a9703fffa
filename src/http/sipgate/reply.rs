//! The last part of every caller turn on sipgate: render the reply's
//! audio, schedule the hang-up after a final message (sipgate's `Play`
//! does not end a call), write the markup; and the fallback when any of
//! that fails.

use axum::response::Response;
use tracing::warn;

use super::{adapter, render, HANGUP_GRACE};
use crate::call::CallId;
use crate::flow::Turn;
use crate::http::App;
use crate::metrics::CallOutcome;
use crate::providers::sipgate::{adapt, plan, Reply};

/// Renders the reply's audio (so a broken TTS engine shows now, not as
/// silence on the line), schedules the hang-up after a final message,
/// and writes the markup.
pub(super) async fn answer(app: &App, call: &CallId, reply: Reply) -> Response {
    let sipgate = adapter(app);
    let audio = match &reply {
        Reply::Gather { audio, .. } | Reply::PlayThenHangup { audio } if !audio.is_empty() => {
            Some(audio)
        }
        _ => None,
    };
    if let Some(audio) = audio {
        match sipgate.audio.render(audio).await {
            Ok(rendered) => {
                if matches!(reply, Reply::PlayThenHangup { .. }) {
                    let after = rendered.duration + HANGUP_GRACE;
                    sipgate
                        .control
                        .hang_up_after(call.clone(), after, app.metrics.clone());
                }
            }
            Err(e) => {
                warn!(error = %e, "cannot render the answer's audio; answering the fallback");
                let lang = app.settings.flow.default_language.clone();
                return fallback(app, call, &lang).await;
            }
        }
    }
    render(app, call, &reply)
}

/// The flow's fallback prompt (apology, email, hours, 110), then the end of
/// the call. If even its audio cannot be rendered, an empty answer: sipgate
/// then routes the call the account's own way.
pub(super) async fn fallback(app: &App, call: &CallId, lang: &str) -> Response {
    CallOutcome::FallbackError { lang, error: None }.emit(&app.metrics, None);
    let now = app.clock.now();
    let sit = app.situation(now);
    let turn = Turn {
        played: crate::http::fallback::actions(&app.settings, lang, now)
            .into_iter()
            .map(|a| ("fallback".to_owned(), a))
            .collect(),
        pending: None,
    };
    let reply = match adapt::without_voicemail(&app.settings.flow, &sit, turn) {
        Ok(turn) => plan(&turn.actions()),
        Err(_) => Reply::Nothing,
    };
    let sipgate = adapter(app);
    let reply = match &reply {
        Reply::PlayThenHangup { audio } => {
            let rendered = tokio::time::timeout(FALLBACK_RENDER, sipgate.audio.render(audio)).await;
            match rendered {
                Ok(Ok(r)) => {
                    sipgate.control.hang_up_after(
                        call.clone(),
                        r.duration + HANGUP_GRACE,
                        app.metrics.clone(),
                    );
                    reply
                }
                _ => Reply::Nothing,
            }
        }
        _ => Reply::Nothing,
    };
    render(app, call, &reply)
}

/// The fallback's audio is rendered at start; this only reads it back.
const FALLBACK_RENDER: std::time::Duration = std::time::Duration::from_millis(1500);
