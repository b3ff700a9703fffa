//! The binary as an operator deploying it meets it: the markup for the
//! provider's "primary handler fails" URL, local times for `simulate --at`,
//! a config file on its own in `/etc`, and mistakes in the environment.

use std::process::{Command, Output};

fn lotse(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lotse"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("LOTSE_")) {
        cmd.env_remove(name);
    }
    cmd.args(args).envs(env.iter().copied());
    cmd.output().expect("run lotse")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fallback_twiml_is_static_markup_in_the_default_language() {
    let out = lotse(&["fallback-twiml"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let twiml = text(&out.stdout);
    // Well-formed XML, as a TwiML Bin requires.
    let mut reader = quick_xml::Reader::from_str(&twiml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed: {e}\n{twiml}"),
        }
    }
    assert!(twiml.starts_with("<?xml"), "{twiml}");
    assert!(twiml.contains(r#"<Say language="de-DE""#), "{twiml}");
    for heard in [
        "starke Stelle",
        "info ät starkestelle Punkt D E",
        "montags bis freitags",
        "110",
    ] {
        assert!(twiml.contains(heard), "{heard:?} missing: {twiml}");
    }
    // Nothing may depend on lotse, which is down when this plays.
    for absent in ["<Play", "<Gather", "<Record", "<Redirect", "http"] {
        assert!(!twiml.contains(absent), "{absent:?} in {twiml}");
    }
    assert!(
        twiml.trim_end().ends_with("<Hangup/></Response>"),
        "{twiml}"
    );
    // Static: the same at any moment.
    assert_eq!(text(&lotse(&["fallback-twiml"], &[]).stdout), twiml);
}

#[test]
fn fallback_twiml_in_another_language_of_the_flow_or_a_clear_error() {
    let en = lotse(&["fallback-twiml", "--lang", "en"], &[]);
    assert!(en.status.success());
    assert!(text(&en.stdout).contains(r#"<Say language="en-GB""#));
    let fr = lotse(&["fallback-twiml", "--lang", "fr"], &[]);
    assert_eq!(fr.status.code(), Some(2));
    assert!(text(&fr.stderr).contains("the flow speaks de, en"));
}

fn simulate_json(at: &str) -> (serde_json::Value, String) {
    let out = lotse(&["simulate", "--at", at, "--json"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = serde_json::from_slice(&out.stdout).expect("stdout stays one JSON object");
    (v, text(&out.stderr))
}

#[test]
fn simulate_reads_a_local_time_in_the_schedules_zone_and_says_the_offset() {
    let (v, note) = simulate_json("2026-03-30T10:00");
    assert_eq!(v["open"], true);
    assert!(
        note.contains("read as 2026-03-30T10:00:00+02:00 (Europe/Berlin)"),
        "{note}"
    );
    let (v, note) = simulate_json("2026-03-27 16:00");
    assert_eq!(v["reason"], "after_hours");
    assert!(note.contains("+01:00"), "{note}");
}

#[test]
fn simulate_refuses_local_times_that_do_not_exist_or_happen_twice() {
    let gap = lotse(&["simulate", "--at", "2026-03-29T02:30"], &[]);
    assert_eq!(gap.status.code(), Some(2));
    assert!(text(&gap.stderr).contains("does not exist in Europe/Berlin"));
    let twice = lotse(&["simulate", "--at", "2026-10-25T02:30"], &[]);
    assert_eq!(twice.status.code(), Some(2));
    let e = text(&twice.stderr);
    assert!(
        e.contains("2026-10-25T02:30:00+02:00") && e.contains("+01:00"),
        "{e}"
    );
}

#[test]
fn a_config_file_alone_in_another_directory_uses_the_built_in_flow() {
    let dir = tempfile::tempdir().unwrap();
    let committed = include_str!("../config/lotse.toml");
    let start = committed.find("[flow]").unwrap();
    let end = start + committed[start..].find("\n\n").unwrap();
    let alone = format!("{}{}", &committed[..start], &committed[end..])
        .replace("template = \"email/voicemail.txt\"", "");
    let path = dir.path().join("lotse.toml");
    std::fs::write(&path, alone).unwrap();
    let out = lotse(&["check", "--config", path.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_bad_environment_value_names_the_variable() {
    let out = lotse(&["check"], &[("LOTSE_SERVER__LISTEN", "0.0.0.0")]);
    assert_eq!(out.status.code(), Some(2));
    let e = text(&out.stderr);
    assert!(
        e.contains("environment variable LOTSE_SERVER__LISTEN: server.listen"),
        "{e}"
    );
    assert!(!e.contains("built-in defaults"), "{e}");
}

/// The README's demo: the helper script's own variables exported in the
/// same shell as lotse's. lotse starts (they are not `LOTSE_` names), and
/// the script's signed call is answered.
#[test]
fn the_helper_scripts_variables_do_not_stop_lotse() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target = format!("http://127.0.0.1:{port}");
    let shell = [
        ("LOTSE_TWILIO__AUTH_TOKEN", "demo"),
        ("TWILIO_CALL_TARGET", target.as_str()),
        ("TWILIO_CALL_PUBLIC_URL", "https://hotline.example.org"),
    ];
    let mut serve = Command::new(env!("CARGO_BIN_EXE_lotse"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("LOTSE_")) {
        serve.env_remove(name);
    }
    let spool = tempfile::tempdir().unwrap();
    let mut serve = serve
        .arg("serve")
        .envs(shell)
        .env("LOTSE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("LOTSE_EMAIL__SPOOL_DIR", spool.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = serve.try_wait().unwrap() {
            panic!("lotse did not start: {status}");
        }
        assert!(std::time::Instant::now() < deadline, "lotse never listened");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/twilio-call.py");
    let out = Command::new("python3")
        .arg(script)
        .args([
            "/twilio/voice",
            "CallSid=CA00000000000000000000000000000c11",
        ])
        .args(["From=+493023125999", "To=+498003009944"])
        .envs(shell)
        .output()
        .expect("python3");
    let _ = serve.kill();
    let _ = serve.wait();
    let answer = text(&out.stdout);
    assert!(
        answer.starts_with("200 <?xml"),
        "{answer}{}",
        text(&out.stderr)
    );
}
