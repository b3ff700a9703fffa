//! The call-flow file format (`call-flows/*.toml`), as serde types. The types
//! are also the model the engine walks: once [`super::check`] has passed,
//! every step and prompt a flow names exists.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub start: String,
    pub default_language: String,
    pub languages: BTreeMap<String, Language>,
    pub steps: BTreeMap<String, Step>,
    pub prompts: BTreeMap<String, Prompt>,
    /// The voicemail step offered after the fallback prompt, so a caller
    /// can leave a message even when something failed.
    #[serde(default)]
    pub fallback_voicemail: Option<String>,
    /// The `hangup` step a blocked or flood-limited caller hears (a calm,
    /// neutral message, never "you are blocked"); without it, the fallback
    /// prompt and a hang-up. See `crate::abuse`.
    #[serde(default)]
    pub refused: Option<String>,
    /// The prompt that asks a withheld caller to press 5 while withheld
    /// calls flood in (`[abuse] anonymous_check`).
    #[serde(default)]
    pub check_prompt: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// BCP-47 tag for the provider's TTS (`de-DE`, `en-GB`).
    pub tts: String,
    /// Provider voice; unset lets the provider choose for the language.
    #[serde(default)]
    pub voice: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Branches on the schedule at the instant of the call.
    Schedule {
        open: String,
        closed: String,
        #[serde(default)]
        holiday: Option<String>,
        #[serde(default)]
        closure: Option<String>,
    },
    Say {
        prompt: String,
        next: String,
    },
    /// Waits for one key. No input goes to `no_input`: a caller who does not
    /// press anything is most likely one who wants a person.
    Menu {
        prompt: String,
        #[serde(default = "default_menu_timeout")]
        timeout_s: u32,
        options: BTreeMap<String, String>,
        no_input: String,
        #[serde(default)]
        invalid_prompt: Option<String>,
    },
    Language {
        language: String,
        next: String,
    },
    /// Connects the caller with a free counsellor who speaks the call's
    /// language: rings them (with a whisper they confirm), tries the next on
    /// no answer, or keeps the caller in a fair waiting line.
    Counsellor {
        /// Said before a counsellor is rung.
        #[serde(default)]
        connecting_prompt: Option<String>,
        /// Said before the next counsellor is rung after one did not answer.
        retry_prompt: String,
        /// Reassurance when the caller starts waiting, with each new position.
        hold_prompt: String,
        /// Tells the caller their place in line; may use `{position}`.
        position_prompt: String,
        /// What the counsellor hears before taking the call (in the flow's
        /// default language): it must ask for a key press.
        whisper_prompt: String,
        /// Recording played while waiting (in `call-flows/audio/`).
        hold_music: String,
        /// A short, calm sentence said every `reassure_every_s` of the wait,
        /// alternating with the position (see `crate::connect` company).
        #[serde(default)]
        reassure_prompt: Option<String>,
        #[serde(default = "default_reassure_every")]
        reassure_every_s: u32,
        /// The voicemail step a waiting caller may choose instead, by
        /// pressing `message_key` once `message_prompt` has offered it (with
        /// the first reassurance). The place in line is kept until they press.
        #[serde(default)]
        message_step: Option<String>,
        #[serde(default)]
        message_prompt: Option<String>,
        #[serde(default = "default_message_key")]
        message_key: String,
        /// Where the call goes when nobody can take it: nobody on duty, the
        /// wait or the attempts ran out, or the store failed.
        unavailable: String,
        /// Where a waiting caller goes when the hotline closes meanwhile.
        closed: String,
    },
    Hangup {
        #[serde(default)]
        prompt: Option<String>,
    },
    /// Lets the caller leave a message for the team (see [`super::voicemail`]):
    /// `prompt` explains and asks for consent to a call back (key 1), then
    /// `record_prompt` and the recording, then `next`.
    Voicemail {
        prompt: String,
        record_prompt: String,
        #[serde(default = "default_max_length")]
        max_length_s: u32,
        #[serde(default = "default_menu_timeout")]
        timeout_s: u32,
        next: String,
    },
}

/// Three minutes: enough to say what happened, short enough to stay a message.
fn default_max_length() -> u32 {
    180
}

fn default_menu_timeout() -> u32 {
    6
}

/// Crisis lines speak to a waiting caller about once a minute.
fn default_reassure_every() -> u32 {
    60
}

/// Not 1: the voicemail step's consent question that follows uses 1.
fn default_message_key() -> String {
    "2".into()
}

impl Step {
    /// Steps this one can lead to, with the field naming each.
    pub fn targets(&self) -> Vec<(&'static str, &str)> {
        match self {
            Step::Schedule {
                open,
                closed,
                holiday,
                closure,
            } => {
                let mut t = vec![("open", open.as_str()), ("closed", closed.as_str())];
                t.extend(holiday.as_deref().map(|h| ("holiday", h)));
                t.extend(closure.as_deref().map(|c| ("closure", c)));
                t
            }
            Step::Say { next, .. } | Step::Language { next, .. } => vec![("next", next)],
            Step::Menu {
                options, no_input, ..
            } => {
                let mut t: Vec<_> = options.values().map(|s| ("options", s.as_str())).collect();
                t.push(("no_input", no_input));
                t
            }
            Step::Counsellor {
                unavailable,
                closed,
                message_step,
                ..
            } => {
                let mut t = vec![("unavailable", unavailable.as_str()), ("closed", closed)];
                t.extend(message_step.as_deref().map(|m| ("message_step", m)));
                t
            }
            Step::Hangup { .. } => vec![],
            Step::Voicemail { next, .. } => vec![("next", next)],
        }
    }

    /// Prompts this step plays, with the field naming each.
    pub fn prompts(&self) -> Vec<(&'static str, &str)> {
        match self {
            Step::Say { prompt, .. } => vec![("prompt", prompt)],
            Step::Menu {
                prompt,
                invalid_prompt,
                ..
            } => {
                let mut p = vec![("prompt", prompt.as_str())];
                p.extend(invalid_prompt.as_deref().map(|i| ("invalid_prompt", i)));
                p
            }
            Step::Hangup { prompt } => prompt
                .as_deref()
                .map(|p| ("prompt", p))
                .into_iter()
                .collect(),
            Step::Counsellor {
                connecting_prompt,
                retry_prompt,
                hold_prompt,
                position_prompt,
                whisper_prompt,
                reassure_prompt,
                message_prompt,
                ..
            } => {
                let optional = [
                    ("connecting_prompt", connecting_prompt),
                    ("reassure_prompt", reassure_prompt),
                    ("message_prompt", message_prompt),
                ];
                let mut p = vec![
                    ("retry_prompt", retry_prompt.as_str()),
                    ("hold_prompt", hold_prompt.as_str()),
                    ("position_prompt", position_prompt.as_str()),
                    ("whisper_prompt", whisper_prompt.as_str()),
                ];
                p.extend(
                    optional
                        .into_iter()
                        .filter_map(|(field, name)| Some((field, name.as_deref()?))),
                );
                p
            }
            Step::Schedule { .. } | Step::Language { .. } => vec![],
            Step::Voicemail {
                prompt,
                record_prompt,
                ..
            } => vec![("prompt", prompt), ("record_prompt", record_prompt)],
        }
    }

    /// Whether the call stops here to wait for the caller (so a cycle
    /// through this step is a loop the caller drives, not an endless one).
    pub fn waits(&self) -> bool {
        matches!(
            self,
            Step::Menu { .. }
                | Step::Hangup { .. }
                | Step::Counsellor { .. }
                | Step::Voicemail { .. }
        )
    }
}

/// One prompt: TTS text per language, and optionally a recording per
/// language (a file in `call-flows/audio/`) that is played instead.
///
/// Every key but `audio` and `also` is a language code, so a misspelt key
/// shows up as a language the flow does not declare, which [`super::check`]
/// reports.
#[derive(Clone, Debug, Deserialize)]
pub struct Prompt {
    #[serde(default)]
    pub audio: BTreeMap<String, String>,
    /// Sentences for speakers of another language, spoken after the text
    /// in that language's own voice ("For English, please press 9." by an
    /// English voice in a German menu); not played to callers who already
    /// hear that language.
    #[serde(default)]
    pub also: BTreeMap<String, String>,
    #[serde(flatten)]
    pub text: BTreeMap<String, String>,
}
