//! Hostile bodies and headers on the webhook: each gets a precise 4xx with a message (never a
//! 500, a crash or a hang), nothing is stored for them, and the server keeps accepting leads.
//! Oversized headers get 431 before any handler runs, on the webhook, the API and the portal
//! alike: with a sentence naming the header (one of 64 KiB, or 40 KiB in all), or, from actix
//! itself, empty (500 header lines).

use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::fixtures::seed_world;
use crate::support::helpers::{TestApp, spawn_app};
use crate::support::intake::{answer_of, hook_url, lead_count};

/// A normal lead still gets 202 after the hostile request.
async fn still_accepts(app: &TestApp, url: &str) {
    let response = app
        .client
        .post(url)
        .json(&json!({"firstName": uuid::Uuid::new_v4().to_string()}))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
}

async fn post_json(app: &TestApp, url: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
    let response = app
        .client
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .timeout(Duration::from_secs(8))
        .send()
        .await
        .unwrap();
    answer_of(response).await
}

#[tokio::test]
async fn hostile_json_bodies_get_400_or_413_with_a_message() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let deep_small = "[".repeat(60_000).into_bytes();
    let deep_objects = "{\"a\":".repeat(12_000).into_bytes();
    let deep_large = "[".repeat(100_000).into_bytes();
    let wide: String = (0..5_000)
        .map(|n| format!("\"k{n}\":1"))
        .collect::<Vec<_>>()
        .join(",");
    let wide_large: String = (0..100_000)
        .map(|n| format!("\"k{n}\":1"))
        .collect::<Vec<_>>()
        .join(",");
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("60,000 [", deep_small, 400),
        ("12,000 nested objects", deep_objects, 400),
        ("100,000 [", deep_large, 413),
        (
            "100,000 keys",
            format!("{{{wide_large}}}").into_bytes(),
            413,
        ),
        (
            "invalid UTF-8",
            b"{\"firstName\": \"\xff\xfe\"}".to_vec(),
            400,
        ),
    ];
    for (name, body, expected) in cases {
        let (status, answer) = post_json(&app, &url, body).await;
        assert_eq!(status, expected, "{name}: {answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{name}"
        );
        still_accepts(&app, &url).await;
    }
    // 5,000 keys fit under the limit: not a lead without a first name, but not a crash.
    let (status, answer) = post_json(&app, &url, format!("{{{wide}}}").into_bytes()).await;
    assert!(
        (200..500).contains(&status),
        "5,000 keys: {status} {answer}"
    );
    still_accepts(&app, &url).await;
}

#[tokio::test]
async fn hostile_multipart_with_thousands_of_parts_is_refused_or_read_without_a_500() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let mut body = String::new();
    for n in 0..3_000 {
        body.push_str(&format!(
            "--XX\r\nContent-Disposition: form-data; name=\"f{n}\"\r\n\r\nv\r\n"
        ));
    }
    body.push_str("--XX--\r\n");
    let response = app
        .client
        .post(&url)
        .header("content-type", "multipart/form-data; boundary=XX")
        .body(body)
        .timeout(Duration::from_secs(8))
        .send()
        .await
        .unwrap();
    let (status, answer) = answer_of(response).await;
    assert!((400..500).contains(&status), "{status} {answer}");
    still_accepts(&app, &url).await;
}

/// Writes `request` on a fresh connection and returns the status line of the answer.
/// The start of the answer to a raw request (status line, headers, some body).
async fn raw_answer(app: &TestApp, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", app.port)).await.unwrap();
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(8);
    let mut buf = vec![0u8; 4096];
    while answer.len() < 4096 {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    assert!(!answer.is_empty(), "no answer in time");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn oversized_headers_get_431_before_any_handler_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let path = reqwest::Url::parse(&url).unwrap().path().to_string();
    let huge = |path: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nContent-Length: 2\r\n\r\n{{}}",
            "a".repeat(64 * 1024)
        )
    };
    let lines = |path: &str, count: usize, size: usize| {
        let lines: String = (0..count)
            .map(|n| format!("X-H{n}: {}\r\n", "v".repeat(size)))
            .collect();
        format!("POST {path} HTTP/1.1\r\nHost: x\r\n{lines}Content-Length: 2\r\n\r\n{{}}")
    };
    for (request, says) in [
        (huge(&path), "x-big header is 65536 bytes"),
        (lines(&path, 5, 8000), "headers are 40"),
        (lines(&path, 500, 1), ""),
        (huge("/api/v1/leads"), "\"error\":\"headers_too_large\""),
        (lines("/login", 5, 8000), "at most 32768 are accepted"),
        (lines("/login", 500, 1), ""),
    ] {
        let answer = raw_answer(&app, request.as_bytes()).await;
        let status = answer.lines().next().unwrap_or("");
        assert!(status.contains(" 431 "), "{status}");
        assert!(answer.contains(says), "{answer}");
        still_accepts(&app, &url).await;
    }
    assert_eq!(lead_count(&app), 6, "only the six normal leads are stored");
}

#[tokio::test]
async fn hostile_endless_chunked_body_is_cut_off_at_the_limit() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let path = reqwest::Url::parse(&url).unwrap().path().to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", app.port)).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("1000\r\n{}\r\n", "[".repeat(0x1000));
    let mut answer = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(8);
    // Keep sending until the server answers or closes: at most the limit is read.
    let mut sent = 0usize;
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no answer after {sent} bytes"
        );
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
        sent += 0x1000;
        let mut buf = [0u8; 1024];
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await
        {
            answer.extend_from_slice(&buf[..n]);
            break;
        }
    }
    if answer.is_empty() {
        let mut buf = [0u8; 1024];
        if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf)).await
        {
            answer.extend_from_slice(&buf[..n]);
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 413"),
        "{text}"
    );
    assert!(sent < 1024 * 1024, "read {sent} bytes");
    still_accepts(&app, &url).await;
    assert_eq!(lead_count(&app), 1);
}

#[tokio::test]
async fn hostile_requests_on_the_api_get_a_4xx_and_the_api_keeps_serving() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let (_, token) = crate::api::seed_token(&app, &world.a.id, "resend");
    let client = reqwest::Client::new();
    let leads = app.url("/api/v1/leads");
    let send = |request: reqwest::RequestBuilder| async move {
        let response = request
            .timeout(Duration::from_secs(8))
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    };
    // A 64 KiB bearer token, a cursor of invalid UTF-8, 100,000 `[`
    // posted to resend, a filter 16 KiB long.
    let huge = format!("lr_{}", "a".repeat(64 * 1024));
    let cases = vec![
        (
            "64 KiB token (431: headers too large)",
            431,
            client.get(&leads).bearer_auth(&huge),
        ),
        (
            "invalid UTF-8 cursor",
            400,
            client
                .get(format!("{leads}?cursor=%FF%FE"))
                .bearer_auth(&token),
        ),
        (
            "100,000 [ to resend",
            400,
            client
                .post(app.url("/api/v1/leads/nope/resend"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body("[".repeat(100_000)),
        ),
        (
            "16 KiB filter (matches nothing)",
            200,
            client
                .get(format!("{leads}?q={}", "x".repeat(16 * 1024)))
                .bearer_auth(&token),
        ),
    ];
    for (name, expected, request) in cases {
        let status = send(request).await;
        assert_eq!(status, expected, "{name}");
        assert_eq!(
            send(client.get(&leads).bearer_auth(&token)).await,
            200,
            "{name}"
        );
    }
}
