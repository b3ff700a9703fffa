//! What `lotse simulate` sets up around a walk, for every provider: the
//! instant from the command line, an in-memory store with the team on
//! duty, and the schedule's decision at that instant.

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::connect::Ctx;
use crate::metrics::Metrics;
use crate::routing::{MemoryStore, Presence, Store, StoreError};
use crate::schedule::{ClosedReason, Decision};

pub(super) fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 instant: {e}"))
}

/// Open or closed at `at`: (open, reason, holiday, next_open, closes_at).
pub(super) type Decided = (
    bool,
    Option<&'static str>,
    Option<&'static str>,
    Option<String>,
    Option<String>,
);

pub(super) fn decision(settings: &Settings, at: DateTime<Utc>) -> Decided {
    match settings.schedule.decide(at) {
        Decision::Open { closes_at } => (true, None, None, None, Some(closes_at.to_rfc3339())),
        Decision::Closed { reason, next_open } => {
            let holiday = match &reason {
                ClosedReason::Holiday(h) => Some(h.name_de),
                _ => None,
            };
            let next = next_open.map(|t| t.to_rfc3339());
            (false, Some(reason.code()), holiday, next, None)
        }
    }
}

/// An in-memory store with the team registered and `available` of those
/// who speak `lang` set available at `at`.
async fn simulated_store(
    settings: &Settings,
    at: DateTime<Utc>,
    lang: &str,
    available: usize,
) -> Result<Store, StoreError> {
    let store = Store::Memory(MemoryStore::new());
    for c in &settings.counsellors {
        store.register(&c.id, &c.pools, at).await?;
    }
    let speakers = settings
        .counsellors
        .iter()
        .filter(|c| c.pools.iter().any(|p| p.as_str() == lang));
    for c in speakers.take(available) {
        store
            .set_status(
                &c.id,
                Presence::Available,
                at,
                settings.routing.presence_ttl,
            )
            .await?;
    }
    Ok(store)
}

/// The store and the (unregistered) metrics a simulated call runs on.
pub(super) struct World {
    store: Store,
    metrics: Metrics,
}

impl World {
    /// The team registered, `available` of those who speak `lang` on duty.
    pub(super) async fn new(
        settings: &Settings,
        at: DateTime<Utc>,
        lang: &str,
        available: usize,
    ) -> Result<World, StoreError> {
        let languages: Vec<String> = settings.flow.languages.keys().cloned().collect();
        Ok(World {
            store: simulated_store(settings, at, lang, available).await?,
            // A simulated call counts nowhere.
            metrics: Metrics::new(&languages),
        })
    }

    pub(super) fn ctx<'a>(&'a self, settings: &'a Settings, at: DateTime<Utc>) -> Ctx<'a> {
        Ctx {
            settings,
            store: &self.store,
            now: at,
            metrics: &self.metrics,
        }
    }
}
