//! Typed configuration: the TOML files in `config/`, `LOTSE_<SECTION>__<KEY>`
//! overrides from the environment, and validation that names file, line and
//! field for every mistake. Loaded once at start; a broken file is refused
//! then, never discovered during a call.

pub mod abuse;
mod counsellors;
mod email;
mod environment;
mod error;
mod file;
mod load;
mod locate;
mod metrics;
mod roster;
mod schedule;
mod settings;
mod sipgate;

pub use abuse::Abuse;
pub use email::{Email, EmailSection, RetryPolicy, BUILT_IN_TEMPLATE};
pub use error::ConfigError;
pub use file::{ConfigFile, FlowSection, HotlineSection, LogFormat, ScheduleSection};
pub use load::{load, Source, BUILT_IN};
pub use locate::line_of;
pub use metrics::{MetricsSection, MetricsSettings};
pub use roster::{parse_sha256, Counsellor, Phone, Routing};
pub use settings::{Settings, Twilio};
pub use sipgate::{Sipgate, SipgateSection, Tts};
