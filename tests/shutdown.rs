//! SIGTERM ends `lotse serve` within 10 s whatever clients and the store
//! do, against the built binary: the store frozen (a hung Redis host, so
//! every store call runs into its timeout), a call's end kept in the
//! journal for replay, a webhook in flight that needs the store, a genuine
//! callback whose body arrives slowly, clients that never read what they
//! asked for, and fifty bodies trickling in. Draining requests, the journal's last
//! replay and the metrics listener share one budget counted from the signal;
//! what the store never took is saved, and an instance already running on
//! the same spool takes it over.

#[allow(dead_code)]
#[path = "support/lotse_binary.rs"]
mod lotse_binary;
#[allow(dead_code)]
#[path = "support/redis_server.rs"]
mod redis_server;

use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lotse_binary::*;
use redis_server::RedisServer;

const TRICKLING: usize = 50;

fn pending_writes(lotse: &Lotse) -> u64 {
    let (status, body) = RawConn::open(lotse.addr)
        .unwrap()
        .request(b"GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(status, 200);
    String::from_utf8_lossy(&body)
        .lines()
        .find_map(|l| l.strip_prefix("lotse_store_writes_pending "))
        .and_then(|v| v.trim().parse().ok())
        .expect("lotse_store_writes_pending")
}

#[test]
fn sigterm_exits_within_ten_seconds_with_the_store_frozen_and_a_write_kept() {
    let redis = RedisServer::start();
    let spool = tempfile::tempdir().unwrap();
    let spool_dir = spool.path().to_str().unwrap().to_owned();
    let env = [
        ("LOTSE_REDIS__URL", redis.url()),
        ("LOTSE_EMAIL__SPOOL_DIR", spool_dir),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut lotse = Lotse::start(&env, None);
    // A second instance on the same spool, already running (a blue/green
    // deploy): it takes over what the first one saves when it stops.
    let next = Lotse::start(&env, None);

    redis.pause();
    // A call ends while the store hangs: answered at once, its end kept.
    let mut ended = new_call("CA00000000000000000000000000000e01");
    ended.push(("CallStatus".into(), "completed".into()));
    let (status, _) = RawConn::open(lotse.addr)
        .unwrap()
        .request(&signed_request("/twilio/status", &ended));
    assert_eq!(
        status, 200,
        "a status callback is answered during an outage"
    );
    assert_eq!(pending_writes(&lotse), 1, "the call's end is kept");

    // A caller's hold turn in flight: every store call it makes times out.
    let addr = lotse.addr;
    let in_flight = std::thread::spawn(move || {
        let hold = new_call("CA00000000000000000000000000000e02");
        RawConn::open(addr)
            .unwrap()
            .request(&signed_request(
                "/twilio/voice?step=counsellor&lang=de",
                &hold,
            ))
            .0
    });

    // Bodies that never finish, a byte a second.
    let stop = Arc::new(AtomicBool::new(false));
    let mut slow: Vec<TcpStream> = (0..TRICKLING)
        .map(|_| {
            let mut s = TcpStream::connect(lotse.addr).unwrap();
            s.write_all(
                b"POST /twilio/voice HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n",
            )
            .unwrap();
            s
        })
        .collect();
    let trickle = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                for s in &mut slow {
                    let _ = s.write_all(b"X");
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    // Clients that ask for audio and never read it: the answers stall in
    // full socket buffers until the write timeout.
    let _stalled: Vec<TcpStream> = (0..5)
        .map(|_| {
            let mut s = TcpStream::connect(lotse.addr).unwrap();
            let ask = b"GET /audio/hold.wav HTTP/1.1\r\nHost: t\r\n\r\n".repeat(50);
            s.write_all(&ask).unwrap();
            s
        })
        .collect();

    // A genuine callback whose body arrives slowly, finishing just inside
    // the body timeout, and then needs the frozen store.
    let late = {
        let mut ended = new_call("CA00000000000000000000000000000e03");
        ended.push(("CallStatus".into(), "completed".into()));
        let request = signed_request("/twilio/status", &ended);
        let split = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let mut conn = TcpStream::connect(lotse.addr).unwrap();
        conn.write_all(&request[..split]).unwrap();
        std::thread::spawn(move || {
            let body = &request[split..];
            let per = Duration::from_millis(4_500) / body.len() as u32;
            for byte in body.chunks(1) {
                let _ = conn.write_all(byte);
                std::thread::sleep(per);
            }
        })
    };
    std::thread::sleep(Duration::from_millis(300));

    let (took, exit) = lotse.terminate();
    let _ = late.join();
    stop.store(true, Ordering::SeqCst);
    redis.resume();
    let _ = trickle.join();
    let answered = in_flight.join().unwrap();
    eprintln!("SIGTERM with the store frozen: exited after {took:?} ({exit}); the webhook in flight got {answered}");
    assert!(took < Duration::from_secs(10), "SIGTERM took {took:?}");
    let log = lotse.log();
    assert!(
        log.contains("store writes saved for the next instance"),
        "the kept writes are saved, not lost:\n{log}"
    );

    // The instance that kept running takes them over within a few seconds.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !next
        .log()
        .contains("took over store writes saved by a stopped instance")
    {
        assert!(std::time::Instant::now() < deadline, "{}", next.log());
        std::thread::sleep(Duration::from_millis(100));
    }
    let saved = std::fs::read_dir(spool.path().join("journal"))
        .unwrap()
        .count();
    assert_eq!(saved, 0, "each saved file is taken once and removed");
}

/// An instance that cannot even listen (its port is taken) exits without
/// touching the writes others saved: they wait for one that serves.
#[test]
fn an_instance_that_cannot_listen_leaves_saved_writes_alone() {
    let spool = tempfile::tempdir().unwrap();
    let saved = spool.path().join("journal");
    std::fs::create_dir_all(&saved).unwrap();
    let file = saved.join("w1.json");
    let one =
        r#"[{"call":"CA1","at":"2026-03-30T08:00:00Z","write":"left_line","abandoned":true}]"#;
    std::fs::write(&file, one).unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let status = std::process::Command::new(binary())
        .arg("serve")
        .env_remove("LOTSE_CONFIG")
        .env(
            "LOTSE_SERVER__LISTEN",
            taken.local_addr().unwrap().to_string(),
        )
        .env("LOTSE_EMAIL__SPOOL_DIR", spool.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the port is taken");
    assert!(file.exists(), "the saved writes are still there");
}
