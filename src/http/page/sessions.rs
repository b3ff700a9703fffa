//! Sign-in sessions of the counsellor page, kept server-side in the shared
//! store (`crate::kv`): in Redis when `[redis] url` is set, so a restart of
//! `lotse` keeps everyone signed in and any instance serves any browser (no
//! sticky sessions behind a proxy); in memory with the embedded store, where
//! a restart signs the page out (presence in the store is untouched).
//!
//! Why server-side and not signed cookies: sign-out (and an expiry) must end
//! a session for real, and there is no session secret to configure, rotate
//! or leak. The cookie holds 256 random bits; the store knows only their
//! SHA-256 (`page-session:<hex>`), so the live cookie values exist only in
//! the browsers, and reading the store does not sign anyone in.
//!
//! A session lasts [`LIFETIME`] from sign-in, fixed (not extended by use):
//! a lost or shared device is signed out by the next morning at the latest.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::http::api::Role;
use crate::kv::Kv;
use crate::routing::{CounsellorId, StoreError};

/// Long enough for a shift with breaks; the counsellor signs in once a day.
pub const LIFETIME: Duration = Duration::hours(12);

#[derive(Clone, Debug)]
pub struct Session {
    pub role: Role,
    /// Sent back by the page in `X-CSRF-Token` on every state change: a
    /// cross-site request carries the cookie (in old browsers) but cannot
    /// read this value.
    pub csrf: String,
    pub expires: DateTime<Utc>,
}

/// A session as the store keeps it.
#[derive(Serialize, Deserialize)]
struct Stored {
    /// `operator`, or the counsellor's id.
    who: String,
    counsellor: bool,
    csrf: String,
    expires: DateTime<Utc>,
}

impl Stored {
    fn of(s: &Session) -> Stored {
        let (who, counsellor) = match &s.role {
            Role::Operator => ("operator".to_owned(), false),
            Role::Counsellor(id) => (id.to_string(), true),
        };
        Stored {
            who,
            counsellor,
            csrf: s.csrf.clone(),
            expires: s.expires,
        }
    }

    fn session(self) -> Option<Session> {
        let role = if self.counsellor {
            Role::Counsellor(CounsellorId::parse(&self.who)?)
        } else {
            Role::Operator
        };
        Some(Session {
            role,
            csrf: self.csrf,
            expires: self.expires,
        })
    }
}

pub struct Sessions {
    kv: Kv,
}

#[derive(Debug)]
pub enum SessionError {
    /// The operating system's randomness failed: no session can be made safely.
    NoRandomness,
    Store(StoreError),
}

impl From<StoreError> for SessionError {
    fn from(e: StoreError) -> Self {
        SessionError::Store(e)
    }
}

impl Sessions {
    pub fn new(kv: Kv) -> Self {
        Sessions { kv }
    }

    /// Starts a session; returns the cookie value and the session.
    pub async fn create(
        &self,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(String, Session), SessionError> {
        let id = random_hex().ok_or(SessionError::NoRandomness)?;
        let session = Session {
            role,
            csrf: random_hex().ok_or(SessionError::NoRandomness)?,
            expires: now + LIFETIME,
        };
        let value = serde_json::to_string(&Stored::of(&session))
            .map_err(|e| StoreError::Protocol(e.to_string()))?;
        let ttl = LIFETIME.to_std().unwrap_or_default();
        self.kv.put(&name(&id), &value, ttl, now).await?;
        Ok((id, session))
    }

    /// The live session for a cookie value, if it has not expired. A store
    /// that does not answer is an error, not a sign-out.
    pub async fn get(
        &self,
        cookie: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        let Some(value) = self.kv.get(&name(cookie), now).await? else {
            return Ok(None);
        };
        let session = serde_json::from_str::<Stored>(&value)
            .ok()
            .and_then(Stored::session);
        Ok(session.filter(|s| s.expires > now))
    }

    pub async fn end(&self, cookie: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.kv.remove(&name(cookie), now).await.map(|_| ())
    }
}

/// The store's name for a session: the cookie value's SHA-256 (the value
/// has 256 random bits, so no key is needed to make the hash unguessable).
fn name(cookie: &str) -> String {
    let digest = Sha256::digest(cookie.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("page-session:{hex}")
}

fn random_hex() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::MemoryKv;

    #[tokio::test]
    async fn sessions_expire_and_end() {
        let kv = Kv::Memory(MemoryKv::new());
        let sessions = Sessions::new(kv.clone());
        let now = Utc::now();
        let anna = Role::Counsellor(CounsellorId::parse("anna").unwrap());
        let (cookie, s) = sessions.create(anna.clone(), now).await.unwrap();
        assert_eq!(cookie.len(), 64);
        assert_ne!(cookie, s.csrf);
        let later = now + LIFETIME - Duration::seconds(1);
        let found = sessions.get(&cookie, later).await.unwrap().unwrap();
        assert_eq!(found.role, anna);
        assert_eq!(found.csrf, s.csrf);
        assert!(sessions
            .get(&cookie, now + LIFETIME)
            .await
            .unwrap()
            .is_none());
        assert!(sessions.get("forged", now).await.unwrap().is_none());
        sessions.end(&cookie, now).await.unwrap();
        assert!(sessions.get(&cookie, now).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_store_never_holds_the_cookie_value() {
        let kv = Kv::Memory(MemoryKv::new());
        let sessions = Sessions::new(kv.clone());
        let now = Utc::now();
        let (cookie, _) = sessions.create(Role::Operator, now).await.unwrap();
        assert!(kv
            .get(&format!("page-session:{cookie}"), now)
            .await
            .unwrap()
            .is_none());
        let stored = kv.get(&name(&cookie), now).await.unwrap().unwrap();
        assert!(!stored.contains(&cookie), "{stored}");
        // Another instance on the same store serves the same browser.
        let other = Sessions::new(kv);
        assert_eq!(
            other.get(&cookie, now).await.unwrap().unwrap().role,
            Role::Operator
        );
    }
}
