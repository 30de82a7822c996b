//! Per-IP throttling of the login form (SPEC §3), with governor's keyed limiter.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Limits sign-in attempts per client IP.
pub struct LoginThrottle {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginThrottle {
    /// Allows `per_minute` attempts per IP per minute (as a burst, then refilled evenly).
    pub fn new(per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }

    /// `Ok` to go ahead, or how long this IP must wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ip_is_held_back_after_its_quota_and_others_are_not() {
        let throttle = LoginThrottle::new(3);
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..3 {
            assert!(throttle.check(ip).is_ok());
        }
        let wait = throttle.check(ip).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(throttle.check("203.0.113.8".parse().unwrap()).is_ok());
    }
}
