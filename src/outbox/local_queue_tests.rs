//! The spool queue's files: private, and seen markers pruned after their
//! lifetime.

use std::os::unix::fs::PermissionsExt;
use std::time::SystemTime;

use super::*;

fn job(id: &str) -> Job {
    Job {
        id: id.to_owned(),
        recorded_at: Utc::now(),
        duration_s: 5,
        recording_url: None,
        state: super::super::RecordingState::Completed,
        callback_requested: true,
        number: None,
        queued_at: Utc::now(),
        attempts: 0,
        last_error: None,
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn jobs_and_markers_are_private_and_old_markers_go() {
    let spool = tempfile::tempdir().unwrap();
    let seen = spool.path().join("queue/seen");
    std::fs::create_dir_all(&seen).unwrap();
    let old = seen.join("0123456789ab");
    let recent = seen.join("ba9876543210");
    for (marker, age_days) in [(&old, 8), (&recent, 6)] {
        let f = std::fs::File::create(marker).unwrap();
        let at = SystemTime::now() - Duration::from_secs(age_days * 24 * 3600);
        f.set_modified(at).unwrap();
    }

    let q = LocalQueue::new(spool.path());
    q.remember_number("CA1", "+493023125777", Duration::from_secs(60))
        .await
        .unwrap();
    assert!(q.enqueue(&job("RE1"), "CA1", true).await.unwrap());

    assert!(!old.exists(), "a marker older than seven days is pruned");
    assert!(recent.exists(), "a younger one stays");
    let key = job("RE1").key();
    let file = spool.path().join(format!("queue/{key}.json"));
    assert_eq!(mode(&file), 0o600, "the job holds the caller's number");
    assert_eq!(mode(&seen.join(key.as_str())), 0o600);
    assert_eq!(mode(&spool.path().join("queue")), 0o700);
    assert_eq!(mode(&seen), 0o700);
    assert!(
        !q.enqueue(&job("RE1"), "CA1", true).await.unwrap(),
        "still seen"
    );
}

/// A pipe, a directory or an unreadable entry named like a job never
/// blocks the queue or hides the real jobs behind it.
#[tokio::test]
async fn odd_entries_never_block_or_hide_the_jobs() {
    let spool = tempfile::tempdir().unwrap();
    let q = LocalQueue::new(spool.path());
    q.enqueue(&job("RE1"), "CA1", false).await.unwrap();
    let dir = spool.path().join("queue");
    let fifo = std::process::Command::new("mkfifo")
        .arg(dir.join("a-pipe.json"))
        .status()
        .unwrap();
    assert!(fifo.success());
    std::fs::create_dir(dir.join("a-directory.json")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", dir.join("dangling.json")).unwrap();
    let listed = tokio::time::timeout(Duration::from_secs(5), q.leftovers())
        .await
        .expect("never blocks")
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1.id, "RE1");
    let next = q.next(Utc::now()).await.unwrap().expect("the job");
    assert_eq!(next.job.id, "RE1");
}
