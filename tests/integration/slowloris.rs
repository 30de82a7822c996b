//! Slowloris: 200 connections that send their headers one byte at a time do not keep a normal
//! sender waiting, and each is closed once `client_request_timeout` (5 s) has passed.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::fixtures::seed_world;
use crate::support::helpers::spawn_app;
use crate::support::intake::hook_url;

const CONNECTIONS: usize = 200;

/// Drips a request head byte by byte until the server answers or closes; returns how long
/// the connection lived.
async fn drip(port: u16, path: String) -> Duration {
    let start = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nX-Slow: {}",
        "a".repeat(1000)
    );
    let mut buf = [0u8; 256];
    for byte in head.as_bytes().iter().cycle() {
        if stream.write_all(&[*byte]).await.is_err() {
            break;
        }
        // Closed or answered (408) while waiting for the next byte?
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(_)) => {
                // The 408 answer; the close follows.
                let _ = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buf)).await;
                break;
            }
            Err(_) => {}
        }
        if start.elapsed() > Duration::from_secs(9) {
            break;
        }
    }
    start.elapsed()
}

#[tokio::test]
async fn slowloris_connections_do_not_block_a_sender_and_are_closed_after_the_timeout() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let url = hook_url(&app, &world.a.location_id);
    let path = reqwest::Url::parse(&url).unwrap().path().to_string();
    let slow: Vec<_> = (0..CONNECTIONS)
        .map(|_| tokio::spawn(drip(app.port, path.clone())))
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let started = Instant::now();
    let response = app
        .client
        .post(&url)
        .json(&json!({"firstName": "Not kept waiting"}))
        .timeout(Duration::from_secs(3))
        .send()
        .await
        .unwrap();
    let normal = started.elapsed();
    assert_eq!(response.status(), 202);
    assert!(
        normal < Duration::from_secs(1),
        "a normal request took {normal:?}"
    );

    let mut lived = Vec::new();
    for task in slow {
        lived.push(task.await.unwrap());
    }
    lived.sort();
    let (first, last) = (lived[0], lived[lived.len() - 1]);
    println!(
        "slowloris: {CONNECTIONS} connections; normal request {normal:?}; slow ones closed \
         after {first:?} to {last:?}"
    );
    assert!(
        first >= Duration::from_secs(4),
        "closed too early: {first:?}"
    );
    assert!(last <= Duration::from_secs(8), "still open after {last:?}");
}
