//! `lotse`: the call-routing brain of a confidential counselling hotline.
//!
//! # Layout
//! - [`call`]: the provider-neutral call event and edge types (`CallId`, `Caller`).
//! - [`schedule`]: opening hours, holidays, closures → open or closed, and when next open.
//! - [`flow`]: call-flow files and the engine that turns a call event into actions.
//! - [`providers`]: Twilio (and later sipgate.io): signatures, parsing, markup.
//! - [`routing`]: presence, atomic counsellor claims, waiting line (Redis or in-memory).

pub mod call;
pub mod flow;
pub mod providers;
pub mod routing;
pub mod schedule;
