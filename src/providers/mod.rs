//! Provider adapters (Twilio, sipgate.io): parse a provider's webhook into a [`crate::call::CallEvent`],
//! check its authenticity, and render [`crate::flow::Action`]s as its markup.
//! Pure: no adapter touches the network or the store.

pub mod sipgate;
pub mod twilio;
