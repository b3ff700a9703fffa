//! The limit on open files: raised at start from the soft to the hard limit
//! (systemd's soft default, 1,024, is less than the connections we allow),
//! and the share of it that connections may take.

/// Descriptors kept for everything but client connections: the store and
/// SMTP connections, spool files, the metrics listener, logs.
const RESERVED: u64 = 128;

/// Raises the soft limit on open files to the hard one; the limit now.
pub fn raise() -> std::io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// The soft limit now (`None` if it cannot be read).
pub fn current() -> Option<u64> {
    rlimit::getrlimit(rlimit::Resource::NOFILE)
        .ok()
        .map(|(soft, _)| soft)
}

/// How many client connections fit beside what the process needs.
pub fn connections_within(soft: Option<u64>, wanted: usize) -> usize {
    match soft {
        Some(soft) => {
            let room = soft.saturating_sub(RESERVED).max(16);
            wanted.min(usize::try_from(room).unwrap_or(usize::MAX))
        }
        None => wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_leave_room_for_the_rest_of_the_process() {
        assert_eq!(connections_within(Some(1024), 4096), 896);
        assert_eq!(connections_within(Some(1_048_576), 4096), 4096);
        assert_eq!(connections_within(Some(u64::MAX), 4096), 4096);
        assert_eq!(connections_within(Some(20), 4096), 16);
        assert_eq!(connections_within(None, 4096), 4096);
    }
}
