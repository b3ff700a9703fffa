//! The markup a caller gets when anything behind the scenes fails: the flow's
//! `fallback` prompt (apology, email, hours, 110), then the offer to leave a
//! voicemail if the flow names one (`fallback_voicemail`), else a clean hang-up.
//! Never a 5xx: to a provider that means dead air for a person in distress.
//!
//! [`when_down`] is the same prompt for the moment `lotse` itself is down:
//! static markup (`lotse fallback-twiml`) that the provider serves from its
//! "primary handler fails" URL.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::flow::{self, Action, FALLBACK_PROMPT};
use crate::providers::twilio::twiml;

/// Used only if even the rendered fallback is missing: valid TwiML that
/// still ends the call politely rather than leaving the caller in silence.
pub const LAST_RESORT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say language=\"de-DE\">Entschuldigung, ein technischer Fehler ist aufgetreten. In akuter Gefahr wählen Sie bitte den Notruf 110.</Say><Hangup/></Response>";

pub fn actions(settings: &Settings, lang: &str, now: DateTime<Utc>) -> Vec<Action> {
    let sit = super::state::situation(settings, now);
    let mut actions = settings
        .flow
        .prompts
        .get(FALLBACK_PROMPT)
        .map(|p| flow::play(&settings.flow, p, lang, &sit))
        .unwrap_or_default();
    actions.push(flow::fallback_offer(&settings.flow, lang, &sit).unwrap_or(Action::Hangup));
    actions
}

pub fn render_twilio(settings: &Settings, now: DateTime<Utc>) -> BTreeMap<String, String> {
    let links = twiml::Links {
        public_url: &settings.twilio.public_url,
    };
    settings
        .flow
        .languages
        .keys()
        .map(|lang| {
            (
                lang.clone(),
                twiml::render(&actions(settings, lang, now), &links),
            )
        })
        .collect()
}

/// Static TwiML for the provider's "primary handler fails" URL, hosted by
/// the provider (a TwiML Bin) because `lotse` is unreachable when it is
/// needed. So it must not point back at `lotse`: the fallback prompt is
/// spoken by TTS even where a recording exists (recordings are served by
/// `lotse`), there is no voicemail (the recording would post to `lotse`),
/// and it has no dynamic parts (the fallback prompt may only name the
/// hotline, its email and its hours). Said twice, with a pause, so that a
/// caller who missed the email address hears it again; then it hangs up.
pub fn when_down(settings: &Settings, lang: &str) -> String {
    let sit = super::state::situation(settings, DateTime::UNIX_EPOCH);
    let mut said = settings
        .flow
        .prompts
        .get(FALLBACK_PROMPT)
        .map(|p| {
            let spoken = flow::Prompt {
                audio: BTreeMap::new(),
                ..p.clone()
            };
            flow::play(&settings.flow, &spoken, lang, &sit)
        })
        .unwrap_or_default();
    if said.is_empty() {
        return LAST_RESORT.to_owned();
    }
    let again = said.clone();
    said.push(Action::Pause { seconds: 2 });
    said.extend(again);
    said.push(Action::Hangup);
    let links = twiml::Links {
        public_url: &settings.twilio.public_url,
    };
    twiml::render(&said, &links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_down_speaks_even_a_recorded_fallback_and_never_calls_lotse() {
        let mut settings = crate::config::load(None).unwrap();
        let prompt = settings.flow.prompts.get_mut(FALLBACK_PROMPT).unwrap();
        prompt.audio.insert("de".into(), "fallback-de.wav".into());
        let markup = when_down(&settings, "de");
        assert!(!markup.contains("<Play"), "{markup}");
        assert!(!markup.contains("hotline.example.org"), "{markup}");
        assert_eq!(markup.matches("<Say").count(), 2, "{markup}");
        assert!(markup.ends_with("<Hangup/></Response>"), "{markup}");
    }
}
