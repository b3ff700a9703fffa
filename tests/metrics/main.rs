//! Metrics end to end: `/metrics` of a real `lotse` on a real `redis-server`,
//! scraped by a real `prometheus`; the dashboard's and the alert rules'
//! every PromQL expression evaluated there; `promtool` checks of the
//! exposition and the rules; the dashboard type-checked against
//! `@grafana/schema`; JSON logs of the real binary. Missing tools fail.

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../support/redis_server.rs"]
mod redis_server;

mod calls;
mod exposition;
mod logs;
mod prometheus;
mod real_prometheus;
mod tools;

use std::path::{Path, PathBuf};

use helpers::*;
use redis_server::RedisServer;

/// Monday 30 March 2026, 10:00 in Berlin: open.
pub const OPEN: &str = "2026-03-30T10:00:00+02:00";
/// The same Monday, 20:00: after hours.
pub const EVENING: &str = "2026-03-30T20:00:00+02:00";
/// Good Friday 2026: a holiday.
pub const GOOD_FRIDAY: &str = "2026-04-03T10:00:00+02:00";

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `lotse` on the test's Redis with the five-person test team, and any
/// further `LOTSE_…` settings.
pub async fn instance(redis: &RedisServer, at: &str, env: &[(&str, &str)]) -> TestApp {
    let url = redis.url();
    let mut all = vec![
        ("LOTSE_TWILIO__AUTH_TOKEN", TOKEN),
        ("LOTSE_REDIS__URL", url.as_str()),
    ];
    all.extend_from_slice(env);
    let config = repo("tests/routing/lotse-test.toml");
    spawn_with(settings_with_env(Some(&config), &all), at).await
}

/// `/metrics` of an instance, as text.
pub async fn scrape(app: &TestApp) -> String {
    let (status, body) = app.get("/metrics").await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The value of one sample line (`name{labels} value`) of an exposition.
pub fn sample(exposition: &str, series: &str) -> Option<f64> {
    exposition.lines().find_map(|l| {
        let (name, value) = l.rsplit_once(' ')?;
        (name == series).then(|| value.parse().ok())?
    })
}
