//! The `[email]` section: where voicemail and callback requests go, how
//! they get there, and how long delivery is retried. Read by the outbox;
//! validated here at start like every other setting.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::error::ConfigError;
use super::load::Source;
use super::locate::line_of;
use crate::outbox::Template;

/// The built-in email template, equal to `config/email/voicemail.txt`.
pub const BUILT_IN_TEMPLATE: &str = include_str!("../../config/email/voicemail.txt");

/// As written in the file. Durations are seconds (fractions allowed, so
/// tests can retry within milliseconds).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSection {
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default = "default_from")]
    pub from: String,
    /// `smtp://host:25` (plain), `smtp://host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465` (TLS). Carries a password: a secret,
    /// usually from `LOTSE_EMAIL__SMTP_URL`. Unset → `.eml` files in `spool_dir`.
    #[serde(default, deserialize_with = "super::file::optional_secret")]
    pub smtp_url: Option<SecretString>,
    #[serde(default = "default_spool")]
    pub spool_dir: String,
    /// Relative to the config file; unset → the built-in template (equal
    /// to `config/email/voicemail.txt`), so a config anywhere works.
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default = "default_retry_first")]
    pub retry_first_s: f64,
    #[serde(default = "default_retry_max")]
    pub retry_max_s: f64,
    #[serde(default = "default_give_up_after")]
    pub give_up_after_s: f64,
    #[serde(default = "default_claim_idle")]
    pub claim_idle_s: f64,
    #[serde(default = "default_poll")]
    pub poll_s: f64,
}

impl Default for EmailSection {
    fn default() -> Self {
        toml::from_str("").expect("every key has a default")
    }
}

/// `smtp://user:pass@host` without `tls=required`: STARTTLS is then only
/// opportunistic, so the login could go out unencrypted.
fn plain_with_password(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("smtp://") else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    authority.contains('@') && !url.contains("tls=required")
}

fn default_from() -> String {
    "hotline@localhost.localdomain".into()
}
fn default_spool() -> String {
    "var/outbox".into()
}
fn default_retry_first() -> f64 {
    30.0
}
fn default_retry_max() -> f64 {
    3600.0
}
fn default_give_up_after() -> f64 {
    86400.0
}
fn default_claim_idle() -> f64 {
    300.0
}
fn default_poll() -> f64 {
    1.0
}

/// Validated `[email]`.
#[derive(Clone, Debug)]
pub struct Email {
    pub to: Vec<Mailbox>,
    pub from: Mailbox,
    pub smtp_url: Option<SecretString>,
    /// Relative to the working directory `lotse` runs in (a data directory,
    /// not configuration).
    pub spool_dir: PathBuf,
    pub template: Template,
    pub retry: RetryPolicy,
    /// A job claimed by a worker that has not finished it for this long is
    /// taken over by another (the first one most likely crashed).
    pub claim_idle: Duration,
    /// How often an idle sender looks for work.
    pub poll: Duration,
}

/// Exponential backoff: `first`, doubling, at most `max`, until `give_up_after`
/// since the job was queued; then it becomes a dead letter.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub first: Duration,
    pub max: Duration,
    pub give_up_after: Duration,
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`, after `attempts` failures.
    pub fn delay(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(30));
        self.first.saturating_mul(factor).min(self.max)
    }
}

pub(super) fn build(
    s: EmailSection,
    text: &str,
    source: &Source,
    fallback_to: &str,
    errors: &mut Vec<ConfigError>,
) -> Email {
    let mut add = |field: &str, message: String| {
        let line = line_of(text, &["email", field]);
        errors.push(ConfigError::new(
            source.name(),
            line,
            format!("email.{field}"),
            message,
        ));
    };
    let raw_to = if s.to.is_empty() {
        vec![fallback_to.to_owned()]
    } else {
        s.to
    };
    let to: Vec<Mailbox> = raw_to
        .iter()
        .filter_map(|t| {
            t.parse()
                .map_err(|_| add("to", format!("not an email address: {t:?}")))
                .ok()
        })
        .collect();
    let from = s.from.parse().unwrap_or_else(|_| {
        add("from", "not an email address".into());
        "invalid@localhost.localdomain".parse().expect("valid")
    });
    if let Some(url) = &s.smtp_url {
        let u = url.expose_secret();
        if !(u.starts_with("smtp://") || u.starts_with("smtps://")) {
            add(
                "smtp_url",
                "must start with smtp:// or smtps:// (value not shown: it may hold a password)"
                    .into(),
            );
        } else if plain_with_password(u) {
            // A password (and the callers' numbers in the emails) in clear text.
            add(
                "smtp_url",
                "credentials over plain smtp://: use smtps:// or add ?tls=required".into(),
            );
        }
    }
    let template_text = match (source, &s.template) {
        (Source::File(path), Some(template)) => {
            let file = path.parent().unwrap_or(Path::new(".")).join(template);
            std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))
        }
        _ => Ok(BUILT_IN_TEMPLATE.to_owned()),
    };
    let template = template_text
        .and_then(|t| Template::parse(&t))
        .unwrap_or_else(|e| {
            add("template", e);
            Template::parse(BUILT_IN_TEMPLATE).expect("built-in template is valid")
        });
    let mut secs = |field: &str, v: f64| {
        if !(v.is_finite() && v > 0.0) {
            add(field, "must be a positive number of seconds".into());
            return Duration::from_secs(1);
        }
        Duration::from_secs_f64(v)
    };
    let retry = RetryPolicy {
        first: secs("retry_first_s", s.retry_first_s),
        max: secs("retry_max_s", s.retry_max_s),
        give_up_after: secs("give_up_after_s", s.give_up_after_s),
    };
    Email {
        to,
        from,
        smtp_url: s.smtp_url,
        spool_dir: PathBuf::from(s.spool_dir),
        template,
        retry,
        claim_idle: secs("claim_idle_s", s.claim_idle_s),
        poll: secs("poll_s", s.poll_s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_over_plain_smtp_is_refused() {
        assert!(plain_with_password("smtp://user:pw@mail.example.org:587"));
        assert!(!plain_with_password(
            "smtp://user:pw@mail.example.org:587?tls=required"
        ));
        assert!(!plain_with_password("smtps://user:pw@mail.example.org:465"));
        assert!(!plain_with_password("smtp://127.0.0.1:2525"));
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let p = RetryPolicy {
            first: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(86400),
        };
        let d: Vec<u64> = (1..=9).map(|a| p.delay(a).as_secs()).collect();
        assert_eq!(d, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(p.delay(1000).as_secs(), 3600);
    }
}
