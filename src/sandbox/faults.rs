//! Faults: answers AccuLynx gives when it is unwell, programmed per key by tests
//! ([`crate::sandbox::Sandbox::program`], or per v2 step with
//! [`crate::sandbox::Sandbox::program_step`]) or drawn at random (`--fail-rate`).
//!
//! A fault programmed for a step is used before one programmed for any request of the key.

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
    /// The v2 write quota's 429: `text/plain`, `RateLimit-Policy: policy`, `RateLimit-Remaining:
    /// 0`, and `RateLimit-Reset` and `Retry-After` of `retry_after` seconds (`RateLimit-Limit`
    /// too when the sandbox has a quota for that policy).
    V2RateLimited {
        /// E.g. `company-write:hourly` or `company-write:daily`.
        policy: String,
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The request is carried out (the contact, job, reference… is stored), then answered with
    /// this status and an empty body, as when AccuLynx's answer is lost after it did the work.
    StatusAfterAction(u16),
    /// The request is carried out and stored at once, and answered only after this delay.
    DelayAfterAction(Duration),
}

/// The steps of the v2 lead flow that faults can be programmed for
/// ([`crate::sandbox::Sandbox::program_step`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum V2Step {
    /// `POST /contacts/search` and the contact reads: `GET /contacts/{id}`, its
    /// `email-addresses`, `phone-numbers` and `jobs`.
    SearchContacts,
    /// `POST /contacts`.
    CreateContact,
    /// `POST /jobs`.
    CreateJob,
    /// `GET` and `POST /jobs/external-references`.
    ExternalReference,
    /// `PUT /jobs/{id}/initial-appointment`.
    Appointment,
    /// `POST /jobs/{id}/representatives/sales-owner`.
    SalesOwner,
    /// `POST /jobs/{id}/messages`.
    Message,
    /// The lookup lists (contact types, settings lists, countries, states, users) and
    /// `GET /jobs/{id}`.
    Lookups,
}

/// The faults waiting for each key, oldest first.
#[derive(Default)]
pub(crate) struct FaultBook {
    queues: Mutex<HashMap<String, VecDeque<Fault>>>,
    steps: Mutex<HashMap<(String, V2Step), VecDeque<Fault>>>,
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

    /// Appends `faults` to the answers waiting for the requests of `step` of `key`.
    pub(crate) fn program_step(
        &self,
        key: &str,
        step: V2Step,
        faults: impl IntoIterator<Item = Fault>,
    ) {
        let mut steps = lock(&self.steps);
        let slot = (key.to_string(), step);
        let queue = steps.entry(slot.clone()).or_default();
        queue.extend(faults);
        if queue.is_empty() {
            steps.remove(&slot);
        }
    }

    /// The next fault for a request of `step` of `key`: one programmed for that step first,
    /// else one programmed for any request of the key.
    pub(crate) fn next_for(&self, key: &str, step: Option<V2Step>) -> Option<Fault> {
        if let Some(step) = step {
            let mut steps = lock(&self.steps);
            if !steps.is_empty() {
                let slot = (key.to_string(), step);
                if let Some(queue) = steps.get_mut(&slot) {
                    let fault = queue.pop_front();
                    if queue.is_empty() {
                        steps.remove(&slot);
                    }
                    if fault.is_some() {
                        return fault;
                    }
                }
            }
        }
        self.next(key)
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
    fn step_faults_come_first_and_only_for_their_step() {
        let book = FaultBook::default();
        book.program("a", [Fault::Status(500)]);
        book.program_step("a", V2Step::CreateJob, [Fault::StatusAfterAction(502)]);
        assert_eq!(book.next_for("b", Some(V2Step::CreateJob)), None);
        assert_eq!(
            book.next_for("a", Some(V2Step::CreateJob)),
            Some(Fault::StatusAfterAction(502))
        );
        assert_eq!(
            book.next_for("a", Some(V2Step::CreateJob)),
            Some(Fault::Status(500))
        );
        book.program_step("a", V2Step::Message, [Fault::Unauthorized]);
        assert_eq!(book.next_for("a", Some(V2Step::CreateJob)), None);
        assert_eq!(book.next_for("a", None), None);
        assert_eq!(
            book.next_for("a", Some(V2Step::Message)),
            Some(Fault::Unauthorized)
        );
    }

    #[test]
    fn the_fail_rate_extremes_are_exact_and_odd_rates_are_safe() {
        assert!((0..1000).all(|_| roll_failure(1.0)));
        assert!((0..1000).all(|_| !roll_failure(0.0)));
        assert!((0..100).all(|_| roll_failure(7.0) && !roll_failure(-1.0)));
        assert!((0..100).all(|_| !roll_failure(f64::NAN)));
    }
}
