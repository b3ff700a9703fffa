//! `X-Twilio-Signature`: proof that a webhook really comes from Twilio.
//!
//! Twilio signs the URL it called (query included, exactly as sent) followed
//! by every POST parameter as `name` + `value`, sorted by name in byte order,
//! with HMAC-SHA1 keyed by the account's auth token, and sends it base64.
//! A locale-aware or case-insensitive sort gets `CallSid`/`Caller` wrong, so
//! we sort `str`s, whose `Ord` is byte order.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha1::Sha1;

type HmacSha1 = Hmac<Sha1>;

/// The signature Twilio would send for this request, base64 (standard, padded).
///
/// Repeated keys contribute each of their values, values sorted too.
pub fn compute(token: &[u8], url: &str, params: &[(String, String)]) -> String {
    STANDARD.encode(mac(token, url, params).finalize().into_bytes())
}

/// Whether `header` is a valid signature for this request under any of
/// `tokens` (several, so the auth token can be rotated without downtime).
///
/// The URL is tried as given and with its default port toggled
/// (`https://host:443/x` ≡ `https://host/x`), because Twilio is inconsistent
/// about which one it signs. The comparison is constant-time (`verify_slice`).
pub fn verify(
    tokens: &[SecretString],
    url: &str,
    params: &[(String, String)],
    header: &str,
) -> bool {
    let Ok(expected) = STANDARD.decode(header.trim()) else {
        return false;
    };
    let urls = [Some(url.to_owned()), port_variant(url)];
    tokens.iter().any(|token| {
        urls.iter().flatten().any(|u| {
            mac(token.expose_secret().as_bytes(), u, params)
                .verify_slice(&expected)
                .is_ok()
        })
    })
}

/// The MAC state over the URL and the sorted parameters, fed piecewise so the
/// signed string (which holds the caller's number) is never assembled.
fn mac(token: &[u8], url: &str, params: &[(String, String)]) -> HmacSha1 {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sorted.sort_unstable();
    let mut mac = HmacSha1::new_from_slice(token).expect("HMAC accepts keys of any length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// The same URL with its scheme's default port removed if present, or added
/// if absent. `None` for other schemes, non-default ports, or no authority.
fn port_variant(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let default = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    // The port follows the last ':' after any userinfo and IPv6 brackets.
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let after_brackets = authority.rfind(']').map_or(host_start, |i| i + 1);
    let (host, port) = match authority[after_brackets..].rfind(':') {
        Some(i) => authority.split_at(after_brackets + i),
        None => (authority, ""),
    };
    if host.len() == host_start {
        return None;
    }
    let authority = match port.strip_prefix(':') {
        Some(p) if p == default => host.to_owned(),
        Some(_) => return None,
        None => format!("{host}:{default}"),
    };
    Some(format!("{scheme}://{authority}{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const EXAMPLE_SIG: &str = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Twilio's published example, deliberately listed out of order.
    fn example() -> Vec<(String, String)> {
        pairs(&[
            ("To", "+18005551212"),
            ("Digits", "1234"),
            ("Caller", "+12349013030"),
            ("From", "+12349013030"),
            ("CallSid", "CA1234567890ABCDE"),
        ])
    }

    fn secrets(raw: &[&str]) -> Vec<SecretString> {
        raw.iter()
            .map(|t| SecretString::from(t.to_string()))
            .collect()
    }

    #[test]
    fn published_example() {
        assert_eq!(compute(b"12345", URL, &example()), EXAMPLE_SIG);
        assert!(verify(&secrets(&["12345"]), URL, &example(), EXAMPLE_SIG));
    }

    #[test]
    fn names_sort_in_byte_order() {
        // Byte order puts `CallSid` ('S' = 0x53) before `Caller` ('e' = 0x65);
        // a case-insensitive sort would not.
        let byte_order = "https://x/yCallSidCA1Calleranonymous";
        let params = pairs(&[("Caller", "anonymous"), ("CallSid", "CA1")]);
        assert_eq!(
            compute(b"t", "https://x/y", &params),
            compute(b"t", byte_order, &[])
        );
    }

    #[test]
    fn repeated_keys_sign_each_value_sorted() {
        let params = pairs(&[("b", "2"), ("a", "z"), ("a", "y"), ("a", "y")]);
        let by_hand = compute(b"t", "https://x/ayayazb2", &[]);
        assert_eq!(compute(b"t", "https://x/", &params), by_hand);
    }

    #[test]
    fn default_port_is_optional_either_way() {
        let tokens = secrets(&["12345"]);
        for (signed, called) in [
            (URL, "https://mycompany.com:443/myapp.php?foo=1&bar=2"),
            ("https://mycompany.com:443/myapp.php?foo=1&bar=2", URL),
            ("http://h.example/v", "http://h.example:80/v"),
            ("http://h.example:80/v", "http://h.example/v"),
        ] {
            let sig = compute(b"12345", signed, &example());
            assert!(
                verify(&tokens, called, &example(), &sig),
                "{signed} vs {called}"
            );
        }
        // A non-default port, or the wrong scheme's default, is a different URL.
        let sig = compute(b"12345", "https://h.example:8443/v", &[]);
        assert!(!verify(&tokens, "https://h.example/v", &[], &sig));
        let sig = compute(b"12345", "https://h.example:80/v", &[]);
        assert!(!verify(&tokens, "https://h.example/v", &[], &sig));
    }

    #[test]
    fn port_variants() {
        assert_eq!(
            port_variant("https://h/x?a=1").as_deref(),
            Some("https://h:443/x?a=1")
        );
        assert_eq!(port_variant("https://h:443").as_deref(), Some("https://h"));
        assert_eq!(
            port_variant("HTTP://u:p@h:80/").as_deref(),
            Some("HTTP://u:p@h/")
        );
        assert_eq!(
            port_variant("https://[::1]/x").as_deref(),
            Some("https://[::1]:443/x")
        );
        assert_eq!(
            port_variant("https://[::1]:443/x").as_deref(),
            Some("https://[::1]/x")
        );
        assert_eq!(port_variant("https://h:8443/x"), None);
        assert_eq!(port_variant("ftp://h/x"), None);
        assert_eq!(port_variant("/twilio/voice"), None);
        assert_eq!(port_variant("https:///x"), None);
    }

    #[test]
    fn any_of_several_tokens_is_accepted() {
        let rotated = secrets(&["old", "12345"]);
        assert!(verify(&rotated, URL, &example(), EXAMPLE_SIG));
        assert!(!verify(
            &secrets(&["old", "other"]),
            URL,
            &example(),
            EXAMPLE_SIG
        ));
        assert!(!verify(&[], URL, &example(), EXAMPLE_SIG));
    }

    #[test]
    fn any_change_is_rejected() {
        let tokens = secrets(&["12345"]);
        let mut changed = example();
        changed[1].1 = "1235".into();
        assert!(!verify(&tokens, URL, &changed, EXAMPLE_SIG));
        let mut extra = example();
        extra.push(("Extra".into(), String::new()));
        assert!(!verify(&tokens, URL, &extra, EXAMPLE_SIG));
        assert!(!verify(
            &tokens,
            "https://mycompany.com/myapp.php?foo=1&bar=3",
            &example(),
            EXAMPLE_SIG
        ));
        assert!(!verify(
            &tokens,
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            &example(),
            EXAMPLE_SIG
        ));
    }

    #[test]
    fn malformed_headers_are_rejected() {
        let tokens = secrets(&["12345"]);
        for header in [
            "",
            "not base64!",
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ",
            "AAAA",
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ==",
        ] {
            assert!(!verify(&tokens, URL, &example(), header), "{header:?}");
        }
    }
}
