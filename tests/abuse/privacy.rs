//! After blocking, a flood and withheld calls: every key and value in
//! Redis, every log line and `/metrics` are searched for the callers'
//! numbers and their plain SHA-256 (hex and base64). None may be there.

use base64::Engine;
use redis::Value as R;

use crate::helpers::CALLER;
use crate::*;

/// Every form in which a number could leak.
fn forbidden(number: &str) -> Vec<String> {
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

/// Every key with its whole value, as text.
pub fn dump_redis(url: &str) -> String {
    let mut con = redis::Client::open(url).unwrap().get_connection().unwrap();
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut con).unwrap();
    assert!(!keys.is_empty());
    let mut out = String::new();
    for key in keys {
        let kind: String = redis::cmd("TYPE").arg(&key).query(&mut con).unwrap();
        let value: R = match kind.as_str() {
            "string" => redis::cmd("GET").arg(&key).query(&mut con),
            "hash" => redis::cmd("HGETALL").arg(&key).query(&mut con),
            "zset" => redis::cmd("ZRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .arg("WITHSCORES")
                .query(&mut con),
            "list" => redis::cmd("LRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .query(&mut con),
            "set" => redis::cmd("SMEMBERS").arg(&key).query(&mut con),
            "stream" => redis::cmd("XRANGE")
                .arg(&key)
                .arg("-")
                .arg("+")
                .query(&mut con),
            other => panic!("a key of type {other}: {key}"),
        }
        .unwrap();
        out.push_str(&key);
        out.push('=');
        flatten(&value, &mut out);
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn no_number_or_plain_hash_of_one_in_redis_logs_or_metrics() {
    let redis = RedisServer::start();
    let env = [
        ("LOTSE_ABUSE__ANONYMOUS_CHECK", "0"),
        ("LOTSE_ABUSE__MAX_CALLS_PER_HOUR", "3"),
    ];
    let (a, b) = (instance(&redis, &env).await, instance(&redis, &env).await);
    a.anna_takes_a_call("CApriv0001", CALLER).await;
    let (status, _) = a
        .api(
            "POST",
            "/api/v1/me/block",
            ANNA,
            Some(r#"{"reason":"harassment","days":5}"#),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(b.new_call("CApriv0002", CALLER).await, Heard::Refused);
    for i in 0..5 {
        b.new_call(&format!("CApriv1{i:03}"), OTHER).await;
    }
    assert_eq!(a.new_call("CApriv2000", "anonymous").await, Heard::Check);
    let (_, list) = a.api("GET", "/api/v1/blocks", OPERATOR, None).await;
    // The live call's record (CApriv0001 never ended) is in the dump too.
    let mut haystacks = vec![
        ("redis", dump_redis(&redis.url())),
        ("logs", logs::captured_logs()),
        ("metrics a", a.get("/metrics").await.1),
        ("metrics b", b.get("/metrics").await.1),
        ("ban list", list.to_string()),
    ];
    assert!(haystacks[0].1.contains("abuse:bans"), "{}", haystacks[0].1);
    assert!(
        haystacks[1].1.contains("caller blocked"),
        "the block is logged"
    );
    a.hang_up("CApriv0001", CALLER).await;
    haystacks.push(("redis after the call", dump_redis(&redis.url())));
    for number in [CALLER, OTHER] {
        for needle in forbidden(number) {
            for (what, hay) in &haystacks {
                assert!(!hay.contains(&needle), "{what} contains {needle}:\n{hay}");
            }
        }
    }
}
