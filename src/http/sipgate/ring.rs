//! Ringing a counsellor, seen from sipgate: there is no whisper and no
//! result callback of the `Dial`, only the call's own events.
//! - `answer` (to the `Dial`'s `onAnswer`): the counsellor's phone picked
//!   up — recorded as the counsellor taking the call (without a key press,
//!   a personal voicemail that picks up counts too: the README says so).
//!   An answer posted without the link is matched by `answeringNumber`.
//! - `hangup` (to its `onHangup`): `normalClearing` after a talk ends the
//!   call and starts the wrap-up; `cancel` is a caller who gave up while it
//!   rang; busy, rejected or unreachable ends the caller's call on sipgate,
//!   so the miss is counted and the call lets go of everything.
//! - `hangup` to a bare link (menu, line): the call is over, like Twilio's
//!   final status callback.
//!
//! The answers to these events are ignored by sipgate; they are empty.

use std::borrow::Cow;

use axum::response::Response;
use tracing::{info, warn};

use super::{ctx, render};
use crate::call::{CallId, Caller};
use crate::connect::{self, RingResult};
use crate::flow::Resume;
use crate::http::App;
use crate::providers::sipgate::request::digits;
use crate::providers::sipgate::{Cause, Reply, Target};
use crate::routing::CounsellorId;

pub async fn answered(
    app: &App,
    call: &CallId,
    target: &Target,
    answering_number: Option<&str>,
) -> Response {
    let ctx = ctx(app);
    // The ring the `Dial`'s own link names; else (an answer event posted
    // elsewhere) the configured counsellor whose number answered.
    let ring = ring_of(target).or_else(|| {
        let number = answering_number?;
        let c = app.settings.counsellors.iter().find(|c| match &c.phone {
            crate::config::Phone::Number(n) => digits(n.expose()) == number,
            crate::config::Phone::Sip(_) => false,
        })?;
        let at = Resume {
            step: counsellor_step(app)?,
            lang: app.settings.flow.default_language.clone(),
            ..Resume::default()
        };
        Some((Cow::Owned(at), c.id.clone()))
    });
    match ring {
        Some((at, counsellor)) => {
            // The same as a whisper's key press: recorded, counted as connected.
            connect::whisper(&ctx, call, &counsellor, &at, Some("1")).await;
            app.abuse.answered(call, &counsellor, ctx.now).await;
        }
        None => info!("answer event without a ring; nothing to record"),
    }
    render(app, call, &Reply::Nothing)
}

/// The flow's counsellor step (the first, if there are several).
fn counsellor_step(app: &App) -> Option<String> {
    let steps = &app.settings.flow.steps;
    steps
        .iter()
        .find(|(_, s)| matches!(s, crate::flow::Step::Counsellor { .. }))
        .map(|(name, _)| name.clone())
}

pub async fn hung_up(app: &App, call: &CallId, cause: Cause, target: &Target) -> Response {
    let ctx = ctx(app);
    app.abuse.call_ended(call, ctx.now).await;
    let result = match ring_of(target) {
        Some((at, counsellor)) => {
            let ended = |result| {
                connect::ring_ended(&ctx, call, &Caller::Withheld, &counsellor, result, &at)
            };
            match cause {
                Cause::NormalClearing => ended(RingResult::Talked).await.map(drop),
                Cause::Cancel => ended(RingResult::CallerGone).await.map(drop),
                _ => connect::ring_failed_call_over(&ctx, call, &counsellor).await,
            }
        }
        None => connect::call_over(&ctx, call).await.map(drop),
    };
    match result {
        Ok(()) => info!(cause = ?cause, "call over"),
        // The store's deadlines release whatever the call held.
        Err(e) => warn!(error = %e, "cannot record the end of the call"),
    }
    render(app, call, &Reply::Nothing)
}

fn ring_of(target: &Target) -> Option<(Cow<'_, Resume>, CounsellorId)> {
    let at = target.at.as_ref()?;
    let counsellor = CounsellorId::parse(target.counsellor.as_deref()?)?;
    Some((Cow::Borrowed(at), counsellor))
}
