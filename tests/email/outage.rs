//! The outbox when Redis fails: emptied under it (`FLUSHALL`, a restart
//! without data), or unreachable while a recording callback comes in.
//! Every recording still becomes exactly one email, with no restart of
//! `lotse`.

use std::path::Path;
use std::time::Duration;

use crate::harness::{logs, start, until, Running};
use crate::helpers::*;
use crate::redis_server::RedisServer;
use crate::servers::{decode, free_port, Smtp};
use crate::{leave_message, CLOSED};

fn params(call: &str, recording: &str) -> Vec<(String, String)> {
    let url = format!("https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/{recording}");
    pairs(&[
        ("AccountSid", "AC00000000000000000000000000000000"),
        ("CallSid", call),
        ("RecordingSid", recording),
        ("RecordingUrl", &url),
        ("RecordingStatus", "completed"),
        ("RecordingDuration", "17"),
    ])
}

async fn flushall(redis: &RedisServer) {
    let client = redis::Client::open(redis.url()).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("FLUSHALL").query_async(&mut c).await.unwrap();
}

/// Files `*.json` in `dir` (none if it does not exist).
fn json_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "json")
            })
            .count()
        })
        .unwrap_or(0)
}

/// This instance's copies in custody.
fn copies(spool: &Path) -> usize {
    json_files(&spool.join("custody"))
}

fn repairs(app: &Running, event: &str) -> u64 {
    app.app
        .metrics
        .durability
        .outbox
        .with_label_values(&[event])
        .get()
}

/// Everything settled: nothing queued, retrying or dead, no local copy
/// left; then a few more sender rounds, so a duplicate would show.
async fn until_settled(app: &Running, spool: &Path) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let c = app.app.outbox.queue.counts().await;
        let empty = c.is_ok_and(|c| (c.queued, c.retrying, c.dead) == (0, 0, 0));
        if empty && copies(spool) == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "outbox never settled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn after_flushall_the_group_is_recreated_and_the_next_voicemail_is_sent() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool");
    let smtp = Smtp::start_any(&dir.path().join("mail"));
    let app = start(&redis.url(), smtp.port, &spool, CLOSED).await;
    let first = "CA00000000000000000000000000000f01";
    let callback = leave_message(&app, first, "2").await;
    let r = app.http.voice(&callback, &params(first, "REf01")).await;
    assert_eq!(r.status, 200);
    until("the first email", || smtp.messages().len() == 1).await;

    flushall(&redis).await;
    let second = "CA00000000000000000000000000000f02";
    let callback = leave_message(&app, second, "2").await;
    let r = app.http.voice(&callback, &params(second, "REf02")).await;
    assert_eq!(r.status, 200);
    until("the email after FLUSHALL", || smtp.messages().len() == 2).await;
    until_settled(&app, &spool).await;
    assert_eq!(smtp.messages().len(), 2);
    assert!(repairs(&app, "group") >= 1, "the repair is counted");
    assert!(logs().contains("consumer group was missing"), "and logged");
    app.sender.abort();
}

#[tokio::test]
async fn a_voicemail_while_redis_is_down_is_answered_200_and_sent_once_when_it_returns() {
    let mut redis = RedisServer::start_with(&["--appendonly", "yes", "--appendfsync", "always"]);
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool");
    let smtp = Smtp::start_any(&dir.path().join("mail"));
    let app = start(&redis.url(), smtp.port, &spool, CLOSED).await;
    let call = "CA00000000000000000000000000000f03";
    // The caller agrees to a call back while Redis is up: the number waits there.
    let callback = leave_message(&app, call, "1").await;

    redis.stop();
    for _ in 0..2 {
        let r = app.http.voice(&callback, &params(call, "REf03")).await;
        assert_eq!(r.status, 200, "spooled, not 503: {}", r.body);
    }
    assert_eq!(copies(&spool), 1, "one durable copy on local disk");
    assert_eq!(repairs(&app, "spooled"), 1, "a repeat is not spooled twice");

    redis.restart();
    until("the email once Redis is back", || {
        smtp.messages().len() == 1
    })
    .await;
    let r = app.http.voice(&callback, &params(call, "REf03")).await;
    assert_eq!(r.status, 200);
    until_settled(&app, &spool).await;
    assert_eq!(smtp.messages().len(), 1, "exactly one email");
    assert_eq!(repairs(&app, "moved"), 1);
    let (_, body) = decode(&smtp.messages()[0]);
    assert!(body.contains(&format!("Rufnummer: {CALLER}")), "{body}");
    assert!(
        !logs().contains(CALLER.trim_start_matches('+')),
        "no number in the log"
    );
    app.sender.abort();
}

#[tokio::test]
async fn a_job_redis_loses_is_queued_again_from_the_local_copy_and_sent_once() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool");
    let port = free_port(); // SMTP down: the job waits in Redis for its retry
    let app = start(&redis.url(), port, &spool, CLOSED).await;
    let call = "CA00000000000000000000000000000f04";
    let callback = leave_message(&app, call, "1").await;
    let r = app.http.voice(&callback, &params(call, "REf04")).await;
    assert_eq!(r.status, 200);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while app.app.outbox.queue.counts().await.unwrap().retrying == 0 {
        assert!(std::time::Instant::now() < deadline, "no failed attempt");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    flushall(&redis).await; // the job, its seen marker and the group are gone
    let smtp = Smtp::start(port, &dir.path().join("mail"));
    until("the email after Redis lost the job", || {
        smtp.messages().len() == 1
    })
    .await;
    until_settled(&app, &spool).await;
    assert_eq!(smtp.messages().len(), 1, "exactly one email");
    assert!(repairs(&app, "requeued") >= 1);
    let (_, body) = decode(&smtp.messages()[0]);
    assert!(
        body.contains(&format!("Rufnummer: {CALLER}")),
        "the copy kept the number: {body}"
    );
    app.sender.abort();
}

/// A voicemail the embedded queue still held when the operator switched to
/// Redis (the run without Redis stopped before it could send it): the
/// first run with Redis takes it over from `queue/` and sends it, once.
#[tokio::test]
async fn a_voicemail_left_in_the_local_queue_is_sent_once_redis_is_configured() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool");
    let smtp = Smtp::start_any(&dir.path().join("mail"));
    // Without Redis, and stopped before its sender ran.
    let before = crate::harness::start_with("", smtp.port, &spool, CLOSED, &[]).await;
    before.sender.abort();
    let call = "CA00000000000000000000000000000f09";
    let callback = leave_message(&before, call, "1").await;
    let r = before.http.voice(&callback, &params(call, "REf09")).await;
    assert_eq!(r.status, 200);
    let left = json_files(&spool.join("queue"));
    assert_eq!(left, 1, "the job waits in the local queue");
    assert!(smtp.messages().is_empty());
    drop(before);

    let app = start(&redis.url(), smtp.port, &spool, CLOSED).await;
    until("the email from the local queue", || {
        smtp.messages().len() == 1
    })
    .await;
    until_settled(&app, &spool).await;
    assert_eq!(smtp.messages().len(), 1, "exactly one email");
    let (_, body) = decode(&smtp.messages()[0]);
    assert!(body.contains(&format!("Rufnummer: {CALLER}")), "{body}");
    let left = json_files(&spool.join("queue"));
    assert_eq!(left, 0, "nothing left behind");
    app.sender.abort();
}

/// Redis restarts (with its data) while nothing touches the outbox; the
/// first thing after it is a caller agreeing to a call back. Their number
/// must still be kept for the email, not lost to the dead connection.
#[tokio::test]
async fn a_call_back_agreed_right_after_an_unnoticed_redis_restart_keeps_the_number() {
    let mut redis = RedisServer::start_with(&["--appendonly", "yes", "--appendfsync", "always"]);
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool");
    let smtp = Smtp::start_any(&dir.path().join("mail"));
    let app = start(&redis.url(), smtp.port, &spool, CLOSED).await;
    let warm = "CA00000000000000000000000000000f10";
    let callback = leave_message(&app, warm, "1").await;
    let r = app.http.voice(&callback, &params(warm, "REf10")).await;
    assert_eq!(r.status, 200);
    until("the first email", || smtp.messages().len() == 1).await;
    // Nothing polls the outbox while Redis restarts.
    app.sender.abort();

    redis.restart();
    let call = "CA00000000000000000000000000000f11";
    leave_message(&app, call, "1").await;
    let client = redis::Client::open(redis.url()).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();
    let kept: Option<String> = redis::cmd("GET")
        .arg(format!("{{lotse-outbox}}:caller:{call}"))
        .query_async(&mut c)
        .await
        .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some(CALLER),
        "the number waits for the recording"
    );
}
