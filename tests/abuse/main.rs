//! Issue 14 end to end: bans, flood limits and the anonymous-caller check
//! through signed Twilio webhooks and the counsellor API, on two `lotse`
//! instances sharing one real `redis-server`; and proof that neither the
//! store, the logs nor `/metrics` ever hold a caller's number or its plain
//! SHA-256.
#![allow(clippy::result_large_err)] // figment::Jail's closures return figment's own Result

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../support/captured_logs.rs"]
mod logs;
#[allow(dead_code)]
#[path = "../support/redis_server.rs"]
mod redis_server;
#[path = "../support/privacy_scan.rs"]
mod scan;

mod blocks;
mod cli;
mod floods;
mod privacy;

use helpers::*;
use lotse::clock::Clock;
use lotse::routing::{CounsellorId, Presence};
use redis_server::RedisServer;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Monday 30 March 2026, 10:00 in Berlin.
pub const OPEN: &str = "2026-03-30T10:00:00+02:00";
pub const KEY: &str = "abuse-test-key-0123456789abcdef0123456789";
pub const ANNA: &str = "anna-abuse-token-1b7e";
pub const OPERATOR: &str = "operator-abuse-token-9c3d";
/// Another fictitious number, never blocked.
pub const OTHER: &str = "+493023125888";

fn hex_sha(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A config open every day, all day, with Anna (token) and an operator token.
fn config_text(redis_url: &str) -> String {
    let flow =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("call-flows/starke-stelle.toml");
    let all_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(|d| format!("{d} = \"00:00-24:00\""))
        .join(", ");
    format!(
        r#"
[hotline]
name = "Test-Hotline"
number = "+498003009944"
email = "info@example.org"
[schedule]
timezone = "Europe/Berlin"
hours = {{ {all_day} }}
holidays = "none"
[twilio]
public_url = "{PUBLIC_URL}"
[redis]
url = "{redis_url}"
[api]
operator_token_sha256 = "{operator}"
[[counsellors]]
id = "anna"
name = "Anna"
phone = "+493023125001"
languages = ["de", "en"]
token_sha256 = "{anna}"
[flow]
path = "{flow}"
"#,
        operator = hex_sha(OPERATOR),
        anna = hex_sha(ANNA),
        flow = flow.display(),
    )
}

/// One instance on `redis` with these extra `LOTSE_…` settings (the key
/// unless `LOTSE_ABUSE__KEY` is given as empty).
pub async fn instance(redis: &RedisServer, env: &[(&str, &str)]) -> TestApp {
    logs::captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lotse.toml");
    std::fs::write(&path, config_text(&redis.url())).unwrap();
    let mut all = vec![
        ("LOTSE_TWILIO__AUTH_TOKEN", TOKEN),
        ("LOTSE_ABUSE__KEY", KEY),
    ];
    all.extend_from_slice(env);
    let settings = settings_with_env(Some(&path), &all);
    spawn_with(settings, OPEN).await
}

pub fn call_from(sid: &str, from: &str) -> Vec<(String, String)> {
    pairs(&[
        ("CallSid", sid),
        ("From", from),
        ("To", "+498003009944"),
        ("CallStatus", "ringing"),
    ])
}

/// What a caller hears first: the neutral message, the check, or the flow.
#[derive(Debug, PartialEq, Eq)]
pub enum Heard {
    Refused,
    Check,
    Greeting,
}

pub fn heard(twiml: &str) -> Heard {
    if twiml.contains("Anruf gerade nicht annehmen") && twiml.contains("<Hangup/>") {
        assert!(!twiml.to_lowercase().contains("gesperrt"), "{twiml}");
        Heard::Refused
    } else if twiml.contains("step=abuse-check") {
        Heard::Check
    } else if twiml.contains("hier ist die starke Stelle") && twiml.contains("step=menu") {
        Heard::Greeting
    } else {
        panic!("unexpected answer: {twiml}")
    }
}

impl TestApp {
    /// A new call; what the caller hears first.
    pub async fn new_call(&self, sid: &str, from: &str) -> Heard {
        let r = self.voice("/twilio/voice", &call_from(sid, from)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        heard(&r.body)
    }

    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method, format!("http://{}{}", self.addr, path))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Anna blocks the caller of her current or last call.
    pub async fn block(&self, body: &str) -> (u16, Value) {
        self.api("POST", "/api/v1/me/block", ANNA, Some(body)).await
    }

    /// A call from `from` that Anna takes (menu 1, ring, whisper, key 1).
    pub async fn anna_takes_a_call(&self, sid: &str, from: &str) {
        let ttl = self.app.settings.routing.presence_ttl;
        let anna = CounsellorId::parse("anna").unwrap();
        self.app
            .store
            .set_status(&anna, Presence::Available, self.clock.now(), ttl)
            .await
            .unwrap();
        assert_eq!(self.new_call(sid, from).await, Heard::Greeting);
        let mut menu = call_from(sid, from);
        menu.push(("Digits".into(), "1".into()));
        let dial = self.voice("/twilio/voice?step=menu&lang=de", &menu).await;
        assert!(dial.body.contains("<Dial"), "{}", dial.body);
        let whisper = attr_url(&dial.body, "Number", "url");
        let leg = pairs(&[
            ("CallSid", "CAleg"),
            ("ParentCallSid", sid),
            ("CallStatus", "in-progress"),
        ]);
        let ask = self.voice(&whisper, &leg).await;
        let mut pressed = leg.clone();
        pressed.push(("Digits".into(), "1".into()));
        let bridged = self.voice(&gather_action(&ask.body), &pressed).await;
        assert!(!bridged.body.contains("<Hangup"), "{}", bridged.body);
    }

    /// Twilio's final status callback for `sid`.
    pub async fn hang_up(&self, sid: &str, from: &str) {
        let mut params = call_from(sid, from);
        params[3].1 = "completed".into();
        let r = self.voice("/twilio/status", &params).await;
        assert_eq!(r.status, 200);
    }

    pub async fn metric(&self, series: &str) -> f64 {
        let (_, text) = self.get("/metrics").await;
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    }
}

fn attr_url(twiml: &str, element: &str, name: &str) -> String {
    let at = twiml.find(&format!("<{element} ")).expect(element);
    let rest = &twiml[at..];
    let start = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    rest[start..start + rest[start..].find('"').unwrap()]
        .replace("&amp;", "&")
        .strip_prefix(PUBLIC_URL)
        .unwrap()
        .to_owned()
}
