//! Keeps the store's roster in step with the configuration: every configured
//! counsellor registered in the pools of their languages. Registration keeps
//! a counsellor's state, so repeating it is harmless; it is repeated so that
//! a Redis that restarted empty learns the team again without a deploy.

use std::time::Duration;

use chrono::Utc;
use tracing::{info, warn};

use super::{CounsellorId, PoolId, Store, StoreError};

/// One counsellor as the store needs them: id and pools, nothing personal.
#[derive(Clone, Debug)]
pub struct Member {
    pub id: CounsellorId,
    pub pools: Vec<PoolId>,
}

pub async fn register_all(store: &Store, team: &[Member]) -> Result<(), StoreError> {
    let now = Utc::now();
    for m in team {
        store.register(&m.id, &m.pools, now).await?;
    }
    Ok(())
}

/// Registers the team now and then every `every`, logging only changes
/// between "reachable" and "not reachable" so an outage is one line, not
/// one per tick.
pub async fn keep_registered(store: Store, team: Vec<Member>, every: Duration) {
    let mut healthy = None;
    loop {
        match register_all(&store, &team).await {
            Ok(()) if healthy != Some(true) => {
                info!(counsellors = team.len(), "roster registered in the store");
                healthy = Some(true);
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
