//! Store writes kept at a stop: saved to the spool, taken over and
//! replayed by the next (or an already running) instance, whatever else
//! lies in the directory.

use std::time::Duration;

use crate::journal::{hung_up, persistent_redis, pick_up, press, until_status};
use crate::*;
use lotse::connect::journal;
use lotse::routing::{Presence, Status};

/// A deploy during an outage: the instance that kept a call's end stops
/// before Redis returns. What it kept is saved to the spool; the next
/// instance takes it over and frees the counsellor once Redis is back,
/// with no new callback.
#[tokio::test]
async fn writes_kept_at_a_stop_are_replayed_by_the_next_instance() {
    let mut redis = persistent_redis();
    let spool = tempfile::tempdir().unwrap();
    let saved = spool.path().join("journal");
    let app = instance(&redis, OPEN).await;
    app.set("c3", Presence::Available).await;
    let ring = app.wants_counsellor("CAdeploy").await;
    assert_eq!(dialled(&ring.body).as_deref(), Some("c3"));
    let (answer, leg) = pick_up(&app, "CAdeploy", &ring.body).await;
    press(&app, &answer, &leg, "1").await;
    assert_eq!(app.status("c3").await, Status::InCall);

    redis.stop();
    assert_eq!(hung_up(&app, "CAdeploy").await.status, 200);
    assert_eq!(app.app.journal.len(), 1);
    // The stop: the last replay fails, what is kept is saved.
    assert_eq!(app.app.journal.drain(Duration::from_millis(300)).await, 1);
    assert_eq!(app.app.journal.save(&saved).await.unwrap(), 1);
    drop(app);

    redis.restart();
    let next = instance(&redis, OPEN).await;
    let now = next.clock.now();
    assert_eq!(next.app.journal.take_saved(&saved, now).await, 1);
    assert_eq!(std::fs::read_dir(&saved).unwrap().count(), 0, "taken once");
    assert_eq!(next.app.journal.take_saved(&saved, now).await, 0);
    let replayer = journal::spawn(next.app.journal.clone());
    let reached = until_status(
        &next,
        "c3",
        &[Status::WrapUp, Status::Available],
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(reached, Status::WrapUp);
    replayer.abort();
}

/// Whatever lies in the directory of saved writes (a pipe, links, a
/// directory, garbage), the takeover neither blocks nor stops at it, and a
/// saved write cannot move the store's clock or hold a counsellor for years.
#[tokio::test]
async fn nothing_in_the_saved_writes_directory_blocks_or_bends_the_takeover() {
    let redis = persistent_redis();
    let spool = tempfile::tempdir().unwrap();
    let saved = spool.path().join("journal");
    std::fs::create_dir_all(&saved).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(saved.join("a-pipe.json"))
        .status()
        .unwrap();
    assert!(fifo.success());
    std::os::unix::fs::symlink("/nonexistent", saved.join("dangling.json")).unwrap();
    std::os::unix::fs::symlink(saved.join("loop.json"), saved.join("loop.json")).unwrap();
    std::fs::create_dir(saved.join("a-directory.json")).unwrap();
    std::fs::write(saved.join("garbage.json"), b"{not json").unwrap();

    let app = instance(&redis, OPEN).await;
    app.set("c1", Presence::Available).await;
    app.set("c3", Presence::Available).await;
    let ring = app.wants_counsellor("CAhostile").await;
    let who = dialled(&ring.body).expect("someone is rung");
    let (answer, leg) = pick_up(&app, "CAhostile", &ring.body).await;
    press(&app, &answer, &leg, "1").await;
    assert_eq!(app.status(&who).await, Status::InCall);
    let other = if who == "c1" { "c3" } else { "c1" };
    // The call's end, dated in 2099 with a wrap-up of 31,000 years.
    let genuine = serde_json::json!([{
        "call": "CAhostile",
        "at": "2099-01-01T00:00:00Z",
        "write": "call_ended",
        "wrap_up_ms": 1_000_000_000_000_000u64,
    }]);
    std::fs::write(saved.join("genuine.json"), genuine.to_string()).unwrap();

    let taking = app.app.journal.take_saved(&saved, app.clock.now());
    let taken = tokio::time::timeout(Duration::from_secs(5), taking)
        .await
        .expect("the takeover never blocks");
    assert_eq!(taken, 1, "the genuine file, and nothing else");
    app.app.journal.settle().await.unwrap();
    assert_eq!(
        app.status(&who).await,
        Status::WrapUp,
        "ended now, not in 2099"
    );
    assert_eq!(
        app.status(other).await,
        Status::Available,
        "nobody else moved"
    );
    app.clock
        .set(app.clock.now() + chrono::Duration::seconds(3601));
    assert_ne!(
        app.status(&who).await,
        Status::WrapUp,
        "wrap-up cut to an hour"
    );
    assert!(saved.join("a-pipe.json").exists(), "a pipe is left alone");
    let names: Vec<String> = std::fs::read_dir(&saved)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("garbage.") && n.ends_with(".unreadable")),
        "an unreadable file is set aside for an operator: {names:?}"
    );
    assert!(!names.iter().any(|n| n.starts_with("genuine")), "{names:?}");
}
