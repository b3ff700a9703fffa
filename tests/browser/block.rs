//! Issue 14 in the browser (`block.mjs`): a counsellor blocks a live caller
//! through the page; the same number's next call, on a second `lotse` on
//! the same `redis-server`, hears the neutral message; another number does
//! not; the ban ends; a flood from one number is limited. Afterwards no key
//! or value in Redis, no log line and no `/metrics` holds the number or its
//! plain SHA-256.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use lotse::http::{App, Server};
use serde_json::{json, Value};

use crate::calls::{gather_action, signed_post_to};
use crate::world::{World, PUBLIC_URL};

/// The caller Anna blocks, another who is never blocked, a flooder, and
/// one whose ban the operator lifts.
const CALLER: &str = "+493023125661";
const OTHER: &str = "+493023125662";
const FLOODER: &str = "+493023125663";
const SECOND: &str = "+493023125664";

struct Pair {
    world: Arc<World>,
    /// The second instance, on the same Redis and the same (movable) clock.
    b: SocketAddr,
    _b_app: Arc<App>,
}

fn number(who: &str) -> &'static str {
    match who {
        "caller" => CALLER,
        "other" => OTHER,
        "second" => SECOND,
        _ => FLOODER,
    }
}

fn call(sid: &str, from: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("CallSid", sid.to_owned()),
        ("From", from.to_owned()),
        ("To", "+498003009944".to_owned()),
        ("CallStatus", "ringing".to_owned()),
    ]
}

async fn webhook(
    p: &Pair,
    addr: SocketAddr,
    path: &str,
    params: &[(&'static str, String)],
) -> String {
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = signed_post_to(&p.world, addr, path, &params).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn attr(twiml: &str, element: &str, name: &str) -> String {
    let at = twiml
        .find(&format!("<{element} "))
        .unwrap_or_else(|| panic!("no {element}: {twiml}"));
    let rest = &twiml[at..];
    let start = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    let url = &rest[start..start + rest[start..].find('"').unwrap()];
    url.replace("&amp;", "&")
        .strip_prefix(PUBLIC_URL)
        .unwrap()
        .to_owned()
}

/// `who` dials in on the first instance, presses 1; Anna's phone rings,
/// she presses 1 in the whisper: a live call.
async fn answer(
    State(p): State<Arc<Pair>>,
    Path((sid, who)): Path<(String, String)>,
) -> Json<Value> {
    let a = p.world.addr;
    let mut params = call(&sid, number(&who));
    let greeting = webhook(&p, a, "/twilio/voice", &params).await;
    params.push(("Digits", "1".into()));
    let dial = webhook(&p, a, &gather_action(&greeting), &params).await;
    let whisper = attr(&dial, "Number", "url");
    let mut leg = vec![
        ("CallSid", "CAleg".to_owned()),
        ("ParentCallSid", sid.clone()),
        ("CallStatus", "in-progress".into()),
    ];
    let ask = webhook(&p, a, &whisper, &leg).await;
    leg.push(("Digits", "1".into()));
    let bridged = webhook(&p, a, &gather_action(&ask), &leg).await;
    Json(json!({ "bridged": !bridged.contains("<Hangup") }))
}

async fn hang_up(State(p): State<Arc<Pair>>, Path(sid): Path<String>) -> Json<Value> {
    let mut params = call(&sid, CALLER);
    params[3].1 = "completed".into();
    webhook(&p, p.world.addr, "/twilio/status", &params).await;
    Json(json!({}))
}

/// A new call from `who` on instance `on` (a or b): what the caller hears.
async fn new_call(
    State(p): State<Arc<Pair>>,
    Path((on, sid, who)): Path<(String, String, String)>,
) -> Json<Value> {
    let addr = if on == "b" { p.b } else { p.world.addr };
    let twiml = webhook(&p, addr, "/twilio/voice", &call(&sid, number(&who))).await;
    let heard = if twiml.contains("Anruf gerade nicht annehmen") && twiml.contains("<Hangup/>") {
        "refused"
    } else if twiml.contains("step=menu") {
        "greeting"
    } else {
        "other"
    };
    Json(json!({ "heard": heard }))
}

async fn advance(State(p): State<Arc<Pair>>, Path(seconds): Path<i64>) -> Json<Value> {
    p.world.clock.advance(seconds);
    Json(json!({}))
}

async fn serve(p: Arc<Pair>) -> SocketAddr {
    let router = Router::new()
        .route("/answer/{sid}/{who}", post(answer))
        .route("/hangup/{sid}", post(hang_up))
        .route("/call/{on}/{sid}/{who}", post(new_call))
        .route("/advance/{seconds}", post(advance))
        .with_state(p);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

async fn scrape(base: &str) -> String {
    let resp = reqwest::get(format!("{base}/metrics")).await.unwrap();
    resp.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_a_live_caller_in_chromium() {
    let _one = crate::ONE_BROWSER.lock().await;
    crate::preflight();
    crate::captured_logs::captured_logs();
    let world = Arc::new(World::start().await);
    let b_app = App::new(world.app().settings.clone(), world.clock.clone()).expect("store");
    let server = Server::bind(b_app.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let b = server.local_addr().unwrap();
    tokio::spawn(server.run(std::future::pending()));
    let pair = Arc::new(Pair {
        world: world.clone(),
        b,
        _b_app: b_app,
    });
    let lotse = format!("http://{}", world.addr);
    let control = format!("http://{}", serve(pair).await);
    crate::run_script("block.mjs", &lotse, &control).await;

    let redis = crate::privacy_scan::dump_redis(&world._redis.url());
    assert!(
        redis.contains("kv:abuse:calls:"),
        "the scan sees the abuse records: {redis}"
    );
    let metrics_a = scrape(&lotse).await;
    let metrics_b = scrape(&format!("http://{b}")).await;
    assert!(
        metrics_b.contains("lotse_calls_total{lang=\"de\",outcome=\"blocked\"} 2"),
        "{metrics_b}"
    );
    assert!(
        metrics_a.contains("lotse_calls_total{lang=\"de\",outcome=\"limited\"} 1"),
        "{metrics_a}"
    );
    let logs = crate::captured_logs::captured_logs();
    assert!(logs.contains("caller blocked"), "{logs}");
    let haystacks = [
        ("redis", redis),
        ("logs", logs),
        ("metrics a", metrics_a),
        ("metrics b", metrics_b),
    ];
    crate::privacy_scan::assert_absent(&[CALLER, OTHER, FLOODER, SECOND], &haystacks);
}
