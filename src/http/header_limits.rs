//! Requests whose headers are too large get `431 Request Header Fields Too Large` before any
//! handler, body read or database work runs for them.
//!
//! actix itself answers an empty 431 (and closes) to a request with more than 96 header lines
//! or a head over 128 KiB. Below that it hands everything on; no client of this product
//! (ClientTether, a browser, a script with an API token) sends more than a few KiB, so this
//! middleware refuses a header value over 8 KiB or headers over 32 KiB in all, with a
//! sentence naming what was too large.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// At most this many bytes in one header value.
pub const MAX_HEADER_VALUE: usize = 8 * 1024;
/// At most this many bytes in all header names and values together.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// What is wrong with a request's headers, as the sentence the client gets.
pub fn oversized(headers: &HeaderMap) -> Option<String> {
    let mut total = 0usize;
    for (name, value) in headers {
        let size = value.len();
        if size > MAX_HEADER_VALUE {
            return Some(format!(
                "The {name} header is {size} bytes long; at most {MAX_HEADER_VALUE} are accepted."
            ));
        }
        total += name.as_str().len() + size;
    }
    (total > MAX_HEADER_BYTES).then(|| {
        format!("The request's headers are {total} bytes; at most {MAX_HEADER_BYTES} are accepted.")
    })
}

/// The middleware: refuses oversized headers with 431 (JSON on the webhook and the API, text
/// elsewhere), and closes the connection, since such a client is not worth keeping.
pub async fn refuse_oversized_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let Some(message) = oversized(req.headers()) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let path = req.path();
    let machine = path.starts_with("/hooks/") || path.starts_with("/api/");
    let mut answer = HttpResponse::build(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    answer.force_close();
    let answer = if machine {
        answer.json(serde_json::json!({"error": "headers_too_large", "message": message}))
    } else {
        answer
            .content_type("text/plain; charset=utf-8")
            .body(message)
    };
    Ok(req.into_response(answer).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(String, String)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::try_from(name.as_str()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn ordinary_headers_pass() {
        let map = headers(&[
            ("content-type".into(), "application/json".into()),
            ("user-agent".into(), "ClientTether".into()),
            ("cookie".into(), "x".repeat(4000)),
        ]);
        assert_eq!(oversized(&map), None);
    }

    #[test]
    fn one_long_value_is_named() {
        let map = headers(&[("x-big".into(), "a".repeat(MAX_HEADER_VALUE + 1))]);
        let message = oversized(&map).unwrap();
        assert!(message.contains("x-big header is 8193 bytes"), "{message}");
    }

    #[test]
    fn many_values_just_under_the_value_limit_add_up() {
        let pairs: Vec<_> = (0..5)
            .map(|n| (format!("x-h{n}"), "a".repeat(MAX_HEADER_VALUE)))
            .collect();
        let message = oversized(&headers(&pairs)).unwrap();
        assert!(message.contains("headers are"), "{message}");
    }
}
