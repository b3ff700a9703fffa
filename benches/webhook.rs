//! Full handling of one incoming call, in-process: signature check, form
//! parsing, schedule decision, flow walk, TwiML rendering — through the real
//! axum router, without a socket.
#![allow(clippy::result_large_err)] // figment::Jail's closures return figment's own Result

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use criterion::{criterion_group, criterion_main, Criterion};
use lotse::clock::FixedClock;
use lotse::http::{router, App};
use lotse::providers::twilio::signature;
use tower::ServiceExt;

const TOKEN: &str = "bench-token";

fn settings() -> lotse::config::Settings {
    let mut out = None;
    figment::Jail::expect_with(|jail| {
        jail.set_env("LOTSE_TWILIO__AUTH_TOKEN", TOKEN);
        out = Some(lotse::config::load(None).map_err(|e| e.to_string())?);
        Ok(())
    });
    out.unwrap()
}

fn request(path: &str, params: &[(String, String)]) -> Request<Body> {
    let sig = signature::compute(
        TOKEN.as_bytes(),
        &format!("https://hotline.example.org{path}"),
        params,
    );
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", sig)
        .body(Body::from(body))
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let params: Vec<(String, String)> = [
        ("AccountSid", "AC00000000000000000000000000000000"),
        ("CallSid", "CA00000000000000000000000000000001"),
        ("CallStatus", "ringing"),
        ("From", "+493023125777"),
        ("To", "+498003009944"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (name, at) in [
        ("incoming_call_open", "2026-03-30T10:00:00+02:00"),
        ("incoming_call_closure", "2026-12-24T10:00:00+01:00"),
    ] {
        let at = chrono::DateTime::parse_from_rfc3339(at)
            .unwrap()
            .with_timezone(&chrono::Utc);
        let app = router(App::new(settings(), Arc::new(FixedClock::new(at))).unwrap());
        c.bench_function(name, |b| {
            b.to_async(&rt).iter(|| async {
                let resp = app
                    .clone()
                    .oneshot(request("/twilio/voice", &params))
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200);
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
