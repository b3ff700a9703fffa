//! What `lotse check` verifies in a call flow beyond its syntax: every step
//! and prompt it names exists, every prompt speaks every language, every step
//! can be reached, recordings exist, and no loop runs without the caller.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use super::file::{Flow, Step};
use super::prompt::{placeholders, FALLBACK_PLACEHOLDERS, PLACEHOLDERS};

/// The prompt played when something behind the scenes fails; every flow
/// must have one, and it may only use placeholders that cannot fail.
pub const FALLBACK_PROMPT: &str = "fallback";

/// A mistake at a key path of the flow file (`steps.menu.options`).
pub struct Finding {
    pub path: Vec<String>,
    pub message: String,
}

pub fn check(flow: &Flow, audio_dir: Option<&Path>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |path: &[&str], message: String| {
        out.push(Finding {
            path: path.iter().map(|s| s.to_string()).collect(),
            message,
        });
    };

    if !flow.languages.contains_key(&flow.default_language) {
        add(
            &["default_language"],
            format!(
                "language {:?} is not declared under [languages]",
                flow.default_language
            ),
        );
    }
    for (code, language) in &flow.languages {
        if let Some(message) = language
            .voice
            .as_deref()
            .and_then(|v| super::voice::mismatch(v, &language.tts))
        {
            add(&["languages", code, "voice"], message);
        }
    }
    if !flow.steps.contains_key(&flow.start) {
        add(&["start"], format!("unknown step {:?}", flow.start));
    }
    for (name, step) in &flow.steps {
        for (field, target) in step.targets() {
            if !flow.steps.contains_key(target) {
                add(&["steps", name, field], format!("unknown step {target:?}"));
            }
        }
        for (field, prompt) in step.prompts() {
            if !flow.prompts.contains_key(prompt) {
                add(
                    &["steps", name, field],
                    format!("unknown prompt {prompt:?}"),
                );
            }
        }
        if let Step::Counsellor { hold_music, .. } = step {
            if !super::audio::exists(audio_dir, hold_music) {
                add(
                    &["steps", name, "hold_music"],
                    format!("no recording {hold_music:?} in call-flows/audio/"),
                );
            }
        }
        if let Step::Language { language, .. } = step {
            if !flow.languages.contains_key(language) {
                add(
                    &["steps", name, "language"],
                    format!("language {language:?} is not declared under [languages]"),
                );
            }
        }
        if let Step::Menu { options, .. } = step {
            for key in options.keys() {
                if key.is_empty()
                    || !key
                        .chars()
                        // `#` ends input on Twilio's Gather: it can never be chosen.
                        .all(|c| c.is_ascii_digit() || c == '*')
                {
                    add(
                        &["steps", name, "options", key],
                        "a menu key is one or more of 0-9 and * (# ends input)".into(),
                    );
                }
            }
        }
    }
    if !flow.prompts.contains_key(FALLBACK_PROMPT) {
        add(
            &["prompts"],
            format!("missing prompt {FALLBACK_PROMPT:?}: what callers hear when something fails"),
        );
    }
    for (name, prompt) in &flow.prompts {
        let allowed: &[&str] = if name == FALLBACK_PROMPT {
            FALLBACK_PLACEHOLDERS
        } else {
            PLACEHOLDERS
        };
        for lang in flow.languages.keys() {
            if !prompt.text.contains_key(lang) {
                add(&["prompts", name], format!("no text for language {lang:?}"));
            }
        }
        let texts = prompt
            .text
            .iter()
            .map(|(l, t)| (l, t, vec![name.as_str(), l]));
        let also = prompt
            .also
            .iter()
            .map(|(l, t)| (l, t, vec![name.as_str(), "also", l]));
        for (lang, text, at) in texts.chain(also) {
            let mut path = vec!["prompts"];
            path.extend(at);
            if !flow.languages.contains_key(lang) {
                add(
                    &path,
                    format!("language {lang:?} is not declared under [languages]"),
                );
            }
            for p in placeholders(text) {
                if !allowed.contains(&p) {
                    add(
                        &path,
                        format!("unknown placeholder {{{p}}}; known: {}", allowed.join(", ")),
                    );
                } else if p == "hours" && !can_speak_hours(lang) {
                    add(
                        &path,
                        format!(
                            "{{hours}} cannot be spoken in language {lang:?}; write the hours out"
                        ),
                    );
                }
            }
        }
        for (lang, file) in &prompt.audio {
            if !super::audio::exists(audio_dir, file) {
                add(
                    &["prompts", name, "audio", lang],
                    format!("no recording {file:?} in call-flows/audio/"),
                );
            }
        }
    }
    for (path, message) in screening(flow) {
        add(&[path], message);
    }
    let step_checks = super::voicemail::check(flow)
        .into_iter()
        .chain(super::waiting::check(flow));
    for (path, message) in step_checks {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        add(&path, message);
    }
    for name in unreachable(flow) {
        add(
            &["steps", &name],
            "unreachable: no step leads here from start".into(),
        );
    }
    if let Some(name) = endless_loop(flow) {
        add(
            &["steps", &name],
            "loops back to itself without waiting for the caller".into(),
        );
    }
    out
}

/// `refused` must be a hang-up step (a refused caller hears one message and
/// the call ends), `check_prompt` a prompt, and no step may take the name
/// of the anonymous check's answer.
fn screening(flow: &Flow) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(step) = &flow.refused {
        match flow.steps.get(step) {
            Some(Step::Hangup { .. }) => {}
            Some(_) => out.push(("refused", format!("step {step:?} must be of kind hangup"))),
            None => out.push(("refused", format!("unknown step {step:?}"))),
        }
    }
    if let Some(prompt) = &flow.check_prompt {
        if !flow.prompts.contains_key(prompt) {
            out.push(("check_prompt", format!("unknown prompt {prompt:?}")));
        }
    }
    if flow.steps.contains_key(crate::abuse::CHECK_STEP) {
        let m = format!("the step name {:?} is reserved", crate::abuse::CHECK_STEP);
        out.push(("steps", m));
    }
    out
}

/// Whether `{hours}` has wording in `lang`; asked with a sample week, as the
/// real one may be empty (then the phrase is empty in every language).
fn can_speak_hours(lang: &str) -> bool {
    use crate::schedule::{speech, DayHours, WeeklyHours};
    let sample =
        DayHours::parse("09:00-16:00").map(|d| WeeklyHours::from_days([(chrono::Weekday::Mon, d)]));
    sample.is_ok_and(|week| speech::hours_sentence(&week, lang).is_some())
}

fn unreachable(flow: &Flow) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut todo = VecDeque::from([flow.start.as_str()]);
    todo.extend(flow.refused.as_deref());
    while let Some(name) = todo.pop_front() {
        if !seen.insert(name) {
            continue;
        }
        if let Some(step) = flow.steps.get(name) {
            todo.extend(step.targets().into_iter().map(|(_, t)| t));
        }
    }
    flow.steps
        .keys()
        .filter(|k| !seen.contains(k.as_str()))
        .cloned()
        .collect()
}

/// A cycle of steps none of which waits would spin forever within one
/// webhook; the engine stops such a walk, but the file should not have one.
fn endless_loop(flow: &Flow) -> Option<String> {
    let mut state = BTreeMap::new();
    flow.steps
        .keys()
        .find_map(|name| visit(flow, name, &mut state))
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    OnPath,
    Done,
}

fn visit<'a>(flow: &'a Flow, name: &'a str, state: &mut BTreeMap<&'a str, Mark>) -> Option<String> {
    match state.get(name) {
        Some(Mark::OnPath) => return Some(name.to_owned()),
        Some(Mark::Done) => return None,
        None => {}
    }
    let step = flow.steps.get(name)?;
    if !step.waits() {
        state.insert(name, Mark::OnPath);
        for (_, target) in step.targets() {
            if let Some(found) = visit(flow, target, state) {
                return Some(found);
            }
        }
    }
    state.insert(name, Mark::Done);
    None
}
