//! A lead as its page shows it (SPEC §8): what arrived, what it became, then each attempt,
//! replay and edit in the order they happened — in words office staff understand.

use askama::Template;
use askama_web::WebTemplate;
use serde_json::Value;

use crate::acculynx::fields::LeadField;
use crate::history::edit_form::EditField;
use crate::history::timeline::{Step, TimelineItem};
use crate::http::pages::Chrome;
use crate::http::time::{ShownTime, show_time};
use crate::leads::model::display_name;
use crate::leads::{Lead, LeadStatus};

/// The lead page.
#[derive(Template, WebTemplate)]
#[template(path = "history/lead.html")]
pub struct LeadPage {
    /// Layout data.
    pub chrome: Chrome,
    /// The lead.
    pub lead: LeadView,
    /// Attempts, replays and edits, oldest first.
    pub timeline: Vec<TimelineItem>,
    /// Whether the viewer may replay or edit (company or platform admin).
    pub can_manage: bool,
    /// The edit-and-resend form's fields (empty when the lead cannot be edited).
    pub edit_fields: Vec<EditField>,
    /// Problems of the edited lead as a whole.
    pub edit_errors: Vec<String>,
    /// Whether to show the form unfolded (a rejected lead, or after a refused edit).
    pub edit_open: bool,
}

/// One field the mapped lead sent, for the table of sent fields.
#[derive(Debug, Clone)]
pub struct SentField {
    /// Words ("Phone 1").
    pub label: String,
    /// The value sent.
    pub value: String,
}

/// A rejection reason with its field in words.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// Field in words, or empty.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// The lead's facts.
#[derive(Debug, Clone)]
pub struct LeadView {
    /// Lead id.
    pub id: String,
    /// Status code (badge class).
    pub status: &'static str,
    /// Status words.
    pub status_label: &'static str,
    /// What the status means.
    pub status_meaning: &'static str,
    /// "First Last".
    pub name: String,
    /// Company short name.
    pub company_slug: String,
    /// Company name.
    pub company_name: String,
    /// Location id.
    pub location_id: String,
    /// Location name.
    pub location_name: String,
    /// When it arrived.
    pub received: ShownTime,
    /// Content type of the request.
    pub content_type: String,
    /// Request headers of interest.
    pub headers: Vec<(String, String)>,
    /// The body as received, made readable.
    pub raw_body: Option<String>,
    /// How `raw_body` is shown ("JSON, pretty-printed").
    pub raw_note: &'static str,
    /// Fields of the AccuLynx lead, in the schema's order.
    pub sent_fields: Vec<SentField>,
    /// The AccuLynx lead as JSON.
    pub mapped_body: Option<String>,
    /// Warnings of the mapping.
    pub warnings: Vec<String>,
    /// Why it was rejected on arrival.
    pub rejections: Vec<Rejection>,
    /// When its payloads were purged.
    pub purged: Option<ShownTime>,
    /// The lead it duplicates.
    pub duplicate_of: Option<String>,
    /// Attempts so far.
    pub attempts: i32,
    /// When the next attempt is due (queued or retrying).
    pub next_attempt: Option<ShownTime>,
    /// When AccuLynx accepted it.
    pub delivered: Option<ShownTime>,
    /// Why the last attempt failed, in words.
    pub last_error: Option<String>,
    /// The network stack's own words for it, when it was a network error.
    pub last_error_detail: Option<String>,
    /// Whether it may be replayed (status, payload and location permitting).
    pub replayable: bool,
    /// Whether a replay needs a confirmation (it was delivered).
    pub replay_needs_confirmation: bool,
    /// Whether it may be edited and resent.
    pub editable: bool,
    /// Whether it waits for a later attempt, so "Retry now" applies.
    pub retry_now: bool,
    /// The AccuLynx contact its v2 delivery found or created.
    pub acculynx_contact_id: Option<String>,
    /// The AccuLynx job its v2 delivery created.
    pub acculynx_job_id: Option<String>,
}

/// A field's label for people, from AccuLynx's field table (`phoneNumber1` → "Phone 1"); a name
/// the table does not have is shown as it is.
pub fn field_label(name: &str) -> String {
    LeadField::from_name(name).map_or_else(|| name.to_string(), |field| field.label().to_string())
}

/// A body made readable: JSON pretty-printed, a form one field per line, else as it came.
pub fn readable_body(content_type: &str, body: &str) -> (String, &'static str) {
    let content_type = content_type.to_ascii_lowercase();
    if let Ok(json) = serde_json::from_str::<Value>(body)
        && (content_type.contains("json") || json.is_object() || json.is_array())
        && let Ok(pretty) = serde_json::to_string_pretty(&json)
    {
        return (pretty, "JSON, pretty-printed");
    }
    if content_type.contains("x-www-form-urlencoded") {
        let lines: Vec<String> = url::form_urlencoded::parse(body.as_bytes())
            .map(|(name, value)| format!("{name}: {value}"))
            .collect();
        return (lines.join("\n"), "Form fields, one per line, decoded");
    }
    (body.to_string(), "As received")
}

pub(crate) fn pairs(json: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .map(|(name, value)| (name, plain(&value)))
            .collect(),
        _ => Vec::new(),
    }
}

/// A JSON value as text: strings without quotes.
pub(crate) fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The facts of a lead; `location_live` says whether its location still exists.
pub fn lead_view(
    lead: &Lead,
    company: (&str, &str),
    location: (&str, bool),
    zone: &str,
) -> LeadView {
    let status = lead.status();
    let (raw_body, raw_note) = match &lead.raw_body {
        Some(body) => {
            let (text, note) = readable_body(&lead.content_type, body);
            (Some(text), note)
        }
        None => (None, ""),
    };
    let mapped: Option<Value> = lead
        .mapped_body
        .as_deref()
        .and_then(|body| serde_json::from_str(body).ok());
    let sent_fields = mapped
        .as_ref()
        .map(|body| {
            LeadField::all()
                .filter_map(|field| {
                    let value = plain(body.get(field.name())?);
                    Some(SentField {
                        label: field_label(field.name()),
                        value,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let sendable = lead.payload_purged_at.is_none() && location.1;
    let waiting = matches!(status, LeadStatus::Queued | LeadStatus::Retrying);
    LeadView {
        id: lead.id.clone(),
        status: status.as_str(),
        status_label: status.label(),
        status_meaning: status.meaning(),
        name: display_name(lead.first_name.as_deref(), lead.last_name.as_deref()),
        company_slug: company.0.to_string(),
        company_name: company.1.to_string(),
        location_id: lead.location_id.clone(),
        location_name: location.0.to_string(),
        received: show_time(lead.received_at, zone),
        content_type: lead.content_type.clone(),
        headers: pairs(&lead.request_headers),
        raw_body,
        raw_note,
        sent_fields,
        mapped_body: mapped
            .as_ref()
            .and_then(|body| serde_json::to_string_pretty(body).ok()),
        warnings: lead.warnings(),
        rejections: lead
            .field_errors()
            .into_iter()
            .map(|error| Rejection {
                field: if error.field.is_empty() {
                    String::new()
                } else {
                    field_label(&error.field)
                },
                message: error.message,
            })
            .collect(),
        purged: lead.payload_purged_at.map(|at| show_time(at, zone)),
        duplicate_of: lead.duplicate_of.clone(),
        attempts: lead.attempts,
        next_attempt: lead
            .next_attempt_at
            .filter(|_| waiting)
            .map(|at| show_time(at, zone)),
        delivered: lead.delivered_at.map(|at| show_time(at, zone)),
        last_error: lead.last_error.as_deref().map(|error| {
            crate::acculynx::transport_words::translate(error)
                .map_or_else(|| error.to_string(), |(plain, _)| plain)
        }),
        last_error_detail: lead
            .last_error
            .as_deref()
            .and_then(crate::acculynx::transport_words::translate)
            .map(|(_, detail)| detail),
        replayable: sendable && status.can_replay(),
        replay_needs_confirmation: status == LeadStatus::Delivered,
        editable: sendable && status.can_edit(),
        retry_now: false,
        acculynx_contact_id: None,
        acculynx_job_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_read_as_words() {
        assert_eq!(field_label("phoneNumber1"), "Phone 1");
        assert_eq!(field_label("firstName"), "First name");
        assert_eq!(field_label("jobCategory"), "Job category");
        assert_eq!(field_label("zip"), "ZIP code");
        assert_eq!(field_label("shoeSize"), "shoeSize");
    }

    #[test]
    fn bodies_are_made_readable() {
        let (json, note) = readable_body("application/json", r#"{"b":1,"a":"x"}"#);
        assert_eq!(json, "{\n  \"a\": \"x\",\n  \"b\": 1\n}");
        assert_eq!(note, "JSON, pretty-printed");
        let (form, note) = readable_body(
            "application/x-www-form-urlencoded",
            "first=Jane&phone=%28303%29+555-0100",
        );
        assert_eq!(form, "first: Jane\nphone: (303) 555-0100");
        assert!(note.starts_with("Form fields"));
        let (raw, note) = readable_body("multipart/form-data; boundary=x", "--x\r\n");
        assert_eq!((raw.as_str(), note), ("--x\r\n", "As received"));
    }
}
