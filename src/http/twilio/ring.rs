//! Ringing a counsellor, seen from Twilio: the result of a `<Dial>` on the
//! caller's leg (`/twilio/dial`), and the counsellor's own leg before it is
//! bridged (`/twilio/whisper`).

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use super::{bad_request, ctx, render, within_budget, xml, Signed};
use crate::call::{CallId, Caller};
use crate::connect::{self, ConnectError, RingResult, Whispered};
use crate::flow::{Action, Resume};
use crate::http::App;
use crate::metrics::CallOutcome;
use crate::providers::twilio::{request, CallStatus, Callback};
use crate::routing::CounsellorId;

/// The caller's position and the counsellor a ring callback is about.
fn ring_context(app: &App, cb: &Callback) -> Option<(Resume, CounsellorId)> {
    let step = cb.step.clone()?;
    let lang = cb
        .lang
        .clone()
        .unwrap_or_else(|| app.settings.flow.default_language.clone());
    let counsellor = CounsellorId::parse(cb.counsellor.as_deref()?)?;
    Some((
        Resume {
            step,
            lang,
            progress: cb.progress,
            ..Resume::default()
        },
        counsellor,
    ))
}

pub async fn dial(State(app): State<Arc<App>>, Signed { form, cb, .. }: Signed) -> Response {
    let event = match request::status_event(&form) {
        Ok(event) => event,
        Err(e) => return bad_request(e),
    };
    let Some((at, counsellor)) = ring_context(&app, &cb) else {
        return bad_request("dial callback without step or counsellor");
    };
    // The caller's own `CallStatus` is final when they hung up while the
    // counsellor's phone rang: ringing the next one would reach nobody.
    let result = if form.get("DialBridged") == Some("true") {
        RingResult::Talked
    } else if event.call_status.is_final() {
        RingResult::CallerGone
    } else {
        match event.dial_call_status {
            Some(CallStatus::Canceled) => RingResult::CallerGone,
            Some(CallStatus::Completed) => RingResult::NotAnswered { completed: true },
            _ => RingResult::NotAnswered { completed: false },
        }
    };
    let caller = form
        .get("From")
        .map_or(Caller::Withheld, Caller::from_network);
    let span = tracing::info_span!("call", call = %app.pseudonyms.call_key(&event.call_id));
    let lang = at.lang.clone();
    let fallback = || {
        let (lang, error) = (lang.as_str(), None);
        span.in_scope(|| CallOutcome::FallbackError { lang, error }.emit(&app.metrics, None));
        xml(app.fallback_for(lang))
    };
    let work = async {
        if result == RingResult::Talked {
            // In case the whisper's own note was lost: idempotent.
            app.abuse
                .answered(&event.call_id, &counsellor, app.clock.now())
                .await;
        }
        let turn = connect::ring_ended(
            &ctx(&app),
            &event.call_id,
            &caller,
            &counsellor,
            result,
            &at,
        )
        .await?;
        Ok::<_, ConnectError>(turn.actions())
    };
    within_budget(&app, span.clone(), fallback, work).await
}

pub async fn whisper(State(app): State<Arc<App>>, Signed { form, cb, .. }: Signed) -> Response {
    let Some(parent) = form.get("ParentCallSid").and_then(CallId::parse) else {
        return bad_request("whisper without ParentCallSid");
    };
    let Some((at, counsellor)) = ring_context(&app, &cb) else {
        return bad_request("whisper without step or counsellor");
    };
    let digits = cb
        .asked
        .then(|| form.get("Digits").unwrap_or("").to_owned());
    let span = tracing::info_span!("call", call = %app.pseudonyms.call_key(&parent));
    // On the counsellor's leg, the safe failure is to decline: the caller's
    // ring result then moves on to the next counsellor.
    let decline = || render(&app, &[Action::Hangup]);
    let work =
        async {
            let actions =
                match connect::whisper(&ctx(&app), &parent, &counsellor, &at, digits.as_deref())
                    .await
                {
                    Whispered::Ask(actions) => actions,
                    Whispered::Bridge => {
                        // From now on this counsellor can block the caller.
                        app.abuse
                            .answered(&parent, &counsellor, app.clock.now())
                            .await;
                        Vec::new()
                    }
                    Whispered::Decline => vec![Action::Hangup],
                };
            Ok::<_, ConnectError>(actions)
        };
    within_budget(&app, span, decline, work).await
}
