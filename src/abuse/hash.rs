//! Keyed hashes: the only form in which a caller's number (or a call id)
//! becomes part of a stored record. A phone number has so few possible
//! values that a plain hash of it is a lookup table away from the number;
//! an HMAC under a secret key is not.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::call::{CallId, E164Number};

/// Hex digits of a stored hash: 128 bits, plenty for a bounded ban list and
/// short enough for a URL an operator types.
pub const HASH_HEX: usize = 32;
/// What lists and logs show of a hash.
pub const PREFIX_HEX: usize = 8;

/// The configured keys; the first files new records, all are tried when a
/// caller is looked up (a rotation keeps older bans matching until they end).
#[derive(Clone)]
pub struct Keys(Vec<SecretString>);

impl Keys {
    pub fn new(keys: &[SecretString]) -> Keys {
        Keys(keys.to_vec())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The caller's hash under every key, the current key's first.
    pub fn caller(&self, number: &E164Number) -> Vec<String> {
        self.0
            .iter()
            .map(|k| mac(k, "caller", number.expose()))
            .collect()
    }

    /// The name a call's record is kept under: its id never appears in the
    /// store in clear.
    pub fn call(&self, call: &CallId) -> Option<String> {
        self.0.first().map(|k| mac(k, "call", call.as_str()))
    }
}

/// HMAC-SHA256 of `purpose:value`, as [`HASH_HEX`] lowercase hex digits.
/// The purpose keeps a call id and a number with equal digits apart.
fn mac(key: &SecretString, purpose: &str, value: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key.expose_secret().as_bytes())
        .expect("HMAC takes any key length");
    m.update(purpose.as_bytes());
    m.update(b":");
    m.update(value.as_bytes());
    let digest = m.finalize().into_bytes();
    digest[..HASH_HEX / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stored hash as it may come back from a URL: exactly [`HASH_HEX`]
/// lowercase hex digits, nothing else.
pub fn parse_hash(raw: &str) -> Option<&str> {
    let ok = raw.len() == HASH_HEX && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    ok.then_some(raw)
}

pub fn prefix(hash: &str) -> &str {
    &hash[..hash.len().min(PREFIX_HEX)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(raw: &[&str]) -> Keys {
        let keys: Vec<SecretString> = raw
            .iter()
            .map(|k| SecretString::from(k.to_string()))
            .collect();
        Keys::new(&keys)
    }

    #[test]
    fn a_number_hashes_per_key_and_never_to_its_plain_hash() {
        use sha2::Digest;
        let n = E164Number::parse("+493023125777").unwrap();
        let k = keys(&[&"a".repeat(32), &"b".repeat(32)]);
        let [first, second] = k.caller(&n).try_into().unwrap();
        assert_eq!(first.len(), HASH_HEX);
        assert_ne!(first, second);
        assert_eq!(k.caller(&n)[0], first, "stable");
        let plain: String = sha2::Sha256::digest(n.expose().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(!plain.starts_with(&first));
        assert!(!first.contains("3023125777"));
        let other = E164Number::parse("+493023125778").unwrap();
        assert_ne!(k.caller(&other)[0], first);
    }

    #[test]
    fn a_call_and_a_number_with_the_same_text_differ() {
        let k = keys(&[&"a".repeat(32)]);
        let n = E164Number::parse("+493023125777").unwrap();
        let c = CallId::parse("+493023125777").unwrap();
        assert_ne!(k.call(&c).unwrap(), k.caller(&n)[0]);
        assert_eq!(keys(&[]).call(&c), None);
    }

    #[test]
    fn only_well_formed_hashes_parse() {
        assert!(parse_hash(&"0a".repeat(16)).is_some());
        assert!(parse_hash(&"0A".repeat(16)).is_none());
        assert!(parse_hash("0a").is_none());
        assert!(parse_hash(&"0g".repeat(16)).is_none());
        assert_eq!(prefix(&"ab".repeat(16)), "abababab");
    }
}
