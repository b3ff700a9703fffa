//! Outside input through the real router (in memory, no network): signed
//! webhooks with random forms and callback URLs at random instants, and the
//! counsellor API and page with random JSON, tokens and cookies. Whatever
//! arrives: no panic, no 5xx, and every 200 from a webhook is well-formed
//! TwiML.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use chrono::Duration;
use lotse::clock::FixedClock;
use lotse::http::App;
use lotse::providers::twilio::signature;
use lotse::routing::{MemoryStore, Store};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::helpers::{instant, settings_with_env, PUBLIC_URL, TOKEN};

const C1_TOKEN: &str = "fuzz-c1-token";
const OPERATOR: &str = "fuzz-operator-token";

struct World {
    rt: tokio::runtime::Runtime,
    app: Arc<App>,
    clock: Arc<FixedClock>,
    _spool: tempfile::TempDir,
}

fn world() -> World {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/routing/lotse-test.toml");
    let mut settings = settings_with_env(Some(&config), &[("LOTSE_TWILIO__AUTH_TOKEN", TOKEN)]);
    settings.counsellors[0].token_sha256 = Some(Sha256::digest(C1_TOKEN).into());
    settings.operator_token_sha256 = Some(Sha256::digest(OPERATOR).into());
    let spool = tempfile::tempdir().unwrap();
    settings.email.spool_dir = spool.path().to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let clock = Arc::new(FixedClock::new(instant("2026-03-30T10:00:00+02:00")));
    let app = rt.block_on(async {
        let app = App::with_store(settings, clock.clone(), Store::Memory(MemoryStore::new()));
        lotse::routing::register_all(&app.store, &app.team(), app.clock.now())
            .await
            .unwrap();
        app
    });
    World {
        rt,
        app,
        clock,
        _spool: spool,
    }
}

impl World {
    fn send(&self, req: Request<Body>) -> (u16, String, String) {
        self.rt.block_on(async {
            let resp = lotse::http::router(self.app.clone())
                .oneshot(req)
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let ct = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .unwrap();
            (status, ct, String::from_utf8_lossy(&body).into_owned())
        })
    }
}

fn well_formed(xml: &str) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn pick(options: &[&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(options.to_vec()).prop_map(str::to_owned),
        1 => ".{0,24}",
    ]
}

fn query() -> impl Strategy<Value = Vec<(String, String)>> {
    let key = prop::sample::select(vec![
        "step", "lang", "since", "told", "rung", "c", "asked", "callback", "x",
    ]);
    let value = pick(&[
        "entry",
        "greeting",
        "menu",
        "info",
        "english",
        "counsellor",
        "no_counsellor",
        "voicemail",
        "goodbye",
        "pin",
        "de",
        "en",
        "1",
        "0",
        "3",
        "c1",
        "c5",
        "yes",
        "1774857600",
        "-1",
        "99999999999",
    ]);
    prop::collection::vec((key.prop_map(str::to_owned), value), 0..5)
}

fn form() -> impl Strategy<Value = Vec<(String, String)>> {
    let key = prop::sample::select(vec![
        "CallSid",
        "From",
        "To",
        "Digits",
        "CallStatus",
        "DialCallStatus",
        "DialCallSid",
        "DialBridged",
        "CallDuration",
        "RecordingSid",
        "RecordingStatus",
        "RecordingDuration",
        "RecordingUrl",
        "Other",
    ]);
    let value = pick(&[
        "CA00000000000000000000000000000001",
        "CA00000000000000000000000000000002",
        "+493023125105",
        "+493023125777",
        "anonymous",
        "+498003009944",
        "1",
        "2",
        "9",
        "*",
        "4711",
        "",
        "completed",
        "no-answer",
        "busy",
        "in-progress",
        "true",
        "RE0001",
        "30",
    ]);
    prop::collection::vec((key.prop_map(str::to_owned), value), 0..9)
}

fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

proptest! {
    #![proptest_config(crate::config(1500))]

    #[test]
    fn signed_webhooks_with_random_forms_always_get_markup(
        route in prop::sample::select(vec!["voice", "status", "dial", "whisper", "presence", "recording"]),
        query in query(),
        form in form(),
        minutes in 0i64..(7 * 24 * 60),
    ) {
        let w = WORLD.with(|w| w.clone());
        w.clock.set(instant("2026-03-30T00:00:00+02:00") + Duration::minutes(minutes));
        let q = encode(&query);
        let path = if q.is_empty() { format!("/twilio/{route}") } else { format!("/twilio/{route}?{q}") };
        let sig = signature::compute(TOKEN.as_bytes(), &format!("{PUBLIC_URL}{path}"), &form);
        let req = Request::post(&path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(Body::from(encode(&form)))
            .unwrap();
        let (status, ct, body) = w.send(req);
        prop_assert!(status == 200 || status == 400, "{status} for {path}: {body}");
        if status == 200 {
            prop_assert!(ct.starts_with("text/xml"), "{ct}");
            prop_assert!(body.starts_with("<?xml") && body.contains("<Response"), "{body}");
            prop_assert!(well_formed(&body).is_ok(), "{body}");
        }
    }

    #[test]
    fn api_json_tokens_and_cookies_never_make_a_5xx(
        method in prop::sample::select(vec!["GET", "PUT", "POST", "DELETE", "PATCH"]),
        path in pick(&[
            "/api/v1/me", "/api/v1/me/status", "/api/v1/me/heartbeat", "/api/v1/counsellors",
            "/api/v1/counsellors/c1/status", "/api/v1/counsellors/nobody/status",
            "/api/v1/hotline", "/session", "/",
        ]),
        auth in pick(&["", "Bearer fuzz-c1-token", "Bearer fuzz-operator-token", "Bearer x", "Basic abc"]),
        cookie in prop::collection::vec(prop_oneof![Just(b';'), Just(b'='), 0x20u8..0x7f], 0..80),
        csrf in ".{0,8}",
        json in any::<bool>(),
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..200),
            pick(&["available", "away", "offline", "ringing", "in_call", "", "null"])
                .prop_map(|s| format!("{{\"status\":\"{s}\",\"token\":\"fuzz-c1-token\"}}").into_bytes()),
        ],
    ) {
        let w = WORLD.with(|w| w.clone());
        let Ok(uri) = axum::http::Uri::try_from(path.as_str()) else {
            return Ok(()); // not a request a client could send
        };
        let mut req = Request::builder().method(method).uri(uri);
        if let Ok(auth) = axum::http::HeaderValue::from_str(&auth) {
            req = req.header("authorization", auth);
        }
        if json {
            req = req.header("content-type", "application/json");
        }
        let cookie = String::from_utf8(cookie).unwrap();
        let req = req
            .header("cookie", format!("__Host-lotse_session={cookie}; lotse_session={cookie}"))
            .header("x-csrf-token", csrf.replace(|c: char| !c.is_ascii_graphic(), ""))
            .body(Body::from(body))
            .unwrap();
        let (status, _, body) = w.send(req);
        prop_assert!(status < 500, "{status} for {method} {path}: {body}");
    }
}

thread_local! {
    /// One world per test thread: state piles up across cases, as in a storm.
    static WORLD: Arc<World> = Arc::new(world());
}
