//! A caller at a `counsellor` step: ring the free counsellor the strategy
//! picks, or wait in line (position, reassurance, hold music, and back here
//! in a loop), or — nobody on duty, waited too long, tried too many, closed
//! meanwhile — continue where the flow says.

use tracing::{info, warn};

use super::journal::Write;
use super::{pool_of, ConnectError, Ctx};
use crate::call::{CallId, Caller};
use crate::config::{Counsellor, Phone};
use crate::flow::{self, Action, Dial, Progress, Resume, Step, Turn};
use crate::metrics::{CallOutcome, NoCounsellorReason};
use crate::routing::{Hold, PoolId};

/// How often a claim may hit a counsellor the store knows but the
/// configuration no longer has (removed from the team) before giving up.
const STALE_CLAIMS: usize = 3;

/// Never leaves a caller hanging on a store failure: if Redis is down the
/// call continues at the step's `unavailable` (email, hours, 110).
pub async fn at_counsellor_step(
    ctx: &Ctx<'_>,
    call: &CallId,
    caller: &Caller,
    at: &Resume,
) -> Result<Turn, ConnectError> {
    // Writes of earlier callbacks first: a key press recorded late must
    // keep its counsellor from being claimed again.
    let result = match ctx.journal.settle().await {
        Ok(()) => connect_or_wait(ctx, call, caller, at).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Err(e @ (ConnectError::Store(_) | ConnectError::Unsettled(_))) => {
            let error: &dyn std::fmt::Display = &e;
            CallOutcome::FallbackError {
                lang: &at.lang,
                error: Some(error),
            }
            .emit(ctx.metrics, Some(call));
            // Its place in line would block callers behind it until it went
            // stale: the journal takes it out once the store is back.
            ctx.journal
                .later(call, Write::Left { abandoned: false }, ctx.now);
            match ctx.settings.flow.steps.get(&at.step) {
                Some(Step::Counsellor { unavailable, .. }) => Ok(ctx.goto(unavailable, &at.lang)?),
                _ => Err(e),
            }
        }
        other => other,
    }
}

async fn connect_or_wait(
    ctx: &Ctx<'_>,
    call: &CallId,
    caller: &Caller,
    at: &Resume,
) -> Result<Turn, ConnectError> {
    let flow = &ctx.settings.flow;
    let Some(
        step @ Step::Counsellor {
            connecting_prompt,
            retry_prompt,
            unavailable,
            closed,
            ..
        },
    ) = flow.steps.get(&at.step)
    else {
        return Err(ConnectError::NotACounsellorStep(at.step.clone()));
    };
    let routing = &ctx.settings.routing;
    let now_s = ctx.now.timestamp();
    let mut progress = Progress {
        since: Some(at.progress.since.unwrap_or(now_s)),
        ..at.progress
    };

    if !ctx.settings.schedule.decide(ctx.now).is_open() {
        ctx.journal.leave(call, false, ctx.now).await;
        let reason = NoCounsellorReason::ClosedWhileWaiting;
        CallOutcome::NoCounsellor {
            lang: &at.lang,
            reason,
        }
        .emit(ctx.metrics, Some(call));
        return Ok(ctx.goto(closed, &at.lang)?);
    }
    let Some(pool) = pool_of(&at.lang) else {
        let reason = NoCounsellorReason::NoPool;
        CallOutcome::NoCounsellor {
            lang: &at.lang,
            reason,
        }
        .emit(ctx.metrics, Some(call));
        return Ok(ctx.goto(unavailable, &at.lang)?);
    };
    let waited_s = now_s - progress.since.unwrap_or(now_s);
    if progress.rung >= routing.max_attempts || waited_s >= routing.max_wait.as_secs() as i64 {
        ctx.journal.leave(call, false, ctx.now).await;
        let reason = NoCounsellorReason::GaveUp {
            rung: progress.rung,
            wait_s: waited_s,
        };
        CallOutcome::NoCounsellor {
            lang: &at.lang,
            reason,
        }
        .emit(ctx.metrics, Some(call));
        return Ok(ctx.goto(unavailable, &at.lang)?);
    }

    // One store operation per hold turn: ring someone, or keep the place.
    let (counsellor, position) = match hold(ctx, call, &pool).await? {
        Turned::Ring(c) => (Some(c), 0),
        Turned::Wait(position) => (None, position),
        // Answered or over: a late or replayed turn. Harmless markup, no
        // state changed (the provider ignores it on a bridged call).
        Turned::Over => return Ok(turn(&at.step, vec![Action::Hangup])),
        Turned::Nobody(on_duty) => {
            let reason = NoCounsellorReason::NobodyLeft {
                on_duty,
                rung: progress.rung,
            };
            CallOutcome::NoCounsellor {
                lang: &at.lang,
                reason,
            }
            .emit(ctx.metrics, Some(call));
            return Ok(ctx.goto(unavailable, &at.lang)?);
        }
    };
    if let Some(counsellor) = counsellor {
        let prompt = if progress.rung > 0 {
            Some(retry_prompt)
        } else {
            connecting_prompt.as_ref()
        };
        progress.rung += 1;
        let mut actions = play(ctx, prompt.map(String::as_str), &at.lang, None);
        actions.push(Action::Dial(Dial {
            to: match &counsellor.phone {
                Phone::Number(n) => n.expose().to_owned(),
                Phone::Sip(s) => s.clone(),
            },
            caller_id: caller_id(ctx, caller),
            timeout_s: routing.ring_timeout_s,
            time_limit_s: routing.max_call_s(),
            counsellor: counsellor.id.to_string(),
            then: Resume {
                progress,
                ..at.clone()
            },
        }));
        info!(counsellor = %counsellor.id, attempt = progress.rung, wait_s = waited_s, "ringing a counsellor");
        return Ok(turn(&at.step, actions));
    }

    let since = progress.since.unwrap_or(now_s);
    ctx.metrics.waiting(call, &at.lang, since, now_s);
    let actions = super::company::hold_turn(ctx, step, at, progress, position, now_s - since);
    Ok(turn(&at.step, actions))
}

/// What a hold turn came to, with the counsellor looked up in the config.
enum Turned<'a> {
    Ring(&'a Counsellor),
    Wait(u32),
    Nobody(u32),
    Over,
}

/// One hold turn: claims a free counsellor of the pool who is still on the
/// configured team, or keeps the caller's place in line.
async fn hold<'a>(ctx: &Ctx<'a>, call: &CallId, pool: &PoolId) -> Result<Turned<'a>, ConnectError> {
    let routing = &ctx.settings.routing;
    // The store frees a counsellor whose ring result never arrives this
    // long (plus a grace) after the claim.
    let ring_timeout = std::time::Duration::from_secs(routing.ring_timeout_s.into());
    for _ in 0..STALE_CLAIMS {
        let id = match ctx
            .store
            .claim_or_wait(call, pool, routing.strategy, ctx.now, ring_timeout)
            .await?
        {
            Hold::Ring(id) => id,
            Hold::Wait { position, .. } => return Ok(Turned::Wait(position)),
            Hold::Nobody { on_duty } => return Ok(Turned::Nobody(on_duty)),
            Hold::Over => return Ok(Turned::Over),
        };
        if let Some(c) = ctx.settings.counsellors.iter().find(|c| c.id == id) {
            return Ok(Turned::Ring(c));
        }
        warn!(counsellor = %id, "claimed a counsellor who is no longer configured; releasing");
        ctx.journal.ring_failed(call, &id, ctx.now, 0).await;
    }
    // Only counsellors the configuration no longer has: wait for others.
    Ok(match ctx.store.enqueue(call, pool, ctx.now).await? {
        Some(position) => Turned::Wait(position),
        None => Turned::Over,
    })
}

/// Counsellors see the hotline's number, so callers stay anonymous, unless
/// the hotline decided otherwise and the caller's number is known.
fn caller_id(ctx: &Ctx<'_>, caller: &Caller) -> String {
    match caller {
        Caller::Number(n) if ctx.settings.routing.present_caller_id => n.expose().to_owned(),
        _ => ctx.settings.hotline.number.expose().to_owned(),
    }
}

pub(super) fn play(
    ctx: &Ctx<'_>,
    prompt: Option<&str>,
    lang: &str,
    position: Option<u32>,
) -> Vec<Action> {
    let flow = &ctx.settings.flow;
    match prompt.and_then(|p| flow.prompts.get(p)) {
        Some(p) => flow::play(flow, p, lang, &ctx.situation(position)),
        None => Vec::new(),
    }
}

fn turn(step: &str, actions: Vec<Action>) -> Turn {
    Turn {
        played: actions.into_iter().map(|a| (step.to_owned(), a)).collect(),
        pending: None,
    }
}
