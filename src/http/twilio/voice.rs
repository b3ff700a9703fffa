//! The caller's leg: new calls, menu answers, redirects and the hold loop
//! (`/twilio/voice`), and call status callbacks (`/twilio/status`).

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use tracing::{info, warn};

use super::{bad_request, ctx, within_budget, xml, Signed};
use crate::abuse;
use crate::call::CallEvent;
use crate::connect::{self, phone_presence, ConnectError};
use crate::flow::{self, Action, Resume};
use crate::http::App;
use crate::metrics::CallOutcome;
use crate::providers::twilio::{request, Callback};

pub async fn voice(State(app): State<Arc<App>>, Signed { form, cb, .. }: Signed) -> Response {
    let event = match request::call_event(&form, cb.step.is_none()) {
        Ok(event) => event,
        Err(e) => return bad_request(e),
    };
    let lang = cb
        .lang
        .clone()
        .unwrap_or_else(|| app.settings.flow.default_language.clone());
    let span = tracing::info_span!("call", call = %app.pseudonyms.call_key(&event.call_id));
    let fallback = || {
        let (lang, error) = (lang.as_str(), None);
        span.in_scope(|| CallOutcome::FallbackError { lang, error }.emit(&app.metrics, None));
        xml(app.fallback_for(lang))
    };
    within_budget(
        &app,
        span.clone(),
        fallback,
        answer(&app, cb.clone(), &lang, event),
    )
    .await
}

/// Decide (the pure engine), do the store work a counsellor step needs,
/// then hand back the actions. A step the flow no longer has (a callback
/// from before a flow change) starts the call over rather than dropping it.
async fn answer(
    app: &App,
    cb: Callback,
    lang: &str,
    event: CallEvent,
) -> Result<Vec<Action>, ConnectError> {
    let flow = &app.settings.flow;
    let ctx = ctx(app);
    let sit = ctx.situation(None);
    let mut new_call = cb.step.is_none();
    if new_call {
        app.metrics
            .calls_started
            .with_label_values(&["twilio"])
            .inc();
    }
    // The unannounced `*` in a menu without a `*` option: the PIN question
    // of presence by phone, the same for every caller (while the call has
    // PINs left; then it is a key without a function).
    let star = cb.step.as_ref().map(|s| flow.steps.get(s));
    if star.is_some_and(|step| presence_key(step, event.digits.as_deref())) {
        if let Some(ask) = phone_presence::on_star(&ctx, &app.kv, &event.call_id).await? {
            return Ok(ask);
        }
    }
    let mut turn = match cb.step {
        // Screened before the flow starts: a blocked or flooding caller
        // hears the neutral message, a withheld one in a burst the check.
        None => {
            let verdict = app
                .abuse
                .screen(&event.call_id, &event.caller, ctx.now)
                .await;
            if let Some(actions) = abuse::answer_for(verdict, flow, &sit, lang) {
                return Ok(actions);
            }
            flow::start(flow, &sit, Some(lang))?
        }
        Some(step) if step == abuse::CHECK_STEP => {
            let (digits, asked) = (event.digits.as_deref(), cb.progress.rung);
            if let Some(actions) = app
                .abuse
                .check_answer(flow, &sit, lang, digits, asked)
                .await
            {
                return Ok(actions);
            }
            new_call = true;
            flow::start(flow, &sit, Some(lang))?
        }
        Some(step) if flow.steps.contains_key(&step) => {
            let at = Resume {
                step,
                lang: lang.to_owned(),
                progress: cb.progress,
                ..Resume::default()
            };
            flow::resume(flow, &sit, &at, event.digits.as_deref())?
        }
        Some(_) => {
            warn!("callback for a step the flow does not have; starting over");
            flow::start(flow, &sit, Some(lang))?
        }
    };
    connect::finish_turn(&ctx, &event.call_id, &event.caller, &mut turn).await?;
    let mut steps: Vec<&str> = turn.played.iter().map(|(s, _)| s.as_str()).collect();
    steps.dedup();
    info!(flow.steps = ?steps, "call answered");
    app.metrics
        .turn(&sit, lang, new_call, &event.call_id, &turn);
    crate::http::recording::keep_number_if_consented(app, &event, &turn).await;
    Ok(turn.actions())
}

pub async fn status(State(app): State<Arc<App>>, Signed { form, .. }: Signed) -> Response {
    let event = match request::status_event(&form) {
        Ok(event) => event,
        Err(e) => return bad_request(e),
    };
    let span = tracing::info_span!("call", call = %app.pseudonyms.call_key(&event.call_id));
    let work = async {
        info!(
            call.status = event.call_status.as_str(),
            duration_s = event.call_duration_s,
            "call status"
        );
        if event.call_status.is_final() {
            app.abuse.call_ended(&event.call_id, app.clock.now()).await;
            connect::call_over(&ctx(&app), &event.call_id).await?;
        }
        Ok::<_, ConnectError>(Vec::new())
    };
    // A failed release is retried by Twilio (and the store's deadlines end
    // it anyway); the answer is empty TwiML either way.
    within_budget(&app, span, || super::render(&app, &[]), work).await
}

/// `/twilio/presence`: the answers to the presence-by-phone menu.
pub async fn presence(State(app): State<Arc<App>>, Signed { form, cb, .. }: Signed) -> Response {
    let event = match request::call_event(&form, false) {
        Ok(event) => event,
        Err(e) => return bad_request(e),
    };
    let Some(stage) = cb.step.clone() else {
        return bad_request("presence callback without stage");
    };
    let lang = app.settings.flow.default_language.clone();
    let span = tracing::info_span!("call", call = %app.pseudonyms.call_key(&event.call_id));
    let fallback = || xml(app.fallback_for(&lang));
    let work = async {
        let ctx = ctx(&app);
        let answer = phone_presence::Answer {
            stage: &stage,
            digits: event.digits.as_deref().unwrap_or(""),
            progress: cb.progress,
        };
        match phone_presence::answer(&ctx, &app.kv, &event.call_id, &event.caller, answer).await? {
            phone_presence::Next::Actions(actions) => Ok::<_, ConnectError>(actions),
            // Back to the start of the flow as a new webhook, so every
            // step (a counsellor step too) runs as for any caller.
            phone_presence::Next::CallerFlow => {
                let start = Resume {
                    step: app.settings.flow.start.clone(),
                    lang: lang.clone(),
                    ..Resume::default()
                };
                Ok(vec![Action::Redirect { then: start }])
            }
        }
    };
    within_budget(&app, span, fallback, work).await
}

fn presence_key(step: Option<&flow::Step>, digits: Option<&str>) -> bool {
    matches!(step, Some(flow::Step::Menu { options, .. }) if digits == Some(phone_presence::KEY) && !options.contains_key(phone_presence::KEY))
}
