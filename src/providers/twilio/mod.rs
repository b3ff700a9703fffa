//! Twilio Programmable Voice: `X-Twilio-Signature`, form parsing, TwiML.
//!
//! INTERFACE STUB — filled in by the Twilio work.
