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
    let mut out = match (prompt.audio.get(lang), prompt.text.get(lang)) {
        (Some(file), _) => vec![Action::Play { file: file.clone() }],
        (None, Some(template)) => say(flow, template, lang, sit).into_iter().collect(),
        (None, None) => Vec::new(),
    };
    for (other, template) in &prompt.also {
        if other != lang {
            out.extend(say(flow, template, other, sit));
        }
    }
    out
}

/// `template` filled in and spoken in `lang`'s language and voice.
fn say(flow: &Flow, template: &str, lang: &str, sit: &Situation<'_>) -> Option<Action> {
    let text = fill(template, lang, sit);
    if text.is_empty() {
        return None;
    }
    let language = flow.languages.get(lang);
    Some(Action::Say(Speech {
        text,
        tts_lang: language.map_or_else(|| lang.to_owned(), |l| l.tts.clone()),
        voice: language.and_then(|l| l.voice.clone()),
    }))
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

    #[test]
    fn also_sentences_are_said_in_their_own_voice_to_the_others_only() {
        let settings = crate::config::load(None).unwrap();
        let flow = &settings.flow;
        let sit = crate::http::situation(&settings, chrono::Utc::now());
        let menu = &flow.prompts["menu"];
        let voices = |lang: &str| -> Vec<(String, String, Option<String>)> {
            play(flow, menu, lang, &sit)
                .into_iter()
                .map(|a| match a {
                    Action::Say(s) => (s.text, s.tts_lang, s.voice),
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        let de = voices("de");
        assert_eq!(de.len(), 2, "{de:?}");
        assert_eq!(de[0].1, "de-DE");
        assert_eq!(
            de[1],
            (
                "For English, please press 9.".to_owned(),
                "en-GB".to_owned(),
                Some("Polly.Amy-Neural".to_owned())
            )
        );
        let en = voices("en");
        assert_eq!(
            en.len(),
            1,
            "an English caller hears no offer of English: {en:?}"
        );
    }

    #[test]
    fn an_also_sentence_needs_a_declared_language() {
        use crate::flow::load::{parse, BUILT_IN};
        let from = "\nalso.en = \"For English, please press 9.\"";
        assert!(BUILT_IN.contains(from));
        let text = BUILT_IN.replacen(from, "\nalso.fr = \"Pour le français, tapez 8.\"", 1);
        let errors: Vec<String> = parse("flow.toml", &text, None)
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors
                .iter()
                .any(|e| e.contains("prompts.menu.also.fr: language \"fr\" is not declared")),
            "{errors:?}"
        );
    }
}
