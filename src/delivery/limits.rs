//! AccuLynx's rate limits (SPEC §7), with governor's GCRA limiters.
//!
//! AccuLynx counts requests in any sliding 1-second window: 10 per key and 30 per egress IP.
//! A token bucket with a burst lets burst + refill exceed that in one second, so each limiter
//! has a burst of 1 and spaces requests evenly, 5% slower than the limit so that network
//! jitter cannot squeeze two requests closer than AccuLynx allows.
//!
//! A send needs a slot of its key and a global slot at the same instant: the key slot is
//! taken first, and if no global slot is free right then it is given up (not used) and both
//! are tried again after the global wait. So every request that leaves is spaced correctly
//! from the previous one of its key and from the previous one overall.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Keeps deliveries within AccuLynx's limits and honours 429 pauses.
pub struct DeliveryLimits {
    /// Waiters of one key queue here first, so they are served in order (a claimed lead
    /// must not starve past its lease while later ones go ahead).
    queues: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    per_key: DefaultKeyedRateLimiter<String>,
    global: DefaultDirectRateLimiter,
    paused: Mutex<HashMap<String, Instant>>,
    clock: DefaultClock,
}

/// Evenly spaced requests, `per_second` at most, with a 5% margin.
fn spaced(per_second: u32) -> Quota {
    let per_second = per_second.max(1);
    let period = Duration::from_secs_f64(1.05 / f64::from(per_second));
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::MIN)
}

impl DeliveryLimits {
    /// Limits of `per_key` requests per second per key and `global` in all.
    pub fn new(per_key: u32, global: u32) -> Self {
        Self {
            queues: Mutex::new(HashMap::new()),
            per_key: RateLimiter::keyed(spaced(per_key)),
            global: RateLimiter::direct(spaced(global)),
            paused: Mutex::new(HashMap::new()),
            clock: DefaultClock::default(),
        }
    }

    /// Waits until a request with this key may be sent now, and tells whether it had to
    /// wait (behind another send of the key, for a slot, or for a 429 pause to end).
    /// `key_id` identifies the key (a hash of it, never the key).
    pub async fn acquire(&self, key_id: &str) -> bool {
        let key = key_id.to_string();
        let queue = self
            .queues
            .lock()
            .map(|mut queues| queues.entry(key.clone()).or_default().clone())
            .unwrap_or_default();
        let mut waited = false;
        let _turn = match queue.try_lock() {
            Ok(turn) => turn,
            Err(_) => {
                waited = true;
                queue.lock().await
            }
        };
        loop {
            if let Some(until) = self.paused_until(key_id) {
                waited = true;
                tokio::time::sleep_until(until.into()).await;
            }
            // A ready key takes its slot here, as `until_key_ready` would.
            if self.per_key.check_key(&key).is_err() {
                waited = true;
                self.per_key.until_key_ready(&key).await;
            }
            match self.global.check() {
                Ok(()) => return waited,
                Err(not_until) => {
                    waited = true;
                    tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await;
                }
            }
        }
    }

    /// The longest a claimed lead may wait for its turn: `waiting` leads of one key.
    pub fn worst_wait(&self, waiting: usize, per_key: u32, global: u32) -> Duration {
        let slowest = per_key.min(global).max(1);
        Duration::from_secs_f64(1.05 * waiting as f64 / f64::from(slowest))
    }

    /// No request with this key until `until` (AccuLynx answered 429).
    pub fn pause(&self, key_id: &str, until: Instant) {
        if let Ok(mut paused) = self.paused.lock() {
            let entry = paused.entry(key_id.to_string()).or_insert(until);
            *entry = (*entry).max(until);
        }
    }

    /// When a paused key may be used again (`None`: not paused).
    pub fn paused_until(&self, key_id: &str) -> Option<Instant> {
        let mut paused = self.paused.lock().ok()?;
        let now = Instant::now();
        paused.retain(|_, until| *until > now);
        paused.get(key_id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Largest number of instants within any window of `window` (half-open).
    fn max_in_window(times: &[Instant], window: Duration) -> usize {
        let mut best = 0;
        for (i, start) in times.iter().enumerate() {
            let count = times[i..]
                .iter()
                .take_while(|t| t.duration_since(*start) < window)
                .count();
            best = best.max(count);
        }
        best
    }

    #[tokio::test]
    async fn one_key_never_exceeds_its_limit_in_any_second() {
        let limits = DeliveryLimits::new(20, 1000);
        let mut sent = Vec::new();
        for _ in 0..45 {
            limits.acquire("k").await;
            sent.push(Instant::now());
        }
        assert!(max_in_window(&sent, Duration::from_secs(1)) <= 20);
        let span = sent[44].duration_since(sent[0]);
        assert!(
            span >= Duration::from_millis(44 * 50),
            "evenly spaced: {span:?}"
        );
    }

    #[tokio::test]
    async fn keys_share_the_global_limit() {
        let limits = std::sync::Arc::new(DeliveryLimits::new(1000, 20));
        let sent = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for key in ["a", "b", "c"] {
            let (limits, sent) = (limits.clone(), sent.clone());
            tasks.push(tokio::spawn(async move {
                for _ in 0..15 {
                    limits.acquire(key).await;
                    sent.lock().unwrap().push(Instant::now());
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let mut sent = sent.lock().unwrap().clone();
        sent.sort();
        assert_eq!(sent.len(), 45);
        assert!(max_in_window(&sent, Duration::from_secs(1)) <= 20);
    }

    #[tokio::test]
    async fn acquire_tells_whether_it_waited() {
        let per_key = DeliveryLimits::new(10, 1000);
        assert!(!per_key.acquire("k").await, "the first send goes at once");
        assert!(per_key.acquire("k").await, "the next of the key waits");
        let global = DeliveryLimits::new(1000, 10);
        assert!(!global.acquire("a").await);
        assert!(
            global.acquire("b").await,
            "another key waits for a global slot"
        );
        let paused = DeliveryLimits::new(1000, 1000);
        paused.pause("p", Instant::now() + Duration::from_millis(150));
        assert!(paused.acquire("p").await, "a paused key waits");
    }

    #[tokio::test]
    async fn a_paused_key_waits_and_others_do_not() {
        let limits = DeliveryLimits::new(100, 100);
        let until = Instant::now() + Duration::from_millis(300);
        limits.pause("slow", until);
        let started = Instant::now();
        limits.acquire("other").await;
        assert!(started.elapsed() < Duration::from_millis(100));
        limits.acquire("slow").await;
        assert!(Instant::now() >= until);
        assert!(limits.paused_until("slow").is_none());
    }
}
