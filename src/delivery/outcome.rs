//! What a delivery attempt (or its absence) does to a lead: held when its location cannot
//! send it, the result of an answer per SPEC §7 (`classify` + the retry schedule), and the
//! attempt row the timeline shows.

use crate::acculynx::classify::Verdict;
use crate::crypto::secret_box::{AccuLynxKey, SecretBox};
use crate::delivery::queries::DeliveryLocation;
use crate::delivery::schedule::{Next, RetrySchedule};
use crate::delivery::send::Attempt;
use crate::domain::hold::HoldReason;
use crate::leads::model::{ClaimedLead, LeadUpdate, NewAttempt};
use crate::leads::status::{AttemptOutcome, LeadStatus};
use crate::tenants::model::{KeyStatus, LocationStatus};
use crate::tenants::secrets::open_location_key;

/// Why a claimed lead is not sent.
pub enum Hold {
    /// Kept until the location is fixed.
    Hold(String),
    /// Never to be sent.
    Fail(String),
}

/// The location's key, or why its lead is held (or failed) instead of sent.
pub fn usable_key(
    secret_box: &SecretBox,
    location: &DeliveryLocation,
) -> Result<AccuLynxKey, Hold> {
    match LocationStatus::parse(&location.status) {
        LocationStatus::Paused => return Err(Hold::Hold(HoldReason::Paused.sentence().into())),
        LocationStatus::Deleted => {
            return Err(Hold::Fail(
                "The location was deleted before this lead could be sent.".into(),
            ));
        }
        LocationStatus::Active => {}
    }
    if KeyStatus::parse(&location.key_status) == KeyStatus::Rejected {
        return Err(Hold::Hold(HoldReason::KeyRejected.sentence().into()));
    }
    let Some(sealed) = &location.acculynx_key else {
        return Err(Hold::Hold(HoldReason::NoKey.sentence().into()));
    };
    open_location_key(secret_box, &location.id, sealed).map_err(|err| {
        Hold::Hold(format!(
            "The saved AccuLynx key cannot be used ({err}); save the key again."
        ))
    })
}

/// The update that holds a lead without an attempt, saying why.
pub fn held(lead: &ClaimedLead, reason: String) -> LeadUpdate {
    LeadUpdate {
        status: LeadStatus::Held,
        retry_step: lead.retry_step,
        next_attempt_at: None,
        last_http_status: None,
        last_error: Some(reason),
        counts_attempt: false,
    }
}

/// The update that fails a lead for good.
pub fn failed(
    lead: &ClaimedLead,
    reason: String,
    counts_attempt: bool,
    http: Option<u16>,
) -> LeadUpdate {
    LeadUpdate {
        status: LeadStatus::Failed,
        retry_step: lead.retry_step,
        next_attempt_at: None,
        last_http_status: http.map(i32::from),
        last_error: Some(reason),
        counts_attempt,
    }
}

/// The lead's new state after an attempt (SPEC §7).
pub fn decide(schedule: &RetrySchedule, lead: &ClaimedLead, attempt: &Attempt) -> LeadUpdate {
    let http = attempt.http_status;
    let now = crate::db::now();
    let retry = |at, steps: i32, reason: &str| LeadUpdate {
        status: LeadStatus::Retrying,
        retry_step: steps,
        next_attempt_at: Some(at),
        last_http_status: http.map(i32::from),
        last_error: Some(reason.to_string()),
        counts_attempt: true,
    };
    match &attempt.verdict {
        Verdict::Delivered => LeadUpdate {
            status: LeadStatus::Delivered,
            retry_step: lead.retry_step,
            next_attempt_at: None,
            last_http_status: http.map(i32::from),
            last_error: None,
            counts_attempt: true,
        },
        Verdict::Failed(reason) => failed(lead, reason.clone(), true, http),
        Verdict::KeyRejected(reason) => LeadUpdate {
            counts_attempt: true,
            last_http_status: http.map(i32::from),
            ..held(lead, reason.clone())
        },
        Verdict::RateLimited(wait, reason) => {
            match schedule.after_rate_limit(
                *wait,
                lead.retry_step,
                lead.queued_at.unwrap_or(lead.received_at),
                now,
            ) {
                Next::RetryAt(at, steps) => retry(at, steps, reason),
                Next::GiveUp => failed(
                    lead,
                    "AccuLynx kept asking us to slow down until the retry schedule ran out.".into(),
                    true,
                    http,
                ),
            }
        }
        Verdict::Transient(reason) => match schedule.after_fault(lead.retry_step, now) {
            Next::RetryAt(at, steps) => retry(at, steps, reason),
            Next::GiveUp => failed(
                lead,
                format!("{reason} Gave up after {} attempts.", lead.attempts + 1),
                true,
                http,
            ),
        },
    }
}

/// The outcome an attempt row records: its new status, or rate-limited for a 429 to retry.
pub fn outcome_of(attempt: &Attempt, update: &LeadUpdate) -> AttemptOutcome {
    match (&attempt.verdict, update.status) {
        (Verdict::RateLimited(..), LeadStatus::Retrying) => AttemptOutcome::RateLimited,
        (_, status) => AttemptOutcome::of_status(status),
    }
}

/// The row the lead's timeline shows for an attempt.
pub fn attempt_row(
    lead: &ClaimedLead,
    attempt: &Attempt,
    update: &LeadUpdate,
    outcome: AttemptOutcome,
    body: String,
) -> NewAttempt {
    let summary = match &attempt.verdict {
        Verdict::Delivered => format!(
            "AccuLynx accepted the lead ({}).",
            attempt.http_status.unwrap_or(202)
        ),
        _ => update.last_error.clone().unwrap_or_default(),
    };
    NewAttempt {
        lead_id: lead.id.clone(),
        number: lead.attempts + 1,
        started_at: attempt.started_at,
        duration_ms: attempt.duration_ms,
        request_body: Some(body),
        http_status: attempt.http_status.map(i32::from),
        response_headers: attempt.response_headers.clone(),
        response_body: attempt.response_body.clone(),
        error: attempt.error.clone(),
        outcome,
        summary,
        request: Some(format!("POST {}", crate::delivery::send::LEADS_PATH)),
    }
}
