//! Faults: answers AccuLynx gives when it is unwell, programmed per key by tests
//! ([`crate::sandbox::Sandbox::program`]) or drawn at random (`--fail-rate`).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use super::store::lock;

/// One programmed answer for a key, used by its next API request (after the key check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// An empty-bodied answer with this status, e.g. 500 or 503.
    Status(u16),
    /// 429 with this `Retry-After` header, sent verbatim, or none.
    RateLimited {
        /// The `Retry-After` value (seconds or an HTTP date), sent as given.
        retry_after: Option<String>,
    },
    /// The normal answer, after this delay.
    Delay(Duration),
    /// 401, as for a deactivated key.
    Unauthorized,
}

/// The faults waiting for each key, oldest first.
#[derive(Default)]
pub(crate) struct FaultBook {
    queues: Mutex<HashMap<String, VecDeque<Fault>>>,
}

impl FaultBook {
    /// Appends `faults` to the answers waiting for `key`.
    pub(crate) fn program(&self, key: &str, faults: impl IntoIterator<Item = Fault>) {
        let mut queues = lock(&self.queues);
        let queue = queues.entry(key.to_string()).or_default();
        queue.extend(faults);
        if queue.is_empty() {
            queues.remove(key);
        }
    }

    /// The next fault for `key`, if one is waiting; it is used up.
    pub(crate) fn next(&self, key: &str) -> Option<Fault> {
        let mut queues = lock(&self.queues);
        if queues.is_empty() {
            return None;
        }
        let queue = queues.get_mut(key)?;
        let fault = queue.pop_front();
        if queue.is_empty() {
            queues.remove(key);
        }
        fault
    }
}

/// Whether this answer is one of the `fail_rate` share that fail. Any rate is safe: at or
/// below 0 (or NaN) never, at or above 1 always.
pub(crate) fn roll_failure(fail_rate: f64) -> bool {
    fail_rate > 0.0 && rand::random::<f64>() < fail_rate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_used_in_order_per_key_then_run_out() {
        let book = FaultBook::default();
        book.program("a", [Fault::Status(503), Fault::Unauthorized]);
        book.program("a", [Fault::Delay(Duration::from_millis(5))]);
        book.program("b", []);
        assert_eq!(book.next("b"), None);
        assert_eq!(book.next("a"), Some(Fault::Status(503)));
        assert_eq!(book.next("a"), Some(Fault::Unauthorized));
        assert_eq!(book.next("a"), Some(Fault::Delay(Duration::from_millis(5))));
        assert_eq!(book.next("a"), None);
    }

    #[test]
    fn the_fail_rate_extremes_are_exact_and_odd_rates_are_safe() {
        assert!((0..1000).all(|_| roll_failure(1.0)));
        assert!((0..1000).all(|_| !roll_failure(0.0)));
        assert!((0..100).all(|_| roll_failure(7.0) && !roll_failure(-1.0)));
        assert!((0..100).all(|_| !roll_failure(f64::NAN)));
    }
}
