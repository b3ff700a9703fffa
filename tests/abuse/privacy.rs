//! After blocking, a flood and withheld calls: every key and value in
//! Redis, every log line and `/metrics` are searched for the callers'
//! numbers and their plain SHA-256 (hex and base64). None may be there.

use crate::helpers::CALLER;
use crate::scan::{assert_absent, dump_redis};
use crate::*;

#[tokio::test]
async fn no_number_or_plain_hash_of_one_in_redis_logs_or_metrics() {
    let redis = RedisServer::start();
    let env = [
        ("LOTSE_ABUSE__ANONYMOUS_CHECK", "0"),
        ("LOTSE_ABUSE__MAX_CALLS_PER_HOUR", "3"),
    ];
    let (a, b) = (instance(&redis, &env).await, instance(&redis, &env).await);
    a.anna_takes_a_call("CApriv0001", CALLER).await;
    let (status, _) = a.block(r#"{"reason":"harassment","days":5}"#).await;
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
    assert_absent(&[CALLER, OTHER], &haystacks);
}
