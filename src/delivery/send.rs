//! One request to AccuLynx: `POST {base}/api/v1/leads` with the location's key, timed and
//! recorded whatever happens.

use std::time::Instant;

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use crate::acculynx::classify::{Verdict, classify_network_error, classify_response};
use crate::acculynx::client::AccuLynxClient;
use crate::crypto::secret_box::AccuLynxKey;

/// At most this much of a response body is kept (SPEC §7).
pub const MAX_RESPONSE_BODY: usize = 8 * 1024;

/// Response headers worth keeping on the timeline.
const HEADERS_OF_INTEREST: &[&str] = &[
    "content-type",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "ratelimit-policy",
    "x-request-id",
    "request-id",
];

/// What happened on the wire.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// When the request left.
    pub started_at: NaiveDateTime,
    /// How long until the answer (or the error).
    pub duration_ms: i32,
    /// The HTTP status, when there was an answer.
    pub http_status: Option<u16>,
    /// Headers of interest, as a JSON object.
    pub response_headers: String,
    /// The first 8 KiB of the body.
    pub response_body: Option<String>,
    /// The network error, when there was no answer.
    pub error: Option<String>,
    /// What it means.
    pub verdict: Verdict,
}

/// The lead endpoint (SPEC §7).
pub const LEADS_PATH: &str = "/api/v1/leads";

/// Posts a lead body (JSON text) with this key.
pub async fn post_lead(acculynx: &AccuLynxClient, key: &AccuLynxKey, body: String) -> Attempt {
    let started_at = crate::db::now();
    let clock = Instant::now();
    let sent = acculynx
        .request(reqwest::Method::POST, LEADS_PATH, key)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await;
    let result = match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            let mut headers = Map::new();
            for name in HEADERS_OF_INTEREST {
                if let Some(value) = response.headers().get(*name).and_then(|v| v.to_str().ok()) {
                    headers.insert((*name).to_string(), Value::String(value.to_string()));
                }
            }
            let retry_after = headers
                .get("retry-after")
                .and_then(Value::as_str)
                .map(str::to_string);
            match response.bytes().await {
                Ok(bytes) => {
                    let kept = &bytes[..bytes.len().min(MAX_RESPONSE_BODY)];
                    let text = String::from_utf8_lossy(kept).into_owned();
                    let verdict = classify_response(status, retry_after.as_deref(), &text);
                    (
                        Some(status),
                        Value::Object(headers).to_string(),
                        Some(text),
                        None,
                        verdict,
                    )
                }
                Err(err) => {
                    let message = format!("the answer was cut off: {}", without_url(&err));
                    let verdict = classify_network_error(err.is_timeout(), &message);
                    (
                        Some(status),
                        Value::Object(headers).to_string(),
                        None,
                        Some(message),
                        verdict,
                    )
                }
            }
        }
        Err(err) => {
            let message = without_url(&err);
            let verdict = classify_network_error(err.is_timeout(), &message);
            (None, "{}".to_string(), None, Some(message), verdict)
        }
    };
    let (http_status, response_headers, response_body, error, verdict) = result;
    Attempt {
        started_at,
        duration_ms: i32::try_from(clock.elapsed().as_millis()).unwrap_or(i32::MAX),
        http_status,
        response_headers,
        response_body,
        error,
        verdict,
    }
}

/// A reqwest error in words, with its causes, without the URL.
fn without_url(err: &reqwest::Error) -> String {
    use std::error::Error;
    let mut parts = Vec::new();
    let mut source = err.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    if parts.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {}", parts.join(": "))
    }
}
