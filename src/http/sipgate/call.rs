//! The caller's leg on sipgate: a new call, menu answers, continuations
//! (hold loop, redirects, ringing after a prompt). Decide with the flow
//! engine and `connect` as for any provider, then reduce the turn to one
//! sipgate action, render its audio, answer.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use tracing::{info, warn, Instrument};

use super::reply::{answer, fallback};
use super::{bad_request, ctx, render, ring, SignedEvent};
use crate::abuse;
use crate::call::{CallId, Caller};
use crate::connect::{self, ConnectError, RingResult};
use crate::flow::{self, Action, Dial, Resume, Turn};
use crate::http::{App, WEBHOOK_BUDGET};
use crate::providers::sipgate::{adapt, plan, Event, Reply, Target, Then};

/// How many counsellors with a `sip:` address (which sipgate cannot ring)
/// one turn skips before giving up on ringing.
const SIP_SKIPS: usize = 3;

/// Every push-API event lands here and is told apart by its `event`.
pub async fn event(
    State(app): State<Arc<App>>,
    SignedEvent { event, target }: SignedEvent,
) -> Response {
    let call = event.call_id().clone();
    let span =
        tracing::info_span!("call", call = %app.pseudonyms.call_key(&call), provider = "sipgate");
    match event {
        Event::NewCall {
            incoming: false, ..
        } => render(&app, &call, &Reply::Nothing),
        Event::NewCall { caller, .. } => {
            app.metrics
                .calls_started
                .with_label_values(&["sipgate"])
                .inc();
            caller_turn(&app, call, caller, None, target)
                .instrument(span)
                .await
        }
        Event::Dtmf { digits, .. } if target.at.is_some() => {
            caller_turn(&app, call, Caller::Withheld, Some(digits), target)
                .instrument(span)
                .await
        }
        Event::Dtmf { .. } => bad_request("dtmf event without a position in the flow"),
        Event::Answer {
            answering_number, ..
        } => {
            ring::answered(&app, &call, &target, answering_number.as_deref())
                .instrument(span)
                .await
        }
        Event::Hangup { cause, .. } => {
            ring::hung_up(&app, &call, cause, &target)
                .instrument(span)
                .await
        }
    }
}

/// One turn of the caller's leg, within the webhook budget; a failure or a
/// timeout answers the fallback message.
async fn caller_turn(
    app: &App,
    call: CallId,
    caller: Caller,
    digits: Option<String>,
    target: Target,
) -> Response {
    let lang = target.at.as_ref().map_or_else(
        || app.settings.flow.default_language.clone(),
        |a| a.lang.clone(),
    );
    let work = async {
        let reply = decide(app, &call, &caller, digits.as_deref(), &target).await?;
        Ok::<_, ConnectError>(answer(app, &call, reply).await)
    };
    match tokio::time::timeout(WEBHOOK_BUDGET, work).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            warn!(error = %e, "sipgate event failed; answering the fallback");
            fallback(app, &call, &lang).await
        }
        Err(_) => {
            warn!(
                budget_ms = WEBHOOK_BUDGET.as_millis() as u64,
                "sipgate event too slow; answering the fallback"
            );
            fallback(app, &call, &lang).await
        }
    }
}

/// The flow's decision for this event, as one sipgate reply.
async fn decide(
    app: &App,
    call: &CallId,
    caller: &Caller,
    digits: Option<&str>,
    target: &Target,
) -> Result<Reply, ConnectError> {
    let flow = &app.settings.flow;
    let ctx = ctx(app);
    let sit = ctx.situation(None);
    let mut new_call = target.at.is_none();
    let lang = target
        .at
        .as_ref()
        .map_or(flow.default_language.as_str(), |a| a.lang.as_str());
    let mut turn = match &target.at {
        // Screened before the flow starts, exactly as a Twilio caller.
        None => {
            let verdict = app.abuse.screen(call, caller, ctx.now).await;
            if let Some(actions) = abuse::answer_for(verdict, flow, &sit, lang) {
                return Ok(plan(&actions));
            }
            flow::start(flow, &sit, None)?
        }
        Some(at) if at.step == abuse::CHECK_STEP => {
            let asked = at.progress.rung;
            if let Some(actions) = app
                .abuse
                .check_answer(flow, &sit, lang, digits, asked)
                .await
            {
                return Ok(plan(&actions));
            }
            new_call = true;
            flow::start(flow, &sit, Some(lang))?
        }
        Some(at) if target.then == Then::Dial => {
            return dial_now(app, call, caller, at, target).await
        }
        Some(at) if flow.steps.contains_key(&at.step) => {
            let keys = if target.then == Then::Continue || adapt::is_counsellor_step(flow, &at.step)
            {
                None
            } else {
                digits
            };
            flow::resume(flow, &sit, at, keys)?
        }
        Some(_) => {
            warn!("callback for a step the flow does not have; starting over");
            flow::start(flow, &sit, None)?
        }
    };
    connect::finish_turn(&ctx, call, caller, &mut turn).await?;
    let turn = ringable(app, call, caller, turn).await?;
    let turn = adapt::without_voicemail(flow, &sit, turn)?;
    let turn = adapt::without_message_offer(flow, &sit, turn);
    let mut steps: Vec<&str> = turn.played.iter().map(|(s, _)| s.as_str()).collect();
    steps.dedup();
    info!(flow.steps = ?steps, "call answered");
    app.metrics.turn(&sit, lang, new_call, call, &turn);
    Ok(plan(&turn.actions()))
}

/// sipgate rings numbers only: a counsellor with a `sip:` address counts
/// as not reached, and the next one is tried.
async fn ringable(
    app: &App,
    call: &CallId,
    caller: &Caller,
    mut turn: Turn,
) -> Result<Turn, ConnectError> {
    for _ in 0..SIP_SKIPS {
        let Some(Action::Dial(d)) = turn.played.last().map(|(_, a)| a) else {
            return Ok(turn);
        };
        if !d.to.starts_with("sip:") {
            return Ok(turn);
        }
        warn!(counsellor = %d.counsellor, "counsellor has a sip: address, which sipgate cannot ring");
        let Some(id) = crate::routing::CounsellorId::parse(&d.counsellor) else {
            return Ok(turn);
        };
        let at = d.then.clone();
        turn.played.pop();
        let result = RingResult::NotAnswered { completed: false };
        let more = connect::ring_ended(&ctx(app), call, caller, &id, result, &at).await?;
        turn.played.extend(more.played);
    }
    Ok(turn)
}

/// The continuation after a "connecting" prompt: ring the counsellor the
/// link names (claimed in the turn before).
async fn dial_now(
    app: &App,
    call: &CallId,
    caller: &Caller,
    at: &Resume,
    target: &Target,
) -> Result<Reply, ConnectError> {
    let counsellor = target.counsellor.as_deref().and_then(|id| {
        app.settings
            .counsellors
            .iter()
            .find(|c| c.id.as_str() == id)
    });
    let Some(c) = counsellor else {
        warn!("continuation for a counsellor no longer configured; trying the next");
        let id = target
            .counsellor
            .as_deref()
            .and_then(crate::routing::CounsellorId::parse);
        let turn = match id {
            Some(id) => {
                let result = RingResult::NotAnswered { completed: false };
                connect::ring_ended(&ctx(app), call, caller, &id, result, at).await?
            }
            None => connect::at_counsellor_step(&ctx(app), call, caller, at).await?,
        };
        let ctx = ctx(app);
        let sit = ctx.situation(None);
        let turn = adapt::without_voicemail(&app.settings.flow, &sit, turn)?;
        return Ok(plan(&turn.actions()));
    };
    let to = match &c.phone {
        crate::config::Phone::Number(n) => n.expose().to_owned(),
        crate::config::Phone::Sip(s) => s.clone(),
    };
    let caller_id = target
        .caller_id
        .clone()
        .unwrap_or_else(|| app.settings.hotline.number.expose().to_owned());
    Ok(Reply::Dial(Dial {
        to,
        caller_id,
        timeout_s: app.settings.routing.ring_timeout_s,
        time_limit_s: app.settings.routing.max_call_s(),
        counsellor: c.id.to_string(),
        then: at.clone(),
    }))
}
