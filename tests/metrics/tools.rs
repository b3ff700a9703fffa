//! The operator-facing files checked by their own tools: `promtool` for the
//! alert rules and their unit tests and for the exposition format, and
//! TypeScript with `@grafana/schema` for the dashboard. Missing tools fail.

use std::process::{Command, Output, Stdio};

use crate::redis_server::RedisServer;
use crate::{instance, repo, scrape};

fn run(cmd: &mut Command, what: &str) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {what} ({e}); scripts/test installs it"))
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn promtool_checks_the_alert_rules() {
    let out = run(
        Command::new("promtool")
            .args(["check", "rules"])
            .arg(repo("grafana/alerts.yml")),
        "promtool",
    );
    assert_ok(&out, "promtool check rules");
}

#[test]
fn promtool_unit_tests_fire_every_alert() {
    let out = run(
        Command::new("promtool")
            .args(["test", "rules", "alerts.test.yml"])
            .current_dir(repo("grafana")),
        "promtool",
    );
    assert_ok(&out, "promtool test rules");
    // Every alert of the rules file has a test that expects it to fire.
    let rules = std::fs::read_to_string(repo("grafana/alerts.yml")).unwrap();
    let tests = std::fs::read_to_string(repo("grafana/alerts.test.yml")).unwrap();
    for line in rules
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- alert: "))
    {
        let firing = format!("alertname: {line}\n        exp_alerts:\n          - exp_labels");
        assert!(tests.contains(&firing), "no firing test for {line}");
    }
}

#[tokio::test]
async fn promtool_accepts_the_exposition() {
    use std::io::Write;
    let redis = RedisServer::start();
    let app = instance(&redis, crate::OPEN, &[]).await;
    app.drive_the_mix().await;
    let text = scrape(&app).await;
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool; scripts/test installs it");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_ok(&out, "promtool check metrics (lint findings exit 3)");
}

#[test]
fn the_dashboard_matches_the_grafana_schema() {
    let check = repo("grafana/check");
    assert!(
        check.join("node_modules/@grafana/schema").is_dir(),
        "run `npm ci --prefix grafana/check` (scripts/test does)"
    );
    let out = run(
        Command::new("node").arg("check.mjs").current_dir(&check),
        "node",
    );
    assert_ok(&out, "grafana/check/check.mjs");
}
