//! The fair line as a property, for both stores: random callers arrive,
//! take their hold turns, fail to reach counsellors, talk and hang up while
//! counsellors come and go. At every hold turn of a caller X, judged only
//! from what the store shows at that instant (who is available, who waits
//! where) and the counsellors each call was offered:
//! - X is offered a counsellor exactly when one is available whom X has not
//!   tried and every caller ahead of X has tried (nobody waits while an
//!   untried counsellor is free, unless an earlier caller is owed them:
//!   strict FIFO among the callers who may take them);
//! - X gives up waiting exactly when X has tried everyone on duty.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use lotse::routing::{
    Hold, KeyPrefix, MemoryStore, Presence, RedisStore, Status, Store, Strategy as Pick,
};
use proptest::prelude::*;

use crate::harness::{call, de, id, t};
use crate::redis_server::RedisServer;

const WHO: [&str; 4] = ["anna", "ben", "cleo", "dora"];
const CALLS: [&str; 7] = ["CA1", "CA2", "CA3", "CA4", "CA5", "CA6", "CA7"];
/// Long enough that no lease, ring deadline or stale place runs out: only
/// the operations below change anything.
const LONG: Duration = Duration::from_secs(86_400);

#[derive(Clone, Debug)]
enum Op {
    Turn(usize),
    Fail(usize),
    Talk(usize),
    HangUp(usize),
    Set(usize, Presence),
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    let c = 0..CALLS.len();
    let presence = prop_oneof![
        3 => Just(Presence::Available),
        1 => Just(Presence::Away),
    ];
    prop_oneof![
        8 => c.clone().prop_map(Op::Turn),
        4 => c.clone().prop_map(Op::Fail),
        1 => c.clone().prop_map(Op::Talk),
        1 => c.prop_map(Op::HangUp),
        2 => (0..WHO.len(), presence).prop_map(|(w, p)| Op::Set(w, p)),
    ]
}

/// What the test itself knows: whom each call was offered, its pending
/// ring, which calls are over, and the order of arrival in line (a caller
/// keeps it while rung, and comes back to it).
#[derive(Default)]
struct Seen {
    tried: BTreeMap<usize, BTreeSet<String>>,
    pending: BTreeMap<usize, String>,
    over: BTreeSet<usize>,
    arrival: BTreeMap<usize, u32>,
    arrivals: u32,
}

async fn statuses(store: &Store, at: i64) -> BTreeMap<String, Status> {
    let all: Vec<_> = WHO.iter().map(|w| id(w)).collect();
    let states = store.states(&all, t(at)).await.unwrap();
    states
        .into_iter()
        .map(|s| (s.id.as_str().to_owned(), s.status))
        .collect()
}

/// Waiting calls by position.
async fn line(store: &Store, at: i64) -> Vec<usize> {
    let mut placed = Vec::new();
    for (i, c) in CALLS.iter().enumerate() {
        if let Some(pos) = store.position(&call(c), t(at)).await.unwrap() {
            placed.push((pos, i));
        }
    }
    placed.sort();
    placed.into_iter().map(|(_, i)| i).collect()
}

async fn turn(store: &Store, seen: &mut Seen, x: usize, at: i64) -> Result<(), TestCaseError> {
    let status = statuses(store, at).await;
    let waiting = line(store, at).await;
    let ahead: Vec<usize> = match seen.arrival.get(&x) {
        Some(mine) => waiting
            .iter()
            .copied()
            .filter(|w| seen.arrival[w] < *mine)
            .collect(),
        None => waiting.clone(),
    };
    let empty = BTreeSet::new();
    let tried = |c: usize| seen.tried.get(&c).unwrap_or(&empty);
    let owed: BTreeSet<&str> = WHO
        .iter()
        .copied()
        .filter(|w| status.get(*w) == Some(&Status::Available) && !tried(x).contains(*w))
        .filter(|w| ahead.iter().all(|y| tried(*y).contains(*w)))
        .collect();
    let on_duty: BTreeSet<&str> = WHO
        .iter()
        .copied()
        .filter(|w| !matches!(status.get(*w), Some(Status::Away | Status::Offline) | None))
        .collect();
    let got = store
        .claim_or_wait(&call(CALLS[x]), &de(), Pick::LongestIdle, t(at), LONG)
        .await
        .unwrap();
    let what = format!(
        "turn of {} at +{at}s, ahead {ahead:?}, owed {owed:?}",
        CALLS[x]
    );
    if seen.over.contains(&x) {
        prop_assert_eq!(got, Hold::Over, "{}", what);
        return Ok(());
    }
    if let Some(p) = seen.pending.get(&x) {
        prop_assert_eq!(got, Hold::Ring(id(p)), "{}", what);
        return Ok(());
    }
    match got {
        Hold::Ring(c) => {
            prop_assert!(owed.contains(c.as_str()), "{} got {}", what, c);
            seen.tried
                .entry(x)
                .or_default()
                .insert(c.as_str().to_owned());
            seen.pending.insert(x, c.as_str().to_owned());
        }
        Hold::Wait {
            position,
            on_duty: n,
        } => {
            prop_assert!(owed.is_empty(), "{} waits", what);
            prop_assert_eq!(position as usize, ahead.len() + 1, "{}", what);
            prop_assert_eq!(n as usize, on_duty.len(), "{}", what);
            prop_assert!(on_duty.iter().any(|w| !tried(x).contains(*w)), "{}", what);
            if !seen.arrival.contains_key(&x) {
                seen.arrivals += 1;
                seen.arrival.insert(x, seen.arrivals);
            }
        }
        Hold::Nobody { on_duty: n } => {
            prop_assert!(owed.is_empty(), "{} gave up", what);
            prop_assert_eq!(n as usize, on_duty.len(), "{}", what);
            prop_assert!(on_duty.iter().all(|w| tried(x).contains(*w)), "{}", what);
            seen.arrival.remove(&x);
        }
        Hold::Over => prop_assert!(false, "{} is not over", what),
    }
    Ok(())
}

async fn run(store: &Store, script: &[Op]) -> Result<(), TestCaseError> {
    for w in WHO {
        store.register(&id(w), &[de()], t(0)).await.unwrap();
        store
            .set_status(&id(w), Presence::Available, t(0), LONG)
            .await
            .unwrap();
    }
    let mut seen = Seen::default();
    for (step, op) in script.iter().enumerate() {
        let at = 1 + step as i64;
        match op {
            Op::Turn(x) => turn(store, &mut seen, *x, at).await?,
            Op::Fail(x) => {
                if let Some(p) = seen.pending.remove(x) {
                    let c = call(CALLS[*x]);
                    store.ring_failed(&c, &id(&p), t(at), 0).await.unwrap();
                }
            }
            Op::Talk(x) => {
                if let Some(p) = seen.pending.remove(x) {
                    let c = call(CALLS[*x]);
                    store.answered(&c, &id(&p), t(at)).await.unwrap();
                    store.call_ended(&c, t(at), Duration::ZERO).await.unwrap();
                    seen.over.insert(*x);
                }
            }
            Op::HangUp(x) => {
                let c = call(CALLS[*x]);
                store.call_ended(&c, t(at), Duration::ZERO).await.unwrap();
                seen.pending.remove(x);
                seen.over.insert(*x);
            }
            Op::Set(w, p) => {
                store
                    .set_status(&id(WHO[*w]), *p, t(at), LONG)
                    .await
                    .unwrap();
                // Away even mid-ring: that ring no longer holds them.
                if *p == Presence::Away {
                    seen.pending.retain(|_, rung| rung != WHO[*w]);
                }
            }
        }
    }
    Ok(())
}

#[test]
fn no_caller_waits_while_a_counsellor_they_may_take_is_free() {
    let server = RedisServer::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let case = AtomicU32::new(0);
    let config = ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    };
    proptest!(config, |(script in proptest::collection::vec(op(), 1..80))| {
        let n = case.fetch_add(1, Ordering::Relaxed);
        let prefix = KeyPrefix::new("fair", &format!("case{n}")).unwrap();
        let redis = rt.block_on(async {
            RedisStore::connect(&server.url(), prefix, Default::default())
        });
        let redis = Store::Redis(redis.unwrap()).with_line_stale_after(LONG);
        let memory = Store::Memory(MemoryStore::new()).with_line_stale_after(LONG);
        rt.block_on(run(&redis, &script))?;
        rt.block_on(run(&memory, &script))?;
    });
}
