//! Voicemail to email, end to end, against a real `redis-server` and a real
//! SMTP server: a caller leaves a message off hours, Twilio reports the
//! recording, and exactly one email reaches the team — also when SMTP is
//! down and `lotse` restarts, and when Twilio repeats its callback.

#[path = "../support/captured_logs.rs"]
mod captured_logs;
mod harness;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
mod operator;
mod outage;
#[path = "../support/python.rs"]
mod python;
#[allow(dead_code)]
#[path = "../support/redis_server.rs"]
mod redis_server;
mod servers;

use harness::{logs, start, until, Running};
use helpers::*;
use servers::{decode, free_port, messages, Redis, Smtp};

/// Christmas Eve is a closure day in the default configuration.
pub const CLOSED: &str = "2026-12-24T10:00:00+01:00";
const RECORDING: &str = "RE0123456789abcdef0123456789abcdef";

/// A URL attribute of the TwiML, as the path + query Twilio would call.
fn attribute(twiml: &str, name: &str) -> String {
    let start = twiml.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
    let url = &twiml[start..start + twiml[start..].find('"').unwrap()];
    url.replace("&amp;", "&")
        .strip_prefix(PUBLIC_URL)
        .unwrap()
        .to_owned()
}

/// Calls off hours, answers the consent question with `keys`, and returns
/// the recording callback path Twilio was given.
pub async fn leave_message(app: &Running, call: &str, keys: &str) -> String {
    let first = app.http.voice("/twilio/voice", &incoming(call)).await;
    assert!(
        first.body.contains("Nachricht hinterlassen"),
        "{}",
        first.body
    );
    let mut answer = incoming(call);
    answer.push(("Digits".into(), keys.into()));
    let record = app.http.voice(&gather_action(&first.body), &answer).await;
    assert!(record.body.contains("<Record"), "{}", record.body);
    assert!(record.body.contains("maxLength=\"180\""), "{}", record.body);
    assert!(record.body.contains("finishOnKey=\"#\""), "{}", record.body);
    attribute(&record.body, "recordingStatusCallback")
}

pub fn recording_params(call: &str) -> Vec<(String, String)> {
    let url = format!("https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/{RECORDING}");
    pairs(&[
        ("AccountSid", "AC00000000000000000000000000000000"),
        ("CallSid", call),
        ("RecordingSid", RECORDING),
        ("RecordingUrl", &url),
        ("RecordingStatus", "completed"),
        ("RecordingDuration", "42"),
        ("RecordingChannels", "1"),
        ("RecordingSource", "RecordVerb"),
        ("ErrorCode", "0"),
    ])
}

async fn queue_is_empty(app: &Running) -> bool {
    let c = app.app.outbox.queue.counts().await.unwrap();
    (c.queued, c.retrying, c.dead) == (0, 0, 0)
}

fn assert_no_number(what: &str, text: &str) {
    let digits = CALLER.trim_start_matches('+');
    for leak in [CALLER, digits, &digits[2..]] {
        assert!(!text.contains(leak), "{what} contains {leak:?}:\n{text}");
    }
}

#[tokio::test]
async fn off_hours_message_with_call_back_reaches_the_team_once() {
    let redis = Redis::start();
    let dir = tempfile::tempdir().unwrap();
    let smtp = Smtp::start_any(&dir.path().join("mail"));
    let app = start(&redis.url(), smtp.port, &dir.path().join("spool"), CLOSED).await;
    let call = "CA00000000000000000000000000000e01";

    let callback = leave_message(&app, call, "1").await;
    assert!(
        callback.starts_with("/twilio/recording?callback=yes"),
        "{callback}"
    );
    let r = app.http.voice(&callback, &recording_params(call)).await;
    assert_eq!(r.status, 200, "{}", r.body);

    until("one email", || smtp.messages().len() == 1).await;
    until_empty(&app).await;
    assert_eq!(smtp.messages().len(), 1);
    let (subject, body) = decode(&smtp.messages()[0]);
    assert!(subject.contains("24.12.2026, 09:59 Uhr"), "{subject}");
    assert!(subject.contains("Rückruf: ja"), "{subject}");
    assert!(body.contains("Dauer der Nachricht: 42 Sekunden"), "{body}");
    assert!(
        body.contains(&format!("Recordings/{RECORDING}.mp3")),
        "{body}"
    );
    assert!(body.contains("Rückruf gewünscht: ja"), "{body}");
    assert!(body.contains(&format!("Rufnummer: {CALLER}")), "{body}");
    // Delivered: the number is gone from Redis, and was never logged.
    assert_no_number("Redis", &redis.everything().await);
    assert_no_number("the log", &logs());
    app.sender.abort();
}

async fn until_empty(app: &Running) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !queue_is_empty(app).await {
        assert!(std::time::Instant::now() < deadline, "queue never emptied");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn smtp_down_then_restart_delivers_exactly_once() {
    let redis = Redis::start();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port(); // nobody listens here yet: SMTP is down
    let first = start(&redis.url(), port, &dir.path().join("spool"), CLOSED).await;
    let call = "CA00000000000000000000000000000e02";

    let callback = leave_message(&first, call, "1").await;
    let r = first.http.voice(&callback, &recording_params(call)).await;
    assert_eq!(r.status, 200, "stored durably although SMTP is down");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while first.app.outbox.queue.counts().await.unwrap().retrying == 0 {
        assert!(std::time::Instant::now() < deadline, "no failed attempt");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // lotse stops; SMTP comes back; a new lotse on the same Redis takes over.
    first.sender.abort();
    drop(first);
    let smtp = Smtp::start(port, &dir.path().join("mail"));
    let second = start(&redis.url(), port, &dir.path().join("spool"), CLOSED).await;

    until("the email after the outage", || smtp.messages().len() == 1).await;
    until_empty(&second).await;
    assert_eq!(smtp.messages().len(), 1);
    let (_, body) = decode(&smtp.messages()[0]);
    assert!(body.contains(&format!("Rufnummer: {CALLER}")), "{body}");
    assert_no_number("Redis", &redis.everything().await);
    second.sender.abort();
}

#[tokio::test]
async fn the_same_callback_three_times_sends_one_email() {
    let redis = Redis::start();
    let dir = tempfile::tempdir().unwrap();
    let smtp = Smtp::start_any(&dir.path().join("mail"));
    let app = start(&redis.url(), smtp.port, &dir.path().join("spool"), CLOSED).await;
    let call = "CA00000000000000000000000000000e03";

    let callback = leave_message(&app, call, "").await;
    for _ in 0..3 {
        let r = app.http.voice(&callback, &recording_params(call)).await;
        assert_eq!(r.status, 200);
    }
    until("one email", || smtp.messages().len() == 1).await;
    until_empty(&app).await;
    // Twilio may also repeat the callback after delivery.
    let r = app.http.voice(&callback, &recording_params(call)).await;
    assert_eq!(r.status, 200);
    until_empty(&app).await;
    assert_eq!(messages(&smtp.maildir).len(), 1);
    app.sender.abort();
}

#[tokio::test]
async fn without_consent_the_number_appears_nowhere() {
    let redis = Redis::start();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port(); // SMTP down at first, so the job sits in Redis
    let app = start(&redis.url(), port, &dir.path().join("spool"), CLOSED).await;
    let call = "CA00000000000000000000000000000e04";

    let callback = leave_message(&app, call, "2").await;
    assert!(
        callback.starts_with("/twilio/recording?callback=no"),
        "{callback}"
    );
    let r = app.http.voice(&callback, &recording_params(call)).await;
    assert_eq!(r.status, 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.app.outbox.queue.counts().await.unwrap().retrying == 0 {
        assert!(std::time::Instant::now() < deadline, "no failed attempt");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let stored = redis.everything().await;
    assert!(stored.contains(RECORDING), "the job is in Redis:\n{stored}");
    assert_no_number("Redis while the job waits", &stored);

    let smtp = Smtp::start(port, &dir.path().join("mail"));
    until("one email", || smtp.messages().len() == 1).await;
    until_empty(&app).await;
    let raw = std::fs::read_to_string(&smtp.messages()[0]).unwrap();
    let (subject, body) = decode(&smtp.messages()[0]);
    assert!(subject.contains("Rückruf: nein"), "{subject}");
    assert!(body.contains("Rufnummer: nicht übermittelt"), "{body}");
    for text in [&raw, &subject, &body] {
        assert_no_number("the email", text);
    }
    assert_no_number("Redis after delivery", &redis.everything().await);
    assert_no_number("the log", &logs());
    app.sender.abort();
}
