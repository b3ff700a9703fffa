//! The counsellors' pages in the chaos world: each shows the store's state
//! and keeps its counsellor's lease alive the way `app.js` does, so the
//! store's repairs after an outage meet the same heartbeats as in service.

use lotse::routing::Presence;

use crate::world::{id, Event, Phase, World, TEAM};

impl World {
    /// What each counsellor's page does: it shows the store's state and
    /// renews the lease only while that state is on duty (as `app.js`
    /// does); a counsellor who is free and sees themselves offline or away
    /// signs in again.
    pub async fn presence(&mut self) {
        use lotse::routing::Status;
        let ttl = self.nodes[0].app.settings.routing.presence_ttl;
        let now = self.instant();
        for who in TEAM {
            let idle = {
                let p = &self.people[who];
                p.ringing.is_none() && p.talking.is_none()
            };
            let store = self.node().app.store.clone();
            let Ok(shown) = store.state(&id(who), now).await else {
                continue;
            };
            let status = shown.map_or(Status::Offline, |s| s.status);
            if matches!(status, Status::Offline | Status::Away) {
                if idle {
                    let _ = store
                        .set_status(&id(who), Presence::Available, now, ttl)
                        .await;
                }
            } else if status == Status::Available {
                let _ = store.heartbeat(&id(who), now, ttl).await;
            } else {
                // As the page does: it says it last saw a call, so a
                // rebuilt entry is not made available mid-conversation.
                let _ = store.heartbeat_held(&id(who), now, ttl).await;
            }
        }
        if self.calls.iter().any(|c| c.phase != Phase::Done) {
            self.plan(self.now + 15, Event::Presence);
        }
    }
}
