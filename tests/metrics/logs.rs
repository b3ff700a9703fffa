//! `[log] format = "json"` of the real binary: one JSON object per line,
//! every line of a call inside the `call` span with its pseudonym, and never
//! the caller's number or the provider's call id anywhere.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::helpers::*;

const CALL: &str = "CAjsonlog00000000000000000000001";

#[tokio::test]
async fn json_logs_carry_the_call_pseudonym_and_never_the_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lotse"))
        .arg("serve")
        .current_dir(dir.path())
        .env("LOTSE_LOG__FORMAT", "json")
        .env("LOTSE_SERVER__LISTEN", "127.0.0.1:0")
        .env("LOTSE_TWILIO__AUTH_TOKEN", TOKEN)
        .env("RUST_LOG", "debug")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the lotse binary");
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let stderr = child.stderr.take().unwrap();
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let listen = wait_for_line(&lines, |v| v["message"] == "lotse is answering").await;
    let addr = listen["listen"].as_str().unwrap().to_owned();

    let client = reqwest::Client::new();
    for (path, mut params) in [
        ("/twilio/voice", incoming(CALL)),
        ("/twilio/status", incoming(CALL)),
    ] {
        params.retain(|(k, _)| k != "CallStatus");
        params.push(("CallStatus".into(), "completed".into()));
        let url = format!("{PUBLIC_URL}{path}");
        let sig = lotse::providers::twilio::signature::compute(TOKEN.as_bytes(), &url, &params);
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        let r = client
            .post(format!("http://{addr}{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("X-Twilio-Signature", sig)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    wait_for_line(&lines, |v| v["message"] == "call status").await;
    let _ = child.kill();
    let _ = child.wait();

    let lines = lines.lock().unwrap().clone();
    let digits = CALLER.trim_start_matches('+');
    let mut in_call = 0;
    for line in &lines {
        assert!(!line.contains(digits), "the number in a log line: {line}");
        assert!(
            !line.contains(&CALL[2..]),
            "the call id in a log line: {line}"
        );
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if matches!(v["message"].as_str(), Some("call answered" | "call status")) {
            let key = v["span"]["call"]
                .as_str()
                .unwrap_or_else(|| panic!("no call span: {line}"));
            assert_eq!(key.len(), 12, "{line}");
            assert!(key.bytes().all(|b| b.is_ascii_hexdigit()), "{line}");
            in_call += 1;
        }
    }
    assert_eq!(
        in_call, 2,
        "both webhooks logged in their call span: {lines:#?}"
    );
}

/// Waits (bounded) for a JSON log line that satisfies `ok`.
async fn wait_for_line(lines: &Mutex<Vec<String>>, ok: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let found = lines.lock().unwrap().iter().find_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            ok(&v).then_some(v)
        });
        if let Some(v) = found {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no such log line in {:#?}", lines.lock().unwrap());
}
