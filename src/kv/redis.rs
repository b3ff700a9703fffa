//! [`RedisKv`]: the shared records in Redis, one `kv.lua` call per
//! operation over the routing store's own connection and key prefix.

use std::sync::LazyLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use redis::{FromRedisValue, Script, Value};

use super::{ms, Entry, Result};
use crate::routing::{Conn, KeyPrefix, StoreError};

static SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("kv.lua")));

#[derive(Clone)]
pub struct RedisKv {
    conn: Conn,
    prefix: KeyPrefix,
}

impl RedisKv {
    pub(crate) fn new(conn: Conn, prefix: KeyPrefix) -> Self {
        Self { conn, prefix }
    }

    async fn run<T: FromRedisValue>(
        &self,
        op: &str,
        now: DateTime<Utc>,
        args: &[&str],
    ) -> Result<T> {
        let mut inv = SCRIPT.key(self.prefix.as_str());
        inv.arg(op).arg(now.timestamp_millis());
        for a in args {
            inv.arg(*a);
        }
        self.conn.eval(&inv).await
    }

    pub async fn once(&self, name: &str, ttl: Duration, now: DateTime<Utc>) -> Result<bool> {
        let n: i64 = self.run("once", now, &[name, &ms(ttl).to_string()]).await?;
        Ok(n == 1)
    }

    pub async fn hit(&self, name: &str, window: Duration, now: DateTime<Utc>) -> Result<u64> {
        self.run("hit", now, &[name, &ms(window).to_string()]).await
    }

    pub async fn count(&self, name: &str, now: DateTime<Utc>) -> Result<u64> {
        self.run("count", now, &[name]).await
    }

    pub async fn put(
        &self,
        name: &str,
        value: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let _: i64 = self
            .run("put", now, &[name, value, &ms(ttl).to_string()])
            .await?;
        Ok(())
    }

    pub async fn get(&self, name: &str, now: DateTime<Utc>) -> Result<Option<String>> {
        self.run("get", now, &[name]).await
    }

    pub async fn remove(&self, name: &str, now: DateTime<Utc>) -> Result<bool> {
        let n: i64 = self.run("remove", now, &[name]).await?;
        Ok(n > 0)
    }

    pub async fn table_put(
        &self,
        table: &str,
        e: &Entry,
        cap: usize,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let until = e.until.timestamp_millis().to_string();
        let args = [
            table,
            e.id.as_str(),
            e.value.as_str(),
            &until,
            &cap.to_string(),
        ];
        let n: i64 = self.run("tput", now, &args).await?;
        Ok(n == 1)
    }

    pub async fn table_get(
        &self,
        table: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Entry>> {
        let reply: Vec<Value> = self.run("tget", now, &[table, id]).await?;
        Ok(entries(reply)?.pop())
    }

    pub async fn table_list(&self, table: &str, now: DateTime<Utc>) -> Result<Vec<Entry>> {
        entries(self.run("tlist", now, &[table]).await?)
    }

    pub async fn table_remove(&self, table: &str, id: &str, now: DateTime<Utc>) -> Result<bool> {
        let n: i64 = self.run("tremove", now, &[table, id]).await?;
        Ok(n > 0)
    }
}

/// The script flattens entries to `[id, value, until_ms, …]`.
fn entries(reply: Vec<Value>) -> Result<Vec<Entry>> {
    let bad = |what: &str| StoreError::Protocol(format!("kv table entry: {what}"));
    let mut out = Vec::with_capacity(reply.len() / 3);
    let mut it = reply.into_iter();
    while let (Some(id), Some(value), Some(until)) = (it.next(), it.next(), it.next()) {
        let id = String::from_redis_value(id).map_err(|_| bad("id"))?;
        let value = String::from_redis_value(value).map_err(|_| bad("value"))?;
        let until = String::from_redis_value(until).map_err(|_| bad("until"))?;
        let until = until.parse::<f64>().map_err(|_| bad("until"))? as i64;
        let until = DateTime::from_timestamp_millis(until).ok_or_else(|| bad("until"))?;
        out.push(Entry { id, value, until });
    }
    Ok(out)
}
