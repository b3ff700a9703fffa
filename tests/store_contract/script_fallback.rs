//! A Redis without functions (before 7.0, or `FUNCTION` refused): the store
//! runs the same code as a script (`EVALSHA`) and behaves the same.

use lotse::routing::{KeyPrefix, RedisStore, Store};

use crate::redis_server::RedisServer;

/// A store of its own hotline on `server`, as each case expects.
fn store_for(server: &RedisServer, hotline: &str) -> Store {
    let prefix = KeyPrefix::new("fallback", hotline).unwrap();
    Store::Redis(RedisStore::connect(&server.url(), prefix, Default::default()).unwrap())
}

async fn calls_of(server: &RedisServer, command: &str) -> u64 {
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut conn)
        .await
        .unwrap();
    let prefix = format!("cmdstat_{command}:calls=");
    info.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|rest| rest.split(',').next())
        .map_or(0, |n| n.parse().unwrap())
}

#[tokio::test]
async fn without_functions_the_store_runs_as_a_script() {
    let server = RedisServer::start_with(&["--rename-command", "FUNCTION", ""]);
    let store = store_for(&server, "a");
    crate::fair_line_cases::a_caller_behind_takes_whom_the_first_has_tried(&store).await;
    let store = store_for(&server, "b");
    crate::deadline_cases::a_late_answer_holds_a_talking_counsellor(&store).await;
    assert!(calls_of(&server, "evalsha").await > 10);
}

#[tokio::test]
async fn with_functions_every_operation_is_one_fcall() {
    let server = RedisServer::start();
    let store = store_for(&server, "a");
    crate::fair_line_cases::nobody_left_untried_leaves_the_line(&store).await;
    assert_eq!(calls_of(&server, "evalsha").await, 0);
    assert!(calls_of(&server, "fcall").await > 5);
    // A Redis that restarted empty lost the library: it is loaded again.
    drop(store);
    let mut server = server;
    server.restart();
    let store = store_for(&server, "b");
    crate::deadline_cases::a_call_answered_or_over_claims_nobody(&store).await;
    assert_eq!(calls_of(&server, "evalsha").await, 0);
}
