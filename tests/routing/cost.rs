//! The counsellor step costs the same for any team and any line: counted,
//! not timed. `INFO commandstats` counts every command Redis runs, those a
//! function (or script) runs included; the commands one counsellor-step request causes
//! must not change between 10, 1,000 and 10,000 configured counsellors, nor
//! between 10 and 2,000 callers waiting. Every request must be answered
//! (rung or queued), never refused.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use lotse::call::CallId;
use lotse::config::Phone;
use lotse::routing::{CounsellorId, PoolId, Presence, Strategy};

use crate::helpers::*;
use crate::*;

/// `lotse-test.toml` with a team of `n` (all speaking German).
async fn instance_with_team(redis: &RedisServer, n: usize) -> TestApp {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing/lotse-test.toml");
    let url = redis.url();
    let env = [
        ("LOTSE_TWILIO__AUTH_TOKEN", TOKEN),
        ("LOTSE_REDIS__URL", url.as_str()),
    ];
    let mut settings = settings_with_env(Some(&config), &env);
    let template = settings.counsellors[0].clone();
    settings.counsellors = (0..n)
        .map(|i| {
            let mut c = template.clone();
            c.id = CounsellorId::parse(&format!("t{i:05}")).unwrap();
            c.phone = Phone::parse(&format!("+4930231{i:05}")).unwrap();
            c.pools = vec![PoolId::parse("de").unwrap()];
            c
        })
        .collect();
    spawn_with(settings, OPEN).await
}

/// Commands Redis has run so far, by name (`INFO` itself left out).
async fn commands(conn: &mut redis::aio::MultiplexedConnection) -> BTreeMap<String, u64> {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(conn)
        .await
        .unwrap();
    info.lines()
        .filter_map(|l| {
            let (name, rest) = l.strip_prefix("cmdstat_")?.split_once(':')?;
            let calls = rest.strip_prefix("calls=")?.split(',').next()?;
            (name != "info").then(|| (name.to_owned(), calls.parse().unwrap()))
        })
        .collect()
}

/// What one request added to the counts.
async fn cost_of(
    conn: &mut redis::aio::MultiplexedConnection,
    request: impl std::future::Future<Output = Reply>,
) -> (BTreeMap<String, u64>, Reply) {
    let before = commands(conn).await;
    let reply = request.await;
    let after = commands(conn).await;
    let diff = after
        .into_iter()
        .map(|(k, v)| {
            let was = before.get(&k).copied().unwrap_or(0);
            (k, v - was)
        })
        .filter(|(_, v)| *v > 0)
        .collect();
    (diff, reply)
}

/// One new caller reaching the counsellor step, with the first `free` of
/// the team available, the next five ringing for other calls, `waiting`
/// callers in line, and then the same for a caller already waiting.
async fn step_costs(
    team: usize,
    free: usize,
    waiting: usize,
) -> Vec<(BTreeMap<String, u64>, String)> {
    let redis = RedisServer::start();
    let app = instance_with_team(&redis, team).await;
    let store = &app.app.store;
    let now = app.clock.now();
    let de = PoolId::parse("de").unwrap();
    let ring = Duration::from_secs(3600);
    for i in 0..5 {
        app.set(&format!("t{i:05}"), Presence::Available).await;
        let busy = CallId::parse(&format!("CAbusy{i}")).unwrap();
        let won = store
            .claim(&busy, &de, Strategy::LongestIdle, now, ring)
            .await
            .unwrap();
        assert!(won.is_some());
    }
    for i in 5..5 + free {
        app.set(&format!("t{i:05}"), Presence::Available).await;
    }
    for i in 0..waiting {
        let c = CallId::parse(&format!("CAwait{i:05}")).unwrap();
        store.enqueue(&c, &de, now).await.unwrap();
    }
    // Warm up: the connections are made and the script loaded.
    app.wants_counsellor("CAwarmup").await;
    let client = redis::Client::open(redis.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    commands(&mut conn).await;
    let mut out = Vec::new();
    let (cost, reply) = cost_of(&mut conn, app.wants_counsellor("CAmeasured")).await;
    out.push((cost, reply.body.clone()));
    if free == 0 {
        let (cost, turn) = cost_of(&mut conn, app.follow("CAmeasured", &reply.body)).await;
        out.push((cost, turn.body));
    }
    out
}

fn kind(body: &str) -> &'static str {
    if dialled(body).is_some() {
        "rung"
    } else if body.contains("hold.wav") {
        "waiting"
    } else {
        "refused"
    }
}

#[tokio::test]
async fn a_counsellor_step_costs_the_same_for_any_team() {
    let mut seen = Vec::new();
    for team in [10, 1_000, 10_000] {
        let costs = step_costs(team, 3, 0).await;
        let (cost, body) = &costs[0];
        assert_eq!(kind(body), "rung", "{team} counsellors: {body}");
        seen.push((team, cost.clone()));
    }
    let (_, first) = &seen[0];
    for (team, cost) in &seen {
        assert_eq!(
            cost, first,
            "commands with {team} counsellors differ: {seen:?}"
        );
    }
    let total: u64 = first.values().sum();
    println!("a counsellor step that rings: {total} commands {first:?}");
    assert_eq!(first.get("fcall"), Some(&1), "one function call: {first:?}");
    assert!(total < 100, "{first:?}");
}

#[tokio::test]
async fn a_hold_turn_costs_the_same_for_any_team_and_line() {
    let mut seen = Vec::new();
    for (team, waiting) in [(10, 10), (10, 2_000), (10_000, 10), (10_000, 2_000)] {
        let costs = step_costs(team, 0, waiting).await;
        for (_, body) in &costs {
            assert_eq!(
                kind(body),
                "waiting",
                "{team} counsellors, {waiting} waiting: {body}"
            );
        }
        seen.push((
            (team, waiting),
            costs.into_iter().map(|(c, _)| c).collect::<Vec<_>>(),
        ));
    }
    let (_, first) = &seen[0];
    for (at, costs) in &seen {
        assert_eq!(costs, first, "commands at {at:?} differ: {seen:?}");
    }
    for cost in first {
        let total: u64 = cost.values().sum();
        println!("a hold turn: {total} commands {cost:?}");
        assert_eq!(cost.get("fcall"), Some(&1), "one function call: {cost:?}");
    }
}
