//! The waiting line's way out: a caller waiting at a `counsellor` step who
//! would rather leave a message presses `message_key` once the offer was
//! made, and goes to the voicemail step (consent first, as everywhere).
//! Until they press, they keep their place; the store work of leaving the
//! line is the shell's ([`super::Pending::LeaveLine`]). What the waiting
//! caller hears, and when, is chosen in `crate::connect` (company).

use super::action::Resume;
use super::file::{Flow, Step};

/// Shortest and longest gap between two sentences of company: more often
/// than every 20 s drowns the music in talk, less often than every 10
/// minutes is no company at all.
const EVERY_S: std::ops::RangeInclusive<u32> = 20..=600;

/// The voicemail step the caller chose with `digits` at the counsellor step
/// `at`, if the step offers one, the key is its key and the offer has been
/// made (the caller heard company slot 1 or later).
pub(super) fn chosen_message<'a>(
    step: &'a Step,
    at: &Resume,
    digits: Option<&str>,
) -> Option<&'a str> {
    let Step::Counsellor {
        message_step: Some(target),
        message_key,
        ..
    } = step
    else {
        return None;
    };
    (at.progress.company > 0 && digits == Some(message_key.as_str())).then_some(target.as_str())
}

/// Mistakes only the waiting line of a counsellor step can make, as (key
/// path, message).
pub(super) fn check(flow: &Flow) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    for (name, step) in &flow.steps {
        let Step::Counsellor {
            reassure_every_s,
            message_step,
            message_prompt,
            message_key,
            ..
        } = step
        else {
            continue;
        };
        let path = |field: &str| vec!["steps".to_owned(), name.clone(), field.to_owned()];
        if !EVERY_S.contains(reassure_every_s) {
            out.push((
                path("reassure_every_s"),
                format!("between {} and {} seconds", EVERY_S.start(), EVERY_S.end()),
            ));
        }
        if !(message_key.len() == 1 && message_key.chars().all(|c| c.is_ascii_digit() || c == '*'))
        {
            out.push((
                path("message_key"),
                "one key: 0-9 or * (# ends input)".into(),
            ));
        }
        match (message_step, message_prompt) {
            (Some(target), Some(prompt)) => {
                if matches!(flow.steps.get(target), Some(s) if !matches!(s, Step::Voicemail { .. }))
                {
                    out.push((
                        path("message_step"),
                        format!("{target:?} is not a step of kind \"voicemail\""),
                    ));
                }
                out.extend(unnamed_key(flow, prompt, message_key));
            }
            (Some(_), None) => out.push((
                path("message_prompt"),
                "message_step needs a message_prompt that offers it (naming the key)".into(),
            )),
            (None, Some(_)) => out.push((
                path("message_step"),
                "message_prompt offers a message, but no message_step takes it".into(),
            )),
            (None, None) => {}
        }
    }
    out
}

/// A spoken offer must name the key it offers: a text that says "press 2"
/// for a key 3 strands the caller. Recordings cannot be checked.
fn unnamed_key(flow: &Flow, prompt: &str, key: &str) -> Vec<(Vec<String>, String)> {
    let Some(p) = flow.prompts.get(prompt) else {
        return Vec::new(); // reported as an unknown prompt
    };
    p.text
        .iter()
        .filter(|(lang, text)| !p.audio.contains_key(*lang) && !text.contains(key))
        .map(|(lang, _)| {
            (
                vec!["prompts".to_owned(), prompt.to_owned(), lang.clone()],
                format!("offers the message but never names its key {key:?}"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::flow::load::{parse, BUILT_IN};

    /// The built-in flow with `from` replaced by `to`: the errors `lotse
    /// check` prints, one per line.
    fn errors(from: &str, to: &str) -> String {
        assert!(BUILT_IN.contains(from), "{from}");
        match parse("flow.toml", &BUILT_IN.replacen(from, to, 1), None) {
            Ok(_) => String::new(),
            Err(e) => e.iter().map(|e| format!("{e}\n")).collect(),
        }
    }

    #[test]
    fn the_built_in_flow_keeps_company() {
        assert_eq!(errors("", ""), "");
    }

    #[test]
    fn a_message_offer_needs_a_voicemail_step_and_its_key() {
        let err = errors("message_step = \"voicemail\"", "message_step = \"goodbye\"");
        assert!(
            err.contains(
                "steps.counsellor.message_step: \"goodbye\" is not a step of kind \"voicemail\""
            ),
            "{err}"
        );
        let err = errors("message_key = \"2\"", "message_key = \"3\"");
        assert!(
            err.contains(
                "prompts.message_offer.de: offers the message but never names its key \"3\""
            ),
            "{err}"
        );
        assert!(err.contains("prompts.message_offer.en:"), "{err}");
        let err = errors("message_key = \"2\"", "message_key = \"#\"");
        assert!(
            err.contains("steps.counsellor.message_key: one key"),
            "{err}"
        );
        let err = errors("message_prompt = \"message_offer\"\n", "");
        assert!(
            err.contains("steps.counsellor.message_prompt: message_step needs a message_prompt"),
            "{err}"
        );
        let err = errors("reassure_every_s = 60", "reassure_every_s = 5");
        assert!(
            err.contains("steps.counsellor.reassure_every_s: between 20 and 600 seconds"),
            "{err}"
        );
    }

    #[test]
    fn a_voice_of_another_language_is_refused_at_its_line() {
        let err = errors(
            "voice = \"Polly.Vicki-Neural\"",
            "voice = \"Polly.Amy-Neural\"",
        );
        assert!(
            err.contains("languages.de.voice: Polly.Amy-Neural speaks en-GB, not de-DE"),
            "{err}"
        );
    }
}
