//! Sign-in sessions of the counsellor page, kept server-side in memory.
//!
//! Why in memory and not signed cookies: sign-out (and an expiry) must end a
//! session for real, and there is no session secret to configure, rotate or
//! leak. The price: a restart signs everyone out (the page then shows the
//! sign-in form; presence in the store is untouched), and with several
//! `lotse` instances the proxy must keep a browser on one instance (sticky
//! sessions) — or the page signs in again. The cookie holds 256 random bits;
//! the map is keyed by their SHA-256, so the live cookie values exist only
//! in the browsers.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::http::api::Role;

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

#[derive(Default)]
pub struct Sessions {
    live: Mutex<HashMap<[u8; 32], Session>>,
}

/// The operating system's randomness failed: no session can be made safely.
#[derive(Debug)]
pub struct NoRandomness;

impl Sessions {
    /// Starts a session; returns the cookie value and the session.
    pub fn create(
        &self,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(String, Session), NoRandomness> {
        let id = random_hex()?;
        let session = Session {
            role,
            csrf: random_hex()?,
            expires: now + LIFETIME,
        };
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.retain(|_, s| s.expires > now);
        live.insert(key(&id), session.clone());
        Ok((id, session))
    }

    /// The live session for a cookie value, if it has not expired.
    pub fn get(&self, cookie: &str, now: DateTime<Utc>) -> Option<Session> {
        let live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.get(&key(cookie)).filter(|s| s.expires > now).cloned()
    }

    pub fn end(&self, cookie: &str) {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.remove(&key(cookie));
    }
}

fn key(cookie: &str) -> [u8; 32] {
    Sha256::digest(cookie.as_bytes()).into()
}

fn random_hex() -> Result<String, NoRandomness> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| NoRandomness)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::CounsellorId;

    #[test]
    fn sessions_expire_and_end() {
        let sessions = Sessions::default();
        let now = Utc::now();
        let anna = Role::Counsellor(CounsellorId::parse("anna").unwrap());
        let (cookie, s) = sessions.create(anna, now).unwrap();
        assert_eq!(cookie.len(), 64);
        assert_ne!(cookie, s.csrf);
        assert!(sessions
            .get(&cookie, now + LIFETIME - Duration::seconds(1))
            .is_some());
        assert!(sessions.get(&cookie, now + LIFETIME).is_none());
        assert!(sessions.get("forged", now).is_none());
        sessions.end(&cookie);
        assert!(sessions.get(&cookie, now).is_none());
    }
}
