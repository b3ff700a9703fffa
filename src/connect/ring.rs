//! The two ends of ringing a counsellor: the whisper on the counsellor's leg
//! (a key press proves a person took the call, not their voicemail), and the
//! ring's result on the caller's leg. Plus the end of a call, which releases
//! whatever it held.

use tracing::info;

use super::line::at_counsellor_step;
use super::{ConnectError, Ctx};
use crate::call::{CallId, Caller};
use crate::flow::{self, Action, Hook, Resume, Step, Turn};
use crate::metrics::{CallOutcome, RingEnded};
use crate::routing::CounsellorId;

/// How a ring ended, as far as the provider tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingResult {
    /// Bridged: the counsellor and the caller talked; the call is over.
    Talked,
    /// Busy, no answer, failed, or the counsellor's leg ended without the
    /// key press. `completed` says the leg was picked up (by someone or a
    /// voicemail): if the store knows the key was pressed, they talked.
    NotAnswered { completed: bool },
    /// The caller hung up while the counsellor's phone rang.
    CallerGone,
}

pub async fn ring_ended(
    ctx: &Ctx<'_>,
    call: &CallId,
    caller: &Caller,
    counsellor: &CounsellorId,
    result: RingResult,
    at: &Resume,
) -> Result<Turn, ConnectError> {
    let routing = &ctx.settings.routing;
    // The call is over either way; if the store cannot take that now, the
    // journal keeps it until it can.
    let over = |outcome: &'static str| async move {
        ctx.journal.call_ended(call, ctx.now, routing.wrap_up).await;
        info!(call.ended = outcome, counsellor = %counsellor, "call ended");
        Ok::<_, ConnectError>(Turn {
            played: vec![(at.step.clone(), Action::Hangup)],
            pending: None,
        })
    };
    let m = ctx.metrics;
    match result {
        RingResult::Talked => {
            RingEnded::Answered.emit(m);
            over("connected").await
        }
        RingResult::CallerGone => {
            RingEnded::CallerGone.emit(m);
            let wait_s = at.progress.since.map(|s| ctx.now.timestamp() - s);
            let lang = &at.lang;
            CallOutcome::Abandoned {
                lang,
                wait_s,
                ringing: true,
            }
            .emit(m, Some(call));
            over("abandoned").await
        }
        RingResult::NotAnswered { completed } => {
            let ring = ctx
                .journal
                .ring_failed(call, counsellor, ctx.now, routing.max_no_answer)
                .await;
            let answered = matches!(&ring, Some(o) if o.took_call);
            match (answered, completed) {
                (true, _) => RingEnded::Answered,
                (false, true) => RingEnded::Declined,
                (false, false) => RingEnded::NotAnswered,
            }
            .emit(m);
            match ring {
                // The whisper recorded this counsellor's key press: they
                // talked. (Not "not applied": a counsellor who paused while
                // ringing is not applied either, and their caller goes on.)
                Some(o) if o.took_call => return over("connected").await,
                Some(o) if o.auto_away => {
                    info!(counsellor = %counsellor, misses = o.consecutive_misses, "counsellor set away after missed calls");
                }
                Some(_) => info!(counsellor = %counsellor, "counsellor did not answer"),
                // Kept by the journal (it logged why); the next claim
                // replays it first.
                None => {}
            }
            at_counsellor_step(ctx, call, caller, at).await
        }
    }
}

/// What the counsellor's leg does before it is bridged.
#[derive(Debug, PartialEq, Eq)]
pub enum Whispered {
    /// Ask for the key press (the actions to play).
    Ask(Vec<Action>),
    /// The key was pressed: bridge now (empty markup lets the provider connect).
    Bridge,
    /// No key, or another key: end this leg; the caller's ring result
    /// reports it and the next counsellor is tried.
    Decline,
}

/// `digits` is `None` when the counsellor's leg has just been picked up.
/// The whisper speaks the flow's default language: the counsellors' own.
pub async fn whisper(
    ctx: &Ctx<'_>,
    parent: &CallId,
    counsellor: &CounsellorId,
    at: &Resume,
    digits: Option<&str>,
) -> Whispered {
    let flow = &ctx.settings.flow;
    match digits {
        None => {
            let Some(Step::Counsellor { whisper_prompt, .. }) = flow.steps.get(&at.step) else {
                return Whispered::Decline;
            };
            let lang = &flow.default_language;
            let prompt = flow
                .prompts
                .get(whisper_prompt)
                .map(|p| flow::play(flow, p, lang, &ctx.situation(None)))
                .unwrap_or_default();
            let mut prompts = prompt.clone();
            prompts.push(Action::Pause { seconds: 1 });
            prompts.extend(prompt);
            let hook = Hook::Whisper {
                counsellor: counsellor.to_string(),
                asked: true,
            };
            let then = Resume { hook, ..at.clone() };
            Whispered::Ask(vec![
                Action::Gather {
                    prompts,
                    max_digits: 1,
                    timeout_s: 5,
                    then,
                },
                Action::Hangup,
            ])
        }
        Some("1") => {
            // Bridge even if the store cannot record it now: the caller is
            // waiting, and the journal records it as soon as the store is back
            // (before this instance claims anyone again).
            let first = ctx
                .journal
                .answered(parent, counsellor, ctx.now)
                .await
                .unwrap_or(true);
            info!(counsellor = %counsellor, "counsellor took the call");
            if first {
                let wait_s = at.progress.since.map(|s| ctx.now.timestamp() - s);
                let lang = &at.lang;
                CallOutcome::Connected { lang, wait_s }.emit(ctx.metrics, Some(parent));
            }
            Whispered::Bridge
        }
        Some(_) => Whispered::Decline,
    }
}

/// The caller's call is over (status callback): free the counsellor it
/// rang or start their wrap-up, and take it out of the line (counted as
/// abandoned if it was waiting). Idempotent. If the store cannot take it
/// now, the journal keeps it (`false` then) and replays it when it can.
pub async fn call_over(ctx: &Ctx<'_>, call: &CallId) -> Result<bool, ConnectError> {
    // Read before the end removes it: a caller still in line hung up waiting.
    let in_line = matches!(ctx.store.position(call, ctx.now).await, Ok(Some(_)));
    let wrap_up = ctx.settings.routing.wrap_up;
    let ended = ctx.journal.call_ended(call, ctx.now, wrap_up).await == Some(true);
    if in_line && ended {
        ctx.metrics.hung_up_in_line(call, ctx.now.timestamp());
    }
    Ok(ended)
}
