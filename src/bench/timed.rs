//! A load run of a fixed duration, in the manner of `wrk -d`: `senders` connections post
//! unique leads until the time is up; every request's start and latency is kept, so a long
//! run can be cut into windows.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::bench::load::{Connection, address_of};
use crate::bench::window::Sample;

/// What a timed run measured.
#[derive(Debug, Clone)]
pub struct TimedResult {
    /// Every request, in no particular order.
    pub samples: Vec<Sample>,
    /// From the first request to the last answer.
    pub elapsed: Duration,
}

impl TimedResult {
    /// Requests answered per second over the whole run.
    pub fn per_second(&self) -> f64 {
        self.samples.len() as f64 / self.elapsed.as_secs_f64().max(0.001)
    }
}

/// Sends requests from `senders` connections for `duration`; request `n` is `request(n)` and
/// must be answered `expected`. A request in flight when the time is up is still awaited.
pub async fn run_for<F>(
    url: &url::Url,
    duration: Duration,
    senders: usize,
    expected: u16,
    request: F,
) -> anyhow::Result<TimedResult>
where
    F: Fn(usize) -> Vec<u8> + Send + Sync + 'static,
{
    let address = address_of(url)?;
    let request = Arc::new(request);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let (address, next, request) = (address.clone(), next.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::open(&address).await?;
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let bytes = request(n);
                let sent = Instant::now();
                connection
                    .send_expecting(&address, &bytes, n, expected)
                    .await?;
                samples.push(Sample {
                    sent: sent - started,
                    latency: sent.elapsed(),
                });
            }
            Ok::<_, anyhow::Error>(samples)
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await??);
    }
    Ok(TimedResult {
        samples,
        elapsed: started.elapsed(),
    })
}
