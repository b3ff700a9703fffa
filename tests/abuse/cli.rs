//! `lotse check` and `lotse simulate` know `[abuse]`: the key's state, its
//! mistakes (never echoed), and what a blocked, flooding or withheld caller
//! hears.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn lotse(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lotse"));
    cmd.args(args).env_remove("LOTSE_CONFIG");
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("LOTSE_")) {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied()).output().expect("run lotse")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

const OPEN: &str = "2026-03-30T10:00:00+02:00";

#[test]
fn check_tells_whether_abuse_features_are_on_and_names_mistakes() {
    let out = lotse(&["check"], &[]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("note: no abuse key (LOTSE_ABUSE__KEY)"),
        "{}",
        text(&out.stdout)
    );

    let out = lotse(&["check"], &[("LOTSE_ABUSE__KEY", crate::KEY)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("abuse: on (1 key)") && said.contains("more than 6 calls an hour"),
        "{said}"
    );

    let out = lotse(&["check"], &[("LOTSE_ABUSE__KEY", "secret-but-short")]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("abuse.key") && err.contains("LOTSE_ABUSE__KEY"),
        "{err}"
    );
    assert!(
        !err.contains("secret-but-short"),
        "a key is never echoed: {err}"
    );

    let bad = [
        ("LOTSE_ABUSE__ANONYMOUS_CHECK", "sometimes"),
        ("LOTSE_ABUSE__BLOCK_DAYS", "400"),
    ];
    let out = lotse(&["check"], &bad);
    let err = text(&out.stderr);
    assert!(
        err.contains("abuse.anonymous_check") && err.contains("abuse.block_days"),
        "{err}"
    );
}

#[test]
fn check_needs_a_check_prompt_when_the_anonymous_check_is_on() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for rel in [
        "config/lotse.toml",
        "config/email/voicemail.txt",
        "call-flows/starke-stelle.toml",
        "call-flows/audio/hold.wav",
    ] {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join(rel), to).unwrap();
    }
    let flow = dir.path().join("call-flows/starke-stelle.toml");
    let text_of = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(
        &flow,
        text_of.replacen("check_prompt = \"press_5\"\n", "", 1),
    )
    .unwrap();
    let cfg = dir.path().join("config/lotse.toml");
    let args = ["check", "--config", cfg.to_str().unwrap()];
    assert!(lotse(&args, &[]).status.success(), "off: no prompt needed");
    let out = lotse(&args, &[("LOTSE_ABUSE__ANONYMOUS_CHECK", "5")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("abuse.anonymous_check: needs `check_prompt`"),
        "{}",
        text(&out.stderr)
    );

    // A `refused` step that is not a hang-up is refused too.
    std::fs::write(
        &flow,
        text_of.replacen("refused = \"refused\"", "refused = \"greeting\"", 1),
    )
    .unwrap();
    let out = lotse(&args, &[]);
    assert!(
        text(&out.stderr).contains("refused: step \"greeting\" must be of kind hangup"),
        "{}",
        text(&out.stderr)
    );
}

fn simulate(extra: &[&str], env: &[(&str, &str)]) -> Value {
    let mut args = vec!["simulate", "--at", OPEN, "--json"];
    args.extend_from_slice(extra);
    let out = lotse(&args, env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn simulate_shows_what_blocked_flooding_and_withheld_callers_hear() {
    let blocked = simulate(&["--caller-blocked"], &[]);
    assert_eq!(blocked["screen"]["verdict"], "blocked");
    assert_eq!(blocked["screen"]["abuse_enabled"], false);
    let twiml = blocked["twiml"].as_str().unwrap();
    assert!(
        twiml.contains("Anruf gerade nicht annehmen") && twiml.ends_with("<Hangup/></Response>"),
        "{twiml}"
    );
    assert!(!twiml.contains("<Gather") && !twiml.contains("<Dial"));

    let limited = simulate(
        &["--calls-this-hour", "7"],
        &[("LOTSE_ABUSE__KEY", crate::KEY)],
    );
    assert_eq!(
        limited["screen"],
        serde_json::json!({"verdict": "limited", "abuse_enabled": true})
    );
    let sixth = simulate(
        &["--calls-this-hour", "6", "--press", "1", "--available", "1"],
        &[],
    );
    assert_eq!(sixth["screen"]["verdict"], "pass");
    assert!(
        sixth["steps"].to_string().contains("\"dial\""),
        "{}",
        sixth["steps"]
    );

    let check = [("LOTSE_ABUSE__ANONYMOUS_CHECK", "3")];
    let passed = simulate(
        &[
            "--withheld-this-minute",
            "4",
            "--press",
            "51",
            "--available",
            "1",
        ],
        &check,
    );
    assert_eq!(passed["screen"]["verdict"], "check_passed");
    let responses = passed["responses"].as_array().unwrap();
    assert!(responses[0].as_str().unwrap().contains("step=abuse-check"));
    assert!(
        passed["steps"]
            .to_string()
            .contains("\"counsellor\":\"anna\""),
        "{}",
        passed["steps"]
    );
    let failed = simulate(&["--withheld-this-minute", "4", "--press", "1"], &check);
    assert_eq!(failed["screen"]["verdict"], "check_failed");
    let calm = simulate(&["--withheld-this-minute", "3"], &check);
    assert_eq!(calm["screen"]["verdict"], "pass");
    let plain = simulate(&[], &[]);
    assert!(
        plain.get("screen").is_none(),
        "no flags, no screen: the contract as before"
    );
}
