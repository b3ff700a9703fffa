//! Spool files are the service's alone: a voicemail email written to the
//! spool directory (no SMTP configured) and the queue behind it are 0600
//! files in 0700 directories, whatever the umask; replayed from outside
//! against the built binary.

#[allow(dead_code)]
#[path = "support/lotse_binary.rs"]
mod lotse_binary;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use lotse_binary::*;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_spooled_voicemail_email_is_readable_by_the_service_only() {
    let lotse = Lotse::start(&[], None);
    let params: Vec<(String, String)> = [
        ("CallSid", "CAspool0000000000000000000000001"),
        ("RecordingSid", "RE00000000000000000000000000000001"),
        ("RecordingStatus", "completed"),
        ("RecordingDuration", "12"),
        (
            "RecordingUrl",
            "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1",
        ),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut conn = RawConn::open(lotse.addr).unwrap();
    let (status, _) = conn.request(&signed_request(
        "/twilio/recording?callback=yes&lang=de",
        &params,
    ));
    assert_eq!(status, 200);

    let spool = lotse.spool();
    let deadline = Instant::now() + Duration::from_secs(30);
    let eml = loop {
        let found = std::fs::read_dir(&spool).ok().and_then(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "eml"))
        });
        if let Some(eml) = found {
            break eml;
        }
        assert!(
            Instant::now() < deadline,
            "no .eml in {}:\n{}",
            spool.display(),
            lotse.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(mode(&eml), 0o600, "{}", eml.display());
    assert_eq!(mode(&spool), 0o700);
    for sub in ["queue", "queue/seen"] {
        assert_eq!(mode(&spool.join(sub)), 0o700, "{sub}");
    }
    for marker in std::fs::read_dir(spool.join("queue/seen")).unwrap() {
        assert_eq!(mode(&marker.unwrap().path()), 0o600);
    }
}
