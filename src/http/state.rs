//! What every handler shares: the validated settings, the clock, the call
//! pseudonymizer, and the fallback markup rendered once at start.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::flow::Situation;
use crate::telemetry::Pseudonymizer;

pub struct App {
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub pseudonyms: Pseudonymizer,
    /// Fallback TwiML per language, rendered at start so that answering a
    /// failure cannot itself fail.
    pub twilio_fallback: BTreeMap<String, String>,
    /// Voicemail and callback requests on their way to the team.
    pub outbox: Arc<crate::outbox::Outbox>,
}

impl App {
    pub fn new(settings: Settings, clock: Arc<dyn Clock>) -> Arc<App> {
        let twilio_fallback = super::fallback::render_twilio(&settings, clock.now());
        let outbox = Arc::new(crate::outbox::Outbox::new_or_spool(&settings));
        Arc::new(App {
            outbox,
            settings,
            clock,
            pseudonyms: Pseudonymizer::random(),
            twilio_fallback,
        })
    }

    pub fn situation(&self, now: chrono::DateTime<chrono::Utc>) -> Situation<'_> {
        situation(&self.settings, now)
    }

    pub fn fallback_for(&self, lang: &str) -> String {
        self.twilio_fallback
            .get(lang)
            .or_else(|| {
                self.twilio_fallback
                    .get(&self.settings.flow.default_language)
            })
            .cloned()
            .unwrap_or_else(|| super::fallback::LAST_RESORT.to_owned())
    }
}

pub fn situation(settings: &Settings, now: chrono::DateTime<chrono::Utc>) -> Situation<'_> {
    Situation {
        now,
        schedule: &settings.schedule,
        hotline_name: &settings.hotline.name,
        email: &settings.hotline.email,
    }
}
