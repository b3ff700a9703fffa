//! Twilio Programmable Voice, as pure functions: no network, no store.
//!
//! A webhook passes through here twice. On the way in, [`signature::verify`]
//! proves it came from Twilio (checked against the configured public URL,
//! never one rebuilt from the request) and [`request`] turns its form into a
//! provider-neutral [`CallEvent`](crate::call::CallEvent) or a
//! [`StatusEvent`]. On the way out, [`twiml::render`] turns the flow's
//! [`Action`](crate::flow::Action)s into the TwiML document Twilio obeys.
//!
//! # Layout
//! - [`signature`]: `X-Twilio-Signature` (HMAC-SHA1), token rotation, port variants.
//! - [`request`]: the form body, `CallSid`/`From`/`Digits` → `CallEvent`.
//! - [`status`]: `CallStatus` and the status / `<Dial>` action callback.
//! - [`twiml`]: `Say`, `Play`, `Pause`, `Gather`, `Redirect`, `Hangup`, `Record` markup.
//!
//! Signature functions stay behind their module name (`signature::verify`),
//! the rest is re-exported here.

pub mod request;
pub mod signature;
pub mod status;
pub mod twiml;

pub use request::{call_event, status_event, BadRequest, Form};
pub use status::{CallStatus, StatusEvent};
pub use twiml::{link, parse_callback, recording_link, render, Callback, Links, CONTENT_TYPE};
