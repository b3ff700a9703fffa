//! `/metrics` itself: what the mix of calls counts, the store read at
//! scrape time, labels free of personal data, and who may read it.

use crate::helpers::*;
use crate::redis_server::RedisServer;
use crate::{instance, sample, scrape};

#[tokio::test]
async fn the_mix_is_counted_by_outcome_wait_and_ring_result() {
    let redis = RedisServer::start();
    let app = instance(&redis, crate::OPEN, &[]).await;
    app.drive_the_mix().await;
    let text = scrape(&app).await;
    let calls = |outcome: &str| {
        let series = format!("lotse_calls_total{{lang=\"de\",outcome=\"{outcome}\"}}");
        sample(&text, &series).unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert_eq!(calls("connected"), 1.0);
    assert_eq!(calls("abandoned"), 2.0, "one in line, one while ringing");
    assert_eq!(calls("off_hours"), 2.0);
    assert_eq!(calls("holiday"), 0.0);
    assert_eq!(calls("fallback_error"), 0.0);
    let wait = |outcome: &str, le: &str| {
        let series = format!("lotse_call_wait_seconds_bucket{{outcome=\"{outcome}\",le=\"{le}\"}}");
        sample(&text, &series).unwrap_or_else(|| panic!("no {series}"))
    };
    assert_eq!(wait("connected", "10"), 0.0, "connected after 12 s");
    assert_eq!(wait("connected", "15"), 1.0);
    assert_eq!(wait("abandoned", "5"), 1.0, "hung up after 3 s of ringing");
    assert_eq!(wait("abandoned", "30"), 1.0);
    assert_eq!(wait("abandoned", "45"), 2.0, "hung up after 40 s in line");
    let ring = |r: &str| {
        sample(
            &text,
            &format!("lotse_ring_attempts_total{{result=\"{r}\"}}"),
        )
    };
    assert_eq!(ring("answered"), Some(1.0));
    assert_eq!(ring("caller_gone"), Some(1.0));
    let failures = "lotse_signature_failures_total{provider=\"twilio\"}";
    assert_eq!(sample(&text, failures), Some(2.0));
    assert_eq!(sample(&text, "lotse_line_abandoned_total"), Some(1.0));
    assert_eq!(sample(&text, "lotse_redis_up"), Some(1.0));
    assert_eq!(sample(&text, "lotse_schedule_open"), Some(1.0));
    let forbidden =
        "lotse_http_requests_total{method=\"POST\",route=\"/twilio/voice\",status=\"403\"}";
    assert_eq!(sample(&text, forbidden), Some(2.0), "{text}");
}

#[tokio::test]
async fn gauges_are_read_from_the_store_so_instances_agree() {
    let redis = RedisServer::start();
    let a = instance(&redis, crate::OPEN, &[]).await;
    let b = instance(&redis, crate::OPEN, &[]).await;
    a.available("c1").await;
    a.available("c2").await;
    b.asks_for_counsellor("CAagree0001").await; // rings one
    for call in ["CAagree0002", "CAagree0003", "CAagree0004"] {
        a.asks_for_counsellor(call).await;
    }
    for app in [&a, &b] {
        let text = scrape(app).await;
        assert_eq!(sample(&text, "lotse_callers_waiting"), Some(2.0), "{text}");
        assert_eq!(
            sample(&text, "lotse_counsellors{status=\"ringing\"}"),
            Some(2.0)
        );
        assert_eq!(
            sample(&text, "lotse_counsellors{status=\"offline\"}"),
            Some(3.0)
        );
    }
}

#[tokio::test]
async fn a_store_that_does_not_answer_is_a_gap_and_redis_up_zero() {
    let mut redis = RedisServer::start();
    let app = instance(&redis, crate::OPEN, &[]).await;
    assert!(scrape(&app).await.contains("lotse_callers_waiting "));
    redis.stop();
    let text = scrape(&app).await;
    assert_eq!(sample(&text, "lotse_redis_up"), Some(0.0));
    assert!(
        !text.contains("lotse_callers_waiting"),
        "no stale gauge: {text}"
    );
    assert!(!text.contains("lotse_counsellors{"));
    assert!(
        text.contains("lotse_calls_total"),
        "the process' own series stay"
    );
}

#[tokio::test]
async fn no_label_carries_a_number_a_call_id_or_free_text() {
    let redis = RedisServer::start();
    let app = instance(&redis, crate::OPEN, &[]).await;
    app.drive_the_mix().await;
    // A forged language and step in a signed callback cannot add series.
    let params = pairs(&[
        ("CallSid", "CAlabels0001"),
        ("From", CALLER),
        ("Digits", "1"),
    ]);
    app.voice("/twilio/voice?step=menu&lang=%2B4930", &params)
        .await;
    app.get("/no/such/path/CAlabels0001").await;
    let text = scrape(&app).await;
    let digits = CALLER.trim_start_matches('+');
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let labels = line.split_once('{').map_or("", |(_, rest)| rest);
        assert!(
            !labels.contains(digits) && !labels.contains("4930"),
            "{line}"
        );
        assert!(!labels.contains("CA"), "a call id in {line}");
        assert!(
            !line.contains("counsellor=") && !line.contains("\"c2\""),
            "{line}"
        );
    }
    assert!(
        text.contains("route=\"unmatched\""),
        "raw paths are not labels"
    );
    for line in text.lines().filter(|l| l.starts_with("lotse_calls_total{")) {
        let lang = line
            .split("lang=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(["de", "en", "other"].contains(&lang), "{line}");
    }
}

#[tokio::test]
async fn a_configured_token_is_required() {
    let redis = RedisServer::start();
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(b"scrape-token")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let hash = hash.as_str();
    let app = instance(
        &redis,
        crate::OPEN,
        &[("LOTSE_METRICS__TOKEN_SHA256", hash)],
    )
    .await;
    let url = format!("http://{}/metrics", app.addr);
    let none = app.client.get(&url).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let wrong = app
        .client
        .get(&url)
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = app
        .client
        .get(&url)
        .bearer_auth("scrape-token")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert!(right.text().await.unwrap().contains("lotse_build_info"));
}

#[tokio::test]
async fn a_separate_listener_takes_metrics_off_the_main_port() {
    let redis = RedisServer::start();
    let env = [("LOTSE_METRICS__LISTEN", "127.0.0.1:0")];
    let app = instance(&redis, crate::OPEN, &env).await;
    assert_eq!(app.get("/metrics").await.0, 404, "not on the main port");
    let bound = lotse::metrics::endpoint::bind_separately(&app.app)
        .await
        .unwrap();
    let (addr, task) = lotse::metrics::endpoint::spawn_separately(
        bound.expect("configured"),
        std::future::pending(),
    );
    let body = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(body.status(), 200);
    assert!(body.text().await.unwrap().contains("lotse_schedule_open 1"));
    task.abort();
}
