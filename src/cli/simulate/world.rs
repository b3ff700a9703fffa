//! The simulated world around one call: an in-memory store with some of the
//! team on duty, and how long what the caller hears takes, so that a wait
//! in line can move the clock as a real one would.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::call::CallId;
use crate::config::Settings;
use crate::flow::{self, Action};
use crate::routing::{MemoryStore, Presence, Store, StoreError};

/// About how many characters a TTS voice speaks per second (German and
/// English neural voices read 13 to 16 at their default rate).
const CHARS_PER_S: usize = 14;

/// An in-memory store with the team registered; of those who speak
/// `lang`, the first `available` are available at `at` and the next `busy`
/// are on duty but talking to someone else, so a caller has to wait.
pub async fn store(
    settings: &Settings,
    at: DateTime<Utc>,
    lang: &str,
    available: usize,
    busy: usize,
) -> Result<Store, StoreError> {
    let store = Store::Memory(MemoryStore::new());
    for c in &settings.counsellors {
        store.register(&c.id, &c.pools, at).await?;
    }
    let speakers: Vec<_> = settings
        .counsellors
        .iter()
        .filter(|c| c.pools.iter().any(|p| p.as_str() == lang))
        .collect();
    let ttl = settings.routing.presence_ttl;
    let ring = Duration::from_secs(settings.routing.ring_timeout_s.into());
    // The busy ones first: each takes a call of their own while nobody
    // else is free, so the claim can only pick them.
    for (i, c) in speakers.iter().skip(available).take(busy).enumerate() {
        store
            .set_status(&c.id, Presence::Available, at, ttl)
            .await?;
        let other = CallId::parse(&format!("CAsimulatedbusy{i}")).expect("a valid id");
        let Some(pool) = c.pools.iter().find(|p| p.as_str() == lang) else {
            continue;
        };
        if let Some(id) = store
            .claim(&other, pool, settings.routing.strategy, at, ring)
            .await?
        {
            store.answered(&other, &id, at).await?;
        }
    }
    for c in speakers.iter().take(available) {
        store
            .set_status(&c.id, Presence::Available, at, ttl)
            .await?;
    }
    Ok(store)
}

/// Seconds the caller listens to `actions`, estimated: speech at a typical
/// TTS pace, recordings by their length (WAV; others count as nothing),
/// pauses as written, and a key-press wait's timeout when nobody presses.
pub fn listening_s(settings: &Settings, actions: &[Action]) -> i64 {
    actions
        .iter()
        .map(|a| match a {
            Action::Say(s) => s.text.chars().count().div_ceil(CHARS_PER_S) as i64,
            Action::Play { file } => recording_s(settings.audio_dir.as_deref(), file),
            Action::Pause { seconds } => i64::from(*seconds),
            Action::Gather {
                prompts, timeout_s, ..
            } => listening_s(settings, prompts) + i64::from(*timeout_s),
            _ => 0,
        })
        .sum()
}

fn recording_s(dir: Option<&Path>, file: &str) -> i64 {
    let bytes = match dir {
        Some(d) => std::fs::read(d.join(file)).ok(),
        None => flow::built_in_audio(file).map(<[u8]>::to_vec),
    };
    bytes.as_deref().and_then(wav_seconds).unwrap_or(0)
}

/// A RIFF/WAVE file's length: its `data` chunk over the `fmt ` chunk's
/// bytes per second.
fn wav_seconds(bytes: &[u8]) -> Option<i64> {
    if bytes.get(0..4)? != b"RIFF" || bytes.get(8..12)? != b"WAVE" {
        return None;
    }
    let (mut at, mut byte_rate, mut data) = (12, None, None);
    while let (Some(id), Some(size)) = (bytes.get(at..at + 4), bytes.get(at + 4..at + 8)) {
        let size = u32::from_le_bytes(size.try_into().ok()?) as usize;
        match id {
            b"fmt " => {
                let rate = bytes.get(at + 16..at + 20)?;
                byte_rate = Some(u32::from_le_bytes(rate.try_into().ok()?));
            }
            b"data" => data = Some(size),
            _ => {}
        }
        at += 8 + size + size % 2;
    }
    let rate = i64::from(byte_rate.filter(|r| *r > 0)?);
    Some((data? as i64 + rate - 1) / rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_hold_music_lasts_twelve_seconds() {
        let wav = flow::built_in_audio("hold.wav").unwrap();
        assert_eq!(wav_seconds(wav), Some(12));
        assert_eq!(wav_seconds(b"not a wav"), None);
        assert_eq!(wav_seconds(b"RIFF\0\0\0\0WAVEfmt "), None);
    }
}
