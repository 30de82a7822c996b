//! Behind a TLS proxy: `LEADRELAY_TRUSTED_PROXIES` makes the sign-in throttle and the lead
//! record see the client's address from `X-Forwarded-For`, and only from a trusted proxy.

use leadrelay::domain::proxies::TrustedProxies;
use serde_json::{Value, json};

use crate::support::fixtures::{anonymous, seed_world};
use crate::support::helpers::{TestApp, spawn_app_with};
use crate::support::intake::{answer_of, hook_url, stored};

/// Three wrong passwords from `client` as relayed by a proxy on 127.0.0.1; the status of each.
async fn wrong_sign_ins(app: &TestApp, client: &str, times: usize) -> Vec<u16> {
    let session = anonymous(app).await;
    let mut statuses = Vec::new();
    for _ in 0..times {
        let response = session
            .client
            .post(app.url("/login"))
            .header("X-Forwarded-For", client)
            .form(&[
                ("email", "nobody@example.com"),
                ("password", "not the password"),
                ("csrf_token", session.csrf.as_str()),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_sign_in_quota() {
    let app = spawn_app_with(|settings| {
        settings.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        settings.login_attempts_per_minute = 3;
    })
    .await;
    let first = wrong_sign_ins(&app, "203.0.113.9", 4).await;
    assert_ne!(first[2], 429, "{first:?}");
    assert_eq!(
        first[3], 429,
        "the fourth attempt of one client is held back: {first:?}"
    );
    let other = wrong_sign_ins(&app, "203.0.113.10", 1).await;
    assert_ne!(
        other[0], 429,
        "another client behind the same proxy is not: {other:?}"
    );
    // A client cannot escape its quota by sending its own header through the proxy.
    let spoofed = wrong_sign_ins(&app, "198.51.100.77, 203.0.113.9", 1).await;
    assert_eq!(spoofed[0], 429, "{spoofed:?}");
}

#[tokio::test]
async fn without_trusted_proxies_the_header_is_ignored() {
    let app = spawn_app_with(|settings| settings.login_attempts_per_minute = 3).await;
    let mut statuses = wrong_sign_ins(&app, "203.0.113.9", 3).await;
    statuses.extend(wrong_sign_ins(&app, "203.0.113.10", 1).await);
    assert_eq!(
        statuses[3], 429,
        "every attempt counts for the socket's address: {statuses:?}"
    );
}

#[tokio::test]
async fn a_lead_records_the_address_the_trusted_proxy_saw() {
    let app = spawn_app_with(|settings| {
        settings.trusted_proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
    })
    .await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let (status, answer) = answer_of(
        app.client
            .post(&url)
            .header("X-Forwarded-For", "203.0.113.9, 10.1.2.3")
            .json(&json!({"firstName": "Pat", "lastName": "Proxy"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    let headers: Value =
        serde_json::from_str(&stored(&app, answer["lead_id"].as_str().unwrap()).request_headers)
            .unwrap();
    assert_eq!(headers["remote-address"], "203.0.113.9", "{headers}");
    assert_eq!(
        headers["x-forwarded-for"], "203.0.113.9, 10.1.2.3",
        "{headers}"
    );
}
