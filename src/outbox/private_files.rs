//! Files only the service can read. Spool files hold a consenting caller's
//! number and the link to their recording: directories are created 0700
//! (and tightened if an older version left them wider), files 0600, so no
//! other account on the machine reads them, whatever the umask.

use std::fs::Permissions;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
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

/// Writes `<dir>/<name>` (0600, in a 0700 `dir`) so that a crash or power
/// loss leaves either the old file or the whole new one: a temporary file,
/// flushed to disk, renamed, and the directory flushed so the rename itself
/// survives.
pub async fn durable_write(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    self::dir(dir).await?;
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut open = tokio::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    open.mode(0o600);
    let mut file = open.open(&tmp).await?;
    let written = async {
        file.write_all(bytes).await?;
        file.sync_all().await
    }
    .await;
    drop(file);
    if let Err(e) = written {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(e);
    }
    tokio::fs::rename(&tmp, dir.join(name)).await?;
    sync_dir(dir).await
}

/// Flushes `dir` itself, so a rename or removal in it survives a crash.
pub async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    tokio::fs::File::open(dir).await?.sync_all().await?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The contents of `path` if it is a plain file (not a pipe, a link or a
/// directory) of at most `max` bytes that can be read; `None` otherwise.
/// For everything the spool reads back: a pipe named like a job would
/// block its reader forever, a huge file would fill memory.
pub async fn read_plain(path: &Path, max: u64) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let meta = tokio::fs::symlink_metadata(path).await.ok()?;
    if !meta.is_file() || meta.len() > max {
        return None;
    }
    let file = tokio::fs::File::open(path).await.ok()?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).await.ok()?;
    (bytes.len() as u64 <= max).then_some(bytes)
}

/// The spool's own subdirectories; nothing else under `spool_dir` is
/// touched (an operator may point it at a directory that holds more).
const SPOOL_DIRS: [&str; 4] = ["queue", "dead", "custody", "journal"];

/// Tightens what an older version (or a wide umask) left in the spool: the
/// spool directory and its own subdirectories to 0700, plain files in them
/// (and the spooled `.eml` files at the top) to 0600; links, hard-linked
/// files and other kinds are left alone. Once at start, so a job written 0644 before
/// the upgrade does not stay readable.
pub async fn tighten_tree(root: &Path) -> std::io::Result<()> {
    let mut dirs = vec![(root.to_path_buf(), 0u8)];
    while let Some((dir, depth)) = dirs.pop() {
        tokio::fs::set_permissions(&dir, Permissions::from_mode(0o700)).await?;
        let Ok(mut list) = tokio::fs::read_dir(&dir).await else {
            continue;
        };
        while let Ok(Some(entry)) = list.next_entry().await {
            let Ok(meta) = tokio::fs::symlink_metadata(entry.path()).await else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            // At the top only the spooled emails are ours.
            let ours = depth > 0 || name.ends_with(".eml");
            if meta.is_dir() && (depth > 0 || SPOOL_DIRS.contains(&name.as_str())) && depth < 3 {
                dirs.push((entry.path(), depth + 1));
            } else if meta.is_file()
                && ours
                && meta.nlink() == 1 // a hard link would change a file elsewhere
                && meta.permissions().mode() & 0o077 != 0
            {
                let _ =
                    tokio::fs::set_permissions(entry.path(), Permissions::from_mode(0o600)).await;
            }
        }
    }
    Ok(())
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

    #[tokio::test]
    async fn what_an_older_version_left_wide_is_tightened_at_start() {
        let root = tempfile::tempdir().unwrap();
        let spool = root.path().join("spool");
        std::fs::create_dir_all(spool.join("queue/seen")).unwrap();
        let job = spool.join("queue/old.json");
        let seen = spool.join("queue/seen/old");
        for f in [&job, &seen] {
            std::fs::write(f, b"x").unwrap();
            std::fs::set_permissions(f, Permissions::from_mode(0o644)).unwrap();
        }
        for d in [&spool, &spool.join("queue"), &spool.join("queue/seen")] {
            std::fs::set_permissions(d, Permissions::from_mode(0o755)).unwrap();
        }
        let others = [spool.join("notes.txt"), spool.join("package.json")];
        for other in &others {
            std::fs::write(other, b"the operator's").unwrap();
            std::fs::set_permissions(other, Permissions::from_mode(0o644)).unwrap();
        }
        let outside = root.path().join("outside.txt");
        std::fs::write(&outside, b"x").unwrap();
        std::fs::set_permissions(&outside, Permissions::from_mode(0o644)).unwrap();
        std::fs::hard_link(&outside, spool.join("queue/linked.json")).unwrap();
        tighten_tree(&spool).await.unwrap();
        for other in &others {
            assert_eq!(mode(other), 0o644, "not the spool's: untouched");
        }
        assert_eq!(mode(&outside), 0o644, "a hard link is not followed");
        for d in [&spool, &spool.join("queue"), &spool.join("queue/seen")] {
            assert_eq!(mode(d), 0o700, "{}", d.display());
        }
        assert_eq!(mode(&job), 0o600);
        assert_eq!(mode(&seen), 0o600);
    }
}
