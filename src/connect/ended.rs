//! A ring whose failure ended the whole call. Twilio reports a counsellor
//! who did not answer while the caller is still there (and the next one is
//! rung); sipgate ends the caller's call with the ring (busy, rejected,
//! unreachable). Then the miss still counts for the counsellor, and the
//! call lets go of everything it held; nobody else is rung for a caller
//! who is gone.

use tracing::{info, warn};

use super::{ConnectError, Ctx};
use crate::call::CallId;
use crate::metrics::RingEnded;
use crate::routing::CounsellorId;

/// Idempotent: a repeated event finds the ring and the call already over.
pub async fn ring_failed_call_over(
    ctx: &Ctx<'_>,
    call: &CallId,
    counsellor: &CounsellorId,
) -> Result<(), ConnectError> {
    let routing = &ctx.settings.routing;
    match ctx
        .store
        .ring_failed(call, counsellor, ctx.now, routing.max_no_answer)
        .await
    {
        Ok(o) if o.took_call => RingEnded::Answered.emit(ctx.metrics),
        Ok(o) => {
            RingEnded::NotAnswered.emit(ctx.metrics);
            if o.auto_away {
                info!(counsellor = %counsellor, misses = o.consecutive_misses, "counsellor set away after missed calls");
            } else {
                info!(counsellor = %counsellor, "counsellor did not answer; the provider ended the call");
            }
        }
        Err(e) => warn!(error = %e, "cannot record the missed ring"),
    }
    ctx.store.call_ended(call, ctx.now, routing.wrap_up).await?;
    Ok(())
}
