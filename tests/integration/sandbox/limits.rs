//! AccuLynx's rate limits: per key, per client IP (with the ban), and switched off.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use leadrelay::sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

use super::{client, header, post_lead, start};

/// Sends one lead per key at the same moment and returns the responses.
async fn burst(sandbox: &Sandbox, keys: &[String]) -> Vec<reqwest::Response> {
    let client = client();
    let lead = json!({"firstName": "Jane"});
    join_all(
        keys.iter()
            .map(|key| post_lead(&client, sandbox, Some(key), &lead)),
    )
    .await
}

fn statuses(responses: &[reqwest::Response]) -> Vec<u16> {
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    statuses
}

#[tokio::test]
async fn more_than_the_per_key_limit_within_a_second_gets_429_with_retry_after() {
    let sandbox = start(SandboxConfig {
        per_key_per_second: 3,
        per_ip_per_second: 100,
        ..SandboxConfig::default()
    })
    .await;
    let same_key = vec!["key-a".to_string(); 4];
    let responses = burst(&sandbox, &same_key).await;
    assert_eq!(statuses(&responses), [202, 202, 202, 429]);
    let refused = responses.iter().find(|r| r.status() == 429).unwrap();
    assert_eq!(header(refused, "retry-after").as_deref(), Some("1"));
    assert_eq!(header(refused, "ratelimit-limit").as_deref(), Some("3"));
    assert_eq!(header(refused, "ratelimit-remaining").as_deref(), Some("0"));
    assert_eq!(header(refused, "ratelimit-reset").as_deref(), Some("1"));
    assert!(
        header(refused, "content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    // Another key has a window of its own.
    let other = burst(&sandbox, &["key-b".to_string()]).await;
    assert_eq!(statuses(&other), [202]);
    let recorded: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(recorded.iter().filter(|s| **s == 429).count(), 1);
    assert_eq!(sandbox.accepted().len(), 4);
}

#[tokio::test]
async fn going_over_the_per_ip_limit_refuses_the_ip_for_the_ban_period() {
    let ban = Duration::from_secs(3);
    let sandbox = start(SandboxConfig {
        per_key_per_second: 100,
        per_ip_per_second: 5,
        ip_ban: ban,
        ..SandboxConfig::default()
    })
    .await;
    let started = Instant::now();
    let keys: Vec<String> = (0..6).map(|i| format!("key-{i}")).collect();
    let responses = burst(&sandbox, &keys).await;
    assert_eq!(statuses(&responses), [202, 202, 202, 202, 202, 429]);
    let refused = responses.iter().find(|r| r.status() == 429).unwrap();
    assert_eq!(header(refused, "retry-after").as_deref(), Some("3"));
    assert_eq!(header(refused, "ratelimit-limit").as_deref(), Some("5"));

    // During the ban every request from the IP is refused, whatever its key, and told the
    // whole seconds left.
    let during = burst(&sandbox, &["key-fresh".to_string()]).await;
    assert_eq!(statuses(&during), [429]);
    let left: u64 = header(&during[0], "retry-after").unwrap().parse().unwrap();
    assert!((1..=3).contains(&left), "{left} s left");

    // Polling slower than the limit, the IP is served again once the ban is over, not
    // before.
    let client = client();
    let deadline = started + ban + Duration::from_secs(10);
    loop {
        let response = post_lead(
            &client,
            &sandbox,
            Some("key-fresh"),
            &json!({"firstName": "J"}),
        )
        .await;
        if response.status() == 202 {
            break;
        }
        assert_eq!(response.status(), 429);
        assert!(
            Instant::now() < deadline,
            "still refused long after the ban"
        );
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert!(
        started.elapsed() >= ban,
        "served again before the ban ended"
    );
}

#[tokio::test]
async fn with_rate_limits_off_bursts_are_all_accepted() {
    let sandbox = start(SandboxConfig {
        rate_limits: false,
        per_key_per_second: 1,
        per_ip_per_second: 1,
        ..SandboxConfig::default()
    })
    .await;
    let keys = vec!["key-a".to_string(); 20];
    let responses = burst(&sandbox, &keys).await;
    assert_eq!(statuses(&responses), vec![202; 20]);
}
