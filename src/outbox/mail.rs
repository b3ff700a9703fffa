//! Turns a job into the German email the team reads, and hands it to SMTP
//! (lettre: plain, STARTTLS or TLS, with the credentials in the URL) or,
//! without SMTP, writes it as one `.eml` file into the spool directory.

use std::path::PathBuf;

use chrono_tz::Tz;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use super::job::{Job, RecordingState};
use crate::config::Email;

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Spool(PathBuf),
}

/// Where an email went, for the log line (a spool path names the job key
/// only, never the caller).
pub enum Sent {
    Smtp,
    Spooled(PathBuf),
}

impl Mailer {
    /// The URL was checked at start; a URL lettre still refuses is reported
    /// here and the spool directory is used, so no message is lost.
    pub fn from_config(email: &Email) -> Result<Mailer, String> {
        let Some(url) = &email.smtp_url else {
            return Ok(Mailer::Spool(email.spool_dir.clone()));
        };
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .map(|b| Mailer::Smtp(b.timeout(Some(std::time::Duration::from_secs(30))).build()))
            .map_err(|e| format!("email.smtp_url refused by the SMTP client: {e}"))
    }

    pub async fn send(&self, message: Message, job: &Job) -> anyhow::Result<Sent> {
        match self {
            Mailer::Smtp(smtp) => {
                smtp.send(message).await?;
                Ok(Sent::Smtp)
            }
            Mailer::Spool(dir) => {
                super::private_files::dir(dir).await?;
                let path = dir.join(format!("{}.eml", job.key()));
                let tmp = dir.join(format!(".{}.eml.tmp", job.key()));
                super::private_files::write(&tmp, &message.formatted()).await?;
                tokio::fs::rename(&tmp, &path).await?;
                Ok(Sent::Spooled(path))
            }
        }
    }
}

/// The email for `job`: subject and body from the configured template, in
/// the hotline's time zone. The `Message-ID` derives from the job, so even
/// a rare second delivery (a crash between sending and acknowledging)
/// shows up as the same message in mail clients.
pub fn compose(job: &Job, email: &Email, hotline: &str, tz: Tz) -> anyhow::Result<Message> {
    let local = job.recorded_at.with_timezone(&tz);
    let (subject, body) = email.template.render(|name| match name {
        "hotline" => hotline.to_owned(),
        "date" => local.format("%d.%m.%Y").to_string(),
        "time" => local.format("%H:%M").to_string(),
        "duration" => duration(job.duration_s),
        "recording" => match (&job.state, &job.recording_url) {
            (RecordingState::Completed, Some(url)) => format!("{url}.mp3"),
            _ => "keine (es wurde nichts aufgesprochen)".to_owned(),
        },
        "callback" => if job.callback_requested { "ja" } else { "nein" }.to_owned(),
        "number" => match (job.callback_requested, &job.number) {
            (true, Some(n)) => n.clone(),
            (true, None) => "unterdrückt oder nicht verfügbar".to_owned(),
            (false, _) => "nicht übermittelt (kein Rückruf gewünscht)".to_owned(),
        },
        _ => String::new(),
    });
    let mut builder = Message::builder()
        .from(email.from.clone())
        .subject(subject)
        .message_id(Some(format!("<{}.voicemail@lotse>", job.key())))
        .header(ContentType::TEXT_PLAIN);
    for to in &email.to {
        builder = builder.to(to.clone());
    }
    Ok(builder.body(body)?)
}

/// `42 Sekunden`, `2 Min. 05 Sek.`
fn duration(s: u32) -> String {
    match s {
        1 => "1 Sekunde".to_owned(),
        0..60 => format!("{s} Sekunden"),
        _ => format!("{} Min. {:02} Sek.", s / 60, s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0), "0 Sekunden");
        assert_eq!(duration(1), "1 Sekunde");
        assert_eq!(duration(42), "42 Sekunden");
        assert_eq!(duration(125), "2 Min. 05 Sek.");
    }
}
