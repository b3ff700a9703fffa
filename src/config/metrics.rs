//! `[metrics]`: where `GET /metrics` is served and who may read it.
//!
//! Metrics carry no personal data, but they do show how many people call
//! and whether anyone is on duty; an operator whose main port faces the
//! internet (through the TLS proxy) should keep them off it: either a
//! separate `listen` address that only Prometheus reaches, or a bearer token
//! whose SHA-256 is configured here (the token itself never is).

use std::net::SocketAddr;

use serde::Deserialize;

use super::roster::parse_sha256;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSection {
    /// A separate address for `/metrics` (`LOTSE_METRICS__LISTEN`); then the
    /// main listener does not serve it at all.
    #[serde(default, deserialize_with = "super::file::optional_scalar")]
    pub listen: Option<String>,
    /// Hex SHA-256 of the bearer token Prometheus sends
    /// (`LOTSE_METRICS__TOKEN_SHA256`); absent: no token asked.
    #[serde(default, deserialize_with = "super::file::optional_scalar")]
    pub token_sha256: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    pub listen: Option<SocketAddr>,
    pub token_sha256: Option<[u8; 32]>,
}

pub(super) fn build(s: &MetricsSection, add: &mut dyn FnMut(&[&str], &str)) -> MetricsSettings {
    let listen = s.listen.as_deref().and_then(|raw| {
        let parsed = raw.parse::<SocketAddr>().ok();
        if parsed.is_none() {
            add(&["metrics", "listen"], "not an address like 127.0.0.1:9464");
        }
        parsed
    });
    let token_sha256 = s.token_sha256.as_deref().and_then(|hex| {
        let parsed = parse_sha256(hex);
        if parsed.is_none() {
            add(
                &["metrics", "token_sha256"],
                "not a hex SHA-256 (64 hex digits)",
            );
        }
        parsed
    });
    MetricsSettings {
        listen,
        token_sha256,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(listen: Option<&str>, token: Option<&str>) -> (MetricsSettings, Vec<String>) {
        let section = MetricsSection {
            listen: listen.map(str::to_owned),
            token_sha256: token.map(str::to_owned),
        };
        let mut errors = Vec::new();
        let m = build(&section, &mut |path, msg| {
            errors.push(format!("{}: {msg}", path.join(".")))
        });
        (m, errors)
    }

    #[test]
    fn absent_means_on_the_main_listener_without_token() {
        assert_eq!(built(None, None), (MetricsSettings::default(), vec![]));
    }

    #[test]
    fn address_and_hash_are_parsed_and_mistakes_named() {
        let hash = "a".repeat(64);
        let (m, errors) = built(Some("127.0.0.1:9464"), Some(&hash));
        assert!(errors.is_empty());
        assert_eq!(m.listen, Some("127.0.0.1:9464".parse().unwrap()));
        assert_eq!(m.token_sha256, Some([0xaa; 32]));
        let (_, errors) = built(Some("localhost"), Some("secret"));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("metrics.listen"));
        assert!(errors[1].starts_with("metrics.token_sha256"));
    }
}
