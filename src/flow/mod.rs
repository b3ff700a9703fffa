//! Call flows: declarative files in `call-flows/`, checked at start, and the
//! engine that walks a call through them, producing provider-neutral
//! [`Action`]s. Where a call goes is decided here, nowhere else.

mod action;
mod audio;
mod check;
mod engine;
mod file;
mod load;
mod prompt;
mod voice;
mod voicemail;
mod waiting;

pub use action::{Action, Dial, Hook, Progress, Resume, Speech};
pub use audio::{built_in_audio, BUILT_IN_AUDIO};
pub use check::{check, Finding, FALLBACK_PROMPT};
pub use engine::{resume, start, FlowError, Pending, Turn};
pub use file::{Flow, Language, Prompt, Step};
pub use load::{load, FlowSource, BUILT_IN};
pub use prompt::{play, spell_email, Situation};
pub use voicemail::{fallback_offer, CONSENT_KEY};
