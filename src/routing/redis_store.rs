//! The shared store: every operation is one call of the Lua code in
//! `store.lua` + `line.lua` + `ops.lua` (see `redis_script`), so each is
//! atomic across any number of lotse instances. This file only encodes
//! arguments and decodes replies.

use std::time::Duration;

use chrono::{DateTime, Utc};
use redis::FromRedisValue;

use super::error::Result;
use super::keys::KeyPrefix;
use super::redis_conn::{Conn, RedisTimeouts};
use super::redis_reply::{hold, one_state, parse_events, parse_states, parse_stats};
use super::redis_script::Routine;
use super::store::{CALL_GRACE, LINE_STALE_AFTER, MAX_CALL, RING_GRACE};
use super::types::{
    CounsellorId, CounsellorState, Hold, PoolId, Presence, RingOutcome, Stats, Status, StoreEvent,
    Strategy,
};
use crate::call::CallId;

#[derive(Clone)]
pub struct RedisStore {
    conn: Conn,
    routine: Routine,
    prefix: KeyPrefix,
    /// `ms(stale_after)`, sent with every script call.
    stale_after: String,
    /// `ms(max_call + CALL_GRACE)`, sent with every script call.
    max_call: String,
}

impl RedisStore {
    /// Does not contact Redis: the connection is made on first use and
    /// remade after every failure, so lotse can start while Redis is down
    /// (and say so on `/readyz` via [`RedisStore::ping`]). Call it inside a
    /// Tokio runtime: the connection manager spawns its reconnect task there.
    pub fn connect(url: &str, prefix: KeyPrefix, timeouts: RedisTimeouts) -> Result<Self> {
        let conn = Conn::single(url, timeouts)?;
        Ok(Self::new(conn, prefix))
    }

    /// Connects to a Redis Cluster through any of its `nodes`. Unlike
    /// [`RedisStore::connect`] this needs the cluster up: it reads the slot map.
    pub async fn connect_cluster(
        nodes: &[String],
        prefix: KeyPrefix,
        timeouts: RedisTimeouts,
    ) -> Result<Self> {
        let conn = Conn::cluster(nodes, timeouts).await?;
        Ok(Self::new(conn, prefix))
    }

    fn new(conn: Conn, prefix: KeyPrefix) -> Self {
        Self {
            conn,
            routine: Routine::default(),
            prefix,
            stale_after: ms(LINE_STALE_AFTER),
            max_call: ms(MAX_CALL.saturating_add(CALL_GRACE)),
        }
    }

    /// The small shared records (`crate::kv`) on the same connection and
    /// under the same hotline prefix.
    pub fn kv(&self) -> crate::kv::RedisKv {
        crate::kv::RedisKv::new(self.conn.clone(), self.prefix.clone())
    }

    /// See [`super::Store::with_max_call`].
    pub fn with_max_call(mut self, max_call: Duration) -> Self {
        self.max_call = ms(max_call.saturating_add(CALL_GRACE));
        self
    }

    /// See [`super::Store::with_line_stale_after`].
    pub fn with_line_stale_after(mut self, stale_after: Duration) -> Self {
        self.stale_after = ms(stale_after);
        self
    }

    pub async fn ping(&self) -> Result<()> {
        self.conn.ping().await
    }

    async fn run<T: FromRedisValue>(
        &self,
        op: &str,
        now: DateTime<Utc>,
        args: &[&str],
    ) -> Result<T> {
        let now = now.timestamp_millis().to_string();
        let mut all = vec![op, now.as_str(), &self.stale_after, &self.max_call];
        all.extend_from_slice(args);
        self.routine
            .call(&self.conn, self.prefix.as_str(), &all)
            .await
    }

    pub async fn register(
        &self,
        id: &CounsellorId,
        pools: &[PoolId],
        now: DateTime<Utc>,
    ) -> Result<CounsellorState> {
        let reply = self
            .run("register", now, &[id.as_str(), &csv(pools)])
            .await?;
        one_state(reply, id)
    }

    pub async fn set_status(
        &self,
        id: &CounsellorId,
        presence: Presence,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<CounsellorState> {
        let ttl = ms(ttl);
        let p = Status::from(presence).as_str();
        let reply = self.run("set_status", now, &[id.as_str(), p, &ttl]).await?;
        one_state(reply, id)
    }

    /// Registers many at once: one script call per `REGISTER_BATCH`.
    pub async fn register_many(
        &self,
        team: &[(CounsellorId, Vec<PoolId>)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        for chunk in team.chunks(REGISTER_BATCH) {
            let csvs: Vec<String> = chunk.iter().map(|(_, pools)| csv(pools)).collect();
            let mut args = Vec::with_capacity(chunk.len() * 2);
            for ((id, _), pools) in chunk.iter().zip(&csvs) {
                args.push(id.as_str());
                args.push(pools.as_str());
            }
            let _: u64 = self.run("register_many", now, &args).await?;
        }
        Ok(())
    }

    pub async fn heartbeat(
        &self,
        id: &CounsellorId,
        now: DateTime<Utc>,
        ttl: Duration,
        restore: bool,
    ) -> Result<CounsellorState> {
        let restore = if restore { "1" } else { "0" };
        let reply = self
            .run("heartbeat", now, &[id.as_str(), &ms(ttl), restore])
            .await?;
        one_state(reply, id)
    }

    pub async fn states(
        &self,
        ids: &[CounsellorId],
        now: DateTime<Utc>,
    ) -> Result<Vec<CounsellorState>> {
        let args: Vec<&str> = ids.iter().map(CounsellorId::as_str).collect();
        parse_states(self.run("states", now, &args).await?)
    }

    pub async fn claim(
        &self,
        call: &CallId,
        pool: &PoolId,
        strategy: Strategy,
        now: DateTime<Utc>,
        ring_timeout: Duration,
    ) -> Result<Option<CounsellorId>> {
        let reply = self
            .hold(call, pool, strategy, now, ring_timeout, false)
            .await?;
        Ok(match reply {
            Hold::Ring(id) => Some(id),
            _ => None,
        })
    }

    pub async fn claim_or_wait(
        &self,
        call: &CallId,
        pool: &PoolId,
        strategy: Strategy,
        now: DateTime<Utc>,
        ring_timeout: Duration,
    ) -> Result<Hold> {
        self.hold(call, pool, strategy, now, ring_timeout, true)
            .await
    }

    async fn hold(
        &self,
        call: &CallId,
        pool: &PoolId,
        strategy: Strategy,
        now: DateTime<Utc>,
        ring_timeout: Duration,
        wait: bool,
    ) -> Result<Hold> {
        let ring = ms(ring_timeout.saturating_add(RING_GRACE));
        let wait = if wait { "1" } else { "0" };
        let args = [call.as_str(), pool.as_str(), strategy.as_str(), &ring, wait];
        hold(self.run("claim", now, &args).await?)
    }

    pub async fn answered(
        &self,
        call: &CallId,
        id: &CounsellorId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        self.run("answered", now, &[call.as_str(), id.as_str()])
            .await
    }

    pub async fn ring_failed(
        &self,
        call: &CallId,
        id: &CounsellorId,
        now: DateTime<Utc>,
        max_no_answer: u32,
    ) -> Result<RingOutcome> {
        let max = max_no_answer.to_string();
        let (applied, misses, auto, took): (bool, u32, bool, bool) = self
            .run("ring_failed", now, &[call.as_str(), id.as_str(), &max])
            .await?;
        Ok(RingOutcome {
            applied,
            consecutive_misses: misses,
            auto_away: auto,
            took_call: took,
        })
    }

    pub async fn call_ended(
        &self,
        call: &CallId,
        now: DateTime<Utc>,
        wrap_up: Duration,
    ) -> Result<bool> {
        self.run("call_ended", now, &[call.as_str(), &ms(wrap_up)])
            .await
    }

    pub async fn enqueue(
        &self,
        call: &CallId,
        pool: &PoolId,
        now: DateTime<Utc>,
    ) -> Result<Option<u32>> {
        let pos: u32 = self
            .run("enqueue", now, &[call.as_str(), pool.as_str()])
            .await?;
        Ok((pos > 0).then_some(pos))
    }

    pub async fn position(&self, call: &CallId, now: DateTime<Utc>) -> Result<Option<u32>> {
        let pos: u32 = self.run("position", now, &[call.as_str()]).await?;
        Ok((pos > 0).then_some(pos))
    }

    pub async fn leave(&self, call: &CallId, abandoned: bool, now: DateTime<Utc>) -> Result<bool> {
        let flag = if abandoned { "1" } else { "0" };
        self.run("leave", now, &[call.as_str(), flag]).await
    }

    pub async fn stats(&self, now: DateTime<Utc>) -> Result<Stats> {
        parse_stats(self.run("stats", now, &[]).await?)
    }

    pub async fn take_events(&self, now: DateTime<Utc>) -> Result<Vec<StoreEvent>> {
        parse_events(self.run("take_events", now, &[]).await?)
    }
}

/// Counsellors registered per script call by `register_many`: a few
/// milliseconds of Redis each, so other clients are not held up.
const REGISTER_BATCH: usize = 100;

fn csv(pools: &[PoolId]) -> String {
    pools
        .iter()
        .map(PoolId::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

fn ms(d: Duration) -> String {
    d.as_millis().to_string()
}
