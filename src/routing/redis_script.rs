//! The routing Lua code as Redis runs it: a function library called with
//! `FCALL`, whose helpers are made once when it is loaded, or, on a Redis
//! without functions (before 7.0, or `FUNCTION LOAD` refused by an ACL),
//! the same code as a script (`EVALSHA`), which re-runs the whole chunk on
//! every call: several times the Redis time per operation.
//!
//! The library is named after a hash of its code, so instances running
//! different versions of lotse on one Redis never call each other's code. A
//! Redis that restarted empty (or a new cluster node) lacks it: the first
//! call that finds it missing loads it and tries again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

use redis::{FromRedisValue, RedisError, Script};

use super::error::{Result, StoreError};
use super::redis_conn::Conn;

const CODE: &str = concat!(
    include_str!("store.lua"),
    include_str!("line.lua"),
    include_str!("ops.lua")
);

static SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{CODE}\nreturn main(KEYS, ARGV)\n")));

static NAME: LazyLock<String> = LazyLock::new(|| format!("lotse_{}", &SCRIPT.get_hash()[..16]));

static LIBRARY: LazyLock<String> = LazyLock::new(|| {
    let name = NAME.as_str();
    format!("#!lua name={name}\n{CODE}\nredis.register_function('{name}', main)\n")
});

/// Which way this store calls the code; shared by its clones.
#[derive(Clone)]
pub(super) struct Routine {
    /// False once the server showed it has no functions for us.
    functions: Arc<AtomicBool>,
}

impl Default for Routine {
    fn default() -> Self {
        Self {
            functions: Arc::new(AtomicBool::new(true)),
        }
    }
}

impl Routine {
    /// Runs `main` with the hotline's key `prefix` and `args`.
    pub async fn call<T: FromRedisValue>(
        &self,
        conn: &Conn,
        prefix: &str,
        args: &[&str],
    ) -> Result<T> {
        if self.functions.load(Ordering::Relaxed) {
            let mut fcall = redis::cmd("FCALL");
            fcall.arg(NAME.as_str()).arg(1).arg(prefix).arg(args);
            match conn.query(&fcall).await {
                Err(StoreError::Redis(e)) if says(&e, "function not found") => {
                    if self.load(conn).await? {
                        return conn.query(&fcall).await;
                    }
                }
                Err(StoreError::Redis(e)) if says(&e, "unknown command") => {
                    self.functions.store(false, Ordering::Relaxed);
                }
                other => return other,
            }
        }
        let mut inv = SCRIPT.key(prefix);
        for a in args {
            inv.arg(*a);
        }
        conn.eval(&inv).await
    }

    /// `Ok(false)`: the server refuses functions; use the script from now on.
    async fn load(&self, conn: &Conn) -> Result<bool> {
        let mut load = redis::cmd("FUNCTION");
        load.arg("LOAD").arg("REPLACE").arg(LIBRARY.as_str());
        match conn.query::<redis::Value>(&load).await {
            Ok(_) => Ok(true),
            Err(StoreError::Redis(e)) if e.is_io_error() || e.is_timeout() => {
                Err(StoreError::Redis(e))
            }
            Err(_) => {
                self.functions.store(false, Ordering::Relaxed);
                Ok(false)
            }
        }
    }
}

fn says(e: &RedisError, what: &str) -> bool {
    e.to_string().to_ascii_lowercase().contains(what)
}
