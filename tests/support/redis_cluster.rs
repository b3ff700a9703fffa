//! A private three-node Redis Cluster (no replicas) built from
//! [`RedisServer`]s, to prove the routing script runs unchanged there.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::redis_server::RedisServer;

pub struct RedisCluster {
    nodes: Vec<RedisServer>,
}

impl RedisCluster {
    /// Panics when `redis-server`/`redis-cli` are missing or the cluster
    /// does not reach `cluster_state:ok` within 15 s.
    pub fn start() -> Self {
        let opts = [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
        ];
        let nodes: Vec<_> = (0..3).map(|_| RedisServer::start_with(&opts)).collect();
        let addrs: Vec<_> = nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port()))
            .collect();
        let status = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addrs)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot run redis-cli ({e}): apt-get install redis-server"));
        assert!(status.success(), "redis-cli --cluster create failed");
        let cluster = Self { nodes };
        cluster.wait_until_ok();
        cluster
    }

    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    fn wait_until_ok(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        for node in &self.nodes {
            loop {
                let out = Command::new("redis-cli")
                    .args(["-p", &node.port().to_string(), "cluster", "info"])
                    .output()
                    .expect("redis-cli");
                if String::from_utf8_lossy(&out.stdout).contains("cluster_state:ok") {
                    break;
                }
                assert!(Instant::now() < deadline, "cluster never reached state ok");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}
