//! The callback side of the shared queue: a consenting caller's number
//! kept for their recording, and the recording's job queued once. A caller
//! (or the provider) is waiting on these, so a connection that died
//! unnoticed gets one more try on the fresh one.

use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};

use super::{caller_key, done_key, seen_key, Enqueued, RedisQueue, ENQUEUE, SEEN_TTL_S, STREAM};
use crate::outbox::job::Job;

impl RedisQueue {
    /// Runs `op` on the connection, and once more if that connection had
    /// died unnoticed (Redis restarted while this instance was idle; the
    /// manager reconnects on the first failure). For the callback paths,
    /// whose caller is waiting; both are idempotent.
    async fn twice<T, F, Fut>(&self, op: F) -> anyhow::Result<T>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        let c = self.conn().await?;
        match op(c.clone()).await {
            Err(e) if crate::routing::connection_went_stale(&e) => Ok(op(c).await?),
            other => Ok(other?),
        }
    }

    pub async fn remember_number(
        &self,
        call: &str,
        number: &str,
        ttl: Duration,
    ) -> anyhow::Result<()> {
        let key = caller_key(call);
        let secs = ttl.as_secs().max(1);
        self.twice(|mut c| {
            let key = key.clone();
            async move { c.set_ex::<_, _, ()>(key, number, secs).await }
        })
        .await
    }

    pub async fn enqueue(
        &self,
        job: &Job,
        call: &str,
        join_number: bool,
    ) -> anyhow::Result<Enqueued> {
        let script = Script::new(ENQUEUE);
        let mut invocation = script.key(seen_key(&job.id));
        invocation
            .key(STREAM)
            .key(caller_key(call))
            .key(done_key(&job.id))
            .arg(job.to_json())
            .arg(SEEN_TTL_S)
            .arg(if join_number { "1" } else { "0" });
        let invocation = &invocation;
        let (added, number): (i64, String) = self
            .twice(|mut c| async move { invocation.invoke_async(&mut c).await })
            .await?;
        Ok(match added {
            1 => Enqueued::Added {
                number: Some(number).filter(|n| !n.is_empty()),
            },
            _ => Enqueued::Duplicate,
        })
    }
}
