//! Keeps the store's roster in step with the configuration: every configured
//! counsellor registered in the pools of their languages. Registration keeps
//! a counsellor's state, so repeating it is harmless; it is repeated so that
//! a Redis that restarted empty learns the team again without a deploy.
//! The same task logs what the store did on its own meanwhile (a call ended
//! at its deadline, an entry rebuilt): counsellor ids only, never a caller.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tracing::{info, warn};

use crate::clock::Clock;

use super::{CounsellorId, PoolId, Store, StoreError, StoreEvent};

/// One counsellor as the store needs them: id and pools, nothing personal.
#[derive(Clone, Debug)]
pub struct Member {
    pub id: CounsellorId,
    pub pools: Vec<PoolId>,
}

pub async fn register_all(
    store: &Store,
    team: &[Member],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let pairs: Vec<_> = team
        .iter()
        .map(|m| (m.id.clone(), m.pools.clone()))
        .collect();
    store.register_many(&pairs, now).await
}

/// Logs each event once; the counsellor id names a role, not a person's
/// number, and no call id is involved.
pub fn log_events(events: &[StoreEvent]) {
    for e in events {
        match e {
            StoreEvent::CallForceEnded(id) => warn!(
                counsellor = %id,
                "call ended by the store: in_call past routing.max_call_s, its end was never recorded"
            ),
            StoreEvent::RosterRepaired(id) => warn!(
                counsellor = %id,
                "counsellor entry had vanished from the store (eviction or deletion); rebuilt as offline"
            ),
        }
    }
}

/// Registers the team now and then every `every`, logging only changes
/// between "reachable" and "not reachable" so an outage is one line, not
/// one per tick.
pub async fn keep_registered(
    store: Store,
    team: Vec<Member>,
    every: Duration,
    clock: Arc<dyn Clock>,
) {
    let mut healthy = None;
    loop {
        let done = async {
            // The app's clock, as for every other store operation: the store
            // applies deadlines at the `now` it is given.
            register_all(&store, &team, clock.now()).await?;
            store.take_events(clock.now()).await
        };
        match done.await {
            Ok(events) => {
                log_events(&events);
                if healthy != Some(true) {
                    info!(counsellors = team.len(), "roster registered in the store");
                    healthy = Some(true);
                }
            }
            Err(e) if healthy != Some(false) => {
                warn!(error = %e, "cannot register the roster; retrying");
                healthy = Some(false);
            }
            _ => {}
        }
        tokio::time::sleep(every).await;
    }
}
