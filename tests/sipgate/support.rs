//! A `lotse` with `[sipgate] enabled`, a key pair of the test's own that
//! signs events exactly as sipgate does (RSA-SHA256, PKCS#1 v1.5, base64,
//! over the raw body), and the stand-in for sipgate's call-control API.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use sha2::Sha256;

use lotse::clock::Clock;
use lotse::routing::{CounsellorId, Presence, Status};

use crate::helpers::{settings_with_env, spawn_with, Reply, TestApp, PUBLIC_URL};
pub use crate::standin::CallControl;

/// A caller's number as sipgate sends it (no `+`), from the fictional range.
pub const FROM: &str = "4930231257777";
pub const HOTLINE: &str = "498003009944";
pub const TOKEN_ID: &str = "token-TEST01";
pub const TOKEN: &str = "sipgate-test-token";
/// Open (Monday 10:00) and closed (Saturday) instants.
pub const OPEN: &str = "2026-03-30T10:00:00+02:00";
pub const SATURDAY: &str = "2026-03-28T10:00:00+01:00";

/// One key pair per test binary: generating RSA keys takes a moment.
pub fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key pair")
    })
}

pub fn public_pem() -> String {
    key()
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("PEM")
}

/// `X-Sipgate-Signature` for `body`, made with `key`.
pub fn sign_with(key: &RsaPrivateKey, body: &str) -> String {
    let signer = SigningKey::<Sha256>::new(key.clone());
    STANDARD.encode(signer.sign(body.as_bytes()).to_bytes())
}

pub fn sign(body: &str) -> String {
    sign_with(key(), body)
}

/// A TTS engine that needs no voice data: 0.2 s of tone per prompt (sox).
pub const TONE_TTS: &str = r#"["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", "{out}", "synth", "0.2", "sine", "440"]"#;

/// A config directory: the committed defaults with `[sipgate]` enabled, the
/// test's public key beside the file (a path relative to it), the flow by
/// absolute path, and the given extra `[sipgate]` lines.
pub fn config_dir(api_url: &str, tts: &str, extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("test-key.pem"), public_pem()).unwrap();
    let flow = Path::new(env!("CARGO_MANIFEST_DIR")).join("call-flows/starke-stelle.toml");
    let built_in = lotse::config::BUILT_IN;
    let start = built_in.find("[sipgate]").expect("a [sipgate] section");
    let end = start
        + built_in[start + 1..]
            .find("\n[")
            .expect("a section after it")
        + 1;
    let section = format!(
        "[sipgate]\nenabled = true\npublic_key_pem = \"test-key.pem\"\napi_url = \"{api_url}\"\ntoken_id = \"{TOKEN_ID}\"\ntts_command = {tts}\ncache_dir = \"{}\"\n{extra}\n",
        dir.path().join("cache").display()
    );
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/email/voicemail.txt");
    let text = format!("{}{}{}", &built_in[..start], section, &built_in[end..])
        .replace(
            "../call-flows/starke-stelle.toml",
            &flow.display().to_string(),
        )
        .replace(
            "\"email/voicemail.txt\"",
            &format!("{:?}", template.display().to_string()),
        );
    let path = dir.path().join("lotse.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// A running `lotse` with sipgate on, the stand-in API, at instant `at`.
pub struct Sipgate {
    pub app: TestApp,
    pub api: CallControl,
    _dir: Option<tempfile::TempDir>,
}

pub async fn spawn(at: &str) -> Sipgate {
    spawn_env(at, TONE_TTS, "", &[]).await
}

pub async fn spawn_env(at: &str, tts: &str, extra: &str, env: &[(&str, &str)]) -> Sipgate {
    let api = CallControl::start().await;
    let (dir, path) = config_dir(&api.url(), tts, extra);
    let mut vars = vec![
        ("LOTSE_SIPGATE__TOKEN", TOKEN),
        ("LOTSE_TWILIO__AUTH_TOKEN", crate::helpers::TOKEN),
    ];
    vars.extend_from_slice(env);
    let settings = settings_with_env(Some(&path), &vars);
    Sipgate {
        app: spawn_with(settings, at).await,
        api,
        _dir: Some(dir),
    }
}

pub fn body(params: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

/// A `newCall` as sipgate sends it.
pub fn new_call(call: &str, from: &str) -> String {
    body(&[
        ("event", "newCall"),
        ("direction", "in"),
        ("from", from),
        ("to", HOTLINE),
        ("callId", call),
        ("origCallId", call),
        ("user[]", "Hotline"),
        ("userId[]", "w0"),
        ("fullUserId[]", "1234567w0"),
        ("xcid", "x"),
    ])
}

pub fn dtmf(call: &str, keys: &str) -> String {
    body(&[("event", "dtmf"), ("dtmf", keys), ("callId", call)])
}

impl Sipgate {
    pub fn wrap(app: TestApp, api: CallControl) -> Sipgate {
        Sipgate {
            app,
            api,
            _dir: None,
        }
    }

    pub async fn set(&self, who: &str, presence: Presence) {
        let ttl = self.app.app.settings.routing.presence_ttl;
        let id = CounsellorId::parse(who).unwrap();
        let now = self.app.clock.now();
        self.app
            .app
            .store
            .set_status(&id, presence, now, ttl)
            .await
            .expect("set status");
    }

    pub async fn status(&self, who: &str) -> Status {
        let id = CounsellorId::parse(who).unwrap();
        let now = self.app.clock.now();
        self.app
            .app
            .store
            .state(&id, now)
            .await
            .unwrap()
            .unwrap()
            .status
    }

    /// POSTs `body` to `url` (absolute under the public URL, or a path),
    /// signed with `signature` (or unsigned).
    pub async fn post_raw(&self, url: &str, body: &str, signature: Option<String>) -> Reply {
        let path = url.replace("&amp;", "&");
        let path = path.strip_prefix(PUBLIC_URL).unwrap_or(&path);
        let mut req = self
            .app
            .client
            .post(format!("http://{}{}", self.app.addr, path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        if let Some(sig) = signature {
            req = req.header("X-Sipgate-Signature", sig);
        }
        let resp = req.send().await.expect("request");
        Reply {
            status: resp.status().as_u16(),
            content_type: resp
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default(),
            body: resp.text().await.unwrap(),
        }
    }

    /// A new call from `from` that presses 1 and is rung through after the
    /// "one moment" prompt: the answer with the `<Dial>`.
    pub async fn to_counsellor(&self, call: &str, from: &str) -> String {
        let menu = self.post("/sipgate/call", &new_call(call, from)).await.body;
        let connecting = self.post(&on_data(&menu), &dtmf(call, "1")).await.body;
        assert!(on_data(&connecting).contains("dial=1"), "{connecting}");
        self.post(&on_data(&connecting), &dtmf(call, "")).await.body
    }

    /// Asserts that `/metrics` has each of `lines`.
    pub async fn assert_metrics(&self, lines: &[&str]) {
        let metrics = self.app.get("/metrics").await.1;
        for line in lines {
            assert!(metrics.contains(line), "{line} not in {metrics}");
        }
    }

    /// Callers in line now.
    pub async fn waiting(&self) -> u64 {
        let now = self.app.clock.now();
        self.app.app.store.waiting_count(now).await.unwrap()
    }

    /// POSTs `body`, signed with the test's key.
    pub async fn post(&self, url: &str, body: &str) -> Reply {
        let reply = self.post_raw(url, body, Some(sign(body))).await;
        assert_eq!(reply.status, 200, "{url}: {}", reply.body);
        assert_eq!(reply.content_type, "application/xml");
        reply
    }

    /// GETs an audio URL from an answer.
    pub async fn fetch(&self, url: &str) -> (u16, String, Vec<u8>) {
        let path = url.replace("&amp;", "&");
        let path = path
            .strip_prefix(PUBLIC_URL)
            .expect("absolute under the public URL");
        let resp = self
            .app
            .client
            .get(format!("http://{}{}", self.app.addr, path))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, ct, resp.bytes().await.unwrap().to_vec())
    }
}

/// The value of `name="…"` on the first `<element …>`.
pub fn attr(xml: &str, element: &str, name: &str) -> Option<String> {
    let at = xml.find(&format!("<{element} "))?;
    let rest = &xml[at..];
    let rest = &rest[..rest.find('>')?];
    let start = rest.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(rest[start..start + rest[start..].find('"')?].replace("&amp;", "&"))
}

/// The onData link of an answer's Gather.
pub fn on_data(xml: &str) -> String {
    attr(xml, "Gather", "onData").unwrap_or_else(|| panic!("no <Gather onData> in {xml}"))
}

/// Every `<Url>` in an answer.
pub fn urls(xml: &str) -> Vec<String> {
    xml.split("<Url>")
        .skip(1)
        .map(|s| s[..s.find("</Url>").unwrap()].replace("&amp;", "&"))
        .collect()
}

/// PCM 16-bit mono 8 kHz, as sipgate requires: the header fields.
pub fn assert_telephone_wav(bytes: &[u8]) {
    assert!(bytes.len() > 44, "a WAV with data");
    assert_eq!(&bytes[0..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WAVE");
    assert_eq!(&bytes[12..16], b"fmt ");
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    assert_eq!(u16_at(20), 1, "PCM");
    assert_eq!(u16_at(22), 1, "mono");
    assert_eq!(u32_at(24), 8000, "8 kHz");
    assert_eq!(u16_at(34), 16, "16-bit");
}
