//! The Redis connection behind [`super::RedisStore`]: one server through a
//! self-reconnecting `ConnectionManager`, or a Redis Cluster. Both get the
//! same short timeouts, so an outage costs a caller a second, not dead air.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, FromRedisValue, ScriptInvocation};

use super::error::Result;

/// How long one Redis round trip may take before the caller gets an error
/// (and fallback markup) instead of dead air.
#[derive(Clone, Copy, Debug)]
pub struct RedisTimeouts {
    pub connect: Duration,
    pub response: Duration,
}

impl Default for RedisTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_millis(1000),
            response: Duration::from_millis(1000),
        }
    }
}

/// One server (or a failover proxy), or a Redis Cluster. The script is the
/// same for both: a cluster client routes it by `KEYS[1]`, whose hash tag
/// puts every key of the hotline on that node.
#[derive(Clone)]
pub(crate) enum Conn {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl Conn {
    /// Lazy: connects on first use and again after every failure. Must run
    /// inside a Tokio runtime (the manager spawns its reconnect task there).
    pub fn single(url: &str, timeouts: RedisTimeouts) -> Result<Self> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeouts.connect))
            .set_response_timeout(Some(timeouts.response))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        Ok(Self::Single(ConnectionManager::new_lazy_with_config(
            client, config,
        )?))
    }

    /// Eager: reads the slot map from any of `nodes`, so the cluster must be up.
    pub async fn cluster(nodes: &[String], timeouts: RedisTimeouts) -> Result<Self> {
        let client = ClusterClient::builder(nodes.to_vec())
            .connection_timeout(timeouts.connect)
            .response_timeout(timeouts.response)
            .retries(2)
            .build()?;
        Ok(Self::Cluster(client.get_async_connection().await?))
    }

    pub async fn ping(&self) -> Result<()> {
        let ping = redis::cmd("PING");
        match self.clone() {
            Conn::Single(mut c) => ping.query_async::<()>(&mut c).await?,
            Conn::Cluster(mut c) => ping.query_async::<()>(&mut c).await?,
        }
        Ok(())
    }

    /// One command (`FCALL`, `FUNCTION LOAD`), routed by its key on a cluster.
    pub async fn query<T: FromRedisValue>(&self, cmd: &Cmd) -> Result<T> {
        Ok(match self.clone() {
            Conn::Single(mut c) => match cmd.query_async(&mut c).await {
                Err(e) if stale(&e) => cmd.query_async(&mut c).await?,
                other => other?,
            },
            Conn::Cluster(mut c) => cmd.query_async(&mut c).await?,
        })
    }

    /// EVALSHA, loading the script first where the server lost it (restart).
    pub async fn eval<T: FromRedisValue>(&self, inv: &ScriptInvocation<'_>) -> Result<T> {
        Ok(match self.clone() {
            Conn::Single(mut c) => match inv.invoke_async(&mut c).await {
                Err(e) if stale(&e) => inv.invoke_async(&mut c).await?,
                other => other?,
            },
            Conn::Cluster(mut c) => inv.invoke_async(&mut c).await?,
        })
    }
}

/// The connection was already dead when the command was written (Redis
/// restarted or a proxy dropped it while this instance was idle): the
/// manager learns it only now and reconnects, so the command is sent once
/// more, on the new connection. A caller must not hear "nobody available"
/// for a restart that is over. Every store operation is idempotent, so a
/// command that did run before the drop is harmless to repeat; a timeout
/// is not retried (the command may still be running, and the caller's
/// budget is spent).
pub(crate) fn stale(e: &redis::RedisError) -> bool {
    e.is_connection_dropped() && !e.is_timeout()
}
