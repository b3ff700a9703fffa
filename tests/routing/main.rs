//! Counsellor routing end to end: signed Twilio webhooks against `lotse`
//! instances sharing one real `redis-server` started by the test.

#[path = "../support/captured_logs.rs"]
mod captured_logs;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../support/redis_server.rs"]
mod redis_server;

mod calls;
mod company;
mod cost;
mod deadline;
mod fair;
mod faults;
mod journal;
mod line;
mod phone_presence;
mod pin_limits;
mod saved_writes;

use std::path::Path;

use helpers::*;
use lotse::clock::Clock;
use lotse::routing::{CounsellorId, Presence, Status};
use redis_server::RedisServer;

pub const OPEN: &str = "2026-03-30T10:00:00+02:00";

/// One instance of `lotse` on the test's Redis, with the five-person team
/// of `tests/routing/lotse-test.toml`.
pub async fn instance(redis: &RedisServer, at: &str) -> TestApp {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing/lotse-test.toml");
    let url = redis.url();
    let settings = settings_with_env(
        Some(&config),
        &[
            ("LOTSE_TWILIO__AUTH_TOKEN", TOKEN),
            ("LOTSE_REDIS__URL", &url),
        ],
    );
    spawn_with(settings, at).await
}

pub fn id(raw: &str) -> CounsellorId {
    CounsellorId::parse(raw).unwrap()
}

impl TestApp {
    pub async fn set(&self, who: &str, presence: Presence) {
        let ttl = self.app.settings.routing.presence_ttl;
        self.app
            .store
            .set_status(&id(who), presence, self.clock.now(), ttl)
            .await
            .expect("set status");
    }

    pub async fn status(&self, who: &str) -> Status {
        self.app
            .store
            .state(&id(who), self.clock.now())
            .await
            .unwrap()
            .unwrap()
            .status
    }

    /// A caller who pressed 1 in the menu: the webhook that reaches the
    /// counsellor step.
    pub async fn wants_counsellor(&self, call: &str) -> Reply {
        self.voice(
            "/twilio/voice?step=menu&lang=de",
            &pairs(&[("CallSid", call), ("From", CALLER), ("Digits", "1")]),
        )
        .await
    }

    /// Follows a hold-loop redirect (what Twilio does after the music).
    pub async fn follow(&self, call: &str, twiml: &str) -> Reply {
        self.voice(
            &redirect_target(twiml),
            &pairs(&[("CallSid", call), ("From", CALLER)]),
        )
        .await
    }

    /// Reports how ringing a counsellor ended, as Twilio's `<Dial action>` does.
    pub async fn ring_result(&self, call: &str, twiml: &str, status: &str, bridged: bool) -> Reply {
        let params = pairs(&[
            ("CallSid", call),
            ("CallStatus", "in-progress"),
            ("From", CALLER),
            ("DialCallSid", "CAchild"),
            ("DialCallStatus", status),
            ("DialBridged", if bridged { "true" } else { "false" }),
        ]);
        self.voice(&dial_action(twiml), &params).await
    }
}

fn attr<'a>(twiml: &'a str, element: &str, name: &str) -> Option<&'a str> {
    let at = twiml.find(&format!("<{element} "))?;
    let rest = &twiml[at..];
    let start = rest.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&rest[start..start + rest[start..].find('"')?])
}

fn local(url: &str) -> String {
    url.replace("&amp;", "&")
        .strip_prefix(PUBLIC_URL)
        .expect("on the public URL")
        .to_owned()
}

/// The `/twilio/dial?…` callback of a `<Dial>`.
pub fn dial_action(twiml: &str) -> String {
    local(attr(twiml, "Dial", "action").unwrap_or_else(|| panic!("no <Dial> in {twiml}")))
}

/// The counsellor a `<Dial>` rings (`c=` of its action).
pub fn dialled(twiml: &str) -> Option<String> {
    let action = dial_action_opt(twiml)?;
    action
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("c="))
        .map(str::to_owned)
}

fn dial_action_opt(twiml: &str) -> Option<String> {
    attr(twiml, "Dial", "action").map(local)
}

/// The whisper URL on the `<Number>` of a `<Dial>`.
pub fn whisper_url(twiml: &str) -> String {
    local(attr(twiml, "Number", "url").unwrap_or_else(|| panic!("no <Number url> in {twiml}")))
}

pub fn redirect_target(twiml: &str) -> String {
    let start = twiml
        .find("<Redirect")
        .and_then(|i| twiml[i..].find('>').map(|j| i + j + 1))
        .expect("a <Redirect>");
    local(&twiml[start..start + twiml[start..].find("</Redirect>").unwrap()])
}
