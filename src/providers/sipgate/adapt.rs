//! Where sipgate cannot do what a flow asks, the honest nearest thing.
//!
//! sipgate's push API cannot record a message, so a `voicemail` step has
//! nothing to offer: its consent question is never asked (it would promise
//! a recording), and the call goes on where the step would have gone after
//! the recording (`next`, the goodbye in the default flow). `lotse check`
//! warns about every such step when sipgate is enabled. For the same reason
//! the waiting line's offer to leave a message is not made on sipgate, and
//! its key does nothing there (see [`without_message_offer`]).

use crate::flow::{self, Action, Flow, FlowError, Resume, Situation, Step, Turn};

/// How many voicemail steps one turn may skip in a row (a checked flow
/// never leads from one voicemail step straight to another).
const MAX_SKIPS: usize = 4;

/// The turn with every voicemail offer replaced by the step after it.
pub fn without_voicemail(
    flow: &Flow,
    sit: &Situation<'_>,
    mut turn: Turn,
) -> Result<Turn, FlowError> {
    for _ in 0..MAX_SKIPS {
        let Some((i, next, lang)) =
            turn.played.iter().enumerate().find_map(|(i, (_, a))| {
                voicemail_next(flow, a).map(|(next, lang)| (i, next, lang))
            })
        else {
            return Ok(turn);
        };
        turn.played.truncate(i);
        let at = Resume {
            step: next,
            lang,
            ..Resume::default()
        };
        let more = flow::resume(flow, sit, &at, None)?;
        turn.played.extend(more.played);
        turn.pending = more.pending;
    }
    Ok(turn)
}

/// The hold turn of a counsellor step without the sentence that offers a
/// message instead of waiting: on sipgate there is nothing to record it.
pub fn without_message_offer(flow: &Flow, sit: &Situation<'_>, mut turn: Turn) -> Turn {
    for (_, action) in turn.played.iter_mut() {
        let Action::Gather { prompts, then, .. } = action else {
            continue;
        };
        let Some(Step::Counsellor {
            message_prompt: Some(offer),
            ..
        }) = flow.steps.get(&then.step)
        else {
            continue;
        };
        let Some(prompt) = flow.prompts.get(offer) else {
            continue;
        };
        let offered = flow::play(flow, prompt, &then.lang, sit);
        prompts.retain(|p| !offered.contains(p));
    }
    turn
}

/// Whether `step` is a counsellor step: there a sipgate caller's keys are
/// ignored (the line's only key, the message offer, is not made).
pub fn is_counsellor_step(flow: &Flow, step: &str) -> bool {
    matches!(flow.steps.get(step), Some(Step::Counsellor { .. }))
}

/// The step after the recording, if `action` offers or starts one.
fn voicemail_next(flow: &Flow, action: &Action) -> Option<(String, String)> {
    match action {
        Action::Gather { then, .. } => match flow.steps.get(&then.step) {
            Some(Step::Voicemail { next, .. }) => Some((next.clone(), then.lang.clone())),
            _ => None,
        },
        Action::Record { then, .. } => Some((then.step.clone(), then.lang.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn settings() -> Settings {
        crate::config::load(None).expect("built-in defaults")
    }

    #[test]
    fn closed_message_goes_straight_to_the_goodbye() {
        let s = settings();
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-28T10:00:00+01:00")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let sit = crate::http::situation(&s, now);
        let turn = flow::start(&s.flow, &sit, None).unwrap();
        assert!(matches!(
            turn.played.last(),
            Some((_, Action::Gather { .. }))
        ));
        let turn = without_voicemail(&s.flow, &sit, turn).unwrap();
        let steps: Vec<&str> = turn.played.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(steps, ["closed", "goodbye", "goodbye"]);
        assert!(matches!(turn.played.last(), Some((_, Action::Hangup))));
    }
}
