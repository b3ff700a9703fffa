//! What the operator sees and does with the shared queue: dead letters
//! listed and revived, the counts behind the outbox metrics.

use redis::AsyncCommands;

use super::{RedisQueue, DEAD, RETRY, STREAM};
use crate::outbox::job::Job;
use crate::outbox::queue::Counts;

impl RedisQueue {
    pub async fn dead_letters(&self) -> anyhow::Result<Vec<Job>> {
        let mut c = self.conn().await?;
        let all: Vec<String> = c.hvals(DEAD).await?;
        Ok(all.iter().filter_map(|j| Job::from_json(j)).collect())
    }

    pub async fn revive(&self, id: &str, job: &Job) -> anyhow::Result<()> {
        let mut c = self.conn().await?;
        let _: () = redis::pipe()
            .atomic()
            .hdel(DEAD, id)
            .cmd("XADD")
            .arg(STREAM)
            .arg("*")
            .arg("job")
            .arg(job.to_json())
            .arg("number")
            .arg("")
            .query_async(&mut c)
            .await?;
        Ok(())
    }

    pub async fn counts(&self) -> anyhow::Result<Counts> {
        let mut c = self.conn().await?;
        let (queued, retrying, dead): (usize, usize, usize) = redis::pipe()
            .cmd("XLEN")
            .arg(STREAM)
            .zcard(RETRY)
            .hlen(DEAD)
            .query_async(&mut c)
            .await?;
        Ok(Counts {
            queued,
            retrying,
            dead,
        })
    }
}
