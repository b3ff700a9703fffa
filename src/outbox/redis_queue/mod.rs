//! The queue on Redis, shared by every `lotse` instance.
//!
//! New jobs go into a Stream read through one consumer group, so each job
//! goes to one sender; a job a crashed sender held for `claim_idle` is taken
//! over with `XAUTOCLAIM`. Failed jobs wait in a sorted set (score: when to
//! retry) and are moved back into the stream when due; given-up jobs sit in
//! a hash of dead letters. Each step is one atomic script or transaction.
//! All keys share the hash tag `{lotse-outbox}`, so the scripts run on a
//! Redis Cluster too. Keys, and what they hold:
//! - `…:stream` — jobs (JSON, plus the joined number), deleted once delivered;
//! - `…:retry` — jobs waiting for their next attempt;
//! - `…:dead` — dead letters, by recording id, until replayed;
//! - `…:seen:<recording id>` — marks a recording as queued (no personal data; 7 days);
//! - `…:done:<recording id>` — `1` once delivered, `dead` once given up (no
//!   personal data; 7 days): the recording is never queued again, and an
//!   instance holding a copy of it (see `custody`) lets go;
//! - `…:caller:<call id>` — a consenting caller's number until their recording
//!   arrives (expires after the join window).

mod accept;
mod operator;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;
use tokio::sync::OnceCell;

use super::job::Job;
use super::queue::Claimed;
use super::redis_scripts::{ENQUEUE, NEXT};

const STREAM: &str = "{lotse-outbox}:stream";
const RETRY: &str = "{lotse-outbox}:retry";
const DEAD: &str = "{lotse-outbox}:dead";
const GROUP: &str = "senders";
/// Longer than Twilio keeps retrying a callback.
pub(super) const SEEN_TTL_S: u64 = 7 * 24 * 3600;

fn seen_key(id: &str) -> String {
    format!("{{lotse-outbox}}:seen:{id}")
}
fn caller_key(call: &str) -> String {
    format!("{{lotse-outbox}}:caller:{call}")
}
fn done_key(id: &str) -> String {
    format!("{{lotse-outbox}}:done:{id}")
}

/// What [`RedisQueue::enqueue`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Enqueued {
    /// Stored; with the number remembered for the call, if it was joined.
    Added { number: Option<String> },
    /// The recording was queued (or delivered) before: nothing stored.
    Duplicate,
}

/// Where a recording stands in the shared store.
#[derive(Debug, PartialEq, Eq)]
pub enum Fate {
    /// Delivered.
    Done,
    /// Given up: a dead letter, for an operator to replay.
    Dead,
    /// Accepted and not done yet.
    Queued,
    /// The store has never heard of it, or lost it.
    Unknown,
}

pub struct RedisQueue {
    client: redis::Client,
    conn: OnceCell<ConnectionManager>,
    /// This process's name in the consumer group.
    consumer: String,
    claim_idle: Duration,
    /// Times the consumer group was found missing and recreated, not yet
    /// reported (see [`RedisQueue::take_repairs`]).
    repairs: AtomicU64,
}

impl RedisQueue {
    pub fn new(client: redis::Client, claim_idle: Duration) -> RedisQueue {
        RedisQueue {
            client,
            conn: OnceCell::new(),
            consumer: format!("lotse-{}", uuid::Uuid::new_v4().simple()),
            claim_idle,
            repairs: AtomicU64::new(0),
        }
    }

    /// How often the consumer group had to be recreated since last asked.
    pub fn take_repairs(&self) -> u64 {
        self.repairs.swap(0, Ordering::Relaxed)
    }

    /// Connects on first use (and after a failed first try), creating the
    /// consumer group from the stream's beginning so no job is skipped.
    async fn conn(&self) -> anyhow::Result<ConnectionManager> {
        let conn = self
            .conn
            .get_or_try_init(|| async {
                // Short timeouts: a recording callback must not wait long
                // before it falls back to the local spool.
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(Duration::from_secs(1)))
                    .set_response_timeout(Some(Duration::from_secs(2)))
                    .set_number_of_retries(1)
                    .set_max_delay(Duration::from_millis(500));
                let mut c = ConnectionManager::new_with_config(self.client.clone(), config).await?;
                let made: redis::RedisResult<()> = redis::cmd("XGROUP")
                    .arg("CREATE")
                    .arg(STREAM)
                    .arg(GROUP)
                    .arg("0")
                    .arg("MKSTREAM")
                    .query_async(&mut c)
                    .await;
                match made {
                    Err(e) if e.code() != Some("BUSYGROUP") => Err(e),
                    _ => Ok(c),
                }
            })
            .await?;
        Ok(conn.clone())
    }

    /// Whether the store still knows the recording `id`, and how far it got.
    pub async fn fate(&self, id: &str) -> anyhow::Result<Fate> {
        let mut c = self.conn().await?;
        let (done, seen): (Option<String>, bool) = redis::pipe()
            .get(done_key(id))
            .exists(seen_key(id))
            .query_async(&mut c)
            .await?;
        Ok(match (done.as_deref(), seen) {
            (Some("dead"), _) => Fate::Dead,
            (Some(_), _) => Fate::Done,
            (None, true) => Fate::Queued,
            (None, false) => Fate::Unknown,
        })
    }

    pub async fn next(&self, now: DateTime<Utc>) -> anyhow::Result<Option<Claimed>> {
        let mut c = self.conn().await?;
        let entry: Vec<String> = Script::new(NEXT)
            .key(STREAM)
            .key(RETRY)
            .arg(GROUP)
            .arg(&self.consumer)
            .arg(self.claim_idle.as_millis() as u64)
            .arg(now.timestamp_millis())
            .invoke_async(&mut c)
            .await?;
        let Some((repaired, entry)) = entry.split_first() else {
            return Err(anyhow::anyhow!("outbox: empty reply to next"));
        };
        if repaired == "1" {
            self.repairs.fetch_add(1, Ordering::Relaxed);
        }
        let Some((id, fields)) = entry.split_first() else {
            return Ok(None);
        };
        let field = |name: &str| {
            fields
                .chunks(2)
                .find(|kv| kv[0] == name)
                .and_then(|kv| kv.get(1))
        };
        let Some(mut job) = field("job").and_then(|j| Job::from_json(j)) else {
            // Not ours to read: drop it rather than block the queue forever.
            let _: () = retire(redis::pipe().atomic(), id)
                .query_async(&mut c)
                .await?;
            anyhow::bail!("dropped an unreadable outbox entry");
        };
        if let Some(n) = field("number").filter(|n| !n.is_empty()) {
            job.number = Some(n.clone());
        }
        Ok(Some(Claimed {
            handle: id.clone(),
            job,
        }))
    }

    pub async fn done(&self, claimed: &Claimed) -> anyhow::Result<()> {
        let mut c = self.conn().await?;
        let id = &claimed.handle;
        let done = done_key(&claimed.job.id);
        let _: () = retire(redis::pipe().atomic().set_ex(done, "1", SEEN_TTL_S), id)
            .query_async(&mut c)
            .await?;
        Ok(())
    }

    pub async fn later(
        &self,
        claimed: &Claimed,
        job: &Job,
        due: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut c = self.conn().await?;
        let id = &claimed.handle;
        let _: () = retire(
            redis::pipe()
                .atomic()
                .zadd(RETRY, job.to_json(), due.timestamp_millis()),
            id,
        )
        .query_async(&mut c)
        .await?;
        Ok(())
    }

    pub async fn dead(&self, claimed: &Claimed, job: &Job) -> anyhow::Result<()> {
        let mut c = self.conn().await?;
        let id = &claimed.handle;
        let _: () = retire(
            redis::pipe()
                .atomic()
                .hset(DEAD, &job.id, job.to_json())
                .set_ex(done_key(&job.id), "dead", SEEN_TTL_S),
            id,
        )
        .query_async(&mut c)
        .await?;
        Ok(())
    }
}

/// Acknowledges a stream entry and deletes it, in the same atomic pipeline
/// as whatever the caller queued first: a job leaves the stream exactly
/// when it lands in its next place (done, retry set, dead letters).
fn retire<'p>(pipe: &'p mut redis::Pipeline, id: &str) -> &'p mut redis::Pipeline {
    pipe.cmd("XACK")
        .arg(STREAM)
        .arg(GROUP)
        .arg(id)
        .cmd("XDEL")
        .arg(STREAM)
        .arg(id)
}
