//! A storm at the running binary: for 60 s, four clients throw random
//! methods, paths, headers and bodies, signed webhooks with random forms
//! and callback URLs, and plain garbage at `lotse serve` on a real
//! `redis-server`, which is away for 15 s in the middle. The process never
//! crashes, never answers a 5xx other than 503 while the store is out,
//! keeps answering calls, and its memory stays flat.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::lotse_binary::*;
use crate::redis_server::RedisServer;
use crate::rng::Rng;

const STORM: Duration = Duration::from_secs(60);
const OUTAGE: (Duration, Duration) = (Duration::from_secs(20), Duration::from_secs(35));
/// After Redis is back, connections heal within a few seconds.
const HEAL: Duration = Duration::from_secs(10);

use crate::storm_requests::{random_request, signed_webhook};

/// Sends `request` on a new connection; the status (0: none) at close.
/// `hang_up`: close our side at once (garbage may never finish a head).
fn exchange(addr: SocketAddr, request: &[u8], hang_up: bool) -> u16 {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(5)) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
    if s.write_all(request).is_err() {
        return 0;
    }
    if hang_up {
        let _ = s.shutdown(std::net::Shutdown::Write);
    }
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer[..answer.len().min(32)]).into_owned();
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[derive(Default)]
struct Tally {
    sent: u64,
    by_status: std::collections::BTreeMap<u16, u64>,
    wrong: Vec<String>,
}

#[test]
fn sixty_seconds_of_random_requests_break_nothing() {
    let mut redis = RedisServer::start();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing/lotse-test.toml");
    let operator = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(b"storm-operator");
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let mut lotse = Lotse::start(
        &[
            ("LOTSE_CONFIG", config.to_str().unwrap()),
            ("LOTSE_REDIS__URL", &redis.url()),
            ("LOTSE_API__OPERATOR_TOKEN_SHA256", &operator),
        ],
        None,
    );
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("storm seed {seed:#x}");
    let started = Instant::now();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let workers: Vec<_> = (0..4u64)
        .map(|w| {
            let (addr, tally) = (lotse.addr, tally.clone());
            std::thread::spawn(move || {
                let mut rng = Rng(seed.wrapping_add(w.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
                while started.elapsed() < STORM {
                    let (kind, request) = match rng.below(10) {
                        0..=3 => ("signed", signed_webhook(&mut rng)),
                        4..=8 => ("random", random_request(&mut rng)),
                        _ => ("garbage", rng.bytes(300)),
                    };
                    let at = started.elapsed();
                    let status = exchange(addr, &request, kind == "garbage");
                    let store_out =
                        at + Duration::from_secs(1) >= OUTAGE.0 && at <= OUTAGE.1 + HEAL;
                    let fine = match (kind, status) {
                        ("garbage", s) => s < 500,
                        ("signed", 200 | 400) => true,
                        ("random", s) => s != 0 && s < 500,
                        (_, 503) => store_out,
                        _ => false,
                    } || (status == 503 && store_out);
                    let mut t = tally.lock().unwrap();
                    t.sent += 1;
                    *t.by_status.entry(status).or_default() += 1;
                    if !fine && t.wrong.len() < 20 {
                        let shown = String::from_utf8_lossy(&request[..request.len().min(200)])
                            .into_owned();
                        t.wrong
                            .push(format!("{kind} at {at:?} → {status}: {shown:?}"));
                    }
                }
            })
        })
        .collect();

    let mut rss = Vec::new();
    let mut redis_down = false;
    while started.elapsed() < STORM {
        std::thread::sleep(Duration::from_secs(1));
        let at = started.elapsed();
        if !redis_down && at >= OUTAGE.0 && at < OUTAGE.1 {
            redis.stop();
            redis_down = true;
        } else if redis_down && at >= OUTAGE.1 {
            redis.restart();
            redis_down = false;
        }
        assert!(lotse.alive(), "lotse crashed at {at:?}:\n{}", lotse.log());
        rss.push((at.as_secs(), lotse.rss_kib()));
    }
    for w in workers {
        w.join().unwrap();
    }
    let tally = tally.lock().unwrap();
    eprintln!(
        "storm: {} requests, by status {:?}",
        tally.sent, tally.by_status
    );
    eprintln!("RSS (s, KiB): {rss:?}");
    assert!(
        tally.wrong.is_empty(),
        "unexpected answers:\n{}",
        tally.wrong.join("\n")
    );
    assert!(tally.sent > 1000, "the storm was too weak to mean anything");

    // Still answering calls, and nothing panicked on the way.
    let mut conn = RawConn::open(lotse.addr).unwrap();
    let (status, body) = conn.request(&signed_request(
        "/twilio/voice",
        &new_call("CA0000000000000000000000000storm"),
    ));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let log = lotse.log();
    assert!(!log.contains("panicked"), "{log}");

    // Flat memory: after the first 15 s (pools, caches, the store's
    // connections warmed up), resident memory grows by less than 16 MiB.
    let warm = rss.iter().find(|(s, _)| *s >= 15).map(|(_, k)| *k).unwrap();
    let peak = rss
        .iter()
        .filter(|(s, _)| *s >= 15)
        .map(|(_, k)| *k)
        .max()
        .unwrap();
    assert!(
        peak < warm + 16 * 1024,
        "RSS grew from {warm} to {peak} KiB"
    );
}
