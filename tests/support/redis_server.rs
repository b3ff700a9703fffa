//! A private `redis-server` for one test or bench: started on a free
//! loopback port with no persistence, awaited until it answers PING, killed
//! on drop. Never the machine's own Redis on 6379. Shared by the store
//! contract tests and `benches/routing.rs` (included with `#[path]`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    port: u16,
    dir: tempfile::TempDir,
    extra: Vec<String>,
    child: Option<Child>,
}

impl RedisServer {
    /// Panics (loudly, never skips) when `redis-server` is not installed.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// With extra server options, e.g. `--cluster-enabled yes`.
    pub fn start_with(extra: &[&str]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("no free loopback port")
            .port();
        let dir = tempfile::tempdir().expect("tempdir for redis-server");
        let extra = extra.iter().map(|s| s.to_string()).collect();
        let mut server = Self {
            port,
            dir,
            extra,
            child: None,
        };
        server.restart();
        server
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port())
    }

    /// Kills the server, as a crash or a network cut would look to lotse.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    // Not every binary that includes this file freezes Redis.
    #[allow(dead_code)]
    /// Freezes the server (SIGSTOP): connections stay open but nothing is
    /// answered, as a hung host or a dropped network path looks to lotse.
    pub fn pause(&self) {
        self.signal("STOP");
    }

    #[allow(dead_code)]
    /// Lets a paused server answer again (SIGCONT), its data intact.
    pub fn resume(&self) {
        self.signal("CONT");
    }

    #[allow(dead_code)]
    fn signal(&self, name: &str) {
        let pid = self.child.as_ref().expect("redis-server running").id();
        // bash's own `kill`: no procps needed on a slim machine.
        let sent = Command::new("bash")
            .args(["-c", &format!("kill -{name} \"$0\""), &pid.to_string()])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill -{name} redis-server");
    }

    /// Starts the server again on the same port (empty: no persistence).
    pub fn restart(&mut self) {
        self.stop();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start redis-server ({e}); install it: apt-get install redis-server")
            });
        self.child = Some(child);
        self.wait_for_pong();
    }

    fn wait_for_pong(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.pong() {
                return;
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                panic!("redis-server on port {} exited early: {status}", self.port);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} never answered PING", self.port);
    }

    fn pong(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
        let mut buf = [0u8; 7];
        s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
