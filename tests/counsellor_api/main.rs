//! The counsellor API (`/api/v1/…`) and the page's sessions over real HTTP,
//! on the memory store and on a real `redis-server`.

#[path = "../support/captured_logs.rs"]
mod captured_logs;
mod helpers;

mod auth;
mod operator;
mod presence;
mod privacy;
mod redis;
mod session;

#[path = "../support/redis_server.rs"]
mod redis_server;
