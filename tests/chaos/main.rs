//! The chaos test: 200 simulated calls over two `lotse` instances sharing
//! one real `redis-server`, with a real SMTP server for the voicemails.
//! Counsellors answer, decline and do not answer; callers wait, give up,
//! leave messages; Twilio repeats recording callbacks. Meanwhile Redis is
//! killed twice (and comes back with its data, as with persistence) and
//! emptied once with `FLUSHALL`.
//!
//! What must hold (see `checks`): no counsellor is ever dialled or bridged
//! while talking to or being rung for another caller; whenever Redis is up
//! and every kept write has landed, the store's picture of each counsellor
//! is honest, and kept writes land within 30 s of Redis returning; after
//! the last call everyone is available again; every recording Twilio was
//! told was taken became exactly one email; no log line carries a call id
//! or a phone number. And: no caller holds while a counsellor they have
//! not tried is available (the fair line).
//!
//! Time is simulated (one shared clock, jumping from event to event), so
//! twenty minutes of calls take seconds. The seed comes from
//! `CHAOS_SEED` (decimal or 0x-hex; not `LOTSE_…`, which is configuration)
//! or is fixed; a failure prints it.
//! Both instances share one spool directory, as two `lotse` processes on
//! one host do (see README, "Voicemail and the email outbox").

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../support/python.rs"]
mod python;
#[allow(dead_code)]
#[path = "../support/redis_server.rs"]
mod redis_server;
#[allow(dead_code)]
#[path = "../email/servers.rs"]
mod servers;

mod calls;
mod checks;
mod logs;
mod pages;
mod rng;
mod wire;
mod world;

use std::path::Path;
use std::sync::Arc;

use lotse::clock::{FixedClock, SystemClock};
use lotse::http::App;

use helpers::{instant, settings_with_env, CALLER, TOKEN};
use redis_server::RedisServer;
use servers::Smtp;
use wire::Node;
use world::World;

const CALLS: usize = 200;
const SEED: u64 = 0x10753_c4a05;

fn seed() -> u64 {
    let Ok(raw) = std::env::var("CHAOS_SEED") else {
        return SEED;
    };
    let parsed = match raw.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => raw.parse(),
    };
    parsed.unwrap_or_else(|_| panic!("CHAOS_SEED={raw:?} is not a number"))
}

/// Prints the seed if the test fails, however it fails.
struct SeedOnPanic(u64);

impl Drop for SeedOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("chaos test failed; replay it with CHAOS_SEED={:#x}", self.0);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_calls_survive_redis_outages_and_a_flushall() {
    let seed = seed();
    let _seed = SeedOnPanic(seed);
    logs::capture();
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool");
    let maildir = dir.path().join("mail");
    let redis = RedisServer::start_with(&["--appendonly", "yes", "--appendfsync", "always"]);
    let smtp = Smtp::start_any(&maildir);
    let start = instant("2026-03-30T10:00:00+02:00");
    let clock = Arc::new(FixedClock::new(start));
    let mut nodes = Vec::new();
    for _ in 0..2 {
        let app = App::new(settings(&redis, smtp.port, &spool), clock.clone()).expect("app");
        register(&app).await;
        tokio::spawn(lotse::connect::journal::spawn(app.journal.clone()));
        lotse::outbox::sender::spawn(app.outbox.clone(), Arc::new(SystemClock));
        nodes.push(Node::start(app).await);
    }
    let mut world = World::new(seed, start, clock, nodes, redis, spool);
    world.run(CALLS).await;
    world.check_everyone_back().await;
    world.check_emails(&maildir).await;
    let r = &world.report;
    eprintln!(
        "chaos seed {seed:#x}: {} dialled, {} bridged, {} held, {} recordings, {} writes kept through outages",
        r.dialled,
        r.bridged,
        r.held,
        r.recordings.len(),
        r.kept_writes
    );
    assert!(
        r.bridged > 20 && r.held > 5 && r.recordings.len() > 5,
        "a story worth telling"
    );
    assert!(r.kept_writes > 0, "some callbacks met a Redis outage");
    assert!(
        r.violations.is_empty(),
        "seed {seed:#x}:\n{}",
        r.violations.join("\n")
    );
    logs::assert_private(
        &world
            .calls
            .iter()
            .map(|c| c.sid.as_str())
            .collect::<Vec<_>>(),
        CALLER,
    );
    assert!(
        r.unfair.is_empty(),
        "seed {seed:#x}: the fair line (issue 9.1):\n{}",
        r.unfair.join("\n")
    );
}

/// The roster, as `serve` registers it (retrying while Redis warms up).
async fn register(app: &App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while let Err(e) = lotse::routing::register_all(&app.store, &app.team(), app.clock.now()).await
    {
        assert!(std::time::Instant::now() < deadline, "roster: {e}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn settings(redis: &RedisServer, smtp_port: u16, spool: &Path) -> lotse::config::Settings {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing/lotse-test.toml");
    let smtp = format!("smtp://127.0.0.1:{smtp_port}");
    let spool = spool.display().to_string();
    settings_with_env(
        Some(&config),
        &[
            ("LOTSE_TWILIO__AUTH_TOKEN", TOKEN),
            ("LOTSE_REDIS__URL", &redis.url()),
            ("LOTSE_EMAIL__SMTP_URL", &smtp),
            ("LOTSE_EMAIL__SPOOL_DIR", &spool),
            ("LOTSE_EMAIL__RETRY_FIRST_S", "0.05"),
            ("LOTSE_EMAIL__RETRY_MAX_S", "0.2"),
            ("LOTSE_EMAIL__CLAIM_IDLE_S", "10"),
            ("LOTSE_EMAIL__POLL_S", "0.02"),
        ],
    )
}
