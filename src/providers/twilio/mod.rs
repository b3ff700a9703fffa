//! Twilio Programmable Voice: `X-Twilio-Signature`, form parsing, TwiML.

pub mod request;
pub mod signature;
pub mod status;
