//! The AccuLynx sandbox, over real HTTP: the lead schema, the answers AccuLynx gives, its rate
//! limits, the fault knobs, and the `leadrelay sandbox` command.

mod answers;
mod cli;
mod faults;
mod limits;
mod schema;
mod v2;

use std::time::Duration;

use leadrelay::sandbox::{Sandbox, SandboxConfig, SandboxKey};
use serde_json::Value;

use crate::support::helpers::{init_test_logging, init_tls};

/// A sandbox on a free port of 127.0.0.1.
pub async fn start(config: SandboxConfig) -> Sandbox {
    init_test_logging();
    Sandbox::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("the sandbox starts")
}

/// A sandbox accepting `keys`, without rate limits (so tests may send as fast as they like).
pub async fn start_unlimited(keys: &[(&str, &str)]) -> Sandbox {
    start(SandboxConfig {
        keys: keys
            .iter()
            .map(|(key, name)| SandboxKey::new(*key, *name))
            .collect(),
        rate_limits: false,
        ..SandboxConfig::default()
    })
    .await
}

/// A client with a short timeout, so a hung sandbox fails the test instead of stalling it.
pub fn client() -> reqwest::Client {
    init_tls();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// `POST /api/v1/leads` with a JSON body and, when given, a Bearer key.
pub async fn post_lead(
    client: &reqwest::Client,
    sandbox: &Sandbox,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    post_raw(
        client,
        sandbox,
        key,
        Some("application/json"),
        body.to_string().into_bytes(),
    )
    .await
}

/// `POST /api/v1/leads` with any content type and body.
pub async fn post_raw(
    client: &reqwest::Client,
    sandbox: &Sandbox,
    key: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = client
        .post(format!("{}/api/v1/leads", sandbox.url()))
        .body(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.send().await.expect("the sandbox answers")
}

/// `GET /api/v2/company-settings` with a Bearer key.
pub async fn company_settings(
    client: &reqwest::Client,
    sandbox: &Sandbox,
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = client.get(format!("{}/api/v2/company-settings", sandbox.url()));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    request.send().await.expect("the sandbox answers")
}

/// A header as text, if present.
pub fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_string())
}
