//! The email outbox: voicemail and callback requests on their way to the
//! team. It owns the durable queue of jobs (Redis Stream or spool files),
//! the sender that delivers them with retries, and the email's wording.
//!
//! A job is stored before the provider's recording callback is answered,
//! is accepted once per recording however often the callback comes, and is
//! deleted when its email is delivered. Delivery is at least once: only a
//! crash between the SMTP server's "accepted" and the acknowledgement in the
//! queue can send an email twice (it then carries the same `Message-ID`).
//!
//! # Layout
//! - [`job`]: one job and its log-safe key.
//! - [`queue`]: the queue interface; `redis_queue` and `local_queue` implement it.
//! - [`mail`]: the email (template, time zone) and SMTP / spool delivery.
//! - [`template`]: subject and body templates from `config/email/`.
//! - [`sender`]: the task that delivers, retries with backoff, and gives up into dead letters.
//! - `custody` + `keeper`: with Redis, this instance's durable local copy of
//!   each job it accepted, which outlives Redis losing data or being down.

mod custody;
pub mod job;
mod keeper;
mod local_queue;
pub mod mail;
pub(crate) mod private_files;
pub mod queue;
mod redis_queue;
mod redis_scripts;
pub mod sender;
mod template;

use std::time::Duration;

use chrono_tz::Tz;
use secrecy::ExposeSecret;

pub use job::{Job, JobKey, RecordingState};
pub use keeper::Accepted;
pub use queue::{Claimed, Counts, Queue};
pub use template::Template;

use crate::config::{Email, Settings};
use mail::Mailer;

/// How long a consenting caller's number waits for their recording: the
/// longest recording plus ample time for the provider to process it.
pub const JOIN_WINDOW: Duration = Duration::from_secs(2 * 3600);

pub struct Outbox {
    pub queue: Queue,
    pub email: Email,
    pub mailer: Mailer,
    pub hotline: String,
    pub tz: Tz,
    /// Deliveries by result, for `/metrics` (the app sets its registry's).
    pub sent: crate::metrics::EmailsSent,
    /// Repairs and detours (group recreated, spooled, moved, requeued).
    pub repairs: crate::metrics::durability::Durability,
    /// With Redis: copies of the jobs this instance accepted, on local disk.
    custody: Option<custody::Custody>,
    /// With Redis: the embedded queue a run without Redis may have left
    /// jobs in (`keeper` takes them over); kept, so its hourly pruning of
    /// seen markers stays hourly.
    embedded: Option<local_queue::LocalQueue>,
    /// Deliveries whose acknowledgement in the queue failed (see `keeper`).
    owed: std::sync::Mutex<std::collections::VecDeque<Claimed>>,
}

impl Outbox {
    /// Builds the queue and mailer the settings ask for. Nothing connects
    /// yet: Redis on first use, SMTP per delivery.
    pub fn new(settings: &Settings) -> anyhow::Result<Outbox> {
        let email = settings.email.clone();
        let (queue, custody) = match &settings.redis_url {
            Some(url) => (
                Queue::Redis(redis_queue::RedisQueue::new(
                    redis::Client::open(url.expose_secret())?,
                    email.claim_idle,
                )),
                Some(custody::Custody::new(&email.spool_dir)),
            ),
            None => (
                Queue::Local(local_queue::LocalQueue::new(&email.spool_dir)),
                None,
            ),
        };
        let mailer = Mailer::from_config(&email).map_err(anyhow::Error::msg)?;
        Ok(Outbox::assemble(settings, queue, mailer, custody))
    }

    fn assemble(
        settings: &Settings,
        queue: Queue,
        mailer: Mailer,
        custody: Option<custody::Custody>,
    ) -> Outbox {
        Outbox {
            queue,
            mailer,
            email: settings.email.clone(),
            hotline: settings.hotline.name.clone(),
            tz: settings.schedule.tz,
            sent: Default::default(),
            repairs: Default::default(),
            embedded: custody
                .as_ref()
                .map(|_| local_queue::LocalQueue::new(&settings.email.spool_dir)),
            custody,
            owed: Default::default(),
        }
    }

    /// [`Outbox::new`], or, if the Redis or SMTP URL is refused, the
    /// embedded queue and the spool directory: messages then pile up
    /// locally (and the error says why) instead of being lost.
    pub fn new_or_spool(settings: &Settings) -> Outbox {
        Outbox::new(settings).unwrap_or_else(|e| {
            tracing::error!(error = %e, spool_dir = %settings.email.spool_dir.display(), "email outbox misconfigured; writing emails to the spool directory");
            let spool = &settings.email.spool_dir;
            let queue = Queue::Local(local_queue::LocalQueue::new(spool));
            Outbox::assemble(settings, queue, Mailer::Spool(spool.clone()), None)
        })
    }
}
