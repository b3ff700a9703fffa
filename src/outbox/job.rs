//! One email job: a voicemail or callback request on its way to the team.
//! It lives in the queue from the recording callback until the email is
//! delivered (or an operator replays it from the dead letters); the
//! caller's number, if they agreed to a call back, lives only inside it.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What Twilio said about the recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordingState {
    /// Audio exists at the recording URL.
    Completed,
    /// The caller said nothing (or the recording failed): still worth an
    /// email when they asked to be called back.
    Absent,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The provider's recording id (Twilio `RecordingSid`): the same
    /// recording never becomes two jobs.
    pub id: String,
    /// When the caller started leaving the message.
    pub recorded_at: DateTime<Utc>,
    pub duration_s: u32,
    /// Link to the audio (needs the provider account to open).
    pub recording_url: Option<String>,
    pub state: RecordingState,
    /// The caller pressed 1: the team may call back.
    pub callback_requested: bool,
    /// Only with `callback_requested`, and only if the network showed it.
    pub number: Option<String>,
    /// When the job entered the queue (or was replayed): retries stop a
    /// configured time after this.
    pub queued_at: DateTime<Utc>,
    /// Failed delivery attempts so far.
    #[serde(default)]
    pub attempts: u32,
    /// The last failure, for `lotse outbox list`; never contains the number.
    #[serde(default)]
    pub last_error: Option<String>,
}

impl Job {
    pub fn key(&self) -> JobKey {
        JobKey::of(&self.id)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a job always serialises")
    }

    pub fn from_json(s: &str) -> Option<Job> {
        serde_json::from_str(s).ok()
    }
}

/// How logs and `lotse outbox` name a job: 12 hex characters of a hash of
/// the recording id. Stable across processes (an operator can match a log
/// line to a dead letter) but it does not lead to the call at the provider.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobKey(String);

impl JobKey {
    pub fn of(recording_id: &str) -> JobKey {
        let digest = Sha256::digest(recording_id.as_bytes());
        JobKey(digest[..6].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A key as an operator typed it (from `lotse outbox list`).
    pub fn from_shown(shown: &str) -> JobKey {
        JobKey(shown.trim().to_lowercase())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Without the number, whatever a future log line does with `?job`.
impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("recorded_at", &self.recorded_at)
            .field("duration_s", &self.duration_s)
            .field("state", &self.state)
            .field("callback_requested", &self.callback_requested)
            .field("number", &self.number.as_ref().map(|_| "<redacted>"))
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_key_hides_the_id() {
        let job = Job {
            id: "RE0123456789abcdef".into(),
            recorded_at: Utc::now(),
            duration_s: 12,
            recording_url: Some("https://api.twilio.com/x".into()),
            state: RecordingState::Completed,
            callback_requested: true,
            number: Some("+493023125777".into()),
            queued_at: Utc::now(),
            attempts: 0,
            last_error: None,
        };
        assert_eq!(Job::from_json(&job.to_json()), Some(job.clone()));
        assert_eq!(job.key().as_str().len(), 12);
        assert!(!job.key().as_str().contains("0123456789"));
        assert!(
            !format!("{job:?}").contains("3023125777"),
            "Debug hides the number"
        );
    }
}
