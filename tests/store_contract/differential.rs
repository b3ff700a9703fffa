//! The strongest form of "both stores behave the same": random sequences
//! of operations (with time moving forward at random) are applied to a
//! Redis store and a memory store, and every single answer must match.
//! Steps of up to 30 s reach ring deadlines (ring timeout + 30 s grace)
//! and stale places in line (`STALE`) often.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use lotse::routing::{
    Hold, KeyPrefix, MemoryStore, PoolId, Presence, RedisStore, Store, Strategy as Pick,
};
use proptest::prelude::*;

use crate::harness::{call, id, t};
use crate::redis_server::RedisServer;

const WHO: [&str; 4] = ["anna", "ben", "cleo", "dora"];
const CALLS: [&str; 6] = ["CA1", "CA2", "CA3", "CA4", "CA5", "CA6"];
const TTL: Duration = Duration::from_secs(90);
/// Not the default, so both stores are shown to honour the setting.
const STALE: Duration = Duration::from_secs(45);
/// Short, so calls whose end never comes are ended by the store often.
const MAX_CALL: Duration = Duration::from_secs(60);

#[derive(Clone, Debug)]
enum Op {
    Register(usize, u8),
    SetStatus(usize, Presence),
    Heartbeat(usize),
    States,
    /// Call, pool `en`?, strategy, ring timeout (s).
    Claim(usize, bool, Pick, u64),
    /// The same as one hold turn (claim, else wait in line).
    Hold(usize, bool, Pick, u64),
    Answered(usize, usize),
    RingFailed(usize, usize, u32),
    /// The ring of the counsellor last claimed for the call ends: answered
    /// (`true`) or failed (max_no_answer 2).
    Outcome(usize, bool),
    CallEnded(usize, u64),
    Enqueue(usize, bool),
    Position(usize),
    Leave(usize, bool),
    Stats,
    Events,
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    let who = 0..WHO.len();
    let c = 0..CALLS.len();
    let presence = prop_oneof![
        4 => Just(Presence::Available),
        1 => Just(Presence::Away),
        1 => Just(Presence::Offline)
    ];
    let strategy = prop_oneof![
        Just(Pick::LongestIdle),
        Just(Pick::RoundRobin),
        Just(Pick::FewestCalls)
    ];
    prop_oneof![
        1 => (who.clone(), 0u8..4).prop_map(|(w, p)| Op::Register(w, p)),
        3 => (who.clone(), presence).prop_map(|(w, p)| Op::SetStatus(w, p)),
        2 => who.clone().prop_map(Op::Heartbeat),
        1 => Just(Op::States),
        3 => (c.clone(), any::<bool>(), strategy.clone(), 5u64..40)
            .prop_map(|(c, en, s, r)| Op::Claim(c, en, s, r)),
        4 => (c.clone(), any::<bool>(), strategy, 5u64..40)
            .prop_map(|(c, en, s, r)| Op::Hold(c, en, s, r)),
        3 => (c.clone(), who.clone()).prop_map(|(c, w)| Op::Answered(c, w)),
        3 => (c.clone(), who, 0u32..4).prop_map(|(c, w, m)| Op::RingFailed(c, w, m)),
        4 => (c.clone(), any::<bool>()).prop_map(|(c, ok)| Op::Outcome(c, ok)),
        2 => (c.clone(), 0u64..60).prop_map(|(c, w)| Op::CallEnded(c, w)),
        3 => (c.clone(), any::<bool>()).prop_map(|(c, en)| Op::Enqueue(c, en)),
        1 => c.clone().prop_map(Op::Position),
        1 => (c, any::<bool>()).prop_map(|(c, a)| Op::Leave(c, a)),
        1 => Just(Op::Stats),
        1 => Just(Op::Events),
    ]
}

fn pool(en: bool) -> PoolId {
    PoolId::parse(if en { "en" } else { "de" }).unwrap()
}

/// Runs one operation and renders the answer, errors included, as text.
/// `rung` remembers who each call last claimed (identical for both stores
/// as long as their answers are).
async fn apply(store: &Store, op: &Op, at: i64, rung: &mut [usize; 6]) -> String {
    let now = t(at);
    let w = |i: usize| id(WHO[i]);
    let c = |i: usize| call(CALLS[i]);
    match op {
        Op::Register(i, mask) => {
            let pools: Vec<_> = [(1, false), (2, true)]
                .iter()
                .filter(|(bit, _)| mask & bit != 0)
                .map(|(_, en)| pool(*en))
                .collect();
            format!("{:?}", store.register(&w(*i), &pools, now).await)
        }
        Op::SetStatus(i, p) => format!("{:?}", store.set_status(&w(*i), *p, now, TTL).await),
        Op::Heartbeat(i) => format!("{:?}", store.heartbeat(&w(*i), now, TTL).await),
        Op::States => {
            let all: Vec<_> = WHO.iter().map(|w| id(w)).collect();
            format!("{:?}", store.states(&all, now).await)
        }
        Op::Claim(i, en, s, r) => {
            let ring = Duration::from_secs(*r);
            let won = store.claim(&c(*i), &pool(*en), *s, now, ring).await;
            if let Ok(Some(w)) = &won {
                rung[*i] = WHO.iter().position(|x| *x == w.as_str()).unwrap();
            }
            format!("{won:?}")
        }
        Op::Hold(i, en, s, r) => {
            let ring = Duration::from_secs(*r);
            let got = store.claim_or_wait(&c(*i), &pool(*en), *s, now, ring).await;
            if let Ok(Hold::Ring(w)) = &got {
                rung[*i] = WHO.iter().position(|x| *x == w.as_str()).unwrap();
            }
            format!("{got:?}")
        }
        Op::Outcome(i, true) => format!("{:?}", store.answered(&c(*i), &w(rung[*i]), now).await),
        Op::Outcome(i, false) => {
            format!(
                "{:?}",
                store.ring_failed(&c(*i), &w(rung[*i]), now, 2).await
            )
        }
        Op::Answered(i, j) => format!("{:?}", store.answered(&c(*i), &w(*j), now).await),
        Op::RingFailed(i, j, m) => {
            format!("{:?}", store.ring_failed(&c(*i), &w(*j), now, *m).await)
        }
        Op::CallEnded(i, s) => {
            let wrap = Duration::from_secs(*s);
            format!("{:?}", store.call_ended(&c(*i), now, wrap).await)
        }
        Op::Enqueue(i, en) => format!("{:?}", store.enqueue(&c(*i), &pool(*en), now).await),
        Op::Position(i) => format!("{:?}", store.position(&c(*i), now).await),
        Op::Leave(i, a) => format!("{:?}", store.leave(&c(*i), *a, now).await),
        Op::Stats => format!("{:?}", store.stats(now).await),
        Op::Events => format!("{:?}", store.take_events(now).await),
    }
}

/// Everyone on the roster (in `de`, the first two also in `en`) and
/// available, so random scripts reach claims quickly.
fn start_of_shift() -> Vec<(Op, i64)> {
    let mut ops = Vec::new();
    for w in 0..WHO.len() {
        ops.push((Op::Register(w, if w < 2 { 3 } else { 1 }), 0));
        ops.push((Op::SetStatus(w, Presence::Available), 1));
    }
    ops
}

#[test]
fn redis_and_memory_give_the_same_answers() {
    let server = RedisServer::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let case = AtomicU32::new(0);
    let config = ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    };
    let steps = (op(), 0i64..30);
    proptest!(config, |(script in proptest::collection::vec(steps, 1..120))| {
        let n = case.fetch_add(1, Ordering::Relaxed);
        let prefix = KeyPrefix::new("diff", &format!("case{n}")).unwrap();
        let redis = rt.block_on(async {
            RedisStore::connect(&server.url(), prefix, Default::default())
        });
        let redis = Store::Redis(redis.unwrap())
            .with_line_stale_after(STALE)
            .with_max_call(MAX_CALL);
        let memory = Store::Memory(MemoryStore::new())
            .with_line_stale_after(STALE)
            .with_max_call(MAX_CALL);
        let (mut at, mut rung_r, mut rung_m) = (0, [0; 6], [0; 6]);
        let mut ops = start_of_shift();
        ops.extend(script);
        for (step, (op, dt)) in ops.iter().enumerate() {
            at += dt;
            let (r, m) = rt.block_on(async {
                let r = apply(&redis, op, at, &mut rung_r).await;
                (r, apply(&memory, op, at, &mut rung_m).await)
            });
            prop_assert_eq!(r, m, "step {} {:?} at +{}s", step, op, at);
        }
    });
}
