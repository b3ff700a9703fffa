//! Custody of voicemail jobs on local disk: copies, the ledger, markers.

use super::*;
use crate::outbox::RecordingState;

fn kept(id: &str) -> Kept {
    let now = chrono::Utc::now();
    Kept {
        job: Job {
            id: id.into(),
            recorded_at: now,
            duration_s: 3,
            recording_url: None,
            state: RecordingState::Completed,
            callback_requested: false,
            number: None,
            queued_at: now,
            attempts: 0,
            last_error: None,
        },
        call: "CA1".into(),
        join: false,
        queued: false,
    }
}

#[tokio::test]
async fn keeps_replaces_and_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    let c = Custody::new(dir.path());
    assert!(c.all().await.unwrap().is_empty(), "no directory yet");
    c.keep(&kept("RE1")).await.unwrap();
    let mut again = kept("RE1");
    again.queued = true;
    c.keep(&again).await.unwrap();
    c.keep(&kept("RE2")).await.unwrap();
    let all = c.all().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().any(|k| k.job.id == "RE1" && k.queued));
    c.release(&JobKey::of("RE1")).await.unwrap();
    c.release(&JobKey::of("RE1")).await.unwrap();
    assert_eq!(c.all().await.unwrap().len(), 1);
    let names: Vec<_> = std::fs::read_dir(dir.path().join("custody"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![format!("{}.json", JobKey::of("RE2"))],
        "no temporary file left"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("custody").join(&names[0]);
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// With Redis, the ledger, the sending markers and the copies (which
/// may hold a caller's number) are as private as the local queue's
/// files: 0700 directories, 0600 files, also under a permissive umask.
#[cfg(unix)]
#[tokio::test]
async fn ledger_markers_and_copies_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let root = tempfile::tempdir().unwrap();
    let spool = root.path().join("spool");
    let c = Custody::new(&spool);
    c.keep(&kept("RE1")).await.unwrap();
    c.mark_done(&JobKey::of("RE1")).await.unwrap();
    c.sending(&JobKey::of("RE2")).await;
    let custody = spool.join("custody");
    for dir in [
        &spool,
        &custody,
        &custody.join("done"),
        &custody.join("sending"),
    ] {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    for file in [
        custody.join(format!("{}.json", JobKey::of("RE1"))),
        custody.join("done").join(JobKey::of("RE1").as_str()),
        custody.join("sending").join(JobKey::of("RE2").as_str()),
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

/// A pipe or a directory named like a copy never blocks the custody pass
/// or hides the real copies.
#[tokio::test]
async fn odd_entries_never_block_or_hide_the_copies() {
    let dir = tempfile::tempdir().unwrap();
    let c = Custody::new(dir.path());
    c.keep(&kept("RE1")).await.unwrap();
    let custody = dir.path().join("custody");
    let fifo = std::process::Command::new("mkfifo")
        .arg(custody.join("0000fifo.json"))
        .status()
        .unwrap();
    assert!(fifo.success());
    std::fs::create_dir(custody.join("0000dir.json")).unwrap();
    let all = tokio::time::timeout(std::time::Duration::from_secs(5), c.all())
        .await
        .expect("never blocks")
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].job.id, "RE1");
}
