//! Twilio Programmable Voice: `X-Twilio-Signature`, form parsing, TwiML.

pub mod signature;
