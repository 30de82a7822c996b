//! Requests to AccuLynx with a location's key, timed and recorded whatever happens: any call
//! ([`exchange`], used by the v2 steps) and v1's `POST {base}/api/v1/leads` ([`post_lead`]).

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
    let wire = exchange(acculynx, reqwest::Method::POST, LEADS_PATH, key, Some(body)).await;
    let verdict = match (wire.http_status, &wire.error) {
        (Some(status), None) => classify_response(
            status,
            wire.header("retry-after"),
            wire.excerpt.as_deref().unwrap_or(""),
        ),
        (_, error) => classify_network_error(wire.timed_out, error.as_deref().unwrap_or("")),
    };
    wire.into_attempt(verdict)
}

/// One request and its answer, as it happened on the wire: what the timeline keeps, plus the
/// whole body for the caller to read.
#[derive(Debug, Clone)]
pub struct Wire {
    /// When the request left.
    pub started_at: NaiveDateTime,
    /// How long until the answer (or the error).
    pub duration_ms: i32,
    /// The HTTP status, when there was an answer.
    pub http_status: Option<u16>,
    /// Headers of interest.
    pub headers: Map<String, Value>,
    /// The first 8 KiB of the body, as text.
    pub excerpt: Option<String>,
    /// The whole body (for reading lists and ids).
    pub body: Option<Vec<u8>>,
    /// The network error, when there was no (whole) answer.
    pub error: Option<String>,
    /// Whether that error was the timeout.
    pub timed_out: bool,
}

impl Wire {
    /// A header of interest (lower-case name), if AccuLynx sent it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(Value::as_str)
    }

    /// The attempt row's facts with this verdict.
    pub fn into_attempt(self, verdict: Verdict) -> Attempt {
        Attempt {
            started_at: self.started_at,
            duration_ms: self.duration_ms,
            http_status: self.http_status,
            response_headers: Value::Object(self.headers).to_string(),
            response_body: self.excerpt,
            error: self.error,
            verdict,
        }
    }
}

/// Sends one request to AccuLynx with this key (a JSON body when given), timed and recorded
/// whatever happens.
pub async fn exchange(
    acculynx: &AccuLynxClient,
    method: reqwest::Method,
    path: &str,
    key: &AccuLynxKey,
    body: Option<String>,
) -> Wire {
    let started_at = crate::db::now();
    let clock = Instant::now();
    let mut request = acculynx.request(method, path, key);
    if let Some(body) = body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
    }
    let sent = request.send().await;
    let mut wire = Wire {
        started_at,
        duration_ms: 0,
        http_status: None,
        headers: Map::new(),
        excerpt: None,
        body: None,
        error: None,
        timed_out: false,
    };
    match sent {
        Ok(response) => {
            wire.http_status = Some(response.status().as_u16());
            for name in HEADERS_OF_INTEREST {
                if let Some(value) = response.headers().get(*name).and_then(|v| v.to_str().ok()) {
                    wire.headers
                        .insert((*name).to_string(), Value::String(value.to_string()));
                }
            }
            match response.bytes().await {
                Ok(bytes) => {
                    let kept = &bytes[..bytes.len().min(MAX_RESPONSE_BODY)];
                    wire.excerpt = Some(String::from_utf8_lossy(kept).into_owned());
                    wire.body = Some(bytes.to_vec());
                }
                Err(err) => {
                    wire.timed_out = err.is_timeout();
                    wire.error = Some(format!("the answer was cut off: {}", without_url(&err)));
                }
            }
        }
        Err(err) => {
            wire.timed_out = err.is_timeout();
            wire.error = Some(without_url(&err));
        }
    }
    wire.duration_ms = i32::try_from(clock.elapsed().as_millis()).unwrap_or(i32::MAX);
    wire
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
