//! The `[routing]`, `[api]` and `[[counsellors]]` sections: who can be rung,
//! how, and who may change presence through the API.

use serde::Deserialize;

/// Routing knobs; the defaults are what a small hotline team needs.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingSection {
    pub strategy: String,
    pub ring_timeout_s: u32,
    pub max_attempts: u32,
    pub max_no_answer: u32,
    pub wrap_up_s: u32,
    pub max_wait_s: u32,
    pub presence_ttl_s: u32,
    pub present_caller_id: bool,
    /// Longest conversation: `<Dial timeLimit>`, and the store's deadline
    /// on `in_call` (plus a grace) should the call's end never be recorded.
    pub max_call_s: u32,
}

impl Default for RoutingSection {
    fn default() -> Self {
        Self {
            strategy: "longest-idle".into(),
            ring_timeout_s: 20,
            max_attempts: 3,
            max_no_answer: 2,
            wrap_up_s: 60,
            max_wait_s: 300,
            presence_ttl_s: 90,
            present_caller_id: false,
            max_call_s: 14_400,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSection {
    /// Hex SHA-256 of the operator's bearer token: the token itself is never
    /// written down anywhere `lotse` reads.
    #[serde(default)]
    pub operator_token_sha256: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounsellorEntry {
    pub id: String,
    pub name: String,
    /// E.164 or `sip:…`. Personal data: never logged.
    pub phone: String,
    pub languages: Vec<String>,
    /// Hex SHA-256 of the counsellor's bearer token; without one the
    /// counsellor cannot use the API or the page.
    #[serde(default)]
    pub token_sha256: Option<String>,
    /// Hex SHA-256 of `"<id>:<PIN>"` for presence by phone; without one the
    /// phone menu is not offered. Salted with the id so equal PINs differ.
    #[serde(default)]
    pub pin_sha256: Option<String>,
}

/// A hex SHA-256 as written in the config: 64 hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}
