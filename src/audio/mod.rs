//! Prompts as audio, for providers that cannot speak text (sipgate.io):
//! every piece of an answer — spoken text, a recording of the flow, a
//! pause — becomes telephone audio (PCM 16-bit mono 8 kHz), and the pieces
//! of one answer are joined into one WAV.
//!
//! Text goes through a TTS engine that runs on this machine (the
//! configured command, Debian's `espeak-ng` by default); its output is
//! resampled to 8 kHz and cached on disk by engine, voice and text, so a
//! prompt is synthesized once and then read back. Recordings are played as
//! they are when already in telephone format, else converted (and cached).
//!
//! # Layout
//! - [`playlist`]: the pieces of one answer and their recipe for a URL.
//! - [`wav`]: WAV decoding and encoding; [`resample`]: rate conversion.
//! - `tts`: running the engine; `cache`: the bounded directory of results.

mod cache;
pub mod playlist;
pub mod resample;
mod tts;
pub mod wav;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tracing::warn;

pub use playlist::{Piece, Playlist};
pub use tts::TtsError;

use crate::config::{Settings, Tts};

/// Silence between two pieces, as between two sentences.
const GAP_MS: usize = 250;

/// TTS runs at once: the engine is CPU-bound, and callers wait on it.
const TTS_AT_ONCE: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error(transparent)]
    Tts(#[from] TtsError),
    #[error(transparent)]
    Wav(#[from] wav::BadWav),
    #[error("no recording {0:?}")]
    NoRecording(String),
}

/// A rendered answer: the WAV and how long it plays.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub wav: Vec<u8>,
    pub duration: Duration,
}

/// Where a recording is found: a file name only, no path.
pub fn is_plain_file_name(file: &str) -> bool {
    !file.is_empty()
        && file.len() <= 255
        && !file.contains('/')
        && !file.contains('\\')
        && !file.contains("..")
        && !file.starts_with('.')
}

/// Renders playlists; one per process, shared by every request.
pub struct Renderer {
    tts: Tts,
    cache: cache::Cache,
    scratch: PathBuf,
    /// The flow's recordings (`call-flows/audio/`); `None`: the built-in ones.
    recordings: Option<PathBuf>,
    tts_permits: Semaphore,
}

impl Renderer {
    /// Never fails: a cache directory that cannot be made shows as errors
    /// when rendering, and `lotse check` tries the engine first.
    pub fn new(settings: &Settings) -> Renderer {
        let s = &settings.sipgate;
        Renderer::with(
            s.tts.clone(),
            &s.cache_dir,
            s.cache_max_bytes,
            settings.audio_dir.clone(),
        )
    }

    pub fn with(
        tts: Tts,
        cache_dir: &Path,
        max_bytes: u64,
        recordings: Option<PathBuf>,
    ) -> Renderer {
        // A cache directory that cannot be made (a read-only working
        // directory) must not silence the prompts: the system's temporary
        // directory serves instead.
        let dir = match std::fs::create_dir_all(cache_dir.join("tmp")) {
            Ok(()) => cache_dir.to_owned(),
            Err(e) => {
                let instead = std::env::temp_dir().join("lotse-audio");
                warn!(dir = %cache_dir.display(), instead = %instead.display(), error = %e, "cannot create the audio cache; using the temporary directory");
                let _ = std::fs::create_dir_all(instead.join("tmp"));
                instead
            }
        };
        let cache = cache::Cache::open(&dir, max_bytes);
        let scratch = dir.join("tmp");
        Renderer {
            tts,
            cache,
            scratch,
            recordings,
            tts_permits: Semaphore::new(TTS_AT_ONCE),
        }
    }

    /// The whole playlist as one telephone-format WAV.
    pub async fn render(&self, list: &Playlist) -> Result<Rendered, AudioError> {
        let mut samples: Vec<i16> = Vec::new();
        for (i, piece) in list.0.iter().enumerate() {
            if i > 0 {
                samples.resize(samples.len() + GAP_MS * wav::RATE as usize / 1000, 0);
            }
            samples.extend(self.piece(piece).await?);
        }
        let duration = Duration::from_secs_f64(samples.len() as f64 / f64::from(wav::RATE));
        Ok(Rendered {
            wav: wav::encode(&samples),
            duration,
        })
    }

    /// How this piece is made: `synthesized`, `recorded` or `silence`.
    pub fn source(piece: &Piece) -> &'static str {
        match piece {
            Piece::Speech(..) => "synthesized",
            Piece::Recording(_) => "recorded",
            Piece::Silence(_) => "silence",
        }
    }

    async fn piece(&self, piece: &Piece) -> Result<Vec<i16>, AudioError> {
        match piece {
            Piece::Silence(s) => Ok(vec![0; *s as usize * wav::RATE as usize]),
            Piece::Recording(file) => self.recording(file).await,
            Piece::Speech(text, lang) => self.speech(text, lang).await,
        }
    }

    async fn speech(&self, text: &str, lang: &str) -> Result<Vec<i16>, AudioError> {
        let voice = self.tts.voice(lang);
        let key = hex(Sha256::new()
            .chain_update(b"tts\n")
            .chain_update(self.tts.command.join("\0"))
            .chain_update(b"\n")
            .chain_update(&voice)
            .chain_update(b"\n")
            .chain_update(text)
            .finalize()
            .as_slice());
        if let Some(bytes) = self.cache.get(&key).await {
            if let Ok(samples) = wav::samples(&bytes) {
                return Ok(samples);
            }
        }
        let spoken = {
            let _permit = self.tts_permits.acquire().await.expect("never closed");
            tts::speak(&self.tts, &voice, text, &self.scratch).await?
        };
        let samples = wav::to_telephone(&spoken)?;
        self.keep(&key, &samples).await;
        Ok(samples)
    }

    async fn recording(&self, file: &str) -> Result<Vec<i16>, AudioError> {
        let bytes = self.recording_bytes(file).await?;
        if wav::is_telephone(&bytes) {
            return Ok(wav::samples(&bytes)?);
        }
        let key = hex(Sha256::new()
            .chain_update(b"rec\n")
            .chain_update(&bytes)
            .finalize()
            .as_slice());
        if let Some(cached) = self.cache.get(&key).await {
            if let Ok(samples) = wav::samples(&cached) {
                return Ok(samples);
            }
        }
        let samples = wav::to_telephone(&bytes)?;
        self.keep(&key, &samples).await;
        Ok(samples)
    }

    /// A cache that cannot be written costs time on the next call, not this one.
    async fn keep(&self, key: &str, samples: &[i16]) {
        if let Err(e) = self.cache.put(key, &wav::encode(samples)).await {
            warn!(error = %e, "cannot write to the audio cache");
        }
    }

    /// A recording's bytes as stored.
    pub async fn recording_bytes(&self, file: &str) -> Result<Vec<u8>, AudioError> {
        if !is_plain_file_name(file) {
            return Err(AudioError::NoRecording(file.to_owned()));
        }
        match &self.recordings {
            Some(dir) => tokio::fs::read(dir.join(file))
                .await
                .map_err(|_| AudioError::NoRecording(file.to_owned())),
            None => crate::flow::built_in_audio(file)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| AudioError::NoRecording(file.to_owned())),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
