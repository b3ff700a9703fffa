//! Where a caller meets a counsellor: the shell around the pure flow engine
//! that does the store work of a `counsellor` step — claim and ring, try the
//! next one on no answer, keep a fair waiting line, end what a call holds —
//! and turns each outcome into provider-neutral actions. The store writes
//! of callbacks go through the [`journal`], which keeps them through a
//! store outage.
//!
//! Every function takes the instant it acts for; nothing here reads the
//! clock, the network (beyond the store) or HTTP.

mod company;
mod ended;
pub mod journal;
mod line;
pub mod phone_presence;
pub mod pin_limits;
mod presence_turns;
mod ring;

use chrono::{DateTime, Utc};

use crate::call::{CallId, Caller};
use crate::config::Settings;
use crate::flow::{self, FlowError, Pending, Resume, Situation, Turn};
use crate::routing::{Store, StoreError};

pub use company::leave_line_for_message;
pub use ended::ring_failed_call_over;
pub use journal::Journal;
pub use line::at_counsellor_step;
pub use ring::{call_over, ring_ended, whisper, RingResult, Whispered};

/// What one decision needs: configuration, the shared store, the instant.
pub struct Ctx<'a> {
    pub settings: &'a Settings,
    pub store: &'a Store,
    /// Where the store writes of callbacks go: applied at once, or kept
    /// and replayed when the store is back (see [`journal`]).
    pub journal: &'a Journal,
    pub now: DateTime<Utc>,
    /// Where call outcomes are counted (`crate::metrics::CallOutcome`).
    pub metrics: &'a crate::metrics::Metrics,
}

impl Ctx<'_> {
    pub fn situation(&self, position: Option<u32>) -> Situation<'_> {
        Situation {
            now: self.now,
            schedule: &self.settings.schedule,
            hotline_name: &self.settings.hotline.name,
            email: &self.settings.hotline.email,
            position,
        }
    }

    /// Continues the call at `step` (e.g. the counsellor step's
    /// `unavailable`), as the flow says.
    fn goto(&self, step: &str, lang: &str) -> Result<Turn, FlowError> {
        let at = Resume {
            step: step.to_owned(),
            lang: lang.to_owned(),
            ..Resume::default()
        };
        flow::resume(&self.settings.flow, &self.situation(None), &at, None)
    }
}

/// Does the store work the pure engine left pending in `turn` (connect at
/// a counsellor step, or leave the line for a message) and appends what
/// the caller hears next.
pub async fn finish_turn(
    ctx: &Ctx<'_>,
    call: &CallId,
    caller: &Caller,
    turn: &mut Turn,
) -> Result<(), ConnectError> {
    match turn.pending.take() {
        Some(Pending::Connect(at)) => {
            let more = at_counsellor_step(ctx, call, caller, &at).await?;
            turn.played.extend(more.played);
        }
        Some(Pending::LeaveLine(at)) => leave_line_for_message(ctx, call, &at).await,
        None => {}
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("flow: {0}")]
    Flow(#[from] FlowError),
    #[error("{0}")]
    Unsettled(#[from] journal::Unsettled),
    #[error("{0:?} is not a counsellor step")]
    NotACounsellorStep(String),
}

/// The pool a call waits in and draws counsellors from: its language.
fn pool_of(lang: &str) -> Option<crate::routing::PoolId> {
    crate::routing::PoolId::parse(lang)
}
