//! From a mapped lead to the row the intake stores: its status (SPEC §6) and the copies the
//! history searches.

use serde_json::{Map, Value};

use crate::domain::hold::HoldReason;
use crate::domain::search::searchable_copies;
use crate::intake::cache::CachedLocation;
use crate::intake::mapping::MappedLead;
use crate::leads::model::{Lead, errors_column, warnings_column};
use crate::leads::status::LeadStatus;
use crate::tenants::model::{KeyStatus, Location, LocationStatus};

/// Request headers worth keeping on the lead's timeline. Never credentials: ClientTether's
/// static authentication headers (`X-Access-Token`, `X-Web-Key`, `Authorization`…) are
/// secrets and are not stored.
const HEADERS_OF_INTEREST: &[&str] = &[
    "content-type",
    "content-length",
    "user-agent",
    "x-forwarded-for",
    "x-real-ip",
    "x-request-id",
];

/// The request facts a lead row keeps.
pub struct Received<'a> {
    /// `Content-Type`, as sent.
    pub content_type: &'a str,
    /// All request headers.
    pub headers: &'a actix_web::http::header::HeaderMap,
    /// The peer's address.
    pub peer: Option<String>,
    /// The body.
    pub body: &'a [u8],
}

/// The headers of interest as a JSON object (plus the peer address).
pub fn headers_of_interest(received: &Received<'_>) -> String {
    let mut kept = Map::new();
    for name in HEADERS_OF_INTEREST {
        if let Some(value) = received.headers.get(*name).and_then(|v| v.to_str().ok()) {
            kept.insert(
                (*name).to_string(),
                Value::String(value.chars().take(500).collect()),
            );
        }
    }
    if let Some(peer) = &received.peer {
        kept.insert("remote-address".to_string(), Value::String(peer.clone()));
    }
    Value::Object(kept).to_string()
}

/// Why a lead accepted for this location would be held, if it would.
pub fn hold_reason(location: &Location) -> Option<HoldReason> {
    if location.status() == LocationStatus::Paused {
        return Some(HoldReason::Paused);
    }
    if location.acculynx_key.is_none() {
        return Some(HoldReason::NoKey);
    }
    match location.key_status() {
        KeyStatus::Missing => Some(HoldReason::NoKey),
        KeyStatus::Rejected => Some(HoldReason::KeyRejected),
        KeyStatus::Untested | KeyStatus::Valid => None,
    }
}

/// The row for a mapped lead.
pub fn new_lead(location: &CachedLocation, received: &Received<'_>, mapped: &MappedLead) -> Lead {
    let now = crate::db::now();
    let rejected = mapped.is_rejected();
    let hold = if rejected {
        None
    } else {
        hold_reason(&location.location)
    };
    let status = match (rejected, hold) {
        (true, _) => LeadStatus::Rejected,
        (false, Some(_)) => LeadStatus::Held,
        (false, None) => LeadStatus::Queued,
    };
    let body = serde_json::to_value(&mapped.lead).unwrap_or(Value::Null);
    // The same copies an edit-and-resend writes, so search finds both alike.
    let copies = searchable_copies(&body);
    Lead {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: location.location.company_id.clone(),
        location_id: location.location.id.clone(),
        received_at: now,
        status,
        content_type: received.content_type.chars().take(200).collect(),
        request_headers: headers_of_interest(received),
        // PostgreSQL text cannot hold NUL: a raw NUL byte (possible in a form or multipart
        // body) is kept visibly as U+FFFD so the lead is stored on either backend.
        raw_body: Some(String::from_utf8_lossy(received.body).replace('\0', "\u{FFFD}")),
        mapped_body: Some(body.to_string()),
        warnings: warnings_column(&mapped.warnings),
        errors: errors_column(&mapped.errors),
        dedupe_key: (!rejected).then(|| mapped.lead.dedupe_key()),
        duplicate_of: None,
        first_name: copies.first_name,
        last_name: copies.last_name,
        email: copies.email,
        phone: copies.phone,
        phone_digits: copies.phone_digits,
        search_text: copies.search_text,
        attempts: 0,
        retry_step: 0,
        next_attempt_at: (status == LeadStatus::Queued).then_some(now),
        queued_at: Some(now),
        lease_owner: None,
        lease_until: None,
        last_http_status: None,
        last_error: hold.map(|reason| reason.sentence().to_string()),
        delivered_at: None,
        updated_at: now,
        payload_purged_at: None,
    }
}
