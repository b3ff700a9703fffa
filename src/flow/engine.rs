//! Walks a call through a flow: from a step (the start, or where a callback
//! resumes) through every step that needs no input, until the call waits for
//! a key or ends. Pure: the instant, the schedule and the flow are inputs;
//! the output is provider-neutral actions.

use super::action::{Action, Hook, Progress, Resume};
use super::file::{Flow, Step};
use super::prompt::{self, Situation};
use crate::schedule::{ClosedReason, Decision};

/// Far more steps than any sensible flow takes between two key presses;
/// `lotse check` refuses loops, this guards against one slipping through.
const MAX_STEPS_PER_TURN: usize = 64;

/// What one webhook answers, with the step each action came from (for
/// `lotse simulate` and logs).
#[derive(Clone, Debug, Default)]
pub struct Turn {
    pub played: Vec<(String, Action)>,
    /// Set when the walk reached a step the engine cannot finish alone: the
    /// shell does the store work and appends what follows.
    pub pending: Option<Pending>,
}

/// Work the pure engine hands to the shell around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Connect the caller with a counsellor at this `counsellor` step.
    Connect(Resume),
    /// The caller waiting at this `counsellor` step chose to leave a
    /// message instead: their place in line is given up (the turn already
    /// holds the voicemail step's consent question).
    LeaveLine(Resume),
}

impl Turn {
    pub fn actions(&self) -> Vec<Action> {
        self.played.iter().map(|(_, a)| a.clone()).collect()
    }

    fn push(&mut self, step: &str, actions: Vec<Action>) {
        self.played
            .extend(actions.into_iter().map(|a| (step.to_owned(), a)));
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FlowError {
    #[error("unknown step {0:?}")]
    UnknownStep(String),
    #[error("unknown language {0:?}")]
    UnknownLanguage(String),
    #[error("more than {MAX_STEPS_PER_TURN} steps without waiting for the caller")]
    Endless,
}

/// A new call: from the flow's start, in `lang` or the flow's default.
pub fn start(flow: &Flow, sit: &Situation<'_>, lang: Option<&str>) -> Result<Turn, FlowError> {
    let lang = lang.unwrap_or(&flow.default_language);
    known_language(flow, lang)?;
    let mut turn = Turn::default();
    walk(flow, sit, &flow.start, lang, Progress::default(), &mut turn)?;
    Ok(turn)
}

/// A callback for a call already in the flow: the answer to a menu
/// (`digits`, `Some("")` when the caller pressed nothing), or a redirect.
pub fn resume(
    flow: &Flow,
    sit: &Situation<'_>,
    at: &Resume,
    digits: Option<&str>,
) -> Result<Turn, FlowError> {
    known_language(flow, &at.lang)?;
    let step = flow
        .steps
        .get(&at.step)
        .ok_or_else(|| FlowError::UnknownStep(at.step.clone()))?;
    let mut turn = Turn::default();
    let next = match step {
        Step::Menu {
            options,
            no_input,
            invalid_prompt,
            ..
        } => match digits {
            None | Some("") => no_input.as_str(),
            Some(keys) => match options.get(keys) {
                Some(target) => target.as_str(),
                None => {
                    if let Some(p) = invalid_prompt.as_ref().and_then(|p| flow.prompts.get(p)) {
                        turn.push(&at.step, prompt::play(flow, p, &at.lang, sit));
                    }
                    at.step.as_str()
                }
            },
        },
        Step::Voicemail {
            record_prompt,
            max_length_s,
            next,
            ..
        } => {
            let actions =
                super::voicemail::record(flow, sit, at, digits, record_prompt, *max_length_s, next);
            turn.push(&at.step, actions);
            return Ok(turn);
        }
        Step::Counsellor { .. } => match super::waiting::chosen_message(step, at, digits) {
            Some(voicemail) => {
                turn.pending = Some(Pending::LeaveLine(at.clone()));
                voicemail
            }
            None => at.step.as_str(),
        },
        _ => at.step.as_str(),
    };
    walk(flow, sit, next, &at.lang, at.progress, &mut turn)?;
    Ok(turn)
}

fn known_language(flow: &Flow, lang: &str) -> Result<(), FlowError> {
    match flow.languages.contains_key(lang) {
        true => Ok(()),
        false => Err(FlowError::UnknownLanguage(lang.to_owned())),
    }
}

fn walk(
    flow: &Flow,
    sit: &Situation<'_>,
    from: &str,
    lang: &str,
    progress: Progress,
    turn: &mut Turn,
) -> Result<(), FlowError> {
    let mut name = from.to_owned();
    let mut lang = lang.to_owned();
    for _ in 0..MAX_STEPS_PER_TURN {
        let step = flow
            .steps
            .get(&name)
            .ok_or_else(|| FlowError::UnknownStep(name.clone()))?;
        let play = |p: &str| {
            flow.prompts
                .get(p)
                .map(|p| prompt::play(flow, p, &lang, sit))
                .unwrap_or_default()
        };
        name = match step {
            Step::Schedule {
                open,
                closed,
                holiday,
                closure,
            } => match sit.schedule.decide(sit.now) {
                Decision::Open { .. } => open.clone(),
                Decision::Closed {
                    reason: ClosedReason::Holiday(_),
                    ..
                } => holiday.as_ref().unwrap_or(closed).clone(),
                Decision::Closed {
                    reason: ClosedReason::Closure,
                    ..
                } => closure.as_ref().unwrap_or(closed).clone(),
                Decision::Closed { .. } => closed.clone(),
            },
            Step::Say { prompt, next } => {
                turn.push(&name, play(prompt));
                next.clone()
            }
            Step::Menu {
                prompt,
                timeout_s,
                options,
                ..
            } => {
                let max_digits = options.keys().map(String::len).max().unwrap_or(1);
                let gather = Action::Gather {
                    prompts: play(prompt),
                    max_digits: u8::try_from(max_digits).unwrap_or(u8::MAX),
                    timeout_s: *timeout_s,
                    then: Resume {
                        step: name.clone(),
                        lang: lang.clone(),
                        ..Resume::default()
                    },
                };
                turn.push(&name, vec![gather]);
                return Ok(());
            }
            Step::Language { language, next } => {
                known_language(flow, language)?;
                lang = language.clone();
                next.clone()
            }
            Step::Counsellor { .. } => {
                turn.pending = Some(Pending::Connect(Resume {
                    step: name,
                    lang,
                    progress,
                    hook: Hook::Caller,
                }));
                return Ok(());
            }
            Step::Voicemail {
                prompt, timeout_s, ..
            } => {
                let offer = super::voicemail::offer(play(prompt), *timeout_s, &name, &lang);
                turn.push(&name, vec![offer]);
                return Ok(());
            }
            Step::Hangup { prompt } => {
                let mut actions = prompt.as_deref().map(play).unwrap_or_default();
                actions.push(Action::Hangup);
                turn.push(&name, actions);
                return Ok(());
            }
        };
    }
    Err(FlowError::Endless)
}
