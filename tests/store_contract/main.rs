//! The routing store contract: the same cases against a real Redis (own
//! `redis-server` per test) and against the in-memory store, plus the
//! Redis-only race and outage tests.

#[path = "../support/redis_cluster.rs"]
mod redis_cluster;
#[path = "../support/redis_server.rs"]
mod redis_server;

mod call_cases;
mod deadline_cases;
mod differential;
mod fair_line_cases;
mod fairness;
mod fault;
mod harness;
mod line_cases;
mod lost_callback_cases;
mod presence_cases;
mod race;
mod roster_deletions;
mod roster_repair;
mod script_fallback;

/// Runs every listed case once per store: `redis::<case>`, `memory::<case>`,
/// and all of them in turn on one Redis Cluster, each under its own hotline
/// (so in its own hash slot, spread over the three nodes).
macro_rules! contract {
    ($($module:ident :: $case:ident),* $(,)?) => {
        mod redis {
            $(#[tokio::test]
            async fn $case() {
                let h = crate::harness::Harness::redis();
                crate::$module::$case(&h.store).await;
            })*
        }
        mod memory {
            $(#[tokio::test]
            async fn $case() {
                let h = crate::harness::Harness::memory();
                crate::$module::$case(&h.store).await;
            })*
        }
        #[tokio::test]
        async fn all_cases_on_a_redis_cluster() {
            let cluster = crate::redis_cluster::RedisCluster::start();
            let mut hotline = 0;
            $(hotline += 1;
            let store = crate::harness::cluster_store(&cluster, hotline).await;
            crate::$module::$case(&store).await;)*
        }
    };
}

contract!(
    presence_cases::roster_and_own_status,
    presence_cases::lease_expires_without_heartbeat,
    presence_cases::heartbeat_keeps_the_lease,
    presence_cases::wrap_up_then_available,
    presence_cases::wrap_up_past_the_lease_goes_offline,
    call_cases::longest_idle_picks_the_longest_free,
    call_cases::round_robin_picks_least_recently_offered,
    call_cases::fewest_calls_counts_answered_calls_today,
    call_cases::tried_counsellors_are_skipped,
    call_cases::repeated_callbacks_change_nothing,
    call_cases::completed_before_answered,
    call_cases::auto_away_after_max_no_answer,
    line_cases::fifo_and_first_claim,
    line_cases::failed_ring_keeps_the_place_in_line,
    line_cases::leaving_the_line,
    line_cases::pools_have_their_own_lines,
    lost_callback_cases::lost_ring_callbacks_free_the_counsellor,
    lost_callback_cases::ring_deadline_past_the_lease_goes_offline,
    lost_callback_cases::stale_head_of_the_line_is_dropped,
    lost_callback_cases::stale_places_behind_the_head_are_skipped,
    lost_callback_cases::stale_after_is_set_per_store,
    call_cases::late_answer_counts_for_fewest_calls,
    fair_line_cases::a_caller_behind_takes_whom_the_first_has_tried,
    fair_line_cases::among_eligible_callers_the_longest_waiting,
    fair_line_cases::nobody_left_untried_leaves_the_line,
    deadline_cases::in_call_past_max_call_is_ended_by_the_store,
    deadline_cases::a_late_answer_holds_a_talking_counsellor,
    deadline_cases::a_late_answer_moves_nobody_who_has_moved_on,
    deadline_cases::a_call_answered_or_over_claims_nobody,
);
