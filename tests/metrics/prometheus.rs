//! A real `prometheus` (Debian's package) on a free loopback port, scraping
//! the given targets every second, with its own temporary storage; killed
//! on drop. A missing binary fails the test: `scripts/test` installs it.

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

pub struct Prometheus {
    child: Child,
    pub addr: SocketAddr,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    pub fn start(targets: &[SocketAddr], rule_file: &std::path::Path) -> Prometheus {
        let dir = tempfile::tempdir().expect("temp dir");
        let targets: Vec<String> = targets.iter().map(|t| format!("'{t}'")).collect();
        let config = format!(
            "global: {{ scrape_interval: 1s, evaluation_interval: 1s }}\n\
             rule_files: ['{}']\n\
             scrape_configs:\n  - job_name: lotse\n    static_configs:\n      - targets: [{}]\n",
            rule_file.display(),
            targets.join(", ")
        );
        let config_path = dir.path().join("prometheus.yml");
        std::fs::write(&config_path, config).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start prometheus ({e}); install Debian's `prometheus` (scripts/test does)"
                )
            });
        Prometheus {
            child,
            addr,
            client: reqwest::Client::new(),
            _dir: dir,
        }
    }

    /// `GET /api/v1/query`: the `data` of a successful answer, or the error.
    pub async fn query(&self, expr: &str) -> Result<Value, String> {
        let url = format!("http://{}/api/v1/query", self.addr);
        let resp = self.client.get(url).query(&[("query", expr)]).send().await;
        let body: Value = match resp {
            Ok(r) => r.json().await.map_err(|e| e.to_string())?,
            Err(e) => return Err(e.to_string()),
        };
        match body["status"].as_str() {
            Some("success") => Ok(body["data"].clone()),
            _ => Err(format!("{}: {}", body["errorType"], body["error"])),
        }
    }

    /// Polls `expr` once a second until `ok` holds for its result; bounded.
    pub async fn wait_for(&self, expr: &str, tries: u32, ok: impl Fn(&Value) -> bool) -> Value {
        let mut last = Value::Null;
        for _ in 0..tries {
            if let Ok(data) = self.query(expr).await {
                if ok(&data) {
                    return data;
                }
                last = data;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        panic!("prometheus: {expr} never satisfied the condition; last: {last}");
    }
}

/// The single value of an instant-vector answer with one series.
pub fn scalar(data: &Value) -> Option<f64> {
    let result = data["result"].as_array()?;
    let [one] = result.as_slice() else {
        return None;
    };
    one["value"][1].as_str()?.parse().ok()
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
