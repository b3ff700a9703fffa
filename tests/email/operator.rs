//! The operator's side: dead letters shown and replayed with
//! `lotse outbox list|retry`, and the embedded default without Redis and
//! SMTP (one `.eml` file per message in the spool directory).

use std::process::Command;

use crate::harness::{start_with, until};
use crate::servers::{decode, free_port, Redis, Smtp};
use crate::{leave_message, recording_params, CLOSED};

fn lotse(args: &[&str], redis_url: &str, smtp_port: u16) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lotse"))
        .args(args)
        .env_remove("LOTSE_CONFIG")
        .env("LOTSE_REDIS__URL", redis_url)
        .env(
            "LOTSE_EMAIL__SMTP_URL",
            format!("smtp://127.0.0.1:{smtp_port}"),
        )
        .output()
        .expect("run lotse");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

#[tokio::test]
async fn undeliverable_jobs_become_dead_letters_that_an_operator_replays() {
    let redis = Redis::start();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port(); // SMTP stays down until the operator acts
    let spool = dir.path().join("spool");
    let give_up = [("LOTSE_EMAIL__GIVE_UP_AFTER_S", "0.2")];
    let app = start_with(&redis.url(), port, &spool, CLOSED, &give_up).await;
    let call = "CA00000000000000000000000000000e05";
    let callback = leave_message(&app, call, "1").await;
    assert_eq!(
        app.http
            .voice(&callback, &recording_params(call))
            .await
            .status,
        200
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.app.outbox.queue.counts().await.unwrap().dead == 0 {
        assert!(std::time::Instant::now() < deadline, "never gave up");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let list = lotse(&["outbox", "list"], &redis.url(), port);
    assert!(list.contains("dead letters: 1"), "{list}");
    assert!(list.contains("call back: yes"), "{list}");
    assert!(
        !list.contains("3023125777"),
        "the list shows no number: {list}"
    );
    let key = list
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();

    let smtp = Smtp::start(port, &dir.path().join("mail"));
    let retried = lotse(&["outbox", "retry", key], &redis.url(), port);
    assert!(retried.starts_with("1 dead letter"), "{retried}");
    until("the replayed email", || smtp.messages().len() == 1).await;
    let (_, body) = decode(&smtp.messages()[0]);
    assert!(body.contains("Rufnummer: +493023125777"), "{body}");
    app.sender.abort();
}

#[tokio::test]
async fn without_smtp_and_redis_each_message_is_an_eml_file() {
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool");
    let app = start_with("", 0, &spool, CLOSED, &[]).await;
    let call = "CA00000000000000000000000000000e06";
    let callback = leave_message(&app, call, "").await;
    for _ in 0..2 {
        assert_eq!(
            app.http
                .voice(&callback, &recording_params(call))
                .await
                .status,
            200
        );
    }
    let emls = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&spool)
            .map(|d| {
                d.map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default()
    };
    until("an .eml file", || emls().len() == 1).await;
    let (subject, body) = decode(&emls()[0]);
    assert!(subject.contains("Rückruf: nein"), "{subject}");
    assert!(body.contains("42 Sekunden"), "{body}");
    // The log line follows the file: wait for it rather than race it.
    until("the spool log line", || {
        crate::harness::logs().contains("written to the spool directory")
    })
    .await;
    app.sender.abort();
}
