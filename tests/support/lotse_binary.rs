//! The `lotse` binary as the checker runs it (`TEST_LOTSE_BIN=target/release/lotse`
//! to test a release build): `lotse
//! serve` in a directory of its own, configured by `LOTSE_…` variables,
//! optionally with a lower soft file limit, killed on drop. With the
//! helpers the binary tests share: signed webhooks, a raw HTTP/1.1
//! connection, and the process' memory and file limit from `/proc`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const TOKEN: &str = "binary-test-token";
pub const PUBLIC_URL: &str = "https://hotline.example.org";

pub struct Lotse {
    child: Option<Child>,
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
}

impl Lotse {
    /// Starts `lotse serve` on a free loopback port with these variables
    /// (and the Twilio token), the soft file limit set to `nofile` first.
    pub fn start(env: &[(&str, &str)], nofile: Option<u64>) -> Lotse {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let dir = tempfile::tempdir().expect("tempdir");
        let log = std::fs::File::create(dir.path().join("lotse.log")).expect("log file");
        let limit = nofile.map_or_else(|| "unlimited".to_owned(), |n| n.to_string());
        let script = match nofile {
            Some(_) => format!("ulimit -Sn {limit} && exec \"$0\" serve"),
            None => "exec \"$0\" serve".to_owned(),
        };
        let child = Command::new("bash")
            .args(["-c", &script, &binary()])
            .current_dir(dir.path())
            .env_remove("LOTSE_CONFIG")
            .env("LOTSE_SERVER__LISTEN", addr.to_string())
            .env("LOTSE_TWILIO__AUTH_TOKEN", TOKEN)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start lotse");
        let mut lotse = Lotse {
            child: Some(child),
            addr,
            dir,
        };
        lotse.wait_until_healthy();
        lotse
    }

    fn wait_until_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(mut conn) = RawConn::open(self.addr) {
                if conn.request(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").0 == 200 {
                    return;
                }
            }
            assert!(self.alive(), "lotse exited early:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("lotse never became healthy:\n{}", self.log());
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    pub fn alive(&mut self) -> bool {
        matches!(self.child.as_mut().map(Child::try_wait), Some(Ok(None)))
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("lotse.log")).unwrap_or_default()
    }

    /// Resident memory now, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// The soft and hard limit on open files, as the kernel has them.
    pub fn nofile(&self) -> (String, String) {
        let limits = std::fs::read_to_string(format!("/proc/{}/limits", self.pid())).unwrap();
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .unwrap();
        let mut words = line.split_whitespace().skip(3);
        (
            words.next().unwrap().to_owned(),
            words.next().unwrap().to_owned(),
        )
    }

    /// Sends SIGTERM and waits for the exit; how long it took.
    pub fn terminate(&mut self) -> (Duration, std::process::ExitStatus) {
        let started = Instant::now();
        // bash's own `kill`: no procps needed on a slim machine.
        let sent = Command::new("bash")
            .args(["-c", "kill -TERM \"$0\"", &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        let mut child = self.child.take().expect("running");
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return (started.elapsed(), status);
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("lotse ignored SIGTERM for 30 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn spool(&self) -> PathBuf {
        self.dir.path().join("var/outbox")
    }
}

impl Drop for Lotse {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The binary under test: `TEST_LOTSE_BIN` (e.g. `target/release/lotse`), else
/// the one cargo built for this test run.
pub fn binary() -> String {
    std::env::var("TEST_LOTSE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_lotse").to_owned())
}

/// `X-Twilio-Signature` for `params` posted to `path_and_query`.
pub fn sign(path_and_query: &str, params: &[(String, String)]) -> String {
    let url = format!("{PUBLIC_URL}{path_and_query}");
    lotse::providers::twilio::signature::compute(TOKEN.as_bytes(), &url, params)
}

/// A whole signed webhook request, as bytes on the wire.
pub fn signed_request(path_and_query: &str, params: &[(String, String)]) -> Vec<u8> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!(
        "POST {path_and_query} HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: {}\r\nContent-Length: {}\r\n\r\n{body}",
        sign(path_and_query, params),
        body.len()
    )
    .into_bytes()
}

/// A new call, as Twilio announces it.
pub fn new_call(call: &str) -> Vec<(String, String)> {
    [
        ("CallSid", call),
        ("From", "+493023125777"),
        ("To", "+498003009944"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// One HTTP/1.1 connection, written and read by hand (any method, any
/// bytes), with a 20 s read timeout.
pub struct RawConn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl RawConn {
    pub fn open(addr: SocketAddr) -> std::io::Result<RawConn> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.set_read_timeout(Some(Duration::from_secs(20)))?;
        Ok(RawConn {
            stream,
            buf: Vec::new(),
        })
    }

    /// Sends `bytes`, reads one response: status (0 if the connection
    /// closed first) and body.
    pub fn request(&mut self, bytes: &[u8]) -> (u16, Vec<u8>) {
        if self.stream.write_all(bytes).is_err() {
            return (0, Vec::new());
        }
        self.response()
    }

    pub fn response(&mut self) -> (u16, Vec<u8>) {
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if !self.fill() {
                return (0, Vec::new());
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or(0);
        while self.buf.len() < head_end + length {
            if !self.fill() {
                break;
            }
        }
        let end = (head_end + length).min(self.buf.len());
        let body = self.buf[head_end..end].to_vec();
        self.buf.drain(..end);
        (status, body)
    }

    fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
