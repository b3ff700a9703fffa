//! How the browser test makes a counsellor's phone ring and stop: the only
//! place that knows how calls reach the routing store, so the browser
//! script stays the same whichever way they do.
//!
//! A call is a real, signed Twilio webhook (`POST /twilio/voice`, then the
//! menu answer "1"), which claims and rings a counsellor; hanging up is
//! Twilio's real status callback.

use lotse::clock::Clock;
use lotse::providers::twilio::signature;
use lotse::routing::Status;

use crate::world::{World, PUBLIC_URL, TWILIO_TOKEN};

async fn signed_post(w: &World, path_and_query: &str, params: &[(&str, &str)]) -> (u16, String) {
    signed_post_to(w, w.addr, path_and_query, params).await
}

/// As Twilio would post to the instance at `addr` (several share one Redis).
pub async fn signed_post_to(
    w: &World,
    addr: std::net::SocketAddr,
    path_and_query: &str,
    params: &[(&str, &str)],
) -> (u16, String) {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let url = format!("{PUBLIC_URL}{path_and_query}");
    let sig = signature::compute(TWILIO_TOKEN.as_bytes(), &url, &params);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    let resp = w
        .http
        .post(format!("http://{addr}{path_and_query}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", sig)
        .body(body)
        .send()
        .await
        .expect("webhook");
    (resp.status().as_u16(), resp.text().await.unwrap())
}

fn call_params(sid: &str) -> Vec<(&str, &str)> {
    vec![
        ("CallSid", sid),
        ("From", "+493023125777"),
        ("To", "+498003009944"),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
    ]
}

/// The path and query of the first `name="…"` URL after `<element`.
fn url_of(twiml: &str, element: &str, name: &str) -> String {
    let from = twiml
        .find(element)
        .unwrap_or_else(|| panic!("no {element} in {twiml}"));
    let key = format!("{name}=\"");
    let start = from + twiml[from..].find(&key).expect("the attribute") + key.len();
    let url = &twiml[start..start + twiml[start..].find('"').unwrap()];
    let url = url.replace("&amp;", "&");
    url.strip_prefix(PUBLIC_URL)
        .expect("on the public URL")
        .to_owned()
}

/// The path and query of the first `<Gather action="…">`.
pub fn gather_action(twiml: &str) -> String {
    url_of(twiml, "<Gather", "action")
}

/// Ids of the counsellors ringing now.
pub async fn ringing(w: &World) -> Vec<String> {
    let app = w.app();
    let ids: Vec<_> = app.team().into_iter().map(|m| m.id).collect();
    let states = app.store.states(&ids, w.clock.now()).await.expect("store");
    states
        .into_iter()
        .filter(|s| s.status == Status::Ringing)
        .map(|s| s.id.to_string())
        .collect()
}

/// A caller dials in and presses 1 for a counsellor. Returns who rings.
pub async fn incoming_call_pressing_1(w: &World, sid: &str) -> Vec<String> {
    let (status, twiml) = signed_post(w, "/twilio/voice", &call_params(sid)).await;
    assert_eq!(status, 200, "{twiml}");
    let mut answer = call_params(sid);
    answer.push(("Digits", "1"));
    let (status, twiml) = signed_post(w, &gather_action(&twiml), &answer).await;
    assert_eq!(status, 200, "{twiml}");
    w.dials.lock().unwrap().insert(sid.to_owned(), twiml);
    ringing(w).await
}

/// The counsellor rung for `sid` picks up, hears the whisper and presses 1:
/// Twilio's requests on the counsellor's leg.
pub async fn counsellor_presses_1(w: &World, sid: &str) {
    let dial = w
        .dials
        .lock()
        .unwrap()
        .get(sid)
        .cloned()
        .expect("rung before");
    let leg = [
        ("CallSid", "CA00000000000000000000000000000099"),
        ("ParentCallSid", sid),
        ("CallStatus", "in-progress"),
    ];
    let (status, ask) = signed_post(w, &url_of(&dial, "<Number", "url"), &leg).await;
    assert_eq!(status, 200, "{ask}");
    let mut pressed = leg.to_vec();
    pressed.push(("Digits", "1"));
    let (status, body) = signed_post(w, &gather_action(&ask), &pressed).await;
    assert_eq!(status, 200, "{body}");
}

/// The caller hangs up before anyone answers: Twilio's status callback
/// ends everything the call holds.
pub async fn caller_hangs_up(w: &World, sid: &str) {
    let mut params = call_params(sid);
    params[3] = ("CallStatus", "completed");
    let (status, body) = signed_post(w, "/twilio/status", &params).await;
    assert_eq!(status, 200, "{body}");
}
