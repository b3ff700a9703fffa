//! Proves that a whole call, including the failure paths, leaves no trace of
//! the caller's number in the logs, at the most verbose level.

#[allow(dead_code)] // shared with tests/api, which uses all of it
#[path = "api/helpers.rs"]
mod helpers;

use std::io::Write;
use std::sync::{Arc, Mutex};

use helpers::*;
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn a_full_call_never_logs_the_callers_number() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("only test in this binary");

    let app = spawn_app("2026-03-30T10:00:00+02:00").await;
    let first = app
        .voice(
            "/twilio/voice",
            &incoming("CA00000000000000000000000000privacy"),
        )
        .await;
    let menu = gather_action(&first.body);
    for digits in ["2", "9", "7", "", "1"] {
        let mut p = incoming("CA00000000000000000000000000privacy");
        p.push(("Digits".into(), digits.into()));
        assert_eq!(app.voice(&menu, &p).await.status, 200);
    }
    // Failure paths log too: bad signature, missing parameter, engine failure.
    assert_eq!(
        app.post("/twilio/voice", &incoming("CA1"), Some("wrong"))
            .await
            .status,
        403
    );
    let no_sid: Vec<_> = incoming("CA2")
        .into_iter()
        .filter(|(k, _)| k != "CallSid")
        .collect();
    assert_eq!(app.voice("/twilio/voice", &no_sid).await.status, 400);
    app.voice("/twilio/voice?lang=xx", &incoming("CA3")).await;
    let mut status = incoming("CA00000000000000000000000000privacy");
    status.push(("CallDuration".into(), "61".into()));
    status
        .iter_mut()
        .find(|(k, _)| k == "CallStatus")
        .unwrap()
        .1 = "completed".into();
    app.voice("/twilio/status", &status).await;
    app.clock.set(instant("2026-12-24T10:00:00+01:00"));
    app.voice("/twilio/voice", &incoming("CA4")).await;

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("call answered"),
        "the call was logged at all:\n{text}"
    );
    assert!(
        text.contains("bad signature") && text.contains("fallback"),
        "{text}"
    );
    let digits = CALLER.trim_start_matches('+');
    for leak in [CALLER, digits, &digits[2..], "%2B49", "privacy"] {
        assert!(!text.contains(leak), "log contains {leak:?}:\n{text}");
    }
}
