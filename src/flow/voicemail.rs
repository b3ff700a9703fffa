//! The voicemail step: when nobody can take the call, the caller leaves a
//! message that goes to the team by email.
//!
//! The order is deliberate: first the explanation and the consent question
//! ("press 1 if we may call you back"), then the recording. The answer is
//! thus known before the recording starts and travels with it (in the
//! recording callback's URL); the recording callback, which the provider
//! sends whenever it likes, never has to wait for or race with a key press.
//! Only after a 1 does the HTTP edge keep the caller's number, for the
//! recording of the same call to pick up.

use super::action::{Action, Resume};
use super::file::{Flow, Step};
use super::prompt::{self, Situation};

/// The key that means "yes, you may call me back". Anything else, or no
/// key at all, means no: consent is never assumed.
pub const CONSENT_KEY: &str = "1";

/// Providers cap a recording at an hour.
const MAX_LENGTH_S: u32 = 3600;

/// The consent question, waiting for one key; the answer comes back to the
/// voicemail step itself.
pub(super) fn offer(prompts: Vec<Action>, timeout_s: u32, step: &str, lang: &str) -> Action {
    Action::Gather {
        prompts,
        max_digits: 1,
        timeout_s,
        then: Resume {
            step: step.to_owned(),
            lang: lang.to_owned(),
            ..Resume::default()
        },
    }
}

/// The voicemail offer that follows the fallback prompt, if the flow names
/// one (`fallback_voicemail`): something failed, yet the caller can still
/// leave a message. `None` means the fallback hangs up.
pub fn fallback_offer(flow: &Flow, lang: &str, sit: &Situation<'_>) -> Option<Action> {
    let name = flow.fallback_voicemail.as_ref()?;
    let Some(Step::Voicemail {
        prompt, timeout_s, ..
    }) = flow.steps.get(name)
    else {
        return None;
    };
    let prompts = flow
        .prompts
        .get(prompt)
        .map(|p| prompt::play(flow, p, lang, sit))
        .unwrap_or_default();
    Some(offer(prompts, *timeout_s, name, lang))
}

/// The answer to the consent question: the recording prompt, then the
/// recording, which continues at `next` when it ends.
pub(super) fn record(
    flow: &Flow,
    sit: &Situation<'_>,
    at: &Resume,
    digits: Option<&str>,
    record_prompt: &str,
    max_length_s: u32,
    next: &str,
) -> Vec<Action> {
    let mut actions = flow
        .prompts
        .get(record_prompt)
        .map(|p| prompt::play(flow, p, &at.lang, sit))
        .unwrap_or_default();
    actions.push(Action::Record {
        max_length_s,
        callback_requested: digits == Some(CONSENT_KEY),
        then: Resume {
            step: next.to_owned(),
            lang: at.lang.clone(),
            ..Resume::default()
        },
    });
    actions
}

/// Mistakes only a voicemail step can make, as (key path, message).
pub(super) fn check(flow: &Flow) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    if let Some(name) = &flow.fallback_voicemail {
        if !matches!(flow.steps.get(name), Some(Step::Voicemail { .. })) {
            out.push((
                vec!["fallback_voicemail".to_owned()],
                format!("{name:?} is not a step of kind \"voicemail\""),
            ));
        }
    }
    for (name, step) in &flow.steps {
        let Step::Voicemail {
            max_length_s,
            timeout_s,
            next,
            ..
        } = step
        else {
            continue;
        };
        let path = |field: &str| vec!["steps".to_owned(), name.clone(), field.to_owned()];
        if !(1..=MAX_LENGTH_S).contains(max_length_s) {
            out.push((
                path("max_length_s"),
                format!("a recording lasts 1 to {MAX_LENGTH_S} seconds"),
            ));
        }
        if *timeout_s == 0 {
            out.push((path("timeout_s"), "must be at least 1 second".into()));
        }
        // The provider posts the key that ended the recording (`#`) to
        // `next`; a menu there would take it for an answer.
        if matches!(
            flow.steps.get(next),
            Some(Step::Menu { .. } | Step::Voicemail { .. })
        ) {
            out.push((
                path("next"),
                "after a voicemail comes a say or hangup step, not one that waits for keys".into(),
            ));
        }
    }
    out
}
