//! `spawn_app()`: a real `lotse` on port 0 with a fixed clock, and a client
//! that signs webhooks exactly as Twilio does.
#![allow(clippy::result_large_err)] // figment::Jail's closures return figment's own Result

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use lotse::clock::FixedClock;
use lotse::config::{self, Settings};
use lotse::http::{App, Server};
use lotse::providers::twilio::signature;

pub const TOKEN: &str = "test-token-0123456789";
pub const PUBLIC_URL: &str = "https://hotline.example.org";
/// A number from the range set aside for fiction.
pub const CALLER: &str = "+493023125777";

pub struct TestApp {
    pub app: Arc<App>,
    pub addr: SocketAddr,
    pub clock: Arc<FixedClock>,
    pub client: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// Loads the built-in defaults with `LOTSE_TWILIO__AUTH_TOKEN` set the way
/// an operator would, so the environment layer is part of what is tested.
pub fn settings_with_tokens(tokens: &str) -> Settings {
    settings_from(None, tokens)
}

pub fn settings_from(path: Option<&Path>, tokens: &str) -> Settings {
    settings_with_env(path, &[("LOTSE_TWILIO__AUTH_TOKEN", tokens)])
}

/// Loads `path` (or the built-in defaults) with these `LOTSE_…` variables set.
pub fn settings_with_env(path: Option<&Path>, env: &[(&str, &str)]) -> Settings {
    let mut out = None;
    figment::Jail::expect_with(|jail| {
        for (k, v) in env {
            jail.set_env(k, v);
        }
        out = Some(config::load(path).map_err(|e| e.to_string())?);
        Ok(())
    });
    out.expect("settings load")
}

pub async fn spawn_app(at: &str) -> TestApp {
    spawn_with(settings_with_tokens(TOKEN), at).await
}

pub async fn spawn_with(settings: Settings, at: &str) -> TestApp {
    let clock = Arc::new(FixedClock::new(instant(at)));
    let app = App::new(settings, clock.clone()).expect("store");
    lotse::routing::register_all(
        &app.store,
        &app.team(),
        lotse::clock::Clock::now(clock.as_ref()),
    )
    .await
    .expect("roster");
    let server = Server::bind(app.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind");
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.run(std::future::pending()));
    TestApp {
        app,
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

pub fn pairs(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The parameters Twilio sends with a new call (a realistic subset).
pub fn incoming(call_sid: &str) -> Vec<(String, String)> {
    pairs(&[
        ("AccountSid", "AC00000000000000000000000000000000"),
        ("ApiVersion", "2010-04-01"),
        ("CallSid", call_sid),
        ("CallStatus", "ringing"),
        ("Called", "+498003009944"),
        ("Caller", CALLER),
        ("Direction", "inbound"),
        ("From", CALLER),
        ("FromCountry", "DE"),
        ("To", "+498003009944"),
    ])
}

impl TestApp {
    /// POSTs `params` to `path_and_query`, signed with `token` for the
    /// public URL (or unsigned with `None`).
    pub async fn post(
        &self,
        path_and_query: &str,
        params: &[(String, String)],
        token: Option<&str>,
    ) -> Reply {
        let url = format!("{PUBLIC_URL}{path_and_query}");
        self.post_signed_for(
            path_and_query,
            params,
            token.map(|t| signature::compute(t.as_bytes(), &url, params)),
        )
        .await
    }

    pub async fn post_signed_for(
        &self,
        path_and_query: &str,
        params: &[(String, String)],
        sig: Option<String>,
    ) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let mut req = self
            .client
            .post(format!("http://{}{}", self.addr, path_and_query))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(sig) = sig {
            req = req.header("X-Twilio-Signature", sig);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        Reply {
            status,
            content_type,
            body: resp.text().await.unwrap(),
        }
    }

    pub async fn voice(&self, path_and_query: &str, params: &[(String, String)]) -> Reply {
        self.post(path_and_query, params, Some(TOKEN)).await
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let resp = self
            .client
            .get(format!("http://{}{}", self.addr, path))
            .send()
            .await
            .expect("request");
        (resp.status().as_u16(), resp.text().await.unwrap())
    }
}

/// The callback URL path+query of the first `<Gather action=…>` in TwiML.
pub fn gather_action(twiml: &str) -> String {
    let start = twiml.find("action=\"").expect("a Gather with action") + "action=\"".len();
    let url = &twiml[start..start + twiml[start..].find('"').unwrap()];
    url.replace("&amp;", "&")
        .strip_prefix(PUBLIC_URL)
        .expect("action on the public URL")
        .to_owned()
}
