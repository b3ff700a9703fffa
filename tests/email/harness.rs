//! A `lotse` with Redis and SMTP configured the way an operator would (the
//! `LOTSE_…` environment), with fast retries; its sender runs as a task that
//! a test can abort to "restart" the service. Logs of the whole binary are
//! captured so that tests can look for the caller's number in them.
#![allow(clippy::result_large_err)] // figment::Jail's closures return figment's own Result

use std::sync::Arc;
use std::time::{Duration, Instant};

use lotse::clock::{FixedClock, SystemClock};
use lotse::config;
use lotse::http::{App, Server};
use tokio::task::JoinHandle;

use crate::helpers::{instant, TestApp, TOKEN};

/// Everything logged by any test in this binary so far, at TRACE level.
pub fn logs() -> String {
    crate::captured_logs::captured_logs()
}

pub struct Running {
    pub http: TestApp,
    pub app: Arc<App>,
    pub sender: JoinHandle<()>,
}

pub async fn start(redis_url: &str, smtp_port: u16, spool: &std::path::Path, at: &str) -> Running {
    start_with(redis_url, smtp_port, spool, at, &[]).await
}

/// [`start`] with more `LOTSE_…` variables; an empty `redis_url` means
/// the embedded queue, `smtp_port` 0 means no SMTP (the spool directory).
pub async fn start_with(
    redis_url: &str,
    smtp_port: u16,
    spool: &std::path::Path,
    at: &str,
    extra: &[(&str, &str)],
) -> Running {
    logs();
    let mut settings = None;
    figment::Jail::expect_with(|jail| {
        jail.set_env("LOTSE_TWILIO__AUTH_TOKEN", TOKEN);
        jail.set_env("LOTSE_REDIS__URL", redis_url); // empty: none
        if smtp_port != 0 {
            let url = format!("smtp://127.0.0.1:{smtp_port}");
            jail.set_env("LOTSE_EMAIL__SMTP_URL", url);
        }
        jail.set_env("LOTSE_EMAIL__SPOOL_DIR", spool.display());
        jail.set_env("LOTSE_EMAIL__RETRY_FIRST_S", "0.05");
        jail.set_env("LOTSE_EMAIL__RETRY_MAX_S", "0.2");
        jail.set_env("LOTSE_EMAIL__CLAIM_IDLE_S", "0.5");
        jail.set_env("LOTSE_EMAIL__POLL_S", "0.02");
        for (k, v) in extra {
            jail.set_env(k, v);
        }
        settings = Some(config::load(None).map_err(|e| e.to_string())?);
        Ok(())
    });
    let clock = Arc::new(FixedClock::new(instant(at)));
    let app = App::new(settings.unwrap(), clock.clone()).expect("store");
    let server = Server::bind(app.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.run(std::future::pending()));
    let sender = lotse::outbox::sender::spawn(app.outbox.clone(), Arc::new(SystemClock));
    Running {
        http: TestApp {
            app: app.clone(),
            addr,
            clock,
            client: reqwest::Client::new(),
        },
        app,
        sender,
    }
}

/// Polls `check` until it holds, failing after a generous deadline: the
/// tests wait for behaviour, never for a fixed time.
pub async fn until<F: FnMut() -> bool>(what: &str, mut check: F) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
