//! The markup a caller gets when anything behind the scenes fails: the flow's
//! `fallback` prompt (apology, email, hours, 110), then the offer to leave a
//! voicemail if the flow names one (`fallback_voicemail`), else a clean hang-up.
//! Never a 5xx: to a provider that means dead air for a person in distress.

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
