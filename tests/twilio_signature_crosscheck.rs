//! Cross-checks our `X-Twilio-Signature` against Twilio's own Python library
//! (`pip install twilio`), on a few hundred random requests: unicode, `+`,
//! spaces, repeated keys, URLs with and without query and ports.
//!
//! An independent implementation catches what a re-derived expectation can't
//! (sort order, encoding, how repeats are joined). If `python3` or the
//! `twilio` package is missing this test FAILS: a skipped check looks green.
//!
//! Repeated keys: the Python library signs each *distinct* value once
//! (`sorted(set(values))`), we sign every value; the cases only repeat a key
//! with distinct values, where both agree.

use std::io::Write;
use std::process::Stdio;

use lotse::providers::twilio::signature::{compute, verify};
use secrecy::SecretString;
use serde_json::json;

#[path = "support/python.rs"]
mod python;

const CASES: usize = 400;

#[allow(dead_code)]
#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

trait Pieces {
    fn text(&mut self, max: usize) -> String;
}

impl Pieces for Rng {
    /// A string of 0..max pieces; pieces include multi-byte and astral
    /// characters, where UTF-16 and UTF-8 order would differ.
    fn text(&mut self, max: usize) -> String {
        const PIECES: [&str; 22] = [
            "a", "Z", "0", "9", "+", " ", "&", "=", "%20", "%", "_", "-", ".", "ü", "ß", "é", "€",
            "Ａ", "😀", "\u{FFFD}", "'", "<",
        ];
        (0..self.below(max + 1))
            .map(|_| self.pick(&PIECES))
            .collect()
    }
}

/// The URL Twilio signed, and the one it called: with the default port
/// toggled where that is equivalent, else the same.
fn urls(rng: &mut Rng) -> (String, String) {
    let scheme = rng.pick(&["https", "http"]);
    let default = if scheme == "https" { ":443" } else { ":80" };
    let host = rng.pick(&["hotline.example.org", "h.example", "10.0.0.1", "[::1]"]);
    let path = rng.pick(&["", "/", "/twilio/voice", "/twilio/status", "/a%20b/ü"]);
    let query = match rng.below(4) {
        0 => String::new(),
        1 => "?step=menu&lang=de".to_owned(),
        2 => "?step=hold%20loop&lang=en+GB&x=%E2%82%AC".to_owned(),
        _ => format!("?q={}", rng.text(4)),
    };
    let (signed, called) = match rng.below(3) {
        0 => ("", default),
        1 => (default, ""),
        _ => {
            let custom = rng.pick(&["", ":8443", ":8080"]);
            (custom, custom)
        }
    };
    let url = |port: &str| format!("{scheme}://{host}{port}{path}{query}");
    (url(signed), url(called))
}

fn params(rng: &mut Rng) -> Vec<(String, String)> {
    const NAMES: [&str; 10] = [
        "CallSid", "Caller", "Called", "From", "To", "Digits", "callSid", "Call", "ÜberX", "😀",
    ];
    let mut params: Vec<(String, String)> = Vec::new();
    for _ in 0..rng.below(12) {
        let name = match rng.below(4) {
            0 => rng.text(3),
            _ => rng.pick(&NAMES).to_owned(),
        };
        let value = rng.text(6);
        // Repeat a key only with a value it does not have yet (see above).
        if !params.iter().any(|(n, v)| *n == name && *v == value) {
            params.push((name, value));
        }
    }
    params
}

fn sign_with_python(cases: &serde_json::Value) -> Vec<String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/twilio_sign.py");
    let mut child = python::python3()
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is required for this cross-check (and `pip install twilio`)");
    let input = serde_json::to_vec(cases).unwrap();
    // A script that exits early (no twilio package) breaks the pipe; its
    // stderr says why, so report that rather than the write error.
    let written = child.stdin.take().unwrap().write_all(&input);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && written.is_ok(),
        "twilio_sign.py failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("twilio_sign.py printed a JSON list")
}

#[test]
fn signatures_match_twilios_python_library() {
    let mut rng = Rng(0x5EED_1075_E0B5_CA11);
    let cases: Vec<_> = (0..CASES)
        .map(|_| {
            let token = match rng.below(4) {
                0 => rng.text(40),
                _ => format!("{:016x}{:016x}", rng.next(), rng.next()),
            };
            let (signed, called) = urls(&mut rng);
            (token, signed, called, params(&mut rng))
        })
        .collect();
    let json = json!(cases
        .iter()
        .map(|(token, url, _, params)| json!({"token": token, "url": url, "params": params}))
        .collect::<Vec<_>>());

    let theirs = sign_with_python(&json);
    assert_eq!(theirs.len(), CASES);
    let mut repeated = 0;
    for ((token, signed, called, params), sig) in cases.iter().zip(&theirs) {
        let case = format!("token={token:?} url={signed:?} params={params:?}");
        assert_eq!(&compute(token.as_bytes(), signed, params), sig, "{case}");
        let tokens = [
            SecretString::from("rotated-out"),
            SecretString::from(token.clone()),
        ];
        assert!(
            verify(&tokens, called, params, sig),
            "called {called:?}: {case}"
        );
        let mut names: Vec<_> = params.iter().map(|(n, _)| n).collect();
        names.sort();
        names.dedup();
        repeated += usize::from(names.len() < params.len());
    }
    // The generator must really exercise what the check is about.
    assert!(repeated > CASES / 10, "only {repeated} cases repeat a key");
}
