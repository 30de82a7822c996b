//! A TCP proxy in front of the AccuLynx sandbox that misbehaves like a bad network: of the
//! connections it accepts, some are reset at once, some take the request and close without
//! answering (the request never reaches the sandbox), and the rest are passed through but cut
//! after a short, random lifetime (an answer may be lost after the sandbox stored the lead).
//! Decisions come from a seeded generator, so a run can be repeated.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};

/// What the proxy did, counted.
#[derive(Debug, Default)]
pub struct ProxyCounts {
    /// Connections reset at once.
    pub reset: AtomicUsize,
    /// Connections that got no answer.
    pub unanswered: AtomicUsize,
    /// Connections passed through.
    pub passed: AtomicUsize,
}

/// The running proxy.
pub struct FaultProxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// What it did.
    pub counts: Arc<ProxyCounts>,
}

/// A tiny deterministic generator (xorshift), enough to spread faults.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 10_000) as f64 / 10_000.0
    }
}

impl FaultProxy {
    /// Proxies to `upstream` (`host:port`): `reset` and `unanswered` are the fractions of
    /// connections treated so; passed connections live 20–220 ms.
    pub async fn start(upstream: String, reset: f64, unanswered: f64, seed: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let counts = Arc::new(ProxyCounts::default());
        let kept = counts.clone();
        tokio::spawn(async move {
            let mut draw = Draw(seed.max(1));
            while let Ok((mut client, _)) = listener.accept().await {
                let roll = draw.next();
                let lifetime = Duration::from_millis(20 + (draw.next() * 200.0) as u64);
                let counts = kept.clone();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    if roll < reset {
                        counts.reset.fetch_add(1, Ordering::Relaxed);
                        let _ = client.set_zero_linger();
                        drop(client);
                    } else if roll < reset + unanswered {
                        counts.unanswered.fetch_add(1, Ordering::Relaxed);
                        let mut buffer = [0u8; 1024];
                        let _ = tokio::time::timeout(
                            Duration::from_millis(200),
                            client.read(&mut buffer),
                        )
                        .await;
                        drop(client);
                    } else {
                        counts.passed.fetch_add(1, Ordering::Relaxed);
                        let Ok(mut server) = TcpStream::connect(&upstream).await else {
                            return;
                        };
                        let _ = tokio::time::timeout(
                            lifetime,
                            tokio::io::copy_bidirectional(&mut client, &mut server),
                        )
                        .await;
                    }
                });
            }
        });
        Self { url, counts }
    }
}
