//! What the storm throws: random methods, paths, headers and bodies, plain
//! garbage, and correctly signed webhooks with random forms and callback
//! URLs (so the requests get past the signature check and reach the flow).

use crate::lotse_binary::*;
use crate::rng::Rng;

const VISIBLE: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?%";
const DIGITS: &[u8] = b"0123456789*#";
const ROUTES: &[&str] = &[
    "voice",
    "status",
    "dial",
    "whisper",
    "presence",
    "recording",
];
const PATHS: &[&str] = &[
    "/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/session",
    "/assets/app.js",
    "/assets/nope",
    "/audio/hold.wav",
    "/audio/../../etc/passwd",
    "/api/v1/me",
    "/api/v1/me/status",
    "/api/v1/me/heartbeat",
    "/api/v1/counsellors",
    "/api/v1/counsellors/c1/status",
    "/api/v1/hotline",
    "/twilio/voice",
    "/twilio/presence",
    "/twilio/recording",
    "/sipgate/call",
];

pub fn signed_webhook(rng: &mut Rng) -> Vec<u8> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for _ in 0..rng.below(5) {
        let k = rng.pick(&[
            "step", "lang", "since", "told", "rung", "c", "asked", "callback",
        ]);
        let v = match rng.below(3) {
            0 => rng
                .pick(&[
                    "menu",
                    "counsellor",
                    "voicemail",
                    "pin",
                    "greeting",
                    "de",
                    "en",
                    "c5",
                    "yes",
                ])
                .to_owned(),
            1 => (rng.next() % 2_000_000_000).to_string(),
            _ => rng.chars(VISIBLE, 12),
        };
        query.append_pair(k, &v);
    }
    let query = query.finish();
    let route = rng.pick(ROUTES);
    let path = match query.is_empty() {
        true => format!("/twilio/{route}"),
        false => format!("/twilio/{route}?{query}"),
    };
    let call = format!("CA{:032x}", rng.below(40));
    let mut form: Vec<(String, String)> = vec![("CallSid".into(), call)];
    for _ in 0..rng.below(6) {
        let k = rng.pick(&[
            "From",
            "To",
            "Digits",
            "CallStatus",
            "DialCallStatus",
            "DialCallSid",
            "RecordingSid",
            "RecordingStatus",
            "CallDuration",
            "Junk",
        ]);
        let v = match k {
            "From" => rng
                .pick(&["+493023125105", "+493023125777", "anonymous", "+1"])
                .to_owned(),
            "Digits" => rng.chars(DIGITS, 5),
            "CallStatus" | "DialCallStatus" => rng
                .pick(&[
                    "completed",
                    "no-answer",
                    "busy",
                    "in-progress",
                    "ringing",
                    "x",
                ])
                .to_owned(),
            _ => rng.chars(VISIBLE, 20),
        };
        form.push((k.into(), v));
    }
    let request = String::from_utf8(signed_request(&path, &form)).unwrap();
    request
        .replacen("\r\nHost: t\r\n", "\r\nHost: t\r\nConnection: close\r\n", 1)
        .into_bytes()
}

pub fn random_request(rng: &mut Rng) -> Vec<u8> {
    let method = match rng.below(4) {
        0 => rng.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 12) + "X",
        _ => rng
            .pick(&[
                "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
            ])
            .to_owned(),
    };
    let mut path = rng.pick(PATHS).to_owned();
    if rng.chance(30) {
        path.push_str(&rng.chars(VISIBLE, 60).replace(['?', '%'], ""));
    }
    if rng.chance(30) {
        path.push('?');
        path.push_str(&rng.chars(b"abc=&123%20", 40).replace('%', "%25"));
    }
    let body = match rng.below(3) {
        0 => Vec::new(),
        1 => rng.bytes(2048),
        _ => format!(
            "{{\"status\":\"{}\",\"token\":\"{}\"}}",
            rng.pick(&["available", "away", "offline", "x"]),
            rng.chars(VISIBLE, 20).replace('"', "")
        )
        .into_bytes(),
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for _ in 0..rng.below(6) {
        let (name, value) = match rng.below(8) {
            0 => (
                "Content-Type",
                rng.pick(&[
                    "application/json",
                    "application/x-www-form-urlencoded",
                    "text/plain",
                    "multipart/form-data; boundary=x",
                    "ü",
                ])
                .to_owned(),
            ),
            1 => (
                "Authorization",
                format!("Bearer {}", rng.pick(&["storm-operator", "x", ""])),
            ),
            2 => (
                "Cookie",
                format!(
                    "__Host-lotse_session={}; lotse_session={}",
                    rng.chars(VISIBLE, 40),
                    rng.chars(VISIBLE, 8)
                ),
            ),
            3 => (
                "X-Twilio-Signature",
                rng.chars(b"ABCDEFabcdef0123456789+/=", 28),
            ),
            4 => ("X-CSRF-Token", rng.chars(VISIBLE, 30)),
            5 => ("X-Request-Id", rng.chars(VISIBLE, 50)),
            6 => ("Accept-Encoding", rng.pick(&["gzip", "br", "*"]).to_owned()),
            _ => ("X-Junk", rng.chars(VISIBLE, 100)),
        };
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&body);
    out
}
