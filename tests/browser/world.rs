//! What the browser test runs against: a real `redis-server`, and `lotse`
//! built from a test config file (every day open all day, a 10 s lease so
//! heartbeats really happen, tokens as hashes), with a clock the test can
//! move forward so "after the lease TTL" takes no real waiting. `restart`
//! stops that `lotse` and starts a new one (nothing kept but the Redis and
//! the address), as a deploy or a crash would.
#![allow(clippy::result_large_err)] // figment::Jail's closures return figment's own Result

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use lotse::clock::Clock;
use lotse::config::Settings;
use lotse::http::{App, Server};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::redis_server::RedisServer;

pub const ANNA: &str = "anna-browser-token-31c7";
pub const BEN: &str = "ben-browser-token-9a02";
pub const OPERATOR: &str = "operator-browser-token-5be4";
pub const TWILIO_TOKEN: &str = "twilio-browser-token";
pub const PUBLIC_URL: &str = "http://lotse.test";
pub const TTL_S: i64 = 10;
/// `[abuse] key`: bans and flood limits are on, as in production.
pub const ABUSE_KEY: &str = "browser-abuse-key-5f0e2d7c9a1b3e4f6a8c0d2e";

/// Real time plus an offset the test moves forward.
#[derive(Default)]
pub struct ShiftClock(AtomicI64);

impl ShiftClock {
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds * 1000, Ordering::SeqCst);
    }
}

impl Clock for ShiftClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.0.load(Ordering::SeqCst))
    }
}

/// One running `lotse`: its state, and how to stop it.
struct Running {
    app: Arc<App>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

pub struct World {
    settings: Settings,
    running: Mutex<Option<Running>>,
    /// The `<Dial>` each call's ring answered with, by call id: what the
    /// counsellor's leg needs to pick up.
    pub dials: std::sync::Mutex<std::collections::HashMap<String, String>>,
    pub clock: Arc<ShiftClock>,
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub _redis: RedisServer,
    pub _dir: tempfile::TempDir,
}

fn hex_sha(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn config_text(redis_url: &str, flow: &Path) -> String {
    let all_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(|d| format!("{d} = \"00:00-24:00\""))
        .join(", ");
    format!(
        r#"
[hotline]
name = "Test-Hotline"
number = "+498003009944"
email = "info@example.org"

[schedule]
timezone = "Europe/Berlin"
hours = {{ {all_day} }}
holidays = "none"

[twilio]
public_url = "{PUBLIC_URL}"

[redis]
url = "{redis_url}"

[routing]
presence_ttl_s = {TTL_S}
wrap_up_s = 5

[api]
operator_token_sha256 = "{operator}"

[[counsellors]]
id = "anna"
name = "Anna"
phone = "+493023125001"
languages = ["de", "en"]
token_sha256 = "{anna}"

[[counsellors]]
id = "ben"
name = "Ben"
phone = "+493023125002"
languages = ["de"]
token_sha256 = "{ben}"

[flow]
path = "{flow}"
"#,
        operator = hex_sha(OPERATOR),
        anna = hex_sha(ANNA),
        ben = hex_sha(BEN),
        flow = flow.display(),
    )
}

impl World {
    pub async fn start() -> World {
        let redis = RedisServer::start();
        let dir = tempfile::tempdir().expect("tempdir");
        let flow = Path::new(env!("CARGO_MANIFEST_DIR")).join("call-flows/starke-stelle.toml");
        let path = dir.path().join("lotse.toml");
        std::fs::write(&path, config_text(&redis.url(), &flow)).expect("write config");
        let mut settings = None;
        figment::Jail::expect_with(|jail| {
            jail.set_env("LOTSE_TWILIO__AUTH_TOKEN", TWILIO_TOKEN);
            jail.set_env("LOTSE_ABUSE__KEY", ABUSE_KEY);
            settings = Some(lotse::config::load(Some(&path)).map_err(|e| e.to_string())?);
            Ok(())
        });
        let settings = settings.expect("test config");
        let clock = Arc::new(ShiftClock::default());
        let (running, addr) = serve(&settings, &clock, "127.0.0.1:0".parse().unwrap()).await;
        World {
            settings,
            running: Mutex::new(Some(running)),
            dials: Default::default(),
            clock,
            addr,
            http: reqwest::Client::new(),
            _redis: redis,
            _dir: dir,
        }
    }

    /// The running instance's state.
    pub fn app(&self) -> Arc<App> {
        let running = self.running.lock().unwrap();
        running.as_ref().expect("lotse is running").app.clone()
    }

    /// Stops `lotse` (requests in flight finish) and starts a new one on the
    /// same address and Redis: a restart, as after a deploy.
    pub async fn restart(&self) {
        let old = self
            .running
            .lock()
            .unwrap()
            .take()
            .expect("lotse is running");
        let _ = old.stop.send(());
        let mut task = old.task;
        if tokio::time::timeout(std::time::Duration::from_secs(10), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
        drop(old.app);
        let (running, _) = serve(&self.settings, &self.clock, self.addr).await;
        *self.running.lock().unwrap() = Some(running);
    }
}

async fn serve(
    settings: &Settings,
    clock: &Arc<ShiftClock>,
    addr: SocketAddr,
) -> (Running, SocketAddr) {
    let app = App::new(settings.clone(), clock.clone()).expect("store");
    lotse::routing::register_all(&app.store, &app.team(), app.clock.now())
        .await
        .expect("roster in redis");
    let server = Server::bind(app.clone(), addr).await.expect("bind");
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    (Running { app, stop, task }, addr)
}
