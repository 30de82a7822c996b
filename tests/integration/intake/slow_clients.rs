//! Slow and stalled senders: a body that does not arrive in time gets 408 and is logged as
//! refused; a body declared too large is refused before it is read; and a crowd of clients
//! that stall in their headers or their body does not keep a normal sender waiting.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use leadrelay::db::schema::refused_requests;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::fixtures::seed_world;
use crate::support::helpers::{TestApp, spawn_app, spawn_app_with, wait_until};
use crate::support::intake::{answer_of, give_key, hook_url};

/// The path and query of a webhook URL, for a request written by hand.
fn hook_path(app: &TestApp, location_id: &str) -> String {
    let url = reqwest::Url::parse(&hook_url(app, location_id)).unwrap();
    url.path().to_string()
}

/// Opens a connection and sends a request's headers declaring `length` bytes of JSON, then
/// `sent` of them.
async fn start_request(app: &TestApp, path: &str, length: usize, sent: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", app.port)).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(sent).await.unwrap();
    stream
}

/// Everything the server sends until it closes the connection or `limit` passes.
async fn read_answer(stream: &mut TcpStream, limit: Duration) -> String {
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(limit, async {
        let mut buffer = [0_u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buffer[..n]);
                    if String::from_utf8_lossy(&answer).contains("\"message\"") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_body_that_stalls_gets_408_and_is_logged_as_refused() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let path = hook_path(&app, &world.a.location_id);
    let started = Instant::now();
    let mut stream = start_request(&app, &path, 200, br#"{"firstName": "#).await;
    let answer = read_answer(&mut stream, Duration::from_secs(30)).await;
    let waited = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("within 10 seconds"), "{answer}");
    assert!(
        waited >= Duration::from_secs(9),
        "the sender had its 10 seconds: {waited:?}"
    );
    let location_id = world.a.location_id.clone();
    let reasons = || {
        refused_requests::table
            .filter(refused_requests::location_id.eq(&location_id))
            .select((refused_requests::http_status, refused_requests::reason))
            .load::<(i32, String)>(&mut app.conn())
            .unwrap()
    };
    wait_until("the refusal is logged", Duration::from_secs(10), || async {
        !reasons().is_empty()
    })
    .await;
    let reasons = reasons();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0].0, 408);
    assert!(reasons[0].1.contains("10 seconds"), "{reasons:?}");
}

#[tokio::test]
async fn a_body_declared_larger_than_64_kib_is_refused_before_it_is_sent() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let path = hook_path(&app, &world.a.location_id);
    // Only the headers go out: the answer must come without waiting for the body.
    let mut stream = start_request(&app, &path, 10 * 1024 * 1024, b"").await;
    let answer = read_answer(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("64 KiB"), "{answer}");
}

#[tokio::test]
async fn a_thousand_stalled_clients_do_not_keep_a_sender_waiting() {
    // Stalled requests count toward the location's intake rate like any other: raise it so
    // this measures the server, not the limiter.
    let app = spawn_app_with(|settings| settings.intake_rate = 10_000).await;
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let path = hook_path(&app, &world.a.location_id);
    let mut stalled = Vec::with_capacity(1000);
    for n in 0..1000 {
        let stream = if n % 2 == 0 {
            // Headers that never end.
            let mut stream = TcpStream::connect(("127.0.0.1", app.port)).await.unwrap();
            stream
                .write_all(format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n").as_bytes())
                .await
                .unwrap();
            stream
        } else {
            // A body that never comes.
            start_request(&app, &path, 500, b"{").await
        };
        stalled.push(stream);
    }
    // While all of them hold their connections, a real sender is answered as usual, long
    // before any of the stalled ones is given up on.
    let started = Instant::now();
    let response = app
        .client
        .post(hook_url(&app, &world.a.location_id))
        .json(&json!({"firstName": "Jane", "lastName": "Waiting", "email": "jane@example.com"}))
        .timeout(Duration::from_secs(4))
        .send()
        .await
        .expect("a normal sender is answered while 1,000 clients stall");
    let (status, body) = answer_of(response).await;
    assert_eq!(status, 202, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // The stalled ones are still connected (none was answered yet) and are then let go.
    let mut first = stalled.swap_remove(1);
    let answer = read_answer(&mut first, Duration::from_secs(30)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
