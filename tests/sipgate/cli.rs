//! The binary as an operator (and the checker) uses it with sipgate:
//! `serve` answering signed events, `check` naming recorded and
//! synthesized prompts, `simulate --provider sipgate` printing the XML.

use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

use crate::support::*;

fn lotse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lotse"))
        .args(args)
        .env_remove("LOTSE_CONFIG")
        .env_remove("LOTSE_TWILIO__AUTH_TOKEN")
        .output()
        .expect("run lotse")
}

/// Screening facts are not silently dropped for sipgate: shown for Twilio.
#[test]
fn simulate_refuses_screening_flags_it_would_not_show_for_sipgate() {
    let out = lotse(&[
        "simulate",
        "--provider",
        "sipgate",
        "--at",
        "2026-03-30T10:00:00+02:00",
        "--calls-this-hour",
        "7",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--provider twilio"), "{err}");
}

#[test]
fn simulate_prints_the_sipgate_xml_of_every_answer() {
    let out = lotse(&[
        "simulate",
        "--provider",
        "sipgate",
        "--at",
        "2026-03-30T10:00:00+02:00",
        "--press",
        "1",
        "--available",
        "1",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["provider"], "sipgate");
    assert_eq!(v["open"], true);
    assert!(v.get("twiml").is_none());
    let responses: Vec<&str> = v["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(v["xml"], responses[0]);
    assert!(
        responses[0]
            .contains("<Gather onData=\"https://hotline.example.org/sipgate/call?step=menu"),
        "{}",
        responses[0]
    );
    assert!(responses[1].contains("dial=1"), "{}", responses[1]);
    assert!(responses[2].contains("<Dial callerId=\"498003009944\" anonymous=\"false\"><Number>493023125001</Number></Dial>"), "{}", responses[2]);

    let closed = lotse(&[
        "simulate",
        "--provider",
        "sipgate",
        "--at",
        "2026-12-24T10:00:00+01:00",
    ]);
    let text = String::from_utf8_lossy(&closed.stdout);
    assert!(text.contains("closed: closure"), "{text}");
    assert!(text.contains("DELETE /calls/{callId}"), "{text}");
    assert!(text.contains("--- sipgate answer 1 ---\n<?xml"), "{text}");
    assert!(
        !text.contains("voicemail"),
        "no recording on sipgate: {text}"
    );
}

#[tokio::test]
async fn check_says_what_is_recorded_synthesized_and_what_sipgate_cannot_do() {
    let api = CallControl::start().await;
    let (_dir, path) = config_dir(&api.url(), TONE_TTS, "");
    let out = lotse(&["check", "--config", path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("sipgate: enabled; point the number's incoming-call URL at https://hotline.example.org/sipgate/call"), "{text}");
    assert!(
        text.contains("prompt texts synthesized by sox: closed (de), closed (en)"),
        "{text}"
    );
    assert!(
        text.contains("recorded: hold music of steps.counsellor (hold.wav)"),
        "{text}"
    );
    assert!(text.contains("sipgate: TTS works for de"), "{text}");
    assert!(
        text.contains("warning: steps.voicemail: sipgate.io cannot record a message"),
        "{text}"
    );
    assert!(
        text.contains("warning: steps.counsellor: sipgate.io has no whisper key press"),
        "{text}"
    );
    assert!(
        text.contains("note: no sipgate call-control token"),
        "{text}"
    );

    // An engine that does not run is an error, not a silent caller.
    let (_dir, path) = config_dir(&api.url(), r#"["/nonexistent/tts", "{out}"]"#, "");
    let out = lotse(&["check", "--config", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error: sipgate.tts_command: de: cannot run the TTS command"),
        "{text}"
    );
}

struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The released binary, as the checker runs it: `serve --config` with the
/// test's key pair, the stand-in API and a fixed port.
#[tokio::test]
async fn serve_answers_a_signed_sipgate_call_end_to_end() {
    let api = CallControl::start().await;
    let (dir, path) = config_dir(&api.url(), TONE_TTS, "");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _serving = Serving(
        Command::new(env!("CARGO_BIN_EXE_lotse"))
            .args(["serve", "--config", path.to_str().unwrap()])
            .env("LOTSE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
            .env("LOTSE_SIPGATE__TOKEN", TOKEN)
            .env_remove("LOTSE_TWILIO__AUTH_TOKEN")
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let body = new_call("CALLBIN1", FROM);
    let reply = client
        .post(format!("{base}/sipgate/call"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("X-Sipgate-Signature", sign(&body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let xml = reply.text().await.unwrap();
    // Whatever the day: a menu (open) or a message (closed), with audio.
    let url = urls(&xml)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{xml}"));
    let path = url.strip_prefix(crate::helpers::PUBLIC_URL).unwrap();
    let wav = client.get(format!("{base}{path}")).send().await.unwrap();
    assert_eq!(wav.status(), 200);
    assert_telephone_wav(&wav.bytes().await.unwrap());
    let unsigned = client
        .post(format!("{base}/sipgate/call"))
        .body(new_call("CALLBIN2", FROM))
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);
}
