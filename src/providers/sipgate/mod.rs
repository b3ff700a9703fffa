//! sipgate.io's push API, as pure functions: no network, no store.
//!
//! An event passes through here twice. On the way in, [`signature`] proves
//! the body came from sipgate (RSA-SHA256 with sipgate's published key),
//! [`links`] proves the URL it was posted to is one lotse made for this
//! call, and [`request`] reads the form into an [`Event`]. On the way out,
//! [`plan`] reduces the flow's [`Action`](crate::flow::Action)s to the one
//! action a sipgate answer holds, and [`xml`] writes it.
//!
//! # Layout
//! - [`signature`]: `X-Sipgate-Signature`, the built-in key.
//! - [`request`]: `newCall`, `dtmf`, `answer`, `hangup` → [`Event`].
//! - [`links`]: callback and audio URLs and their MAC.
//! - [`plan`]: actions → one [`Reply`]; [`xml`]: the markup.
//! - [`adapt`]: what a turn becomes where sipgate cannot do what the flow
//!   asks (no recording).

pub mod adapt;
pub mod links;
pub mod plan;
pub mod request;
pub mod signature;
pub mod xml;

pub use links::{LinkKey, Links, Route, Target, Then};
pub use plan::{plan, Reply};
pub use request::{Cause, Event};
pub use xml::{render, CONTENT_TYPE};
