//! The provider's side of the wire: one `lotse` instance on a loopback
//! port, driven with requests signed exactly as Twilio signs them, and the
//! few pieces of TwiML a simulated call follows.

use std::net::SocketAddr;
use std::sync::Arc;

use lotse::http::{App, Server};
use lotse::providers::twilio::signature;

use crate::helpers::{PUBLIC_URL, TOKEN};

/// One instance, served on a loopback port like the real thing.
pub struct Node {
    pub app: Arc<App>,
    addr: SocketAddr,
    client: reqwest::Client,
}

impl Node {
    pub async fn start(app: Arc<App>) -> Node {
        let server = Server::bind(app.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .expect("bind");
        let addr = server.local_addr().unwrap();
        tokio::spawn(server.run(std::future::pending()));
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap();
        Node { app, addr, client }
    }

    /// POSTs a signed webhook; the status and the body.
    pub async fn post(&self, path: &str, params: &[(String, String)]) -> (u16, String) {
        let url = format!("{PUBLIC_URL}{path}");
        let sig = signature::compute(TOKEN.as_bytes(), &url, params);
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let resp = self
            .client
            .post(format!("http://{}{path}", self.addr))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(body)
            .send()
            .await
            .expect("lotse answers");
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap_or_default())
    }
}

/// The value of attribute `name` on the first `<element …>`.
fn attr<'a>(twiml: &'a str, element: &str, name: &str) -> Option<&'a str> {
    let at = twiml.find(&format!("<{element} "))?;
    let rest = &twiml[at..];
    let end = rest.find('>')?;
    let tag = &rest[..end];
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// A callback URL of ours as the path + query Twilio would call.
fn local(url: &str) -> String {
    url.replace("&amp;", "&")
        .strip_prefix(PUBLIC_URL)
        .expect("a URL on the public base")
        .to_owned()
}

/// `(counsellor, dial action, whisper URL)` of a `<Dial>`.
pub fn dial(twiml: &str) -> Option<(String, String, String)> {
    let action = local(attr(twiml, "Dial", "action")?);
    let whisper = local(attr(twiml, "Number", "url")?);
    let who = action
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("c="))?
        .to_owned();
    Some((who, action, whisper))
}

pub fn gather_action(twiml: &str) -> Option<String> {
    attr(twiml, "Gather", "action").map(local)
}

pub fn recording_callback(twiml: &str) -> Option<String> {
    attr(twiml, "Record", "recordingStatusCallback").map(local)
}

pub fn redirect(twiml: &str) -> Option<String> {
    let start = twiml.find("<Redirect")?;
    let body = start + twiml[start..].find('>')? + 1;
    Some(local(
        &twiml[body..body + twiml[body..].find("</Redirect>")?],
    ))
}
