//! The log of the whole run, in memory, at `debug` for `lotse` (the HTTP
//! client and server below it stay quiet): no line may carry a call id or
//! the caller's number, through all the faults.

use std::sync::{Arc, Mutex, OnceLock};

static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

#[derive(Clone)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn capture() {
    let log = LOG.get_or_init(Default::default).clone();
    let sink = Sink(log);
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "warn,lotse=debug,tower_http=info",
        ))
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}

pub fn assert_private(call_ids: &[&str], number: &str) {
    let log =
        String::from_utf8_lossy(&LOG.get().expect("capture() first").lock().unwrap()).into_owned();
    assert!(
        log.contains("kept writes replayed"),
        "the outages show in the log"
    );
    let digits = number.trim_start_matches('+');
    assert!(!log.contains(digits), "a phone number in the log");
    for id in call_ids {
        assert!(!log.contains(id), "call id {id} in the log");
    }
}
