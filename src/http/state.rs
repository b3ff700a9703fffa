//! What every handler shares: the validated settings, the clock, the call
//! pseudonymizer, and the fallback markup rendered once at start.

use std::collections::BTreeMap;
use std::sync::Arc;

use secrecy::ExposeSecret;

use crate::clock::Clock;
use crate::config::Settings;
use crate::flow::Situation;
use crate::routing::{
    KeyPrefix, Member, MemoryStore, RedisStore, RedisTimeouts, Store, StoreError,
};
use crate::telemetry::Pseudonymizer;

pub struct App {
    pub settings: Settings,
    /// Presence, claims and the waiting line: Redis, or in memory.
    pub store: Store,
    /// Small shared records beside routing (replay markers, counters,
    /// sessions, bans): in the same Redis as `store`, or in memory.
    pub kv: crate::kv::Kv,
    pub clock: Arc<dyn Clock>,
    pub pseudonyms: Pseudonymizer,
    /// Fallback TwiML per language, rendered at start so that answering a
    /// failure cannot itself fail.
    pub twilio_fallback: BTreeMap<String, String>,
    /// Voicemail and callback requests on their way to the team.
    pub outbox: Arc<crate::outbox::Outbox>,
    /// Signed-in sessions of the counsellor page, in `kv` (see `page`).
    pub sessions: super::page::Sessions,
    /// Every Prometheus series of this process (see `crate::metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Bans, flood limits and the anonymous-caller check (`crate::abuse`).
    pub abuse: crate::abuse::Abuse,
    /// The sipgate.io adapter, with `[sipgate] enabled`.
    pub sipgate: Option<super::sipgate::Sipgate>,
    /// Store writes of callbacks the store could not take yet, replayed
    /// until it does (`lotse serve` runs its replayer).
    pub journal: Arc<crate::connect::Journal>,
}

impl App {
    /// Builds the shared state. With `[redis] url` this must run inside a
    /// Tokio runtime (the connection manager lives there); Redis itself need
    /// not be up: the store connects on first use and `/readyz` tells.
    pub fn new(settings: Settings, clock: Arc<dyn Clock>) -> Result<Arc<App>, StoreError> {
        let store = open_store(&settings)?;
        Ok(App::with_store(settings, clock, store))
    }

    pub fn with_store(settings: Settings, clock: Arc<dyn Clock>, store: Store) -> Arc<App> {
        let twilio_fallback = super::fallback::render_twilio(&settings, clock.now());
        let languages: Vec<String> = settings.flow.languages.keys().cloned().collect();
        let metrics = Arc::new(crate::metrics::Metrics::new(&languages));
        let mut outbox = crate::outbox::Outbox::new_or_spool(&settings);
        outbox.sent = metrics.emails_sent();
        outbox.repairs = metrics.durability.clone();
        let outbox = Arc::new(outbox);
        let kv = store.kv();
        let abuse = crate::abuse::Abuse::new(&settings, kv.clone(), metrics.clone());
        let sipgate = settings
            .sipgate
            .enabled
            .then(|| super::sipgate::Sipgate::new(&settings));
        let journal = crate::connect::Journal::new(store.clone(), metrics.durability.clone());
        Arc::new(App {
            sessions: super::page::Sessions::new(kv.clone()),
            journal: Arc::new(journal),
            kv,
            abuse,
            sipgate,
            metrics,
            outbox,
            settings,
            store,
            clock,
            pseudonyms: Pseudonymizer::random(),
            twilio_fallback,
        })
    }

    /// The configured team as the store knows it.
    pub fn team(&self) -> Vec<Member> {
        let team = &self.settings.counsellors;
        team.iter()
            .map(|c| Member {
                id: c.id.clone(),
                pools: c.pools.clone(),
            })
            .collect()
    }

    /// What one decision needs, at this instant of the app's clock.
    pub fn ctx(&self) -> crate::connect::Ctx<'_> {
        crate::connect::Ctx {
            settings: &self.settings,
            store: &self.store,
            journal: &self.journal,
            now: self.clock.now(),
            metrics: &self.metrics,
        }
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
        position: None,
    }
}

/// Redis keys are namespaced by the hotline's own number, so several
/// hotlines can share one Redis without seeing each other's teams.
fn open_store(settings: &Settings) -> Result<Store, StoreError> {
    let max_call = settings.routing.max_call;
    let Some(url) = &settings.redis_url else {
        return Ok(Store::Memory(MemoryStore::new()).with_max_call(max_call));
    };
    let hotline: String = settings
        .hotline
        .number
        .expose()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let prefix = KeyPrefix::new("lotse", &hotline)
        .ok_or_else(|| StoreError::Protocol("hotline number unusable as key".into()))?;
    let store = RedisStore::connect(url.expose_secret(), prefix, RedisTimeouts::default())?;
    Ok(Store::Redis(store).with_max_call(max_call))
}
