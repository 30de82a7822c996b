//! One v2 request of a lead's delivery: paced by the key's rate limits when it writes, sent,
//! read ([`classify_v2`]) and kept as a row of the lead's timeline.

use std::time::Instant;

use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::acculynx::classify::{Verdict, classify_network_error, classify_v2};
use crate::crypto::secret_box::AccuLynxKey;
use crate::delivery::send::{Wire, exchange};
use crate::delivery::worker::Context;
use crate::leads::model::NewAttempt;
use crate::leads::status::AttemptOutcome;

/// Why a step did not go out while it waited for its turn.
#[derive(Debug)]
pub(super) enum Stopping {
    /// The worker was asked to stop.
    Shutdown,
    /// The lead was claimed again meanwhile: that claim carries on (see `delivery::lease`).
    LeaseLost,
}

/// A request and what it meant.
pub(super) struct Call {
    /// On the wire.
    pub wire: Wire,
    /// Its meaning.
    pub verdict: Verdict,
}

impl Call {
    /// Whether it succeeded (2xx).
    pub fn ok(&self) -> bool {
        self.verdict == Verdict::Delivered
    }

    /// The body read as `T`, when it succeeded and reads.
    pub fn json<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(self.wire.body.as_deref()?).ok()
    }
}

/// Sends a lead's v2 requests and collects its timeline rows.
pub(super) struct Caller<'a> {
    pub ctx: &'a Context,
    pub key: &'a AccuLynxKey,
    pub key_id: String,
    pub lead_id: String,
    /// The delivery attempt these rows belong to.
    pub number: i32,
    /// The rows so far, oldest first.
    pub rows: Vec<NewAttempt>,
    /// The lease this claim holds, extended while a step waits for its turn.
    pub lease_until: Option<chrono::NaiveDateTime>,
}

impl Caller<'_> {
    /// Sends one request (`write`: a rate-limited call, paced by the key's limits) and reads it.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<String>,
        what: &str,
        write: bool,
    ) -> Result<Call, Stopping> {
        if write {
            let waiting = Instant::now();
            let slot = crate::delivery::lease::acquire_keeping_lease(
                self.ctx,
                &self.lead_id,
                &mut self.lease_until,
                &self.key_id,
            )
            .await
            .map_err(|err| {
                tracing::error!(lead_id = %self.lead_id, error = %format!("{err:#}"), "could not extend a lease");
                Stopping::LeaseLost
            })?;
            let waited = match slot {
                crate::delivery::lease::Slot::Ready(waited) => waited,
                crate::delivery::lease::Slot::Stopping => return Err(Stopping::Shutdown),
                crate::delivery::lease::Slot::Lost => return Err(Stopping::LeaseLost),
            };
            if waited {
                self.ctx.deps.metrics.rate_limit_waited(waiting.elapsed());
            }
        }
        let sending = Instant::now();
        let wire = exchange(&self.ctx.deps.acculynx, method, path, self.key, body).await;
        self.ctx.deps.metrics.attempt_finished(sending.elapsed());
        let verdict = match (wire.http_status, &wire.error) {
            (Some(status), None) => classify_v2(
                status,
                wire.header("retry-after"),
                wire.header("ratelimit-reset"),
                wire.header("ratelimit-policy"),
                wire.excerpt.as_deref().unwrap_or(""),
                what,
            ),
            (_, error) => classify_network_error(wire.timed_out, error.as_deref().unwrap_or("")),
        };
        Ok(Call { wire, verdict })
    }

    /// Keeps a row for `call` with this outcome and summary; `request` is e.g. `POST /api/v2/jobs`.
    pub fn keep(
        &mut self,
        request: String,
        request_body: Option<String>,
        call: &Call,
        outcome: AttemptOutcome,
        summary: String,
    ) {
        let wire = &call.wire;
        self.rows.push(NewAttempt {
            lead_id: self.lead_id.clone(),
            number: self.number,
            started_at: wire.started_at,
            duration_ms: wire.duration_ms,
            request_body,
            http_status: wire.http_status.map(i32::from),
            response_headers: serde_json::Value::Object(wire.headers.clone()).to_string(),
            response_body: wire.excerpt.clone(),
            error: wire.error.clone(),
            outcome,
            summary,
            request: Some(request),
        });
    }

    /// Sends a request and keeps its row: a step summary when it succeeds, the verdict's
    /// sentence otherwise (its outcome settled by the caller later).
    pub async fn step(
        &mut self,
        method: Method,
        path: &str,
        body: Option<String>,
        what: &str,
        write: bool,
    ) -> Result<Call, Stopping> {
        let request = format!("{method} {}", path.split('?').next().unwrap_or(path));
        let call = self.send(method, path, body.clone(), what, write).await?;
        let summary = match &call.verdict {
            Verdict::Delivered => format!(
                "AccuLynx answered {} for {what}.",
                call.wire.http_status.unwrap_or(200)
            ),
            Verdict::Failed(reason)
            | Verdict::KeyRejected(reason)
            | Verdict::RateLimited(_, reason)
            | Verdict::Transient(reason) => reason.clone(),
        };
        let outcome = if call.ok() {
            AttemptOutcome::Step
        } else {
            AttemptOutcome::Retrying
        };
        self.keep(request, body, &call, outcome, summary);
        Ok(call)
    }

    /// Rewrites the summary of the newest row (to name the id it obtained).
    pub fn say(&mut self, summary: String) {
        if let Some(row) = self.rows.last_mut() {
            row.summary = summary;
        }
    }
}
