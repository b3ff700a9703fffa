//! Rendered prompts on disk, bounded: one file per key, written atomically
//! (temporary file, then rename), the least recently used dropped once the
//! directory grows past its limit. Losing the cache costs only time.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

pub struct Cache {
    dir: PathBuf,
    max_bytes: u64,
    /// Bytes written since the last sweep; a sweep runs when it could
    /// have pushed the directory over the limit.
    since_sweep: AtomicU64,
}

impl Cache {
    /// Creates `dir` if it can (else every `put` says why) and sweeps it once.
    pub fn open(dir: &Path, max_bytes: u64) -> Cache {
        let _ = std::fs::create_dir_all(dir);
        let cache = Cache {
            dir: dir.to_owned(),
            max_bytes,
            since_sweep: AtomicU64::new(0),
        };
        cache.sweep();
        cache
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.wav"))
    }

    /// The cached bytes, marked as used (so the sweep keeps them).
    pub async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let path = self.path(key);
        let bytes = tokio::fs::read(&path).await.ok()?;
        if let Ok(f) = std::fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
        Some(bytes)
    }

    pub async fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let tmp = self.dir.join(format!(".{key}.tmp"));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, self.path(key)).await?;
        let written = self
            .since_sweep
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if written + bytes.len() as u64 > self.max_bytes / 10 {
            self.since_sweep.store(0, Ordering::Relaxed);
            let (dir, max) = (self.dir.clone(), self.max_bytes);
            let _ = tokio::task::spawn_blocking(move || sweep(&dir, max)).await;
        }
        Ok(())
    }

    fn sweep(&self) {
        sweep(&self.dir, self.max_bytes);
    }
}

/// Drops the least recently used files until the directory holds at most
/// 90 % of `max_bytes`.
fn sweep(dir: &Path, max_bytes: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let used = meta.modified().ok()?;
            meta.is_file().then(|| (used, meta.len(), e.path()))
        })
        .collect();
    let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
    if total <= max_bytes {
        return;
    }
    files.sort();
    let goal = max_bytes / 10 * 9;
    for (_, len, path) in files {
        if total <= goal {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stays_within_its_bound_and_keeps_what_was_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), 10_000);
        cache.put("first", &[1; 3000]).await.unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.put("second", &[2; 3000]).await.unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(cache.get("first").await.is_some()); // now the most recent
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.put("third", &[3; 3000]).await.unwrap();
        cache.put("fourth", &[4; 3000]).await.unwrap();
        let size: u64 = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        assert!(size <= 10_000, "{size}");
        assert!(
            cache.get("second").await.is_none(),
            "the least recently used goes first"
        );
        assert!(cache.get("fourth").await.is_some());
    }
}
