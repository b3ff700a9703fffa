//! Logging set-up and the pseudonyms that keep personal data out of logs.
//!
//! Logging policy: dotted field names with units (`wait_ms`), each error
//! logged once where it is handled, and never a phone number, a token or a
//! request body. A call is identified by its [`CallKey`], a keyed hash of the
//! provider's call id: enough to follow one call through the log, useless for
//! looking the caller up in the provider's console.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tracing_subscriber::{fmt as tfmt, EnvFilter};

use crate::call::CallId;
use crate::config::LogFormat;

/// Installs the global subscriber; `RUST_LOG` filters (default `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tfmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Derives call pseudonyms. The key is random per process, so a log line
/// cannot be tied back to a provider call id even by someone holding the
/// code.
#[derive(Clone)]
pub struct Pseudonymizer {
    key: [u8; 32],
}

impl Pseudonymizer {
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self { key }
    }

    pub fn call_key(&self, call: &CallId) -> CallKey {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(call.as_str().as_bytes());
        let digest = mac.finalize().into_bytes();
        CallKey(digest[..6].iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// A call's pseudonym in logs: 12 hex characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallKey(String);

impl fmt::Display for CallKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_keys_are_stable_per_process_and_hide_the_id() {
        let p = Pseudonymizer::random();
        let id = CallId::parse("CA1234567890ABCDE").unwrap();
        assert_eq!(p.call_key(&id), p.call_key(&id));
        assert_eq!(p.call_key(&id).to_string().len(), 12);
        assert_ne!(p.call_key(&id), Pseudonymizer::random().call_key(&id));
        assert!(!p.call_key(&id).to_string().contains("1234567890"));
    }
}
