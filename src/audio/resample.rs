//! Sample-rate conversion for speech: a windowed-sinc (Blackman) low-pass
//! interpolator. TTS engines speak at 16–22 kHz; telephone audio is 8 kHz,
//! so everything above 4 kHz must go before the rate drops, or it folds
//! back as a hiss. A few dozen lines, exact enough for a phone line.

use std::f64::consts::PI;

/// Zero crossings of the sinc kept on each side: ~70 dB stop band with
/// the Blackman window, more than a phone line resolves.
const ZERO_CROSSINGS: f64 = 16.0;

/// Phases of the precomputed kernel above which it is computed per tap
/// instead (rates with no small common ratio; never a TTS engine's).
const MAX_PHASES: u64 = 2048;

/// Converts mono samples from `from` Hz to `to` Hz.
pub fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || input.is_empty() || from == 0 || to == 0 {
        return input.to_vec();
    }
    let g = gcd(u64::from(from), u64::from(to));
    // Output n sits at input position n * m / l: whole part and phase.
    let (l, m) = (u64::from(to) / g, u64::from(from) / g);
    let ratio = f64::from(to) / f64::from(from);
    // Cut a little below the lower Nyquist frequency, relative to the input's.
    let cutoff = 0.92 * ratio.min(1.0);
    let half = (ZERO_CROSSINGS / cutoff).ceil() as i64;
    let taps = (2 * half) as usize;
    // table[p][j]: the weight of input k0 + 1 - half + j at phase p / l.
    let table: Option<Vec<f32>> = (l <= MAX_PHASES).then(|| {
        (0..l)
            .flat_map(|p| {
                (0..taps).map(move |j| {
                    let x = (half - 1 - j as i64) as f64 + p as f64 / l as f64;
                    kernel(x, cutoff, half as f64) as f32
                })
            })
            .collect()
    });
    let out_len = (input.len() as f64 * ratio).round() as usize;
    let last = input.len() as i64 - 1;
    (0..out_len as u64)
        .map(|n| {
            let k0 = (n * m / l) as i64;
            let p = (n * m % l) as usize;
            let first = (k0 + 1 - half).max(0);
            let end = (k0 + half).min(last);
            let mut sum = 0.0f32;
            for k in first..=end {
                let j = (k - (k0 + 1 - half)) as usize;
                let w = match &table {
                    Some(t) => t[p * taps + j],
                    None => {
                        let x = (k0 - k) as f64 + p as f64 / l as f64;
                        kernel(x, cutoff, half as f64) as f32
                    }
                };
                sum += input[k as usize] * w;
            }
            sum
        })
        .collect()
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The low-pass kernel at distance `x` (input samples) from the centre.
fn kernel(x: f64, cutoff: f64, half: f64) -> f64 {
    let u = x / half;
    if u.abs() >= 1.0 {
        return 0.0;
    }
    let window = 0.42 + 0.5 * (PI * u).cos() + 0.08 * (2.0 * PI * u).cos();
    let arg = PI * cutoff * x;
    let sinc = if arg.abs() < 1e-9 {
        1.0
    } else {
        arg.sin() / arg
    };
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
        let crossings = out
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        assert!((430..=450).contains(&crossings), "{crossings}");
    }

    #[test]
    fn above_the_new_nyquist_is_removed_not_folded() {
        let input = sine(6000.0, 22050, 0.5);
        let out = resample(&input, 22050, 8000);
        assert!(rms(&out) < 0.01, "rms {}", rms(&out));
    }

    #[test]
    fn odd_rates_without_a_small_ratio_still_work() {
        let input = sine(440.0, 22051, 0.2);
        let out = resample(&input, 22051, 8000);
        assert_eq!(out.len(), 1600);
        assert!((rms(&out) - rms(&input)).abs() < 0.02);
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
