//! sipgate.io end to end: a real `lotse` with `[sipgate] enabled`, events
//! signed with a key pair the tests make (configured as `public_key_pem`),
//! a local stand-in for sipgate's call-control API, and real Redis where
//! Twilio and sipgate callers share counsellors.

#[allow(dead_code)]
#[path = "../support/captured_logs.rs"]
mod captured_logs;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../support/redis_server.rs"]
mod redis_server;

mod calls;
mod cli;
mod forged;
mod line;
mod race;
mod standin;
mod support;

/// The path of a TwiML `<Redirect>` (the hold loop's next turn).
pub fn redirect(twiml: &str) -> String {
    let start = twiml
        .find("<Redirect")
        .and_then(|i| twiml[i..].find('>').map(|j| i + j + 1))
        .expect("a <Redirect>");
    let url = &twiml[start..start + twiml[start..].find("</Redirect>").unwrap()];
    url.replace("&amp;", "&")
        .strip_prefix(helpers::PUBLIC_URL)
        .unwrap()
        .to_owned()
}
