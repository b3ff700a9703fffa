//! Sample-rate conversion for speech: a windowed-sinc (Blackman) low-pass
//! interpolator. TTS engines speak at 16–22 kHz; telephone audio is 8 kHz,
//! so everything above 4 kHz must go before the rate drops, or it folds
//! back as a hiss. A few dozen lines, exact enough for a phone line.

use std::f64::consts::PI;

/// Zero crossings of the sinc kept on each side: ~70 dB stop band with
/// the Blackman window, more than a phone line resolves.
const ZERO_CROSSINGS: f64 = 16.0;

/// Converts mono samples from `from` Hz to `to` Hz.
pub fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || input.is_empty() || from == 0 || to == 0 {
        return input.to_vec();
    }
    let ratio = f64::from(to) / f64::from(from);
    // Cut a little below the lower Nyquist frequency, relative to the input's.
    let cutoff = 0.92 * ratio.min(1.0);
    let half = (ZERO_CROSSINGS / cutoff).ceil();
    let out_len = (input.len() as f64 * ratio).round() as usize;
    let last = input.len() as i64 - 1;
    (0..out_len)
        .map(|n| {
            let t = n as f64 / ratio;
            let first = (t - half).ceil().max(0.0) as i64;
            let end = ((t + half).floor() as i64).min(last);
            let mut sum = 0.0f64;
            for k in first..=end {
                let x = t - k as f64;
                sum += f64::from(input[k as usize]) * kernel(x, cutoff, half);
            }
            sum as f32
        })
        .collect()
}

/// The low-pass kernel at distance `x` (input samples) from the centre.
fn kernel(x: f64, cutoff: f64, half: f64) -> f64 {
    let u = x / half;
    if u.abs() >= 1.0 {
        return 0.0;
    }
    let window = 0.42 + 0.5 * (PI * u).cos() + 0.08 * (2.0 * PI * u).cos();
    let arg = PI * cutoff * x;
    let sinc = if arg.abs() < 1e-9 { 1.0 } else { arg.sin() / arg };
    cutoff * sinc * window
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: u32, seconds: f64) -> Vec<f32> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n)
            .map(|i| (2.0 * PI * freq * i as f64 / f64::from(rate)).sin() as f32)
            .collect()
    }

    /// Root mean square of the middle, away from the edges' ramp.
    fn rms(x: &[f32]) -> f64 {
        let mid = &x[x.len() / 4..x.len() * 3 / 4];
        (mid.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / mid.len() as f64).sqrt()
    }

    #[test]
    fn speech_band_passes_at_the_new_rate() {
        let input = sine(440.0, 22050, 0.5);
        let out = resample(&input, 22050, 8000);
        assert_eq!(out.len(), 4000);
        let gain = rms(&out) / rms(&input);
        assert!((gain - 1.0).abs() < 0.02, "gain {gain}");
        // Still a 440 Hz tone: about 880 zero crossings a second.
        let crossings = out.windows(2).filter(|w| (w[0] < 0.0) != (w[1] < 0.0)).count();
        assert!((430..=450).contains(&crossings), "{crossings}");
    }

    #[test]
    fn above_the_new_nyquist_is_removed_not_folded() {
        let input = sine(6000.0, 22050, 0.5);
        let out = resample(&input, 22050, 8000);
        assert!(rms(&out) < 0.01, "rms {}", rms(&out));
    }

    #[test]
    fn same_rate_and_upsampling() {
        let input = sine(300.0, 8000, 0.1);
        assert_eq!(resample(&input, 8000, 8000), input);
        let up = resample(&input, 8000, 16000);
        assert_eq!(up.len(), 1600);
        assert!((rms(&up) - rms(&input)).abs() < 0.02);
    }
}
