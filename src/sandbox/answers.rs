//! The answers AccuLynx gives, in its shapes: RFC 7807 ProblemDetails for v2 errors
//! (`{"type","title","status","detail","traceId"}`), ASP.NET's ValidationProblemDetails for
//! invalid bodies (`{"type","title","status","errors","traceId"}`), empty-bodied 5xx, and
//! plain-text 429s with `Retry-After` and `RateLimit-*` headers.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use serde_json::{Value, json};

use super::limits::Refusal;
use super::schema::ValidationErrors;

const PROBLEM_JSON: &str = "application/problem+json; charset=utf-8";

/// An answer other than success; turned into a response only when it is sent.
#[derive(Debug)]
pub(crate) enum Problem {
    /// 401: missing, unknown or deactivated key.
    Unauthorized,
    /// 429 from the rate limits.
    RateLimited(Refusal),
    /// 429 programmed by a test, with its `Retry-After`.
    ProgrammedRateLimit(Option<String>),
    /// An empty-bodied answer with this status.
    Status(u16),
    /// 415: not `application/json`.
    UnsupportedMediaType,
    /// 413: over the body limit.
    PayloadTooLarge(usize),
    /// 400: the body could not be read as JSON; the error key and message.
    Unreadable(&'static str, String),
    /// 400: the lead breaks the schema.
    Invalid(ValidationErrors),
    /// A v2 ProblemDetails (400, 404, 413, 415, 416…) with this detail.
    V2(u16, String),
    /// The v2 write quota's text/plain 429.
    V2RateLimited {
        /// The exceeded window, e.g. `company-write:daily`.
        policy: String,
        /// The window's limit, when known.
        limit: Option<u32>,
        /// Seconds until a write fits again.
        retry_after: u64,
    },
}

impl Problem {
    /// The HTTP answer.
    pub(crate) fn respond(self) -> HttpResponse {
        match self {
            Self::Unauthorized => unauthorized(),
            Self::RateLimited(refusal) => too_many_requests(refusal),
            Self::ProgrammedRateLimit(retry_after) => {
                programmed_too_many_requests(retry_after.as_deref())
            }
            Self::Status(status) => empty(status),
            Self::UnsupportedMediaType => unsupported_media_type(),
            Self::PayloadTooLarge(limit) => payload_too_large(limit),
            Self::Unreadable(key, message) => unreadable_body(key, message),
            Self::Invalid(errors) => validation_problem(&errors),
            Self::V2(status, detail) => v2_problem(status, &detail),
            Self::V2RateLimited {
                policy,
                limit,
                retry_after,
            } => v2_too_many_requests(&policy, limit, retry_after),
        }
    }
}

/// A v2 ProblemDetails: `{type, title, status, detail, traceId}`.
fn v2_problem(status: u16, detail: &str) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let section = match status.as_u16() {
        404 => "15.5.5",
        413 => "15.5.14",
        415 => "15.5.16",
        416 => "15.5.17",
        _ => "15.5.1",
    };
    problem(
        status,
        &format!("https://tools.ietf.org/html/rfc9110#section-{section}"),
        status.canonical_reason().unwrap_or("Bad Request"),
        Some(detail),
    )
}

/// The v2 write quota's 429 (reference §1.3): text/plain, with `RateLimit-*` and
/// `Retry-After`.
fn v2_too_many_requests(policy: &str, limit: Option<u32>, retry_after: u64) -> HttpResponse {
    let text = if policy.contains("daily") {
        "Daily rate limit exceeded. Please try again later."
    } else {
        "Hourly rate limit exceeded. Please try again later."
    };
    let mut response = HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
        .content_type("text/plain; charset=utf-8")
        .body(text);
    let seconds = retry_after.to_string();
    let mut headers = vec![
        (RETRY_AFTER, seconds.clone()),
        (
            HeaderName::from_static("ratelimit-remaining"),
            "0".to_string(),
        ),
        (HeaderName::from_static("ratelimit-reset"), seconds),
        (
            HeaderName::from_static("ratelimit-policy"),
            policy.to_string(),
        ),
    ];
    if let Some(limit) = limit {
        headers.push((
            HeaderName::from_static("ratelimit-limit"),
            limit.to_string(),
        ));
    }
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// 401 for a missing, unknown or deactivated key.
fn unauthorized() -> HttpResponse {
    let mut response = problem(
        StatusCode::UNAUTHORIZED,
        "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        "Unauthorized",
        Some("API Key is invalid or deactivated"),
    );
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// 415 for a body that is not `application/json`.
fn unsupported_media_type() -> HttpResponse {
    problem(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        "Unsupported Media Type",
        Some("The request body must be sent with Content-Type: application/json."),
    )
}

/// 413 for a body over the size limit.
fn payload_too_large(limit: usize) -> HttpResponse {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        "Payload Too Large",
        Some(&format!(
            "The request body is larger than the limit of {limit} bytes."
        )),
    )
}

/// 400 listing what is wrong with the body, keyed by field.
fn validation_problem(errors: &ValidationErrors) -> HttpResponse {
    let body = json!({
        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "errors": errors,
        "traceId": trace_id(),
    });
    problem_response(StatusCode::BAD_REQUEST, &body)
}

/// 400 for a body that could not be read as JSON at all.
fn unreadable_body(key: &str, message: String) -> HttpResponse {
    let mut errors = ValidationErrors::new();
    errors.insert(key.to_string(), vec![message]);
    validation_problem(&errors)
}

/// An answer with this status and no body; an impossible status becomes 500.
fn empty(status: u16) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status).finish()
}

/// 429 from the rate limits.
fn too_many_requests(refusal: Refusal) -> HttpResponse {
    let seconds = refusal.retry_after_secs.to_string();
    let mut response = rate_limited_text(refusal.limit);
    let headers = response.headers_mut();
    for (name, value) in [
        (RETRY_AFTER, seconds.clone()),
        (
            HeaderName::from_static("ratelimit-limit"),
            refusal.limit.to_string(),
        ),
        (
            HeaderName::from_static("ratelimit-remaining"),
            "0".to_string(),
        ),
        (HeaderName::from_static("ratelimit-reset"), seconds),
        (
            HeaderName::from_static("ratelimit-policy"),
            format!("{};w=1", refusal.limit),
        ),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// 429 programmed by a test: `Retry-After` exactly as given (left out when it cannot be a
/// header value), or none.
fn programmed_too_many_requests(retry_after: Option<&str>) -> HttpResponse {
    let mut response = rate_limited_text(0);
    if let Some(value) = retry_after.and_then(|text| HeaderValue::from_str(text).ok()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

fn rate_limited_text(limit: u32) -> HttpResponse {
    let text = if limit == 0 {
        "API calls quota exceeded! Try again later.".to_string()
    } else {
        format!("API calls quota exceeded! maximum admitted {limit} per 1s.")
    };
    HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
        .content_type("text/plain; charset=utf-8")
        .body(text)
}

fn problem(status: StatusCode, kind: &str, title: &str, detail: Option<&str>) -> HttpResponse {
    let mut body = json!({
        "type": kind,
        "title": title,
        "status": status.as_u16(),
        "traceId": trace_id(),
    });
    if let (Some(detail), Value::Object(fields)) = (detail, &mut body) {
        fields.insert("detail".to_string(), Value::from(detail));
    }
    problem_response(status, &body)
}

fn problem_response(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .body(body.to_string())
}

/// A W3C trace id as ASP.NET puts in its problem answers: `00-<32 hex>-<16 hex>-00`.
fn trace_id() -> String {
    let bytes: [u8; 24] = rand::random();
    format!(
        "00-{}-{}-00",
        hex::encode(&bytes[..16]),
        hex::encode(&bytes[16..])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_statuses_become_500_and_trace_ids_look_like_aspnets() {
        assert_eq!(empty(503).status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(empty(42).status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(empty(1000).status(), StatusCode::INTERNAL_SERVER_ERROR);
        let id = trace_id();
        assert_eq!(id.len(), 2 + 1 + 32 + 1 + 16 + 1 + 2);
        assert!(id.starts_with("00-") && id.ends_with("-00"));
    }

    #[test]
    fn a_retry_after_that_cannot_be_a_header_is_left_out() {
        let response = programmed_too_many_requests(Some("7\r\nX-Evil: 1"));
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(response.headers().get(RETRY_AFTER).is_none());
        let response = programmed_too_many_requests(Some("Wed, 21 Oct 2026 07:28:00 GMT"));
        assert_eq!(
            response.headers().get(RETRY_AFTER).unwrap(),
            "Wed, 21 Oct 2026 07:28:00 GMT"
        );
    }
}
