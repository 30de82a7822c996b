//! The Field mapping page's dry run (SPEC §6.1): a pasted sample body goes through the same
//! reading and mapping as a real lead, and the page shows the AccuLynx JSON, the warnings, the
//! rejection errors, or why the body cannot be read. Nothing is stored and nothing is sent.
//!
//! Decisions where the SPEC is silent:
//! - The dry run applies the mapping as typed on the page, saved or not, so a change can be
//!   checked before it is saved.
//! - The body format can be detected: a sample starting with `{` or `[` is JSON, one starting
//!   with a `--boundary` line is multipart, anything else is form data.
//! - A multipart sample carries its boundary in its first line; line breaks are made CRLF, as
//!   a pasted text loses them.
//! - The verdict names the answer the webhook would give from the lead and the location's
//!   state (paused, key missing or rejected: held). Whether it would be a duplicate depends on
//!   the leads received, which a dry run does not look at; the page says so.

use actix_web::web::Bytes;

use crate::acculynx::LeadField;
use crate::domain::text::excerpt;
use crate::leads::LeadStatus;

use super::body::parse_body_with_files;
use super::mapping::{CompiledMapping, FieldError};

/// The largest sample the dry run reads: the webhook's limit (SPEC §6).
pub const MAX_SAMPLE_BYTES: usize = 64 * 1024;

/// The media type of form data.
pub const FORM: &str = "application/x-www-form-urlencoded";
/// The media type of JSON.
pub const JSON: &str = "application/json";
/// The media type of multipart form data.
pub const MULTIPART: &str = "multipart/form-data";

/// Rows of the "where each field went" table shown at most.
const MAX_ROUTES: usize = 100;

/// A ClientTether-style lead for "Try an example": what an Action Plan webhook posts as form
/// data, with a mistyped email address so the example shows a warning.
pub const EXAMPLE_SAMPLE: &str = "contact_id=48213&firstName=Jane&lastName=Doe\
&compName=Doe+Family+Trust&Phone+Cell=(303)+555-0100+ext.+12&Phone+Home=1-720-555-0199\
&Email=jane.doe%40example&Address=1200+Larimer+St&City=Denver&State=CO&Zip_code=80202\
&Whiteboard=Hail+damage+on+the+north+slope.+Call+after+5+pm.&Lead+Source=Facebook+ad\
&Next+Appointment=03%2F14%2F2027+2%3A30+PM";

/// What the dry run found, ready for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRunView {
    /// `accepted`, `held`, `rejected` or `unreadable` (for styling).
    pub verdict_code: &'static str,
    /// The answer the webhook would give, in a sentence.
    pub verdict: String,
    /// The Content-Type the sample was read with.
    pub content_type: String,
    /// The AccuLynx JSON, pretty-printed (absent when the body cannot be read).
    pub json: Option<String>,
    /// Warnings, as the lead would carry them.
    pub warnings: Vec<String>,
    /// Why the lead would be rejected.
    pub errors: Vec<FieldError>,
    /// Where each source field went.
    pub routes: Vec<RouteRow>,
    /// Source fields not listed in `routes`.
    pub more_routes: usize,
    /// A word on duplicates, when dedupe is on.
    pub dedupe_note: Option<String>,
}

/// One source field and where its value went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRow {
    /// The source key, as sent.
    pub key: String,
    /// Its value, shortened.
    pub value: String,
    /// Where it went, in words.
    pub target: String,
}

/// The Content-Type to read a sample with: `chosen` as picked on the page (empty: detect).
pub fn content_type_for(chosen: &str, sample: &str) -> String {
    let chosen = chosen.trim();
    let kind = if chosen.is_empty() {
        let start = sample.trim_start();
        if start.starts_with('{') || start.starts_with('[') {
            JSON
        } else if start.starts_with("--") {
            MULTIPART
        } else {
            FORM
        }
    } else {
        chosen
    };
    if kind.eq_ignore_ascii_case(MULTIPART) {
        match boundary_of(sample) {
            Some(boundary) => format!("{MULTIPART}; boundary={boundary}"),
            None => MULTIPART.to_string(),
        }
    } else {
        kind.to_string()
    }
}

/// The boundary of a pasted multipart body: its first non-blank line without the leading `--`.
fn boundary_of(sample: &str) -> Option<&str> {
    let line = sample
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())?;
    let boundary = line.strip_prefix("--")?;
    (!boundary.is_empty() && !boundary.contains(['"', ';'])).then_some(boundary)
}

/// Runs the sample through `mapping`. `unmapped_to_notes` is the mapping's setting (for the
/// words of the routes table); `held` is why the location would hold the lead, if it would
/// ([`crate::intake::store::hold_reason`]).
pub async fn dry_run(
    mapping: &CompiledMapping,
    unmapped_to_notes: bool,
    held: Option<&str>,
    sample: &str,
    chosen_type: &str,
) -> DryRunView {
    let content_type = content_type_for(chosen_type, sample);
    let mut view = DryRunView {
        verdict_code: "unreadable",
        verdict: String::new(),
        content_type: content_type.clone(),
        json: None,
        warnings: Vec::new(),
        errors: Vec::new(),
        routes: Vec::new(),
        more_routes: 0,
        dedupe_note: None,
    };
    if sample.len() > MAX_SAMPLE_BYTES {
        view.verdict = format!(
            "leadrelay would answer 413 and store nothing: this body is {} KiB, and a lead \
             body may be at most 64 KiB.",
            sample.len().div_ceil(1024)
        );
        return view;
    }
    let body = if content_type.starts_with(MULTIPART) {
        Bytes::from(crlf_lines(sample))
    } else {
        Bytes::copy_from_slice(sample.as_bytes())
    };
    // Called here, not in a spawned task: the multipart reader is not `Send`.
    let parsed = match parse_body_with_files(Some(&content_type), body).await {
        Ok(parsed) => parsed,
        Err(err) => {
            view.verdict = format!(
                "leadrelay would answer {} and store nothing: {}",
                err.status(),
                err.message()
            );
            return view;
        }
    };
    let mapped = mapping.map_body(&parsed);
    view.json = Some(
        serde_json::to_string_pretty(&mapped.lead)
            .unwrap_or_else(|err| format!("(the lead could not be shown: {err})")),
    );
    (view.verdict_code, view.verdict) = if mapped.is_rejected() {
        (
            LeadStatus::Rejected.as_str(),
            "Rejected: leadrelay would answer 422 and keep the lead as rejected, to be edited \
             and resent from the portal. Nothing would go to AccuLynx."
                .to_string(),
        )
    } else if let Some(reason) = held {
        (
            LeadStatus::Held.as_str(),
            format!(
                "Accepted and held: leadrelay would answer 202 (held) because {reason}; the \
                 JSON below goes to AccuLynx once that is fixed."
            ),
        )
    } else {
        (
            "accepted",
            "Accepted: leadrelay would answer 202 (queued) and send the JSON below to AccuLynx."
                .to_string(),
        )
    };
    let hours = mapping.dedupe_window_hours();
    if hours > 0 && !mapped.is_rejected() {
        view.dedupe_note = Some(format!(
            "If the same lead already arrived at this location in the last {hours} hours, it \
             would be recorded as a duplicate (200) and not sent again; the dry run does not \
             look at received leads."
        ));
    }
    view.more_routes = parsed.fields.len().saturating_sub(MAX_ROUTES);
    view.routes = parsed
        .fields
        .iter()
        .take(MAX_ROUTES)
        .map(|(key, value)| RouteRow {
            key: excerpt(key, 60).into_owned(),
            value: excerpt(value, 80).into_owned(),
            target: target_words(mapping.target_of(key), unmapped_to_notes),
        })
        .collect();
    view.warnings = mapped.warnings;
    view.errors = mapped.errors;
    view
}

fn target_words(target: Option<&str>, unmapped_to_notes: bool) -> String {
    match target {
        Some("name") => "First and last name (a full name, split)".to_string(),
        Some(name) => match LeadField::from_name(name) {
            Some(field) => format!("{} ({name})", field.label()),
            None => name.to_string(),
        },
        None if unmapped_to_notes => "Notes, as a \"name: value\" line".to_string(),
        None => "Not sent: unmapped fields are not added to the notes".to_string(),
    }
}

fn crlf_lines(sample: &str) -> Vec<u8> {
    sample
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake::mapping::LocationMapping;

    #[test]
    fn the_body_format_is_detected_from_the_sample() {
        assert_eq!(content_type_for("", "  {\"a\":1}"), JSON);
        assert_eq!(content_type_for("", "a=1&b=2"), FORM);
        assert_eq!(
            content_type_for("", "\n--XyZ\r\nContent-Disposition: form-data; name=\"a\""),
            "multipart/form-data; boundary=XyZ"
        );
        assert_eq!(content_type_for(JSON, "a=1"), JSON);
        assert_eq!(content_type_for("text/plain", "a=1"), "text/plain");
    }

    async fn run(sample: &str, chosen: &str) -> DryRunView {
        let mapping = LocationMapping::default();
        dry_run(&mapping.compile(), true, None, sample, chosen).await
    }

    #[actix_web::test]
    async fn the_example_maps_with_a_warning_and_is_accepted() {
        let view = run(EXAMPLE_SAMPLE, "").await;
        assert_eq!(view.verdict_code, "accepted", "{view:?}");
        let json = view.json.unwrap();
        assert!(json.contains("\"firstName\": \"Jane\""), "{json}");
        assert!(json.contains("\"phoneNumber1\": \"3035550100\""), "{json}");
        assert!(json.contains("\"phoneExtension1\": \"12\""), "{json}");
        assert!(json.contains("Lead Source: Facebook ad"), "{json}");
        assert!(!json.contains("emailAddress"), "{json}");
        assert!(
            view.warnings.iter().any(|w| w.contains("jane.doe@example")),
            "{:?}",
            view.warnings
        );
        let lead_source = view.routes.iter().find(|r| r.key == "Lead Source").unwrap();
        assert!(lead_source.target.starts_with("Notes"));
        let zip = view.routes.iter().find(|r| r.key == "Zip_code").unwrap();
        assert_eq!(zip.target, "ZIP code (zip)");
        assert!(view.dedupe_note.is_some());
    }

    #[actix_web::test]
    async fn unreadable_bodies_name_the_answer_and_why() {
        let view = run("{\"firstName\": ", JSON).await;
        assert_eq!(view.verdict_code, "unreadable");
        assert!(view.verdict.contains("400"), "{}", view.verdict);
        assert!(view.verdict.contains("not valid JSON"), "{}", view.verdict);
        let view = run("firstName=Jane", "text/plain").await;
        assert!(view.verdict.contains("415"), "{}", view.verdict);
        let view = run(&"a".repeat(MAX_SAMPLE_BYTES + 1), FORM).await;
        assert!(view.verdict.contains("413") && view.verdict.contains("64 KiB"));
        assert!(view.json.is_none());
    }

    #[actix_web::test]
    async fn a_pasted_multipart_body_is_read_with_its_boundary() {
        let sample = "--b1\nContent-Disposition: form-data; name=\"firstName\"\n\nJane\n\
                      --b1\nContent-Disposition: form-data; name=\"photo\"; filename=\"roof.jpg\"\n\
                      Content-Type: image/jpeg\n\nJPEG\n--b1--\n";
        let view = run(sample, "").await;
        assert_eq!(view.verdict_code, "accepted", "{view:?}");
        assert!(view.warnings.iter().any(|w| w.contains("roof.jpg")));
    }

    #[actix_web::test]
    async fn a_lead_without_a_first_name_is_shown_as_rejected() {
        let view = run("lastName=Doe", FORM).await;
        assert_eq!(view.verdict_code, LeadStatus::Rejected.as_str());
        assert_eq!(view.errors[0].field, "firstName");
        assert!(view.dedupe_note.is_none());
    }
}
