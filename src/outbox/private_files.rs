//! Files only the service can read. Spool files hold a consenting caller's
//! number and the link to their recording: directories are created 0700
//! (and tightened if an older version left them wider), files 0600, so no
//! other account on the machine reads them, whatever the umask.

use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tokio::io::AsyncWriteExt;

/// Creates `dir` (and missing parents) as 0700, and sets `dir` itself to
/// 0700 if it already existed.
pub async fn dir(dir: &Path) -> std::io::Result<()> {
    tokio::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .await?;
    tokio::fs::set_permissions(dir, Permissions::from_mode(0o700)).await
}

/// Writes `bytes` to `path` as a 0600 file (also when `path` existed, e.g.
/// a temporary file left by a crash).
pub async fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .await?;
    file.set_permissions(Permissions::from_mode(0o600)).await?;
    file.write_all(bytes).await?;
    file.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn directories_are_0700_and_files_0600_even_if_they_were_wider() {
        let root = tempfile::tempdir().unwrap();
        let spool = root.path().join("var/outbox/queue");
        dir(&spool).await.unwrap();
        assert_eq!(mode(&spool), 0o700);
        assert_eq!(mode(&root.path().join("var/outbox")), 0o700);

        let old = root.path().join("old");
        std::fs::create_dir(&old).unwrap();
        std::fs::set_permissions(&old, Permissions::from_mode(0o755)).unwrap();
        dir(&old).await.unwrap();
        assert_eq!(mode(&old), 0o700);

        let file = old.join("job.json");
        std::fs::write(&file, b"old").unwrap();
        std::fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap();
        write(&file, b"new").await.unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
    }
}
