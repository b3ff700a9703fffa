//! Prometheus metrics: one [`Metrics`] struct owns the registry and every
//! series, so what `/metrics` exposes is listed in one place.
//!
//! Two kinds of series:
//! - **events of this process** (calls by outcome, waits, rings, webhook
//!   requests, signature failures, emails sent): counters and histograms
//!   that code bumps where the event happens, through the domain events
//!   in [`events`];
//! - **the shared state now** (callers waiting, counsellors by status, the
//!   store's own counters, the email backlog, the schedule): read from the
//!   store at scrape time by [`scrape`], so every instance behind one Redis
//!   reports the same numbers (aggregate them with `max`, not `sum`).
//!
//! Labels are closed sets (outcome, configured language, matched route,
//! status code, provider): never a phone number, a call id or free text,
//! and never a counsellor (counsellors are people, not machines to rank).
//!
//! # Layout
//! - [`events`]: `CallOutcome` — emits its log line and its counter together.
//! - `hooks`: ring results, closed and voicemail turns, places in line, emails sent.
//! - [`scrape`]: scrape-time reads of the store, outbox and schedule; text encoding.
//! - [`endpoint`]: `GET /metrics` (token, separate listener) and the per-route HTTP middleware.
//! - [`durability`]: the journal of store writes kept through an outage; outbox repairs.
//! - `waits`: when each caller in line started waiting, for abandonments seen only in status callbacks.

pub mod durability;
pub mod endpoint;
pub mod events;
mod hooks;
pub mod scrape;
mod series;
mod waits;

pub use endpoint::method_label;
pub use events::{CallOutcome, ClosedKind, NoCounsellorReason};
pub use hooks::{EmailsSent, RingEnded};
pub use series::{Metrics, OUTCOMES, WAIT_BUCKETS};
