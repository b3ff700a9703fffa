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
