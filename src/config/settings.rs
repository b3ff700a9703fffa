//! Validated, typed settings: what the rest of `lotse` runs on. Every check
//! that can fail happens here, at start, with file, line and field.

use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use super::error::{ConfigError, ConfigErrors};
use super::file::{ConfigFile, LogFormat};
use super::load::Source;
use super::locate::line_of;
use super::roster::{self, Counsellor, Routing};
use crate::call::E164Number;
use crate::flow::{self, Flow};
use crate::schedule::Schedule;

#[derive(Clone, Debug)]
pub struct Hotline {
    pub name: String,
    pub number: E164Number,
    pub email: String,
}

#[derive(Clone, Debug)]
pub struct Twilio {
    /// Base URL Twilio calls, without a trailing slash (the same as
    /// [`Settings::public_url`]). Signatures are checked against it, never
    /// against what the request says its host is: behind a TLS-terminating
    /// proxy those differ.
    pub public_url: String,
    pub tokens: Vec<SecretString>,
    pub verify_signatures: bool,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub hotline: Hotline,
    pub schedule: Schedule,
    pub listen: SocketAddr,
    /// The public base URL every provider calls, without a trailing slash
    /// (`[server] public_url`, or the older `[twilio] public_url`).
    pub public_url: String,
    pub twilio: Twilio,
    /// The second provider (`[sipgate]`).
    pub sipgate: super::sipgate::Sipgate,
    pub flow: Flow,
    /// Where recorded prompts live (`call-flows/audio/` beside the flow file);
    /// `None` for the built-in flow, which speaks every prompt by TTS.
    pub audio_dir: Option<PathBuf>,
    pub log_format: LogFormat,
    /// `None`: the embedded in-memory store.
    pub redis_url: Option<SecretString>,
    pub routing: Routing,
    pub counsellors: Vec<Counsellor>,
    pub operator_token_sha256: Option<[u8; 32]>,
    /// Where voicemail and callback requests are delivered (`[email]`).
    pub email: super::email::Email,
    /// Where `/metrics` is served and whether it asks for a token.
    pub metrics: super::metrics::MetricsSettings,
    /// Bans, flood limits, the anonymous-caller check and their key (`[abuse]`).
    pub abuse: super::abuse::Abuse,
    pub source: Source,
}

/// Collects mistakes with their place, so `lotse check` reports all at once.
pub(super) struct Problems<'a> {
    text: &'a str,
    file: String,
    list: Vec<ConfigError>,
}

impl Problems<'_> {
    pub(super) fn add(&mut self, path: &[&str], message: impl Into<String>) {
        let line = line_of(self.text, path);
        self.list.push(ConfigError::new(
            self.file.clone(),
            line,
            path.join("."),
            message,
        ));
    }
}

impl Settings {
    pub(super) fn build(
        mut file: ConfigFile,
        text: &str,
        source: &Source,
    ) -> Result<Settings, ConfigErrors> {
        let mut p = Problems {
            text,
            file: source.name(),
            list: Vec::new(),
        };

        let number = E164Number::parse(&file.hotline.number);
        if number.is_none() {
            p.add(
                &["hotline", "number"],
                "not an E.164 number (like +498003009944)",
            );
        }
        if !valid_email(&file.hotline.email) {
            p.add(&["hotline", "email"], "not an email address");
        }

        let schedule = super::schedule::build(&file, &mut p);
        let email = super::email::build(
            std::mem::take(&mut file.email),
            text,
            source,
            &file.hotline.email,
            &mut p.list,
        );

        let listen = file.server.listen.parse::<SocketAddr>();
        if listen.is_err() {
            p.add(&["server", "listen"], "not an address like 127.0.0.1:8080");
        }

        let public_url = public_url(&file, &mut p);
        let tokens = split_tokens(file.twilio.auth_token.as_ref());

        let (flow_source, audio_dir) = match (source, &file.flow.path) {
            (Source::BuiltIn, _) | (_, None) => (flow::FlowSource::BuiltIn, None),
            (Source::File(path), Some(flow)) => {
                let base = path.parent().unwrap_or(std::path::Path::new("."));
                let flow_path = tidy(&base.join(flow));
                let audio = flow_path.parent().map(|d| d.join("audio"));
                (flow::FlowSource::File(flow_path), audio)
            }
        };
        let flow = match flow::load(&flow_source, audio_dir.as_deref()) {
            Ok(flow) => Some(flow),
            Err(errors) => {
                p.list.extend(errors);
                None
            }
        };

        if let Some(url) = &file.redis.url {
            // Not echoed: a Redis URL may carry a password.
            if redis::Client::open(url.expose_secret()).is_err() {
                p.add(
                    &["redis", "url"],
                    "not a Redis URL (redis://host:port/db or rediss://…)",
                );
            }
        }
        let routing = roster::routing(&file.routing, &mut |path, m| p.add(path, m));
        let metrics = super::metrics::build(&file.metrics, &mut |path, m| p.add(path, m));
        let abuse = super::abuse::build(&file.abuse, &mut |path, m| p.add(path, &m));
        if let (Some(_), Some(flow)) = (abuse.anonymous_check, &flow) {
            if flow.check_prompt.is_none() {
                let m =
                    "needs `check_prompt` in the call flow (what a withheld caller hears: press 5)";
                p.add(&["abuse", "anonymous_check"], m);
            }
        }
        let config_dir = match source {
            Source::BuiltIn => None,
            Source::File(path) => Some(path.parent().unwrap_or(std::path::Path::new("."))),
        };
        let sipgate = super::sipgate::build(
            std::mem::take(&mut file.sipgate),
            config_dir,
            &mut |path, m| p.add(path, m),
        );
        let operator_token_sha256 = roster::operator(&file.api, &mut |path, m| p.add(path, m));
        let counsellors = match &flow {
            Some(flow) => {
                let languages: Vec<String> = flow.languages.keys().cloned().collect();
                roster::counsellors(&file.counsellors, &languages, &mut |path, m| p.add(path, m))
            }
            None => Vec::new(),
        };

        match (p.list.is_empty(), number, schedule, listen, flow) {
            (true, Some(number), Some(schedule), Ok(listen), Some(flow)) => Ok(Settings {
                hotline: Hotline {
                    name: file.hotline.name,
                    number,
                    email: file.hotline.email,
                },
                schedule,
                listen,
                twilio: Twilio {
                    public_url: public_url.clone(),
                    tokens,
                    verify_signatures: file.twilio.verify_signatures,
                },
                public_url,
                sipgate,
                flow,
                audio_dir,
                log_format: file.log.format,
                redis_url: file.redis.url,
                routing,
                counsellors,
                operator_token_sha256,
                email,
                metrics,
                abuse,
                source: source.clone(),
            }),
            _ => Err(ConfigErrors(p.list)),
        }
    }
}

/// `[server] public_url`, or `[twilio] public_url` from before there were
/// two providers; both set must agree.
fn public_url(file: &ConfigFile, p: &mut Problems<'_>) -> String {
    let server = file.server.public_url.as_deref();
    let twilio = file.twilio.public_url.as_deref();
    let (raw, path) = match (server, twilio) {
        (Some(s), Some(t)) if s.trim_end_matches('/') != t.trim_end_matches('/') => {
            p.add(
                &["twilio", "public_url"],
                "differs from server.public_url; set only server.public_url",
            );
            (s, ["server", "public_url"])
        }
        (Some(s), _) => (s, ["server", "public_url"]),
        (None, Some(t)) => (t, ["twilio", "public_url"]),
        (None, None) => {
            p.add(
                &["server"],
                "missing public_url: the base URL the providers call, e.g. https://hotline.example.org",
            );
            return String::new();
        }
    };
    let url = raw.trim_end_matches('/').to_owned();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains('?') {
        p.add(
            &path,
            "must be an http(s) base URL without query, e.g. https://hotline.example.org",
        );
    }
    url
}

/// `config/../call-flows/x.toml` → `call-flows/x.toml`, without touching
/// the file system, so messages name the path an operator would type.
fn tidy(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn valid_email(s: &str) -> bool {
    matches!(s.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace))
}

/// `a,b` → two tokens, so a new token can be deployed before Twilio switches
/// (and two abuse keys, while they rotate).
pub(super) fn split_tokens(raw: Option<&SecretString>) -> Vec<SecretString> {
    raw.map(|s| {
        s.expose_secret()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| SecretString::from(t.to_owned()))
            .collect()
    })
    .unwrap_or_default()
}
