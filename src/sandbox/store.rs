//! What the sandbox remembers: the leads it accepted and every request to the lead endpoint,
//! in arrival order, for tests, the demo and `GET /sandbox/leads`.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// A lead the sandbox answered 202 to.
#[derive(Clone, PartialEq, Serialize)]
pub struct AcceptedLead {
    /// The API key it was sent with.
    pub key: String,
    /// When it was accepted.
    pub received_at: DateTime<Utc>,
    /// The JSON body, as sent.
    pub body: Value,
}

impl fmt::Debug for AcceptedLead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcceptedLead")
            .field("key", &"***")
            .field("received_at", &self.received_at)
            .field("body", &self.body)
            .finish()
    }
}

/// One request to `POST /api/v1/leads`, whatever its answer.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The Bearer key it carried, valid or not.
    pub key: Option<String>,
    /// When it arrived.
    pub at: Instant,
    /// The status it was answered with.
    pub status: u16,
}

impl fmt::Debug for RequestRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestRecord")
            .field("key", &self.key.as_ref().map(|_| "***"))
            .field("at", &self.at)
            .field("status", &self.status)
            .finish()
    }
}

/// A request as kept internally: keys are shared, not copied, so recording stays cheap.
struct Entry {
    key: Option<Arc<str>>,
    at: Instant,
    status: u16,
}

/// The sandbox's memory, shared by its HTTP workers.
#[derive(Default)]
pub(crate) struct Store {
    accepted: Mutex<Vec<AcceptedLead>>,
    requests: Mutex<Vec<Entry>>,
}

impl Store {
    pub(crate) fn accept(&self, lead: AcceptedLead) {
        lock(&self.accepted).push(lead);
    }

    pub(crate) fn record(&self, key: Option<Arc<str>>, at: Instant, status: u16) {
        lock(&self.requests).push(Entry { key, at, status });
    }

    pub(crate) fn accepted(&self) -> Vec<AcceptedLead> {
        lock(&self.accepted).clone()
    }

    pub(crate) fn accepted_count(&self) -> usize {
        lock(&self.accepted).len()
    }

    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.requests)
            .iter()
            .map(|entry| RequestRecord {
                key: entry.key.as_deref().map(str::to_string),
                at: entry.at,
                status: entry.status,
            })
            .collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.accepted).clear();
        lock(&self.requests).clear();
    }
}

/// Locks a mutex, carrying on after a panic elsewhere: every value kept here stays valid.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
