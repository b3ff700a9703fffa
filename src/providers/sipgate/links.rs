//! The callback URLs lotse hands to sipgate (`onData`, `onAnswer`,
//! `onHangup`), and the MAC that protects them.
//!
//! sipgate signs the body of an event but not the URL it posts to, so the
//! position a URL carries (step, language, wait, counsellor) could be
//! rewritten by anyone holding one genuinely signed body. Every query lotse
//! makes therefore ends in `sig`, a MAC over the query and the call's id
//! under a key all instances share (derived from the call-control token),
//! so a URL is good for its own call only and cannot be edited.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::call::CallId;
use crate::flow::{Progress, Resume};

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a URL (128 bits).
const TAG_BYTES: usize = 16;

/// The key behind link and audio MACs.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(<secret>)")
    }
}

impl LinkKey {
    /// Derived from a secret every instance has (the call-control token),
    /// so any instance accepts the links any other made.
    pub fn derive(secret: &[u8]) -> LinkKey {
        let mut mac = HmacSha256::new_from_slice(secret).expect("any key length");
        mac.update(b"lotse sipgate links v1");
        LinkKey(mac.finalize().into_bytes().into())
    }

    /// A key of this process only (no shared secret configured).
    pub fn random() -> LinkKey {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the OS has randomness");
        LinkKey(bytes)
    }

    fn mac(&self, domain: &str, parts: &[&[u8]]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("any key length");
        mac.update(domain.as_bytes());
        for part in parts {
            mac.update(b"\n");
            mac.update(part);
        }
        mac
    }

    /// A hex tag over `parts` in `domain`.
    pub fn tag(&self, domain: &str, parts: &[&[u8]]) -> String {
        let full = self.mac(domain, parts).finalize().into_bytes();
        full[..TAG_BYTES]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Constant-time check of a hex tag made by [`LinkKey::tag`].
    pub fn check(&self, domain: &str, parts: &[&[u8]], hex: &str) -> bool {
        let Some(tag) = unhex(hex).filter(|t| t.len() == TAG_BYTES) else {
            return false;
        };
        self.mac(domain, parts).verify_truncated_left(&tag).is_ok()
    }
}

fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Which of lotse's sipgate routes a link points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/sipgate/call`: the caller's leg (menu answers, hold loop, continuations).
    Call,
    /// `/sipgate/answer`: a counsellor picked up.
    Answer,
    /// `/sipgate/hangup`: the call ended.
    Hangup,
}

impl Route {
    fn path(self) -> &'static str {
        match self {
            Route::Call => "/sipgate/call",
            Route::Answer => "/sipgate/answer",
            Route::Hangup => "/sipgate/hangup",
        }
    }
}

/// What a `/sipgate/call` continuation does once the audio before it ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Then {
    /// The caller's answer to a menu: the keys count.
    #[default]
    Answer,
    /// Go on at the step (a redirect, the hold loop); keys are ignored.
    Continue,
    /// Ring the counsellor named in the link (after a "connecting" prompt).
    Dial,
}

/// What a link carries: where the call stands, the counsellor a ring is
/// about (and the caller id to ring with, when it is not the hotline's),
/// and what the callback does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    pub at: Option<Resume>,
    pub counsellor: Option<String>,
    pub caller_id: Option<String>,
    pub then: Then,
}

/// What builds links for one call.
#[derive(Clone, Copy, Debug)]
pub struct Links<'a> {
    /// Base URL without trailing slash.
    pub public_url: &'a str,
    pub key: &'a LinkKey,
    pub call: &'a CallId,
}

impl Links<'_> {
    /// A signed link to `route` carrying `target`.
    pub fn to(&self, route: Route, target: &Target) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(at) = &target.at {
            crate::providers::append_position(&mut q, at);
        }
        if let Some(c) = &target.counsellor {
            q.append_pair("c", c);
        }
        if let Some(cid) = &target.caller_id {
            q.append_pair("cid", cid);
        }
        match target.then {
            Then::Answer => {}
            Then::Continue => {
                q.append_pair("go", "1");
            }
            Then::Dial => {
                q.append_pair("dial", "1");
            }
        }
        let query = q.finish();
        let sig = self
            .key
            .tag("link", &[self.call.as_str().as_bytes(), query.as_bytes()]);
        let sep = if query.is_empty() { "" } else { "&" };
        format!("{}{}?{query}{sep}sig={sig}", self.public_url, route.path())
    }

    /// The URL of a playlist: `/audio/rendered/{mac}.wav?r={recipe}`.
    pub fn audio(&self, list: &crate::audio::Playlist) -> String {
        audio_url(self.public_url, self.key, list)
    }
}

/// The URL of a playlist under `public_url`; the MAC binds the recipe, so
/// only playlists lotse made are rendered.
pub fn audio_url(public_url: &str, key: &LinkKey, list: &crate::audio::Playlist) -> String {
    let recipe = list.encode();
    let tag = key.tag("audio", &[recipe.as_bytes()]);
    format!("{public_url}/audio/rendered/{tag}.wav?r={recipe}")
}

/// Whether `tag` is the MAC of `recipe` (the audio route's check).
pub fn audio_authentic(key: &LinkKey, tag: &str, recipe: &str) -> bool {
    key.check("audio", &[recipe.as_bytes()], tag)
}

/// Why a query is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BadLink {
    #[error("callback URL without its MAC")]
    Unsigned,
    #[error("callback URL altered or made for another call")]
    Forged,
}

/// Checks the MAC of `query` for `call` and reads it. An empty query (the
/// URL configured in sipgate's console) carries nothing and needs no MAC.
pub fn parse(query: &str, call: &CallId, key: &LinkKey) -> Result<Target, BadLink> {
    if query.is_empty() {
        return Ok(Target::default());
    }
    let (signed, sig) = match query.rsplit_once("&sig=") {
        Some((signed, sig)) => (signed, sig),
        None => ("", query.strip_prefix("sig=").ok_or(BadLink::Unsigned)?),
    };
    if !key.check("link", &[call.as_str().as_bytes(), signed.as_bytes()], sig) {
        return Err(BadLink::Forged);
    }
    let mut t = Target::default();
    let (mut step, mut lang, mut progress) = (None, None, Progress::default());
    for (k, v) in form_urlencoded::parse(signed.as_bytes()) {
        if crate::providers::read_progress(&mut progress, &k, &v) {
            continue;
        }
        match &*k {
            "step" => step = Some(v.into_owned()),
            "lang" => lang = Some(v.into_owned()),
            "c" => t.counsellor = Some(v.into_owned()),
            "cid" => t.caller_id = Some(v.into_owned()),
            "go" => t.then = Then::Continue,
            "dial" => t.then = Then::Dial,
            _ => {}
        }
    }
    if let (Some(step), Some(lang)) = (step, lang) {
        t.at = Some(Resume {
            step,
            lang,
            progress,
            ..Resume::default()
        });
    }
    Ok(t)
}

#[cfg(test)]
#[path = "links_tests.rs"]
mod tests;
