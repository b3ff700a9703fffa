//! Real peers for the email tests: a `redis-server` and an SMTP server
//! (`aiosmtpd`, delivering into a maildir), each on a free port, each
//! killed when dropped. A missing tool fails the test loudly.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A port nobody listens on, never handed out twice in this process: the
/// outage tests hold a port without listening on it, and a parallel test
/// must not start its server there.
pub fn free_port() -> u16 {
    static GIVEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut given = GIVEN.lock().unwrap();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

fn wait_for_port(port: u16, what: &str, child: &mut Child, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let said = std::fs::read_to_string(log).unwrap_or_default();
            panic!("{what} exited at start ({status}); is it installed? scripts/test sets it up from tests/support/requirements.txt\n{said}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what} did not listen on port {port}");
}

fn spawn(cmd: &mut Command, what: &str, log: &Path) -> Child {
    cmd.stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e} (scripts/test installs it)"))
}

pub struct Redis {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Redis {
    pub fn start() -> Redis {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut child = spawn(
            Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no", "--dir"])
                .arg(dir.path()),
            "redis-server",
            &dir.path().join("stderr"),
        );
        wait_for_port(port, "redis-server", &mut child, &dir.path().join("stderr"));
        Redis {
            port,
            child,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Every key and everything stored under it, as text.
    pub async fn everything(&self) -> String {
        let client = redis::Client::open(self.url()).unwrap();
        let mut c = client.get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg("*")
            .query_async(&mut c)
            .await
            .unwrap();
        let mut out = String::new();
        for key in keys {
            let kind: String = redis::cmd("TYPE")
                .arg(&key)
                .query_async(&mut c)
                .await
                .unwrap();
            let mut cmd = match kind.as_str() {
                "string" => redis::cmd("GET"),
                "hash" => redis::cmd("HGETALL"),
                "zset" => redis::cmd("ZRANGE"),
                "stream" => redis::cmd("XRANGE"),
                _ => redis::cmd("TYPE"),
            };
            cmd.arg(&key);
            match kind.as_str() {
                "zset" => cmd.arg(0).arg(-1),
                "stream" => cmd.arg("-").arg("+"),
                _ => &mut cmd,
            };
            let value: redis::Value = cmd.query_async(&mut c).await.unwrap();
            out += &format!("{key} {kind} {value:?}\n");
        }
        out
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Smtp {
    pub port: u16,
    pub maildir: PathBuf,
    child: Child,
}

impl Smtp {
    /// Starts on `port` (pass [`free_port`], or the port of an outage that ends).
    pub fn start(port: u16, maildir: &Path) -> Smtp {
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
        }
        let mut child = spawn(
            crate::python::python3()
                .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
                .args(["-c", "aiosmtpd.handlers.Mailbox"])
                .arg(maildir),
            "python3 -m aiosmtpd",
            &maildir.join("stderr"),
        );
        let log = maildir.join("stderr");
        wait_for_port(port, "aiosmtpd (pip install aiosmtpd)", &mut child, &log);
        Smtp {
            port,
            maildir: maildir.to_owned(),
            child,
        }
    }

    /// Starts on a free port, trying another if one was taken meanwhile by a
    /// process outside this test binary.
    pub fn start_any(maildir: &Path) -> Smtp {
        for _ in 0..2 {
            let port = free_port();
            if let Ok(smtp) = std::panic::catch_unwind(|| Smtp::start(port, maildir)) {
                return smtp;
            }
        }
        Smtp::start(free_port(), maildir)
    }

    /// The raw messages delivered so far.
    pub fn messages(&self) -> Vec<PathBuf> {
        messages(&self.maildir)
    }
}

pub fn messages(maildir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(maildir.join("new"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Subject and decoded body of a message, read by Python's `email`
/// package: an independent MIME parser.
pub fn decode(path: &Path) -> (String, String) {
    let script = "import email,sys,email.policy as p\n\
        m=email.message_from_binary_file(open(sys.argv[1],'rb'),policy=p.default)\n\
        print(m['subject']);print(m.get_content())";
    let out = crate::python::python3()
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (subject, body) = text.split_once('\n').unwrap();
    (subject.to_owned(), body.to_owned())
}
