//! A real Prometheus scrapes a real `lotse` (on a real Redis) while calls
//! come in; then every PromQL expression of the dashboard and of the alert
//! rules is evaluated through Prometheus' HTTP API.

use serde_json::Value;

use crate::prometheus::{scalar, Prometheus};
use crate::redis_server::RedisServer;
use crate::{instance, repo};

/// Scrapes happen every second; a condition gets this many seconds.
const TRIES: u32 = 60;

/// Grafana's variables, as a panel over the last hour would fill them in.
fn as_grafana_would(expr: &str) -> String {
    expr.replace("$__rate_interval", "1m")
        .replace("$__range", "1h")
        .replace("$__interval", "15s")
}

fn dashboard_queries() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo("grafana/dashboards/lotse.json")).unwrap();
    let dashboard: Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().expect("panels") {
        for target in panel["targets"].as_array().expect("targets") {
            let title = panel["title"].as_str().unwrap_or("?");
            out.push((
                title.to_owned(),
                target["expr"].as_str().unwrap().to_owned(),
            ));
        }
    }
    out
}

fn has_data(data: &Value) -> bool {
    data["result"].as_array().is_some_and(|r| !r.is_empty())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dashboard_and_alert_expression_evaluates_on_real_data() {
    let redis = RedisServer::start();
    let app = instance(&redis, crate::OPEN, &[]).await;
    let prometheus = Prometheus::start(&[app.addr], &repo("grafana/alerts.yml"));
    prometheus
        .wait_for("up{job=\"lotse\"}", TRIES, |d| scalar(d) == Some(1.0))
        .await;

    // Calls arrive while Prometheus watches, so rates see them rise.
    app.drive_the_mix().await;
    let connected = "sum(lotse_calls_total{outcome=\"connected\"})";
    prometheus
        .wait_for(connected, TRIES, |d| scalar(d) == Some(1.0))
        .await;
    let off_hours = "sum(increase(lotse_calls_total{outcome=\"off_hours\"}[1m]))";
    prometheus
        .wait_for(off_hours, TRIES, |d| scalar(d).is_some_and(|v| v > 0.0))
        .await;

    let queries = dashboard_queries();
    assert!(queries.len() >= 15, "{} queries", queries.len());
    for (title, expr) in &queries {
        let expr = as_grafana_would(expr);
        if let Err(e) = prometheus.query(&expr).await {
            panic!("dashboard panel {title:?}: {expr}\n{e}");
        }
        // Every panel shows something once calls came in (rates need two
        // scrapes of a new series, hence the bounded wait).
        prometheus.wait_for(&expr, TRIES, has_data).await;
    }
    let abandoned = as_grafana_would(
        &queries
            .iter()
            .find(|(t, _)| t == "Abandonment rate")
            .unwrap()
            .1,
    );
    let rate = scalar(&prometheus.query(&abandoned).await.unwrap()).unwrap();
    assert!(
        rate > 0.0 && rate < 1.0,
        "two of three gave up, over an extrapolated window: {rate}"
    );

    // The alert rules, as Prometheus loaded them, and each expression
    // evaluated on its own (they may be empty: nothing is wrong).
    let data = rules_api(&prometheus).await;
    let groups = data["groups"].as_array().expect("rule groups");
    let rules: Vec<&Value> = groups
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .collect();
    let expected = std::fs::read_to_string(repo("grafana/alerts.yml"))
        .unwrap()
        .matches("- alert: ")
        .count();
    assert_eq!(rules.len(), expected, "Prometheus loaded every rule");
    for rule in rules {
        let (name, query) = (
            rule["name"].as_str().unwrap(),
            rule["query"].as_str().unwrap(),
        );
        if let Err(e) = prometheus.query(query).await {
            panic!("alert {name}: {query}\n{e}");
        }
        assert_ne!(rule["health"], "err", "alert {name}: {}", rule["lastError"]);
    }
}

/// `GET /api/v1/rules` once every rule was evaluated at least once.
async fn rules_api(prometheus: &Prometheus) -> Value {
    let url = format!("http://{}/api/v1/rules", prometheus.addr);
    for _ in 0..TRIES {
        let body: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
        let rules = body["data"]["groups"].as_array().into_iter().flatten();
        let mut rules = rules
            .flat_map(|g| g["rules"].as_array().into_iter().flatten())
            .peekable();
        let evaluated = rules.peek().is_some() && rules.all(|r| r["health"] != "unknown");
        if evaluated {
            return body["data"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    panic!("Prometheus never evaluated every alert rule");
}
