//! Turns a prompt into what the caller hears: the recording if there is one,
//! else its text with placeholders filled in for this call and this moment.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::action::{Action, Speech};
use super::file::{Flow, Prompt};
use crate::schedule::{speech, ClosedReason, Decision, Schedule};

pub const PLACEHOLDERS: &[&str] = &[
    "hotline",
    "email",
    "hours",
    "opening",
    "next_open",
    "holiday",
    "position",
    "greeting",
];
/// The fallback prompt runs when something failed; these need nothing but
/// the configuration, so the fallback can be rendered once at start.
pub const FALLBACK_PLACEHOLDERS: &[&str] = &["hotline", "email", "hours"];

/// Everything a prompt may mention about the hotline and this instant.
pub struct Situation<'a> {
    pub now: DateTime<Utc>,
    pub schedule: &'a Schedule,
    pub hotline_name: &'a str,
    pub email: &'a str,
    /// The caller's place in the waiting line, for `{position}`.
    pub position: Option<u32>,
}

/// The `{name}`s in a text.
pub fn placeholders(text: &str) -> Vec<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The actions that play `prompt` in `lang`. Validation guarantees the text
/// exists; an empty one is skipped rather than sent as silence.
pub fn play(flow: &Flow, prompt: &Prompt, lang: &str, sit: &Situation<'_>) -> Vec<Action> {
    if let Some(file) = prompt.audio.get(lang) {
        return vec![Action::Play { file: file.clone() }];
    }
    let Some(template) = prompt.text.get(lang) else {
        return vec![];
    };
    let text = fill(template, lang, sit);
    if text.is_empty() {
        return vec![];
    }
    let language = flow.languages.get(lang);
    vec![Action::Say(Speech {
        text,
        tts_lang: language.map_or_else(|| lang.to_owned(), |l| l.tts.clone()),
        voice: language.and_then(|l| l.voice.clone()),
    })]
}

fn fill(template: &str, lang: &str, sit: &Situation<'_>) -> String {
    let mut out = template.to_owned();
    for name in placeholders(template) {
        let value = value(name, lang, sit);
        out = out.replace(&format!("{{{name}}}"), &value);
    }
    // An empty placeholder ("{next_open} Sie können…") leaves double spaces.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn value(name: &str, lang: &str, sit: &Situation<'_>) -> String {
    match name {
        "hotline" => sit.hotline_name.to_owned(),
        "position" => sit.position.map(|p| p.to_string()).unwrap_or_default(),
        "email" => spell_email(sit.email, lang),
        "hours" => speech::hours_sentence(&sit.schedule.week, lang).unwrap_or_default(),
        "next_open" => delayed_opening(sit)
            .and_then(|next| speech::next_open_sentence(next, lang))
            .unwrap_or_default(),
        "opening" => speech::opening_sentence(&sit.schedule.week, delayed_opening(sit), lang)
            .unwrap_or_default(),
        "greeting" => {
            let local = sit.now.with_timezone(&sit.schedule.tz);
            speech::greeting(local, lang).unwrap_or_default().to_owned()
        }
        "holiday" => match sit.schedule.decide(sit.now) {
            Decision::Closed {
                reason: ClosedReason::Holiday(h),
                ..
            } => if lang == "de" { h.name_de } else { h.name_en }.to_owned(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// The next opening, when a holiday or closure moves it past what the
/// weekly hours promise: "after hours on a Friday" needs no date, the days
/// around Christmas do.
fn delayed_opening(sit: &Situation<'_>) -> Option<DateTime<Tz>> {
    let Decision::Closed {
        next_open: Some(next),
        ..
    } = sit.schedule.decide(sit.now)
    else {
        return None;
    };
    (sit.schedule.next_open_by_week(sit.now) != Some(next)).then_some(next)
}

/// `info@starkestelle.de` → "info ät starkestelle Punkt D E": TTS engines
/// swallow "@" and read short top-level domains as words.
pub fn spell_email(email: &str, lang: &str) -> String {
    let (at, dot) = if lang == "de" {
        ("ät", "Punkt")
    } else {
        ("at", "dot")
    };
    let Some((local, domain)) = email.split_once('@') else {
        return email.to_owned();
    };
    let mut labels: Vec<String> = domain.split('.').map(str::to_owned).collect();
    if let Some(tld) = labels.last_mut() {
        if tld.len() <= 3 {
            *tld = tld
                .to_uppercase()
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    let local = local.replace('.', &format!(" {dot} "));
    format!("{local} {at} {}", labels.join(&format!(" {dot} ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_spelled_for_tts() {
        assert_eq!(
            spell_email("info@starkestelle.de", "de"),
            "info ät starkestelle Punkt D E"
        );
        assert_eq!(spell_email("a.b@x.org", "en"), "a dot b at x dot O R G");
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(placeholders("a {x} b {y}. {z"), vec!["x", "y"]);
    }
}
