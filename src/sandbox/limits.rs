//! AccuLynx's rate limits, as its documentation states them: at most 10 requests per API key
//! and 30 per client IP within any second; a client IP that goes over is refused ("banned")
//! for about 30 s.
//!
//! Each limit is a sliding window over the last 1000 ms, and refused requests count too, so a
//! client that retries too fast stays refused. Only the newest `limit + 1` arrivals of each
//! window are kept (that is all the decision needs), so memory and time per request are
//! bounded whatever the traffic; idle windows are swept out now and then.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::store::lock;

const WINDOW: Duration = Duration::from_secs(1);

/// Checks between two sweeps of idle windows.
const SWEEP_EVERY: u32 = 4096;

/// Why a request was refused with 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The limit that was exceeded, per second.
    pub limit: u32,
    /// Whole seconds (at least 1) before a request can succeed.
    pub retry_after_secs: u64,
}

/// The per-key and per-IP windows of one sandbox.
pub(crate) struct RateLimiter {
    per_key: u32,
    per_ip: u32,
    ban: Duration,
    windows: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    keys: HashMap<Arc<str>, Arrivals>,
    ips: HashMap<IpAddr, IpWindow>,
    checks: u32,
}

#[derive(Default)]
struct IpWindow {
    arrivals: Arrivals,
    banned_until: Option<Instant>,
}

/// The newest arrivals of one window, oldest first.
#[derive(Default)]
struct Arrivals(VecDeque<Instant>);

impl Arrivals {
    /// Records an arrival at `now` and tells whether, counting it, more than `limit`
    /// arrivals fall within the last second.
    fn push_and_exceeds(&mut self, now: Instant, limit: u32) -> bool {
        let keep = limit as usize + 1;
        self.0.push_back(now);
        while self.0.len() > keep {
            self.0.pop_front();
        }
        self.0.len() == keep
            && self
                .0
                .front()
                .is_some_and(|oldest| now.saturating_duration_since(*oldest) < WINDOW)
    }

    /// Seconds until a new request would fit: when the newest `limit` arrivals but one have
    /// left the window.
    fn retry_after_secs(&self, now: Instant) -> u64 {
        let wait = self.0.get(1).map_or(Duration::ZERO, |second| {
            (*second + WINDOW).saturating_duration_since(now)
        });
        whole_seconds(wait)
    }

    fn idle(&self, now: Instant) -> bool {
        self.0
            .back()
            .is_none_or(|newest| now.saturating_duration_since(*newest) >= WINDOW)
    }
}

impl RateLimiter {
    /// A limiter allowing `per_key` and `per_ip` requests per second, banning an IP that
    /// goes over for `ban`.
    pub(crate) fn new(per_key: u32, per_ip: u32, ban: Duration) -> Self {
        Self {
            per_key,
            per_ip,
            ban,
            windows: Mutex::new(Windows::default()),
        }
    }

    /// Counts a request from `ip` arriving at `now`; refuses it while the IP is banned, and
    /// bans the IP when it goes over its limit.
    pub(crate) fn check_ip(&self, ip: IpAddr, now: Instant) -> Result<(), Refusal> {
        let mut windows = lock(&self.windows);
        windows.sweep_now_and_then(now);
        let window = windows.ips.entry(ip).or_default();
        let exceeds = window.arrivals.push_and_exceeds(now, self.per_ip);
        if let Some(until) = window.banned_until {
            if until > now {
                return Err(Refusal {
                    limit: self.per_ip,
                    retry_after_secs: whole_seconds(until - now),
                });
            }
            window.banned_until = None;
        }
        if exceeds {
            window.banned_until = Some(now + self.ban);
            tracing::info!(
                %ip,
                limit = self.per_ip,
                ban_secs = self.ban.as_secs_f64(),
                "client IP went over the per-IP rate limit and is refused for the ban period"
            );
            return Err(Refusal {
                limit: self.per_ip,
                retry_after_secs: whole_seconds(self.ban),
            });
        }
        Ok(())
    }

    /// Counts a request with `key` arriving at `now`; refuses it when, counting it, the key
    /// went over its limit within the last second.
    pub(crate) fn check_key(&self, key: &Arc<str>, now: Instant) -> Result<(), Refusal> {
        let mut windows = lock(&self.windows);
        windows.sweep_now_and_then(now);
        let arrivals = match windows.keys.get_mut(key) {
            Some(arrivals) => arrivals,
            None => windows.keys.entry(key.clone()).or_default(),
        };
        if arrivals.push_and_exceeds(now, self.per_key) {
            return Err(Refusal {
                limit: self.per_key,
                retry_after_secs: arrivals.retry_after_secs(now),
            });
        }
        Ok(())
    }
}

impl Windows {
    fn sweep_now_and_then(&mut self, now: Instant) {
        self.checks = self.checks.wrapping_add(1);
        if !self.checks.is_multiple_of(SWEEP_EVERY) {
            return;
        }
        self.keys.retain(|_, arrivals| !arrivals.idle(now));
        self.ips.retain(|_, window| {
            !window.arrivals.idle(now) || window.banned_until.is_some_and(|until| until > now)
        });
    }
}

/// Rounded up to whole seconds, at least 1 (a `Retry-After` of 0 would invite a retry storm).
fn whole_seconds(duration: Duration) -> u64 {
    let secs = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn a_key_may_send_its_limit_within_any_second_and_no_more() {
        let limiter = RateLimiter::new(10, 1000, Duration::from_secs(30));
        let key: Arc<str> = Arc::from("k");
        let start = Instant::now();
        // Evenly spaced at exactly the limit: never refused.
        for i in 0..50u32 {
            assert!(limiter.check_key(&key, start + i * 100 * MS).is_ok(), "{i}");
        }
        // An 11th within one second is refused, and so is a retry 10 ms later.
        let later = start + 10 * WINDOW;
        for i in 0..10u32 {
            assert!(limiter.check_key(&key, later + i * MS).is_ok());
        }
        let refusal = limiter.check_key(&key, later + 10 * MS).unwrap_err();
        assert_eq!(refusal.limit, 10);
        assert_eq!(refusal.retry_after_secs, 1);
        assert!(limiter.check_key(&key, later + 20 * MS).is_err());
        // Refused requests count too: ten refused at +500 ms keep the key refused at
        // +1100 ms, when the accepted ones have left the window.
        for i in 0..10u32 {
            assert!(limiter.check_key(&key, later + (500 + i) * MS).is_err());
        }
        assert!(limiter.check_key(&key, later + 1100 * MS).is_err());
        assert!(limiter.check_key(&key, later + 2600 * MS).is_ok());
        // Other keys have windows of their own.
        assert!(limiter.check_key(&Arc::from("other"), later).is_ok());
    }

    #[test]
    fn an_ip_over_its_limit_is_banned_and_the_retry_after_counts_down() {
        let limiter = RateLimiter::new(1000, 30, Duration::from_secs(30));
        let start = Instant::now();
        for i in 0..30u32 {
            assert!(limiter.check_ip(ip(1), start + i * MS).is_ok());
        }
        let refusal = limiter.check_ip(ip(1), start + 30 * MS).unwrap_err();
        assert_eq!((refusal.limit, refusal.retry_after_secs), (30, 30));
        // A well-behaved request during the ban is still refused, with the time left.
        let during = limiter
            .check_ip(ip(1), start + 30 * MS + Duration::from_millis(12_500))
            .unwrap_err();
        assert_eq!(during.retry_after_secs, 18);
        assert!(limiter.check_ip(ip(2), start + 31 * MS).is_ok());
        // After the ban, quiet clients are served again.
        assert!(
            limiter
                .check_ip(ip(1), start + 31 * MS + Duration::from_secs(30))
                .is_ok()
        );
    }

    #[test]
    fn whole_seconds_round_up_and_never_say_zero() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(2001)), 3);
        assert_eq!(whole_seconds(Duration::from_secs(30)), 30);
    }

    #[test]
    fn idle_windows_are_swept() {
        let limiter = RateLimiter::new(10, 30, Duration::from_secs(1));
        let start = Instant::now();
        for i in 0..SWEEP_EVERY {
            let key: Arc<str> = Arc::from(format!("k{i}").as_str());
            let _ = limiter.check_key(&key, start);
        }
        let later = start + 2 * WINDOW;
        for _ in 0..SWEEP_EVERY {
            let _ = limiter.check_key(&Arc::from("live"), later);
        }
        assert!(lock(&limiter.windows).keys.len() <= 2);
    }
}
