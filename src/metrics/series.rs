//! The registry and every series in it, with help text and base units.

use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry,
};

use super::waits::Waits;
use crate::routing::Status;

/// Every value `lotse_calls_total{outcome}` takes; all are pre-set to 0 so
/// a rate over them exists from the first scrape.
pub const OUTCOMES: [&str; 10] = [
    "connected",
    "off_hours",
    "holiday",
    "closure",
    "no_counsellor",
    "abandoned",
    "voicemail",
    "fallback_error",
    "blocked",
    "limited",
];

/// The providers: the only values the `provider` label takes.
pub const PROVIDERS: [&str; 2] = ["twilio", "sipgate"];

/// Waits from a few seconds to the ten minutes nobody should wait; 30 s is a
/// bucket edge because the service level is "answered within 30 s".
pub const WAIT_BUCKETS: [f64; 14] = [
    5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0, 420.0, 600.0,
];

/// Webhooks must answer well within Twilio's 15 s; most take milliseconds.
const HTTP_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 8.0,
];

pub struct Metrics {
    pub registry: Registry,
    pub calls: IntCounterVec,
    pub wait: HistogramVec,
    pub rings: IntCounterVec,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    pub signature_failures: IntCounterVec,
    pub emails_sent: IntCounterVec,
    /// New calls by provider (`twilio`, `sipgate`).
    pub calls_started: IntCounterVec,
    /// sipgate call-control hang-ups (`DELETE /calls/{id}`) by result.
    pub sipgate_hangups: IntCounterVec,
    /// Presence-by-phone PINs refused, by `crate::connect::pin_limits::Refused`.
    pub pin_failures: IntCounterVec,
    pub pin_lockouts: IntCounter,
    // Read at scrape time (see `scrape`).
    pub waiting: IntGauge,
    pub counsellors: IntGaugeVec,
    pub leases_expired: IntCounter,
    pub auto_away: IntCounter,
    pub line_abandoned: IntCounter,
    pub calls_force_ended: IntCounter,
    pub roster_repaired: IntCounter,
    pub outbox_jobs: IntGaugeVec,
    pub schedule_open: IntGauge,
    pub redis_up: IntGauge,
    /// Store writes kept through an outage, outbox repairs (see `durability`).
    pub durability: super::durability::Durability,
    /// Languages of the flow: the only values the `lang` label takes
    /// (anything else is `other`), so a forged callback cannot add series.
    pub(super) languages: Vec<String>,
    pub(super) waits: Waits,
}

fn counter_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
    r.register(Box::new(c.clone())).expect("unique metric");
    c
}

fn counter(r: &Registry, name: &str, help: &str) -> IntCounter {
    let c = IntCounter::new(name, help).expect("valid metric");
    r.register(Box::new(c.clone())).expect("unique metric");
    c
}

fn gauge(r: &Registry, name: &str, help: &str) -> IntGauge {
    let g = IntGauge::new(name, help).expect("valid metric");
    r.register(Box::new(g.clone())).expect("unique metric");
    g
}

fn gauge_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    let g = IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric");
    r.register(Box::new(g.clone())).expect("unique metric");
    g
}

fn histogram_vec(r: &Registry, name: &str, help: &str, b: &[f64], l: &[&str]) -> HistogramVec {
    let opts = HistogramOpts::new(name, help).buckets(b.to_vec());
    let h = HistogramVec::new(opts, l).expect("valid metric");
    r.register(Box::new(h.clone())).expect("unique metric");
    h
}

impl Metrics {
    /// All series of one process; `languages` are the flow's languages.
    pub fn new(languages: &[String]) -> Metrics {
        let r = Registry::new_custom(Some("lotse".into()), None).expect("valid prefix");
        let m = Metrics {
            calls: counter_vec(&r, "calls_total", "Calls by outcome (connected, off_hours, holiday, closure, no_counsellor, abandoned, voicemail, fallback_error, blocked = a ban matched, limited = flood limit or failed anonymous check) and language. A call can pass through several, e.g. off_hours then voicemail.", &["outcome", "lang"]),
            wait: histogram_vec(&r, "call_wait_seconds", "Time from reaching the counsellor step until a counsellor took the call (outcome=connected) or the caller hung up (outcome=abandoned).", &WAIT_BUCKETS, &["outcome"]),
            rings: counter_vec(&r, "ring_attempts_total", "Counsellor phones rung, by how the ring ended (answered, declined, not_answered, caller_gone).", &["result"]),
            http_requests: counter_vec(&r, "http_requests_total", "HTTP requests by matched route (never the raw path), method and status code.", &["route", "method", "status"]),
            http_duration: histogram_vec(&r, "http_request_duration_seconds", "Time to answer an HTTP request, by matched route.", &HTTP_BUCKETS, &["route"]),
            signature_failures: counter_vec(&r, "signature_failures_total", "Webhooks refused because their signature did not verify, by provider.", &["provider"]),
            emails_sent: counter_vec(&r, "emails_sent_total", "Voicemail email delivery attempts by result (delivered, spooled, failed = will retry, dead_letter = gave up).", &["result"]),
            calls_started: counter_vec(&r, "calls_started_total", "New incoming calls by provider (twilio, sipgate).", &["provider"]),
            sipgate_hangups: counter_vec(&r, "sipgate_hangups_total", "Calls lotse ended through sipgate's call-control API after a final message, by result (ended, failed, no_token).", &["result"]),
            pin_failures: counter_vec(&r, "pin_failures_total", "Presence-by-phone PINs refused, by reason (wrong: from a counsellor's number; unregistered: from any other number; locked: the counsellor's presence by phone is locked).", &["reason"]),
            pin_lockouts: counter(&r, "pin_lockouts_total", "Times a counsellor's presence by phone was locked for an hour after wrong PINs."),
            waiting: gauge(&r, "callers_waiting", "Callers waiting in line now (shared store, read at scrape time)."),
            counsellors: gauge_vec(&r, "counsellors", "Counsellors by status now (shared store, read at scrape time).", &["status"]),
            leases_expired: counter(&r, "presence_leases_expired_total", "Available counsellors whose presence lease ran out without a heartbeat (shared store counter)."),
            auto_away: counter(&r, "counsellors_auto_away_total", "Counsellors set away after missing calls in a row (shared store counter)."),
            line_abandoned: counter(&r, "line_abandoned_total", "Places in line ended by a hang-up or a caller gone silent (shared store counter)."),
            calls_force_ended: counter(&r, "calls_force_ended_total", "Calls the store ended because they stayed in_call past routing.max_call_s plus a grace: their end was never recorded (shared store counter)."),
            roster_repaired: counter(&r, "roster_repaired_total", "Counsellor entries the store rebuilt after they vanished, e.g. evicted or deleted (shared store counter)."),
            outbox_jobs: gauge_vec(&r, "email_outbox_jobs", "Voicemail emails not yet delivered, by state (queued, retrying, dead).", &["state"]),
            schedule_open: gauge(&r, "schedule_open", "1 while the hotline is open by its schedule, else 0."),
            redis_up: gauge(&r, "redis_up", "1 if the shared store answered the last scrape, else 0 (only with [redis] url)."),
            durability: super::durability::Durability::register(&r),
            registry: r,
            languages: languages.to_vec(),
            waits: Waits::default(),
        };
        let build = gauge_vec(
            &m.registry,
            "build_info",
            "Always 1; the version of lotse that runs.",
            &["version"],
        );
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        m.preset();
        m
    }

    /// Zero every closed label set, so `rate()` sees the first increment
    /// and every dashboard panel has a series from the start.
    fn preset(&self) {
        let mut langs = self.languages.clone();
        langs.push("other".into());
        for outcome in OUTCOMES {
            for lang in &langs {
                self.calls.with_label_values(&[outcome, lang.as_str()]);
            }
        }
        for o in ["connected", "abandoned"] {
            self.wait.with_label_values(&[o]);
        }
        for r in ["answered", "declined", "not_answered", "caller_gone"] {
            self.rings.with_label_values(&[r]);
        }
        for provider in PROVIDERS {
            self.signature_failures.with_label_values(&[provider]);
            self.calls_started.with_label_values(&[provider]);
        }
        for r in ["ended", "failed", "no_token"] {
            self.sipgate_hangups.with_label_values(&[r]);
        }
        // Where made-up methods count (see `endpoint::track`).
        for status in ["404", "405"] {
            self.http_requests
                .with_label_values(&["unmatched", "other", status]);
        }
        self.http_duration.with_label_values(&["unmatched"]);
        for r in ["delivered", "spooled", "failed", "dead_letter"] {
            self.emails_sent.with_label_values(&[r]);
        }
        for r in crate::connect::pin_limits::Refused::ALL {
            self.pin_failures.with_label_values(&[r.as_str()]);
        }
        for s in Status::ALL {
            self.counsellors.with_label_values(&[s.as_str()]);
        }
    }

    /// The `lang` label for `lang`: a flow language, or `other`.
    pub fn lang<'a>(&'a self, lang: &'a str) -> &'a str {
        match self.languages.iter().any(|l| l == lang) {
            true => lang,
            false => "other",
        }
    }

    /// One observation of a caller's wait.
    pub(super) fn wait_histogram(&self, outcome: &str) -> Histogram {
        self.wait.with_label_values(&[outcome])
    }

    pub fn signature_failed(&self, provider: &'static str) {
        self.signature_failures.with_label_values(&[provider]).inc();
    }
}
