//! The configuration file as written: serde types that mirror
//! `config/lotse.toml` one to one. `deny_unknown_fields` everywhere, so a
//! typo is an error at start, never a silently ignored setting.

use std::collections::BTreeMap;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer};

pub use super::counsellors::{ApiSection, CounsellorEntry, RoutingSection};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub hotline: HotlineSection,
    pub schedule: ScheduleSection,
    #[serde(default)]
    pub server: ServerSection,
    #[serde(default)]
    pub twilio: TwilioSection,
    #[serde(default)]
    pub flow: FlowSection,
    #[serde(default)]
    pub log: LogSection,
    #[serde(default)]
    pub redis: RedisSection,
    #[serde(default)]
    pub routing: RoutingSection,
    #[serde(default)]
    pub api: ApiSection,
    #[serde(default)]
    pub counsellors: Vec<CounsellorEntry>,
    #[serde(default)]
    pub email: super::email::EmailSection,
    #[serde(default)]
    pub metrics: super::metrics::MetricsSection,
    #[serde(default)]
    pub abuse: super::abuse::AbuseSection,
    #[serde(default)]
    pub sipgate: super::sipgate::SipgateSection,
}

/// The shared store. Absent `url` → an embedded in-memory store (one
/// instance only). The URL may carry a password, so it is a secret
/// (`LOTSE_REDIS__URL`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSection {
    #[serde(default, deserialize_with = "optional_secret")]
    pub url: Option<SecretString>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotlineSection {
    pub name: String,
    /// The hotline's own number: what counsellors see as caller id.
    pub number: String,
    pub email: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSection {
    pub timezone: String,
    #[serde(default)]
    pub hours: BTreeMap<String, String>,
    #[serde(default = "default_holidays")]
    pub holidays: String,
    #[serde(default)]
    pub closed: Vec<String>,
}

fn default_holidays() -> String {
    "DE".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    #[serde(deserialize_with = "scalar_as_string")]
    pub listen: String,
    /// The public base URL every provider calls (and every URL in an answer
    /// starts with); `twilio.public_url` is the older name for it.
    #[serde(default)]
    pub public_url: Option<String>,
}

impl Default for ServerSection {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            public_url: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioSection {
    /// Kept for existing configs: the same as `[server] public_url`.
    #[serde(default)]
    pub public_url: Option<String>,
    /// One token, or several comma-separated while rotating. From the
    /// environment (`LOTSE_TWILIO__AUTH_TOKEN`), never from a committed file.
    #[serde(default, deserialize_with = "optional_secret")]
    pub auth_token: Option<SecretString>,
    #[serde(default = "yes")]
    pub verify_signatures: bool,
}

impl Default for TwilioSection {
    fn default() -> Self {
        toml::from_str("").expect("every key has a default")
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowSection {
    /// The call flow, relative to the config file's directory. Absent (or
    /// no `[flow]` at all): the built-in flow, wherever the file lives, so
    /// a config copied to `/etc/lotse/` needs no `call-flows/` beside it.
    pub path: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    #[serde(default)]
    pub format: LogFormat,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The environment layer parses `LOTSE_TWILIO__AUTH_TOKEN=12345` as a number;
/// a token or an address is text whatever its characters look like.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Int(n) => n.to_string(),
            Scalar::UInt(n) => n.to_string(),
            Scalar::Float(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

fn scalar_as_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Scalar::deserialize(d).map(Scalar::into_string)
}

/// An optional text setting that the environment layer may have typed as
/// a number (a hex hash of digits only, a port).
pub(super) fn optional_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?.map(Scalar::into_string))
}

pub(super) fn optional_secret<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<SecretString>, D::Error> {
    let raw = Option::<Scalar>::deserialize(d)?.map(Scalar::into_string);
    Ok(raw.filter(|s| !s.trim().is_empty()).map(SecretString::from))
}
