//! A real `lotse` on port 0 with three configured counsellors (anna and ben
//! with tokens, clara without), an operator token, a fixed clock, and a
//! client that speaks JSON with a bearer token or a session cookie.
#![allow(clippy::result_large_err)] // figment::Jail's closures return figment's own Result

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use lotse::clock::FixedClock;
use lotse::config::{self, Settings};
use lotse::http::{App, Server};
use reqwest::header::HeaderMap;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const ANNA: &str = "anna-token-4f1c9a";
pub const BEN: &str = "ben-token-77d0e2";
pub const OPERATOR: &str = "operator-token-b8e5a0";
/// Monday 30 March 2026, 09:00 in Berlin: the hotline is open.
pub const OPEN: &str = "2026-03-30T09:00:00+02:00";

pub fn sha(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The built-in defaults (the demo team), with token hashes as an operator
/// would configure them, and optionally a Redis URL.
pub fn settings(redis_url: Option<String>) -> Settings {
    let mut out = None;
    figment::Jail::expect_with(|jail| {
        jail.set_env("LOTSE_TWILIO__AUTH_TOKEN", "twilio-test-token");
        if let Some(url) = &redis_url {
            jail.set_env("LOTSE_REDIS__URL", url);
        }
        out = Some(config::load(None).map_err(|e| e.to_string())?);
        Ok(())
    });
    let mut s = out.expect("settings load");
    s.counsellors[0].token_sha256 = Some(sha(ANNA));
    s.counsellors[1].token_sha256 = Some(sha(BEN));
    s.operator_token_sha256 = Some(sha(OPERATOR));
    s
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub clock: Arc<FixedClock>,
    pub client: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
}

pub async fn spawn(settings: Settings) -> TestApp {
    let clock = Arc::new(FixedClock::new(instant(OPEN)));
    let app = App::new(settings, clock.clone()).expect("store");
    let _ = lotse::routing::register_all(&app.store, &app.team(), instant(OPEN)).await;
    let server = Server::bind(app, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind");
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.run(std::future::pending()));
    TestApp {
        addr,
        clock,
        client: reqwest::Client::new(),
    }
}

pub fn instant(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// How a request authenticates.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    Bearer(&'a str),
    /// Any raw `Authorization` header value.
    Header(&'a str),
    /// Session cookie (`name=value`) and the CSRF token to send, if any.
    Cookie(&'a str, Option<&'a str>),
}

impl TestApp {
    pub fn advance(&self, seconds: i64) {
        use lotse::clock::Clock;
        self.clock
            .set(self.clock.now() + chrono::Duration::seconds(seconds));
    }

    /// Sends `body` as raw text with `Content-Type: application/json`
    /// (unless `body` is `None`).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        auth: Auth<'_>,
        body: Option<&str>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method, format!("http://{}{}", self.addr, path));
        req = match auth {
            Auth::None => req,
            Auth::Bearer(t) => req.header("authorization", format!("Bearer {t}")),
            Auth::Header(h) => req.header("authorization", h),
            Auth::Cookie(c, csrf) => {
                let req = req.header("cookie", c);
                match csrf {
                    Some(t) => req.header("x-csrf-token", t),
                    None => req,
                }
            }
        };
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            headers,
            json,
        }
    }

    pub async fn get(&self, path: &str, auth: Auth<'_>) -> Reply {
        self.call("GET", path, auth, None).await
    }

    pub async fn put_status(&self, path: &str, auth: Auth<'_>, status: &str) -> Reply {
        let body = format!(r#"{{"status":"{status}"}}"#);
        self.call("PUT", path, auth, Some(&body)).await
    }
}

/// Every API error has the same shape: a JSON object with a readable
/// `error` string.
pub fn assert_error(r: &Reply, status: u16) {
    assert_eq!(r.status, status, "{}", r.json);
    let message = r.json["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no JSON error: {}", r.json));
    assert!(message.len() > 10, "{message}");
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
}
