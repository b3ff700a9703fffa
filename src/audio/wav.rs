//! WAV in and out: whatever a TTS engine or a recording gives (any rate,
//! channels, 8–32-bit integer or float PCM) becomes telephone audio, PCM
//! 16-bit mono at 8 kHz, the only format sipgate plays.

use std::io::Cursor;

use hound::{SampleFormat, WavReader, WavSpec, WavWriter};

use super::resample::resample;

/// Telephone audio: 8 kHz.
pub const RATE: u32 = 8000;

#[derive(Debug, thiserror::Error)]
#[error("not a WAV file lotse can read: {0}")]
pub struct BadWav(#[from] hound::Error);

/// The telephone format: PCM 16-bit, mono, 8 kHz.
pub fn spec() -> WavSpec {
    WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: SampleFormat::Int,
    }
}

/// Whether `bytes` are already telephone audio (played as they are).
pub fn is_telephone(bytes: &[u8]) -> bool {
    WavReader::new(Cursor::new(bytes)).is_ok_and(|r| r.spec() == spec())
}

/// Any WAV as telephone samples: channels mixed, resampled, 16-bit.
pub fn to_telephone(bytes: &[u8]) -> Result<Vec<i16>, BadWav> {
    let mut reader = WavReader::new(Cursor::new(bytes))?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    let interleaved: Vec<f32> = match spec.sample_format {
        SampleFormat::Float => reader.samples::<f32>().collect::<Result<_, _>>()?,
        SampleFormat::Int => {
            let scale = 1.0 / (1i64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()?
        }
    };
    let mono: Vec<f32> = interleaved
        .chunks(channels)
        .map(|frame| frame.iter().sum::<f32>() / frame.len() as f32)
        .collect();
    let resampled = resample(&mono, spec.sample_rate, RATE);
    Ok(resampled
        .iter()
        .map(|s| (s.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16)
        .collect())
}

/// A complete telephone-format WAV of `samples`.
pub fn encode(samples: &[i16]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::with_capacity(44 + samples.len() * 2));
    {
        let mut w = WavWriter::new(&mut out, spec()).expect("writing to memory");
        let mut w16 = w.get_i16_writer(samples.len() as u32);
        for s in samples {
            w16.write_sample(*s);
        }
        w16.flush().expect("writing to memory");
        w.finalize().expect("writing to memory");
    }
    out.into_inner()
}

/// The samples of a telephone-format WAV.
pub fn samples(bytes: &[u8]) -> Result<Vec<i16>, BadWav> {
    let mut reader = WavReader::new(Cursor::new(bytes))?;
    Ok(reader.samples::<i16>().collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(spec: WavSpec, frames: usize) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut w = WavWriter::new(&mut out, spec).unwrap();
        for i in 0..frames * usize::from(spec.channels) {
            let v = ((i as f32) * 0.05).sin() * 0.5;
            match spec.sample_format {
                SampleFormat::Float => w.write_sample(v).unwrap(),
                SampleFormat::Int => w.write_sample((v * 32767.0) as i16).unwrap(),
            }
        }
        w.finalize().unwrap();
        out.into_inner()
    }

    #[test]
    fn tts_output_becomes_telephone_audio() {
        let tts = WavSpec {
            channels: 1,
            sample_rate: 22050,
            bits_per_sample: 16,
            sample_format: SampleFormat::Int,
        };
        let bytes = wav(tts, 22050);
        assert!(!is_telephone(&bytes));
        let samples = to_telephone(&bytes).unwrap();
        assert_eq!(samples.len(), 8000);
        let out = encode(&samples);
        assert!(is_telephone(&out));
        assert_eq!(&out[..4], b"RIFF");
        assert_eq!(&out[8..12], b"WAVE");
        assert_eq!(self::samples(&out).unwrap(), samples);
    }

    #[test]
    fn stereo_float_is_mixed_down() {
        let s = WavSpec {
            channels: 2,
            sample_rate: 16000,
            bits_per_sample: 32,
            sample_format: SampleFormat::Float,
        };
        let samples = to_telephone(&wav(s, 1600)).unwrap();
        assert_eq!(samples.len(), 800);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(to_telephone(b"RIFF....WAVEjunk").is_err());
        assert!(!is_telephone(b""));
    }
}
