//! The per-company write quotas of v2 (reference §1.3): an hourly and a daily sliding window
//! per key, counting every write that got past the other limits. Over quota is a text/plain
//! 429 naming the window (`RateLimit-Policy: company-write:hourly|daily`); `Retry-After` is
//! when the oldest entry of that window expires.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::sandbox::store::lock;

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);

/// One window's state, as told in the `RateLimit-*` headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QuotaState {
    /// `company-write:hourly` or `company-write:daily`.
    pub policy: &'static str,
    /// The most writes the window allows.
    pub limit: u32,
    /// Writes left in it.
    pub remaining: u32,
    /// Whole seconds until its oldest entry expires.
    pub reset_secs: u64,
}

/// The hourly and daily windows of every key.
pub(crate) struct WriteQuota {
    hourly: Option<u32>,
    daily: Option<u32>,
    writes: Mutex<HashMap<Arc<str>, VecDeque<Instant>>>,
}

impl WriteQuota {
    /// Quotas per key; `None` is unlimited.
    pub(crate) fn new(hourly: Option<u32>, daily: Option<u32>) -> Self {
        Self {
            hourly,
            daily,
            writes: Mutex::new(HashMap::new()),
        }
    }

    /// The limit of a policy, if that window is set.
    pub(crate) fn limit_of(&self, policy: &str) -> Option<u32> {
        if policy.contains("daily") {
            self.daily
        } else if policy.contains("hourly") {
            self.hourly
        } else {
            None
        }
    }

    /// Counts a write of `key` at `now`. `Ok` carries the tighter window after it (none
    /// when no quota is set); `Err` is the exceeded window, and the write is not counted.
    pub(crate) fn check(
        &self,
        key: &Arc<str>,
        now: Instant,
    ) -> Result<Option<QuotaState>, QuotaState> {
        if self.hourly.is_none() && self.daily.is_none() {
            return Ok(None);
        }
        let mut writes = lock(&self.writes);
        let entries = writes.entry(key.clone()).or_default();
        let span = if self.daily.is_some() { DAY } else { HOUR };
        while entries
            .front()
            .is_some_and(|oldest| now.saturating_duration_since(*oldest) >= span)
        {
            entries.pop_front();
        }
        // The daily window first: it is the longer wait, so the one worth naming.
        let windows = [
            (self.daily, DAY, "company-write:daily"),
            (self.hourly, HOUR, "company-write:hourly"),
        ];
        for (limit, length, policy) in windows {
            if let Some(limit) = limit {
                let state = window(entries, now, length, policy, limit);
                if state.remaining == 0 {
                    return Err(state);
                }
            }
        }
        entries.push_back(now);
        let after = windows
            .iter()
            .filter_map(|(limit, length, policy)| {
                limit.map(|limit| window(entries, now, *length, policy, limit))
            })
            .min_by_key(|state| state.remaining);
        Ok(after)
    }
}

/// The state of one window over `entries` (oldest first).
fn window(
    entries: &VecDeque<Instant>,
    now: Instant,
    length: Duration,
    policy: &'static str,
    limit: u32,
) -> QuotaState {
    let inside: Vec<&Instant> = entries
        .iter()
        .filter(|at| now.saturating_duration_since(**at) < length)
        .collect();
    let used = u32::try_from(inside.len()).unwrap_or(u32::MAX);
    let reset = inside.first().map_or(Duration::ZERO, |oldest| {
        (**oldest + length).saturating_duration_since(now)
    });
    QuotaState {
        policy,
        limit,
        remaining: limit.saturating_sub(used),
        reset_secs: reset.as_secs() + u64::from(reset.subsec_nanos() > 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daily_window_refuses_once_used_up_and_tells_when_it_frees() {
        let quota = WriteQuota::new(Some(10), Some(2));
        let key: Arc<str> = Arc::from("k");
        let start = Instant::now();
        let first = quota.check(&key, start).unwrap().unwrap();
        assert_eq!((first.policy, first.remaining), ("company-write:daily", 1));
        let second = quota
            .check(&key, start + Duration::from_secs(10))
            .unwrap()
            .unwrap();
        assert_eq!(second.remaining, 0);
        let refused = quota
            .check(&key, start + Duration::from_secs(20))
            .unwrap_err();
        assert_eq!(refused.policy, "company-write:daily");
        assert_eq!(refused.reset_secs, 24 * 3600 - 20);
        // Another key has its own windows.
        assert!(quota.check(&Arc::from("other"), start).is_ok());
        // A day after the first write, one slot is free again.
        assert!(quota.check(&key, start + DAY).is_ok());
    }

    #[test]
    fn the_hourly_window_alone_and_no_quota_at_all() {
        let quota = WriteQuota::new(Some(1), None);
        let key: Arc<str> = Arc::from("k");
        let start = Instant::now();
        assert!(quota.check(&key, start).is_ok());
        let refused = quota.check(&key, start).unwrap_err();
        assert_eq!(refused.policy, "company-write:hourly");
        assert_eq!(refused.reset_secs, 3600);
        assert!(quota.check(&key, start + HOUR).is_ok());
        let unlimited = WriteQuota::new(None, None);
        assert_eq!(unlimited.check(&key, start), Ok(None));
    }
}
