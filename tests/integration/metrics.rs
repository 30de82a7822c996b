//! `GET /metrics` (SPEC §10): the Prometheus exposition, its counters after intake and
//! delivery, the queue read from the database, and the metrics token.

use std::collections::HashMap;
use std::time::Duration;

use chrono::TimeDelta;
use diesel::prelude::*;
use leadrelay::crypto::Secret;
use leadrelay::db::schema::leads;
use serde_json::json;

use crate::support::delivery::{GOOD_KEY, lead_body, rig, seed_leads, status_of, wait_for_status};
use crate::support::fixtures::{seed_company, seed_world};
use crate::support::helpers::{TestApp, spawn_app, spawn_app_with, wait_until};
use crate::support::intake::{give_key, hook_url};

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
const WAIT: Duration = Duration::from_secs(15);

/// Whether `name` is a Prometheus metric or label name.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses an exposition: every line is a `# HELP`/`# TYPE` comment or `name{labels} value`.
/// Returns the samples by their series (`name{labels}` as written).
fn parse(body: &str) -> HashMap<String, f64> {
    let mut samples = HashMap::new();
    for line in body.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            let (kind, rest) = comment.split_once(' ').expect(line);
            assert!(kind == "HELP" || kind == "TYPE", "{line}");
            if kind == "TYPE" {
                let (name, family) = rest.split_once(' ').expect(line);
                assert!(is_name(name), "{line}");
                assert!(
                    ["counter", "gauge", "histogram"].contains(&family),
                    "{line}"
                );
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect(line);
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        let name = match series.split_once('{') {
            Some((name, labels)) => {
                let labels = labels.strip_suffix('}').expect(line);
                for pair in labels.split(',') {
                    let (key, quoted) = pair.split_once('=').expect(line);
                    assert!(is_name(key), "{line}");
                    assert!(
                        quoted.len() >= 2 && quoted.starts_with('"') && quoted.ends_with('"'),
                        "{line}"
                    );
                }
                name
            }
            None => series,
        };
        assert!(is_name(name) && name.starts_with("leadrelay_"), "{line}");
        assert!(
            samples.insert(series.to_string(), value).is_none(),
            "one sample per series: {line}"
        );
    }
    samples
}

/// Scrapes `/metrics` (with this bearer token, if any): the status, and the body.
async fn scrape_with(app: &TestApp, token: Option<&str>) -> (u16, String) {
    let mut request = app.client.get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    if status == 200 {
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            CONTENT_TYPE
        );
    }
    (status, response.text().await.unwrap())
}

/// Scrapes `/metrics` without a token and parses it.
async fn scrape(app: &TestApp) -> (String, HashMap<String, f64>) {
    let (status, body) = scrape_with(app, None).await;
    assert_eq!(status, 200, "{body}");
    let samples = parse(&body);
    (body, samples)
}

fn value(samples: &HashMap<String, f64>, series: &str) -> f64 {
    *samples
        .get(series)
        .unwrap_or_else(|| panic!("{series} is missing from {samples:?}"))
}

#[tokio::test]
async fn leads_received_are_counted_by_status_and_the_queue_is_read_from_the_database() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let (_, before) = scrape(&app).await;
    for status in ["queued", "held", "duplicate", "rejected"] {
        let series = format!("leadrelay_leads_received_total{{status=\"{status}\"}}");
        assert_eq!(value(&before, &series), 0.0);
    }
    assert_eq!(value(&before, "leadrelay_database_up"), 1.0);

    let url = hook_url(&app, &world.a.location_id);
    let lead =
        json!({"firstName": "Jane", "lastName": "Quimby", "email": "jane.quimby@example.com"});
    for (body, wanted) in [
        (lead.clone(), 202),
        (lead, 200),
        (json!({"lastName": "Doe"}), 422),
    ] {
        let response = app.client.post(&url).json(&body).send().await.unwrap();
        assert_eq!(response.status().as_u16(), wanted);
    }
    let held_url = hook_url(&app, &world.b.location_id);
    let response = app
        .client
        .post(&held_url)
        .json(&json!({"firstName": "Ann"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);

    let (body, after) = scrape(&app).await;
    for status in ["queued", "held", "duplicate", "rejected"] {
        let series = format!("leadrelay_leads_received_total{{status=\"{status}\"}}");
        assert_eq!(value(&after, &series), 1.0, "{series}");
    }
    // The worker is off here: the queued lead waits, the held one too.
    assert_eq!(
        value(&after, r#"leadrelay_queue_depth{status="queued"}"#),
        1.0
    );
    assert_eq!(
        value(&after, r#"leadrelay_queue_depth{status="held"}"#),
        1.0
    );
    assert_eq!(
        value(&after, r#"leadrelay_queue_depth{status="retrying"}"#),
        0.0
    );
    // Nothing of the leads, the keys or the webhook URLs.
    let token_a = url.rsplit('/').next().unwrap();
    let token_b = held_url.rsplit('/').next().unwrap();
    for secret in [
        "Jane",
        "Quimby",
        "jane.quimby",
        "Ann",
        GOOD_KEY,
        token_a,
        token_b,
    ] {
        assert!(!body.contains(secret), "{secret} shown in\n{body}");
    }
    for id in [&world.a.location_id, &world.b.location_id] {
        assert!(!body.contains(id.as_str()));
    }
}

#[tokio::test]
async fn queue_depth_and_the_oldest_due_age_reflect_the_stored_leads() {
    let app = spawn_app().await;
    let company = seed_company(&app, "alpha");
    let bodies: Vec<_> = (0..6).map(lead_body).collect();
    let ids = seed_leads(&app, &company, &company.location_id, &bodies);
    let now = leadrelay::db::now();
    let set = |id: &str, status: &str, due: Option<chrono::NaiveDateTime>| {
        diesel::update(leads::table.find(id))
            .set((leads::status.eq(status), leads::next_attempt_at.eq(due)))
            .execute(&mut *app.conn())
            .unwrap();
    };
    // Three queued, the oldest due two minutes ago; two retrying later; one held.
    set(&ids[0], "queued", Some(now - TimeDelta::seconds(120)));
    set(&ids[3], "retrying", Some(now + TimeDelta::seconds(600)));
    set(&ids[4], "retrying", Some(now + TimeDelta::seconds(60)));
    set(&ids[5], "held", None);

    let (_, samples) = scrape(&app).await;
    assert_eq!(
        value(&samples, r#"leadrelay_queue_depth{status="queued"}"#),
        3.0
    );
    assert_eq!(
        value(&samples, r#"leadrelay_queue_depth{status="retrying"}"#),
        2.0
    );
    assert_eq!(
        value(&samples, r#"leadrelay_queue_depth{status="held"}"#),
        1.0
    );
    let oldest = value(&samples, "leadrelay_queue_oldest_due_seconds");
    assert!((120.0..180.0).contains(&oldest), "oldest due {oldest}");

    // Once the overdue ones are gone, nothing is due: the retries are in the future.
    for id in &ids[..3] {
        set(id, "delivered", None);
    }
    let (_, samples) = scrape(&app).await;
    assert_eq!(
        value(&samples, r#"leadrelay_queue_depth{status="queued"}"#),
        0.0
    );
    assert_eq!(value(&samples, "leadrelay_queue_oldest_due_seconds"), 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_attempt_latency_and_rate_limit_waits_are_counted() {
    // Four sends a second for the key: the second and later leads wait for their turn.
    let rig = rig(false, |s| s.rate_per_key = 4).await;
    let too_long = json!({"firstName": "Jane", "lastName": "x".repeat(60)});
    let mut bodies: Vec<_> = (0..3).map(lead_body).collect();
    bodies.push(too_long);
    let ids = seed_leads(&rig.app, &rig.company, &rig.company.location_id, &bodies);
    rig.app.wake_worker.notify_one();
    for id in &ids[..3] {
        wait_for_status(&rig.app, id, "delivered", WAIT).await;
    }
    wait_for_status(&rig.app, &ids[3], "failed", WAIT).await;

    // Counted once each result is recorded, which the statuses above may precede.
    wait_until("the results to be counted", WAIT, || async {
        let (_, samples) = scrape(&rig.app).await;
        value(
            &samples,
            r#"leadrelay_deliveries_total{outcome="delivered"}"#,
        ) == 3.0
            && value(&samples, r#"leadrelay_deliveries_total{outcome="failed"}"#) == 1.0
    })
    .await;
    let (body, samples) = scrape(&rig.app).await;
    for outcome in ["held", "retrying", "rate_limited"] {
        let series = format!("leadrelay_deliveries_total{{outcome=\"{outcome}\"}}");
        assert_eq!(value(&samples, &series), 0.0, "{series}");
    }
    assert_eq!(
        value(&samples, "leadrelay_delivery_attempt_seconds_count"),
        4.0
    );
    assert_eq!(
        value(
            &samples,
            r#"leadrelay_delivery_attempt_seconds_bucket{le="+Inf"}"#
        ),
        4.0
    );
    assert!(value(&samples, "leadrelay_delivery_attempt_seconds_sum") > 0.0);
    // The sandbox answers on this machine: every attempt well within the request timeout.
    assert_eq!(
        value(
            &samples,
            r#"leadrelay_delivery_attempt_seconds_bucket{le="2.5"}"#
        ),
        4.0
    );
    let waits = value(&samples, "leadrelay_rate_limit_waits_total");
    assert!(waits >= 3.0, "{waits} waits");
    // Four sends spaced at about 0.26 s wait about 0.26 + 0.52 + 0.79 s in all.
    let waited = value(&samples, "leadrelay_rate_limit_wait_seconds_total");
    assert!(waited >= 1.0, "waited {waited} s");
    assert_eq!(
        value(&samples, r#"leadrelay_queue_depth{status="queued"}"#),
        0.0
    );
    assert!(!body.contains(GOOD_KEY));
    assert_eq!(status_of(&rig.app, &ids[0]), "delivered");
}

#[tokio::test]
async fn with_a_metrics_token_only_the_right_bearer_token_may_scrape() {
    let token = "scrape-token-5d1e9b";
    let app = spawn_app_with(|s| s.metrics_token = Some(Secret::new(token.to_string()))).await;
    for presented in [None, Some("scrape-token-5d1e9"), Some("wrong")] {
        let (status, body) = scrape_with(&app, presented).await;
        assert_eq!(status, 401, "{presented:?}");
        assert!(body.contains("metrics token"), "{body}");
        assert!(!body.contains(token));
    }
    let response = app
        .client
        .get(app.url("/metrics"))
        .header("authorization", format!("Basic {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"leadrelay metrics\""
    );

    let (status, body) = scrape_with(&app, Some(token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(value(&parse(&body), "leadrelay_database_up"), 1.0);
    assert!(!body.contains(token), "the token is never shown");
}

#[tokio::test]
async fn without_a_metrics_token_anyone_may_scrape() {
    let app = spawn_app().await;
    let (status, body) = scrape_with(&app, None).await;
    assert_eq!(status, 200);
    let samples = parse(&body);
    let version = format!(
        "leadrelay_build_info{{version=\"{}\"}}",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(value(&samples, &version), 1.0);
    // A token sent anyway does no harm.
    let (status, _) = scrape_with(&app, Some("anything")).await;
    assert_eq!(status, 200);
}
