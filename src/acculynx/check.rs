//! The portal's check of an AccuLynx lead body before it is sent again (edit-and-resend): the
//! field table's limits, said in words with the fields' labels ("First name is required."),
//! keyed by the field's camelCase name so the edit form shows each problem beside its field.
//!
//! The sandbox has its own validator, worded as AccuLynx words its answers; this check is the
//! portal's, so the stand-in stays an independent judge of what the portal sends.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use crate::acculynx::fields::{FieldKind, LeadField};
use crate::domain::email::EmailAddress;
use crate::domain::text::utf16_len;

/// Field name (camelCase; `""` for the body as a whole) → sentences for people.
pub type FieldProblems = BTreeMap<String, Vec<String>>;

/// Checks a lead body against AccuLynx's field table; `Ok` means AccuLynx would take it.
pub fn check_lead(body: &Value) -> Result<(), FieldProblems> {
    let mut problems = FieldProblems::new();
    let Some(object) = body.as_object() else {
        problems
            .entry(String::new())
            .or_default()
            .push("The lead must be a set of AccuLynx fields.".to_string());
        return Err(problems);
    };
    for name in object.keys() {
        if LeadField::from_name(name).is_none() {
            problems.entry(name.clone()).or_default().push(format!(
                "\u{201c}{name}\u{201d} is not a field of an AccuLynx lead."
            ));
        }
    }
    for field in LeadField::all() {
        if let Some(problem) = problem_of(field, object) {
            problems
                .entry(field.name().to_string())
                .or_default()
                .push(problem);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// What is wrong with one field of the body, if anything.
fn problem_of(field: LeadField, object: &Map<String, Value>) -> Option<String> {
    let label = field.label();
    let text = match object.get(field.name()) {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.as_str()),
        Some(_) => return Some(format!("{label} must be text.")),
    };
    if field == LeadField::FirstName && text.is_none_or(|text| text.trim().is_empty()) {
        return Some(format!("{label} is required."));
    }
    let text = text?;
    match field.kind() {
        FieldKind::Text(max) | FieldKind::Email(max) if utf16_len(text) > max => Some(format!(
            "{label} must be at most {max} characters long (it has {}).",
            utf16_len(text)
        )),
        FieldKind::Email(_) if !text.is_empty() && EmailAddress::parse(text).is_err() => Some(
            format!("{label} must be an email address, like name@example.com."),
        ),
        FieldKind::Enum(allowed) if !allowed.contains(&text) => {
            Some(format!("{label} must be one of: {}.", allowed.join(", ")))
        }
        FieldKind::DateTime if !is_iso_date_time(text) => Some(format!(
            "{label} must be a date and time such as 2026-12-10T09:00:00."
        )),
        _ => None,
    }
}

/// Whether AccuLynx reads `text` as a date-time: ISO 8601 with `T`, with or without seconds,
/// fractions and a zone, or a plain date.
fn is_iso_date_time(text: &str) -> bool {
    DateTime::parse_from_rfc3339(text).is_ok()
        || ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
            .iter()
            .any(|layout| NaiveDateTime::parse_from_str(text, layout).is_ok())
        || NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok_and(|_| text.len() == 10)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_minimal_lead_passes_and_a_first_name_is_required() {
        assert!(check_lead(&json!({"firstName": "Jane"})).is_ok());
        let problems = check_lead(&json!({"lastName": "Doe"})).unwrap_err();
        assert_eq!(problems["firstName"], vec!["First name is required."]);
        assert!(check_lead(&json!({"firstName": "  "})).is_err());
        assert!(check_lead(&json!([1])).unwrap_err().contains_key(""));
    }

    #[test]
    fn problems_are_said_with_labels() {
        let problems = check_lead(&json!({
            "firstName": "J".repeat(51),
            "emailAddress": "not-an-email",
            "workType": "Roofing",
            "initialAppointmentDate": "tomorrow",
            "phoneNumber1": 5,
            "shoeSize": "9",
        }))
        .unwrap_err();
        assert_eq!(
            problems["firstName"],
            vec!["First name must be at most 50 characters long (it has 51)."]
        );
        assert!(problems["emailAddress"][0].starts_with("Email address must be an email"));
        assert!(problems["workType"][0].starts_with("Work type must be one of: Insurance"));
        assert!(problems["initialAppointmentDate"][0].starts_with("Appointment date must be"));
        assert_eq!(problems["phoneNumber1"], vec!["Phone 1 must be text."]);
        assert!(problems["shoeSize"][0].contains("not a field"));
    }

    #[test]
    fn lengths_count_utf16_units_and_iso_dates_pass() {
        assert!(check_lead(&json!({"firstName": "😀".repeat(25)})).is_ok());
        assert!(check_lead(&json!({"firstName": "😀".repeat(26)})).is_err());
        for date in [
            "2026-12-10",
            "2026-12-10T09:00",
            "2026-12-10T09:00:00Z",
            "2026-12-10T09:00:00-07:00",
        ] {
            assert!(
                check_lead(&json!({"firstName": "J", "initialAppointmentDate": date})).is_ok(),
                "{date}"
            );
        }
    }
}
