//! `lotse`: the call-routing brain of a confidential counselling hotline.
//!
//! # Layout
//! - [`audio`]: prompts as telephone WAV for providers without TTS: TTS engine, resampling, cache.
//! - [`call`]: the provider-neutral call event and edge types (`CallId`, `Caller`).
//! - [`config`]: config files + `LOTSE_…` environment → validated [`config::Settings`].
//! - [`schedule`]: opening hours, holidays, closures → open or closed, and when next open.
//! - [`flow`]: call-flow files and the engine that decides where a call goes.
//! - [`outbox`]: voicemail emails: durable queue, SMTP sender with retries, templates.
//! - [`providers`]: Twilio and sipgate.io: signatures, parsing, markup.
//! - [`routing`]: presence, atomic counsellor claims, waiting line (Redis or in-memory).
//! - [`kv`]: small shared records beside routing: replay markers, counters, sessions, bans.
//! - [`abuse`]: keyed caller hashes, bans, flood limits, the anonymous-caller check.
//! - [`connect`]: a caller meets a counsellor: ring, whisper, retry, wait in line, release;
//!   the journal that keeps those store writes through an outage.
//! - [`http`]: axum router, webhook handlers, health, counsellor API and page; [`cli`]: serve, check, simulate.
//! - [`metrics`]: Prometheus series, call outcomes as events, `/metrics`.
//! - [`telemetry`]: logging set-up and call pseudonyms; [`clock`]: the only reader of time.

pub mod abuse;
pub mod audio;
pub mod call;
pub mod cli;
pub mod clock;
pub mod config;
pub mod connect;
pub mod flow;
pub mod http;
pub mod kv;
pub mod metrics;
pub mod outbox;
pub mod providers;
pub mod routing;
pub mod schedule;
pub mod telemetry;
