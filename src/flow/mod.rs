//! Call flows: declarative files in `call-flows/`, and the engine that walks a
//! call through them, producing provider-neutral [`Action`]s.

mod action;

pub use action::{Action, Resume, Speech};
