//! `[sipgate]`: the second provider, sipgate.io's push API. Off unless
//! `enabled`; everything else has a default that works against sipgate
//! itself. The call-control token is a secret (`LOTSE_SIPGATE__TOKEN`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

/// As written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SipgateSection {
    #[serde(default)]
    pub enabled: bool,
    /// PEM file with the public key that signs the webhooks, relative to
    /// the config file. Unset: sipgate's published key (built in).
    #[serde(default)]
    pub public_key_pem: Option<String>,
    /// Base URL of sipgate's REST API (call control: `DELETE /calls/{id}`).
    #[serde(default = "default_api_url")]
    pub api_url: String,
    /// The personal access token's id (`token-…`): with it the token goes
    /// out as HTTP basic auth, without it as a bearer (OAuth) token.
    #[serde(default, deserialize_with = "super::file::optional_scalar")]
    pub token_id: Option<String>,
    /// From `LOTSE_SIPGATE__TOKEN`, never from a committed file.
    #[serde(default, deserialize_with = "super::file::optional_secret")]
    pub token: Option<SecretString>,
    /// The TTS engine: a program and its arguments; `{voice}` becomes the
    /// language's voice, `{out}` the WAV file to write; the text comes on
    /// standard input.
    #[serde(default = "default_tts_command")]
    pub tts_command: Vec<String>,
    /// Voice per TTS language tag of the flow (`"de-DE" = "de+f3"`); a tag
    /// without an entry is passed as is (espeak-ng knows `de-DE`, `en-GB`).
    #[serde(default)]
    pub voices: std::collections::BTreeMap<String, String>,
    /// Rendered prompts, relative to the working directory (like the spool).
    #[serde(default = "default_cache_dir")]
    pub cache_dir: String,
    #[serde(default = "default_cache_max_mb")]
    pub cache_max_mb: u64,
}

impl Default for SipgateSection {
    fn default() -> Self {
        toml::from_str("").expect("every key has a default")
    }
}

fn default_api_url() -> String {
    "https://api.sipgate.com/v2".into()
}

fn default_tts_command() -> Vec<String> {
    [
        "espeak-ng",
        "-v",
        "{voice}",
        "-s",
        "150",
        "-w",
        "{out}",
        "--stdin",
    ]
    .map(String::from)
    .to_vec()
}

fn default_cache_dir() -> String {
    "var/audio".into()
}

fn default_cache_max_mb() -> u64 {
    256
}

/// Validated `[sipgate]`.
#[derive(Clone, Debug)]
pub struct Sipgate {
    pub enabled: bool,
    /// PEM text of the configured key; `None`: sipgate's own.
    pub public_key_pem: Option<String>,
    /// Without a trailing slash.
    pub api_url: String,
    pub token_id: Option<String>,
    pub token: Option<SecretString>,
    pub tts: Tts,
    pub cache_dir: PathBuf,
    pub cache_max_bytes: u64,
}

/// How prompts become speech.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tts {
    pub command: Vec<String>,
    pub voices: std::collections::BTreeMap<String, String>,
    /// A TTS run that takes longer is killed (the caller is waiting).
    pub timeout: Duration,
}

impl Tts {
    /// The voice for a flow's TTS tag (`de-DE`).
    pub fn voice(&self, tts_lang: &str) -> String {
        self.voices
            .get(tts_lang)
            .cloned()
            .unwrap_or_else(|| tts_lang.to_owned())
    }
}

pub(super) fn build(
    s: SipgateSection,
    config_dir: Option<&Path>,
    add: &mut dyn FnMut(&[&str], &str),
) -> Sipgate {
    let public_key_pem = s.public_key_pem.as_deref().and_then(|p| {
        let path = config_dir.map_or_else(|| PathBuf::from(p), |d| d.join(p));
        match std::fs::read_to_string(&path) {
            Ok(pem)
                if crate::providers::sipgate::signature::PublicKey::from_pem(&pem).is_some() =>
            {
                Some(pem)
            }
            Ok(_) => {
                add(
                    &["sipgate", "public_key_pem"],
                    &format!(
                        "{} holds no RSA public key (-----BEGIN PUBLIC KEY-----)",
                        path.display()
                    ),
                );
                None
            }
            Err(e) => {
                add(
                    &["sipgate", "public_key_pem"],
                    &format!("cannot read {}: {e}", path.display()),
                );
                None
            }
        }
    });
    let api_url = s.api_url.trim_end_matches('/').to_owned();
    if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
        add(
            &["sipgate", "api_url"],
            "must be an http(s) URL, e.g. https://api.sipgate.com/v2",
        );
    }
    if s.tts_command.is_empty() {
        add(&["sipgate", "tts_command"], "names no program");
    } else if !s.tts_command.iter().any(|a| a.contains("{out}")) {
        add(
            &["sipgate", "tts_command"],
            "must write to {out} (the WAV file lotse reads)",
        );
    }
    if s.cache_max_mb == 0 {
        add(&["sipgate", "cache_max_mb"], "must be at least 1");
    }
    Sipgate {
        enabled: s.enabled,
        public_key_pem,
        api_url,
        token_id: s.token_id.filter(|t| !t.trim().is_empty()),
        token: s.token,
        tts: Tts {
            command: s.tts_command,
            voices: s.voices,
            timeout: Duration::from_secs(10),
        },
        cache_dir: PathBuf::from(s.cache_dir),
        cache_max_bytes: s.cache_max_mb.saturating_mul(1024 * 1024),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(toml_text: &str) -> (Sipgate, Vec<String>) {
        let section: SipgateSection = toml::from_str(toml_text).unwrap();
        let mut errors = Vec::new();
        let s = build(section, None, &mut |path, msg| {
            errors.push(format!("{}: {msg}", path.join(".")))
        });
        (s, errors)
    }

    #[test]
    fn defaults_are_off_and_point_at_sipgate() {
        let (s, errors) = built("");
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!s.enabled);
        assert_eq!(s.api_url, "https://api.sipgate.com/v2");
        assert!(s.public_key_pem.is_none());
        assert_eq!(s.tts.voice("de-DE"), "de-DE");
    }

    #[test]
    fn mistakes_are_named() {
        let (_, errors) = built(
            "api_url = \"ftp://x\"\ntts_command = [\"espeak-ng\"]\npublic_key_pem = \"/nonexistent.pem\"\n",
        );
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors
            .iter()
            .any(|e| e.starts_with("sipgate.public_key_pem")));
        assert!(errors.iter().any(|e| e.starts_with("sipgate.api_url")));
        assert!(errors.iter().any(|e| e.starts_with("sipgate.tts_command")));
    }
}
