//! `GET /audio/rendered/{mac}.wav?r={recipe}`: an answer's audio as one
//! telephone WAV. Any instance can render any URL lotse made (the recipe is
//! in it), and none renders a URL lotse did not make (the MAC).
//!
//! At start, every prompt a caller can hear without waiting for the clock
//! or the line (and the fallback message above all) is rendered once, so
//! the first caller does not wait for the TTS engine.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tracing::{info, warn};

use super::adapter;
use crate::audio::Playlist;
use crate::flow::Action;
use crate::http::App;
use crate::providers::sipgate::links::audio_authentic;

#[derive(serde::Deserialize)]
pub struct Recipe {
    r: String,
}

pub async fn rendered(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    Query(recipe): Query<Recipe>,
) -> Response {
    let sipgate = adapter(&app);
    let tag = name.strip_suffix(".wav").unwrap_or("");
    if !audio_authentic(&sipgate.links, tag, &recipe.r) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(list) = Playlist::decode(&recipe.r) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match sipgate.audio.render(&list).await {
        Ok(r) => (
            [
                (header::CONTENT_TYPE, "audio/wav"),
                // Content-addressed: the same URL is always the same sound.
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            r.wav,
        )
            .into_response(),
        Err(e) => {
            warn!(error = %e, "cannot render audio");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Renders, for each language, the fallback message and every prompt that
/// reads nothing from the clock or the line. Failures are logged: the
/// engine may come back, and `lotse check` names the cause.
pub async fn warm(app: Arc<App>) {
    let Some(sipgate) = app.sipgate.as_ref() else {
        return;
    };
    let flow = &app.settings.flow;
    let now = app.clock.now();
    let sit = app.situation(now);
    let mut lists: Vec<Playlist> = Vec::new();
    for lang in flow.languages.keys() {
        let mut fallback = Playlist::default();
        for a in crate::http::fallback::actions(&app.settings, lang, now) {
            fallback.push(&a);
        }
        lists.push(fallback);
        for prompt in flow.prompts.values() {
            let dynamic = prompt.text.get(lang).is_some_and(|t| {
                ["{next_open}", "{position}", "{holiday}"]
                    .iter()
                    .any(|p| t.contains(p))
            });
            if dynamic {
                continue;
            }
            let mut list = Playlist::default();
            for a in crate::flow::play(flow, prompt, lang, &sit) {
                if matches!(a, Action::Say(_)) {
                    list.push(&a);
                }
            }
            if !list.is_empty() {
                lists.push(list);
            }
        }
    }
    let (mut ok, mut failed) = (0, 0);
    for list in &lists {
        match sipgate.audio.render(list).await {
            Ok(_) => ok += 1,
            Err(e) => {
                failed += 1;
                if failed == 1 {
                    warn!(error = %e, "cannot render prompts for sipgate; callers would hear the fallback");
                }
            }
        }
    }
    info!(rendered = ok, failed, "sipgate prompts rendered");
}
