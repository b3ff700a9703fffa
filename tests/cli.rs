//! The `lotse` binary as an operator uses it: `simulate` and `check`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn lotse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lotse"))
        .args(args)
        .env_remove("LOTSE_CONFIG")
        .env_remove("LOTSE_TWILIO__AUTH_TOKEN")
        .output()
        .expect("run lotse")
}

fn simulate(at: &str, extra: &[&str]) -> Value {
    let mut args = vec!["simulate", "--at", at, "--json"];
    args.extend_from_slice(extra);
    let out = lotse(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn simulate_closure_day() {
    let v = simulate("2026-12-24T10:00:00+01:00", &[]);
    assert_eq!(v["open"], false);
    assert_eq!(v["reason"], "closure");
    assert_eq!(v["holiday"], Value::Null);
    assert_eq!(v["next_open"], "2026-12-28T09:00:00+01:00");
    assert!(v["twiml"].as_str().unwrap().starts_with("<?xml"));
    assert!(v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["do"] == "hangup"));
}

#[test]
fn simulate_good_friday() {
    let v = simulate("2026-04-03T10:00:00+02:00", &[]);
    assert_eq!(v["open"], false);
    assert_eq!(v["reason"], "holiday");
    assert_eq!(v["holiday"], "Karfreitag");
}

#[test]
fn simulate_open_monday_morning_and_presses() {
    let v = simulate("2026-03-30T09:00:00+02:00", &[]);
    assert_eq!(v["open"], true);
    assert_eq!(v["reason"], Value::Null);
    assert_eq!(v["next_open"], Value::Null);
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.last().unwrap()["do"], "wait");

    let v = simulate("2026-03-30T09:00:00+02:00", &["--press", "291"]);
    let pressed: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["do"] == "press")
        .map(|s| s["digits"].as_str().unwrap())
        .collect();
    assert_eq!(pressed, ["2", "9", "1"]);
    let said: String = v["steps"].to_string();
    assert!(
        said.contains("Prävention") && said.contains("free and confidential"),
        "{said}"
    );
    // 1 leads to the counsellor placeholder and its voicemail: with no key
    // left, the consent question times out and the recording follows.
    assert_eq!(v["responses"].as_array().unwrap().len(), 6);
    assert_eq!(v["twiml"], v["responses"][0]);
}

#[test]
fn simulate_in_english_and_human_readable() {
    let v = simulate("2026-12-24T10:00:00+01:00", &["--lang", "en"]);
    assert!(
        v["twiml"]
            .as_str()
            .unwrap()
            .contains("From Monday 28 December, you can reach us again"),
        "{}",
        v["twiml"]
    );
    let out = lotse(&["simulate", "--at", "2026-12-24T10:00:00+01:00"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("closed: closure"), "{text}");
}

#[test]
fn simulate_rejects_a_bad_instant() {
    let out = lotse(&["simulate", "--at", "tomorrow"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

#[test]
fn built_in_defaults_equal_the_committed_config() {
    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/lotse.toml");
    let ok = lotse(&["check", "--config", cfg.to_str().unwrap()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(lotse(&["check"]).status.success());
    for at in [
        "2026-12-24T10:00:00+01:00",
        "2026-03-30T09:00:00+02:00",
        "2026-04-03T10:00:00+02:00",
    ] {
        let a = lotse(&["simulate", "--at", at, "--json", "--press", "21"]).stdout;
        let b = lotse(&[
            "simulate",
            "--config",
            cfg.to_str().unwrap(),
            "--at",
            at,
            "--json",
            "--press",
            "21",
        ])
        .stdout;
        assert_eq!(
            String::from_utf8(a).unwrap(),
            String::from_utf8(b).unwrap(),
            "at {at}"
        );
    }
}

/// A config directory with the committed flow, ready to be broken.
fn scratch() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::create_dir_all(dir.path().join("call-flows/audio")).unwrap();
    std::fs::copy(
        root.join("config/lotse.toml"),
        dir.path().join("config/lotse.toml"),
    )
    .unwrap();
    std::fs::copy(
        root.join("call-flows/starke-stelle.toml"),
        dir.path().join("call-flows/starke-stelle.toml"),
    )
    .unwrap();
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn check_errors(dir: &Path) -> String {
    let out = lotse(&[
        "check",
        "--config",
        dir.join("config/lotse.toml").to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected errors; stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn check_names_file_line_and_field() {
    let dir = scratch();
    let cfg = dir.path().join("config/lotse.toml");
    let flow = dir.path().join("call-flows/starke-stelle.toml");
    let line_of = |path: &Path, needle: &str| {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .position(|l| l.contains(needle))
            .unwrap()
            + 1
    };
    let cfg_name = cfg.display().to_string();
    let flow_name = flow.display().to_string();

    // Keys and types are checked first: a misspelt key stops the load.
    edit(&cfg, "[server]\n", "[server]\nlisten_port = 8080\n");
    let err = check_errors(dir.path());
    let expected = format!(
        "{cfg_name}:{}: server.listen_port: unknown key",
        line_of(&cfg, "listen_port")
    );
    assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    edit(&cfg, "listen_port = 8080\n", "");

    // Then every meaning-level mistake in config and flow, all at once.
    edit(&cfg, "mon = \"09:00-16:00\"", "mon = \"16:00-09:00\"");
    edit(
        &flow,
        "no_input = \"counsellor\"",
        "no_input = \"counsellr\"",
    );
    edit(&flow, "en = \"Sorry, that is not one of the options.\"", "");
    edit(
        &flow,
        "next = \"goodbye\"\n\n[steps.closed]",
        "next = \"goodbye\"\n\n[steps.orphan]\nkind = \"hangup\"\n\n[steps.closed]",
    );
    let err = check_errors(dir.path());
    for expected in [
        format!(
            "{cfg_name}:{}: schedule.hours.mon: bad time range",
            line_of(&cfg, "mon = ")
        ),
        format!(
            "{flow_name}:{}: steps.menu.no_input: unknown step \"counsellr\"",
            line_of(&flow, "counsellr")
        ),
        format!(
            "{flow_name}:{}: prompts.invalid: no text for language \"en\"",
            line_of(&flow, "[prompts.invalid]")
        ),
        format!(
            "{flow_name}:{}: steps.orphan: unreachable",
            line_of(&flow, "[steps.orphan]")
        ),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn check_refuses_a_broken_file_at_its_line() {
    let dir = scratch();
    let cfg = dir.path().join("config/lotse.toml");
    edit(&cfg, "name = \"starke Stelle\"", "name = \"starke Stelle");
    let err = check_errors(dir.path());
    assert!(err.contains(&format!("{}:10:", cfg.display())), "{err}");
}
