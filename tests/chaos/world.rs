//! The simulated world: a shared clock that jumps from event to event, two
//! `lotse` instances on one `redis-server`, five counsellors with phones
//! and pages, callers, and the faults. Events run one at a time in the
//! order of their simulated instant (ties in the order they were planned),
//! so a seed replays the same story.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use lotse::clock::FixedClock;
use lotse::routing::{CounsellorId, Presence};

use crate::redis_server::RedisServer;
use crate::rng::Rng;
use crate::wire::Node;

pub const TEAM: [&str; 5] = ["c1", "c2", "c3", "c4", "c5"];
/// `wrap_up_s` of `tests/routing/lotse-test.toml`.
pub const WRAP_UP_S: i64 = 30;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    Arrive(usize),
    /// The hold music ended: Twilio follows the redirect.
    Follow(usize),
    /// The caller gives up waiting.
    HangUp(usize),
    /// The counsellor's phone is picked up; the key is pressed or not.
    PickUp {
        call: usize,
        press: bool,
    },
    /// The ring ends without anyone taking it (no-answer, busy).
    RingFails {
        call: usize,
        status: &'static str,
    },
    TalkEnds(usize),
    Recorded(usize),
    /// Twilio sends the recording callback again.
    RecordedAgain(usize),
    /// The counsellors' pages: heartbeats, and whoever finds themselves
    /// offline or away while free signs in again.
    Presence,
    /// The roster task registers the team again (every 30 s in `serve`).
    Roster,
    Kill {
        for_s: i64,
    },
    Restart,
    FlushAll,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Menu,
    Holding { redirect: String },
    Ringing,
    Talking,
    Recording,
    Done,
}

pub struct Call {
    pub sid: String,
    pub phase: Phase,
    /// Counsellors dialled for this call.
    pub tried: BTreeSet<String>,
    /// Counsellor, dial action, whisper URL of the current ring.
    pub dial: Option<(String, String, String)>,
    /// Recording id and callback path, once recording.
    pub recording: Option<(String, String)>,
    pub held: bool,
}

/// The truth about one counsellor, as their phone knows it.
#[derive(Default)]
pub struct Person {
    pub ringing: Option<usize>,
    pub talking: Option<usize>,
    /// Seconds (simulated) when their last conversation ended.
    pub last_end: Option<i64>,
}

#[derive(Default)]
pub struct Report {
    pub violations: Vec<String>,
    pub unfair: Vec<String>,
    /// Recording ids Twilio was told were taken (200).
    pub recordings: BTreeSet<String>,
    pub bridged: usize,
    pub dialled: usize,
    pub held: usize,
    pub kept_writes: u64,
}

pub struct World {
    pub seed: u64,
    pub rng: Rng,
    start: DateTime<Utc>,
    /// Simulated seconds since `start`.
    pub now: i64,
    clock: Arc<FixedClock>,
    pub nodes: Vec<Node>,
    pub redis: RedisServer,
    pub redis_up: bool,
    pub spool: PathBuf,
    events: BinaryHeap<Reverse<(i64, u64, Event)>>,
    planned: u64,
    pub calls: Vec<Call>,
    pub people: BTreeMap<String, Person>,
    pub report: Report,
}

impl World {
    pub fn new(
        seed: u64,
        start: DateTime<Utc>,
        clock: Arc<FixedClock>,
        nodes: Vec<Node>,
        redis: RedisServer,
        spool: PathBuf,
    ) -> World {
        World {
            seed,
            rng: Rng::new(seed),
            start,
            now: 0,
            clock,
            nodes,
            redis,
            redis_up: true,
            spool,
            events: BinaryHeap::new(),
            planned: 0,
            calls: Vec::new(),
            people: TEAM
                .iter()
                .map(|c| (c.to_string(), Person::default()))
                .collect(),
            report: Report::default(),
        }
    }

    pub fn plan(&mut self, at: i64, event: Event) {
        self.planned += 1;
        self.events.push(Reverse((at, self.planned, event)));
    }

    /// Moves the shared clock `s` simulated seconds on.
    pub fn advance(&mut self, s: i64) {
        self.now += s;
        self.clock.set(self.instant());
    }

    pub fn instant(&self) -> DateTime<Utc> {
        self.start + chrono::Duration::seconds(self.now)
    }

    /// The instance the load balancer picks for the next request.
    pub fn node(&mut self) -> &Node {
        let i = self.rng.below(self.nodes.len() as u64) as usize;
        &self.nodes[i]
    }

    pub fn violation(&mut self, what: String) {
        let line = format!("t={}s: {what}", self.now);
        if self.report.violations.len() < 30 {
            self.report.violations.push(line);
        }
    }

    /// `calls` callers over about 20 simulated minutes; two Redis outages
    /// (killed, back with its data) and one `FLUSHALL` on the way.
    pub async fn run(&mut self, calls: usize) {
        let mut at = 0;
        for i in 0..calls {
            at += self.rng.range(5, 25);
            self.calls.push(Call {
                sid: format!("CAchaos{:016x}{i:04}", self.seed),
                phase: Phase::Menu,
                tried: BTreeSet::new(),
                dial: None,
                recording: None,
                held: false,
            });
            self.plan(at, Event::Arrive(i));
        }
        let end = at;
        let kill_1 = self.rng.range(end / 5, end / 3);
        let kill_2 = self.rng.range(end * 2 / 5, end * 3 / 5);
        let flush = self.rng.range(end * 2 / 3, end * 4 / 5);
        self.plan(kill_1, Event::Kill { for_s: 8 });
        self.plan(kill_2, Event::Kill { for_s: 15 });
        self.plan(flush, Event::FlushAll);
        self.plan(0, Event::Presence);
        for who in TEAM {
            let ttl = self.nodes[0].app.settings.routing.presence_ttl;
            let store = &self.nodes[0].app.store;
            store
                .set_status(&id(who), Presence::Available, self.instant(), ttl)
                .await
                .expect("sign in");
        }
        while let Some(Reverse((at, _, event))) = self.events.pop() {
            assert!(
                at < end + 3600,
                "the simulation does not end (seed {})",
                self.seed
            );
            self.now = at;
            self.clock.set(self.instant());
            self.handle(event).await;
            if self.redis_up && self.settled() {
                self.check_honest().await;
            }
            if self.calls.iter().all(|c| c.phase == Phase::Done) && at >= end {
                break;
            }
        }
    }

    async fn handle(&mut self, event: Event) {
        match event {
            Event::Arrive(i) => self.arrive(i).await,
            Event::Follow(i) => self.follow(i).await,
            Event::HangUp(i) => self.hang_up(i).await,
            Event::PickUp { call, press } => self.pick_up(call, press).await,
            Event::RingFails { call, status } => self.ring_fails(call, status).await,
            Event::TalkEnds(i) => self.talk_ends(i).await,
            Event::Recorded(i) => self.recorded(i, false).await,
            Event::RecordedAgain(i) => self.recorded(i, true).await,
            Event::Presence => self.presence().await,
            Event::Roster => {
                let app = &self.nodes[0].app;
                let _ =
                    lotse::routing::register_all(&app.store, &app.team(), app.clock.now()).await;
            }
            Event::Kill { for_s } => {
                self.redis.stop();
                self.redis_up = false;
                self.plan(self.now + for_s, Event::Restart);
            }
            Event::Restart => {
                self.redis.restart();
                self.redis_up = true;
                self.until_replayed().await;
            }
            Event::FlushAll => {
                let client = redis::Client::open(self.redis.url()).unwrap();
                let mut c = client.get_multiplexed_async_connection().await.unwrap();
                let _: () = redis::cmd("FLUSHALL").query_async(&mut c).await.unwrap();
                let roster = self.now + self.rng.range(1, 30);
                self.plan(roster, Event::Roster);
            }
        }
    }

    /// Every instance's journal is empty: the store knows all callbacks.
    pub fn settled(&self) -> bool {
        self.nodes.iter().all(|n| n.app.journal.is_empty())
    }

    /// Redis is back: the kept writes must land within 30 s, with no new
    /// callback. The world waits (in real time) meanwhile, as the replayer
    /// needs about a second and callers' callbacks are seconds apart.
    async fn until_replayed(&mut self) {
        let kept: u64 = self
            .nodes
            .iter()
            .map(|n| n.app.metrics.durability.writes_kept.get())
            .sum();
        self.report.kept_writes = kept;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.settled() {
            if Instant::now() > deadline {
                let left: usize = self.nodes.iter().map(|n| n.app.journal.len()).sum();
                self.violation(format!(
                    "{left} kept writes not replayed 30 s after Redis returned"
                ));
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

pub fn id(who: &str) -> CounsellorId {
    CounsellorId::parse(who).unwrap()
}
