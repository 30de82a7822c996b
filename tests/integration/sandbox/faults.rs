//! Faults: programmed per key, drawn at a fail rate, and latency.

use std::time::{Duration, Instant};

use leadrelay::sandbox::{Fault, SandboxConfig, SandboxKey};
use serde_json::{Value, json};

use super::{client, company_settings, header, post_lead, start, start_unlimited};

fn lead() -> Value {
    json!({"firstName": "Jane"})
}

#[tokio::test]
async fn programmed_faults_answer_in_order_then_the_key_is_served_normally() {
    let sandbox = start_unlimited(&[("key-a", "A"), ("key-b", "B")]).await;
    let client = client();
    sandbox.program(
        "key-a",
        [
            Fault::Status(503),
            Fault::RateLimited {
                retry_after: Some("7".to_string()),
            },
            Fault::RateLimited {
                retry_after: Some("Wed, 21 Oct 2026 07:28:00 GMT".to_string()),
            },
            Fault::RateLimited { retry_after: None },
            Fault::Unauthorized,
        ],
    );
    sandbox.program(
        "key-a",
        [Fault::Status(500), Fault::Delay(Duration::from_secs(1))],
    );

    // Another key is not affected, and a wrong key is refused before any fault is used.
    assert_eq!(
        post_lead(&client, &sandbox, Some("key-b"), &lead())
            .await
            .status(),
        202
    );
    assert_eq!(
        post_lead(&client, &sandbox, Some("nope"), &lead())
            .await
            .status(),
        401
    );

    let response = post_lead(&client, &sandbox, Some("key-a"), &lead()).await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.text().await.unwrap(), "", "an empty body");
    let response = post_lead(&client, &sandbox, Some("key-a"), &lead()).await;
    assert_eq!(response.status(), 429);
    assert_eq!(header(&response, "retry-after").as_deref(), Some("7"));
    let response = post_lead(&client, &sandbox, Some("key-a"), &lead()).await;
    assert_eq!(response.status(), 429);
    assert_eq!(
        header(&response, "retry-after").as_deref(),
        Some("Wed, 21 Oct 2026 07:28:00 GMT")
    );
    let response = post_lead(&client, &sandbox, Some("key-a"), &lead()).await;
    assert_eq!(response.status(), 429);
    assert_eq!(header(&response, "retry-after"), None);
    let response = post_lead(&client, &sandbox, Some("key-a"), &lead()).await;
    assert_eq!(response.status(), 401);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["detail"], "API Key is invalid or deactivated");
    let response = post_lead(&client, &sandbox, Some("key-a"), &lead()).await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.text().await.unwrap(), "");
    let started = Instant::now();
    let response = post_lead(&client, &sandbox, Some("key-a"), &lead()).await;
    assert_eq!(response.status(), 202, "a delay answers normally");
    assert!(started.elapsed() >= Duration::from_secs(1));
    let started = Instant::now();
    assert_eq!(
        post_lead(&client, &sandbox, Some("key-a"), &lead())
            .await
            .status(),
        202
    );
    assert!(started.elapsed() < Duration::from_secs(1), "back to normal");

    let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [202, 401, 503, 429, 429, 429, 401, 500, 202, 202]);
    let accepted = sandbox.accepted();
    assert_eq!(accepted.len(), 3, "faulted requests keep nothing");
}

#[tokio::test]
async fn programmed_faults_apply_to_company_settings_too() {
    let sandbox = start_unlimited(&[("key-a", "Denver")]).await;
    let client = client();
    sandbox.program("key-a", [Fault::Unauthorized, Fault::Status(503)]);
    assert_eq!(
        company_settings(&client, &sandbox, Some("key-a"))
            .await
            .status(),
        401
    );
    assert_eq!(
        company_settings(&client, &sandbox, Some("key-a"))
            .await
            .status(),
        503
    );
    let response = company_settings(&client, &sandbox, Some("key-a")).await;
    assert_eq!(response.status(), 200);
    let settings: Value = response.json().await.unwrap();
    assert_eq!(settings["name"], "Denver");
}

async fn count_failures(fail_rate: f64, requests: usize) -> usize {
    let sandbox = start(SandboxConfig {
        fail_rate,
        rate_limits: false,
        keys: vec![SandboxKey::new("k", "Denver")],
        ..SandboxConfig::default()
    })
    .await;
    let client = client();
    let mut failures = 0;
    for _ in 0..requests {
        let response = post_lead(&client, &sandbox, Some("k"), &lead()).await;
        match response.status().as_u16() {
            500 => {
                assert_eq!(
                    response.text().await.unwrap(),
                    "",
                    "500s have an empty body"
                );
                failures += 1;
            }
            202 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(sandbox.accepted().len(), requests - failures);
    failures
}

#[tokio::test]
async fn a_fail_rate_of_one_fails_every_lead_and_zero_none() {
    assert_eq!(count_failures(1.0, 50).await, 50);
    assert_eq!(count_failures(0.0, 50).await, 0);
}

#[tokio::test]
async fn a_fail_rate_of_one_half_fails_about_half_of_the_leads() {
    let failures = count_failures(0.5, 400).await;
    // Binomial(400, 0.5): mean 200, standard deviation 10; this band is 8 deviations wide.
    assert!((120..=280).contains(&failures), "{failures} of 400 failed");
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let latency = Duration::from_millis(300);
    let sandbox = start(SandboxConfig {
        latency,
        rate_limits: false,
        keys: vec![SandboxKey::new("k", "Denver")],
        ..SandboxConfig::default()
    })
    .await;
    let client = client();
    for (key, body, status) in [
        (Some("k"), lead(), 202),
        (Some("k"), json!({}), 400),
        (None, lead(), 401),
    ] {
        let started = Instant::now();
        let response = post_lead(&client, &sandbox, key, &body).await;
        assert_eq!(response.status(), status);
        assert!(started.elapsed() >= latency, "{status} came early");
    }
    let started = Instant::now();
    assert_eq!(
        company_settings(&client, &sandbox, Some("k"))
            .await
            .status(),
        200
    );
    assert!(started.elapsed() >= latency);
}
