//! For the tests that prove a caller's number never reaches the store, the
//! logs or `/metrics`: every form a number could leak in (digits,
//! national form, plain SHA-256 in hex and base64), and a dump of every key
//! and value of a Redis as text.

use base64::Engine;
use redis::Value as R;
use sha2::{Digest, Sha256};

/// `+493023125777` → its digits, national form, and the plain SHA-256 of
/// the number with and without `+`, as hex (both cases) and base64.
pub fn number_forms(number: &str) -> Vec<String> {
    let digits = number.trim_start_matches('+');
    let national = format!("0{}", &digits[2..]);
    let mut out = vec![digits.to_owned(), digits[2..].to_owned(), national];
    for text in [number, digits] {
        let digest = Sha256::digest(text.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        out.push(hex.to_uppercase());
        out.push(hex);
        for engine in [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ] {
            out.push(engine.encode(digest).trim_end_matches('=').to_owned());
        }
    }
    out
}

/// Panics naming the haystack and the form when any form of any number is
/// found in any haystack.
pub fn assert_absent(numbers: &[&str], haystacks: &[(&str, String)]) {
    for number in numbers {
        for needle in number_forms(number) {
            for (what, hay) in haystacks {
                assert!(!hay.contains(&needle), "{what} contains {needle}:\n{hay}");
            }
        }
    }
}

fn flatten(v: &R, out: &mut String) {
    match v {
        R::BulkString(b) => out.push_str(&String::from_utf8_lossy(b)),
        R::SimpleString(s) => out.push_str(s),
        R::Int(n) => out.push_str(&n.to_string()),
        R::Array(items) | R::Set(items) => items.iter().for_each(|i| {
            flatten(i, out);
            out.push(' ');
        }),
        R::Map(pairs) => pairs.iter().for_each(|(k, v)| {
            flatten(k, out);
            out.push(' ');
            flatten(v, out);
            out.push(' ');
        }),
        other => out.push_str(&format!("{other:?}")),
    }
}

/// Every key of the Redis at `url` with its whole value, one line each.
pub fn dump_redis(url: &str) -> String {
    let mut con = redis::Client::open(url).unwrap().get_connection().unwrap();
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut con).unwrap();
    let mut out = String::new();
    for key in keys {
        let kind: String = redis::cmd("TYPE").arg(&key).query(&mut con).unwrap();
        let mut cmd = match kind.as_str() {
            "string" => redis::cmd("GET"),
            "hash" => redis::cmd("HGETALL"),
            "zset" => redis::cmd("ZRANGE"),
            "list" => redis::cmd("LRANGE"),
            "set" => redis::cmd("SMEMBERS"),
            "stream" => redis::cmd("XRANGE"),
            other => panic!("a key of type {other}: {key}"),
        };
        cmd.arg(&key);
        match kind.as_str() {
            "zset" => cmd.arg(0).arg(-1).arg("WITHSCORES"),
            "list" => cmd.arg(0).arg(-1),
            "stream" => cmd.arg("-").arg("+"),
            _ => &mut cmd,
        };
        let value: R = cmd.query(&mut con).unwrap();
        out.push_str(&key);
        out.push('=');
        flatten(&value, &mut out);
        out.push('\n');
    }
    out
}
