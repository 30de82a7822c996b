//! The portal's check of an AccuLynx lead body before it is sent again (edit-and-resend): the
//! field table's limits, said in words with the fields' labels ("First name is required."),
//! keyed by the field's camelCase name so the edit form shows each problem beside its field.
//!
//! The sandbox has its own validator, worded as AccuLynx words its answers; this check is the
//! portal's, so the stand-in stays an independent judge of what the portal sends.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
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
    let text = match (object.get(field.name()), field.kind()) {
        // AccuLynx's enums are not nullable: `null` is refused where leaving the field out is not.
        (Some(Value::Null), FieldKind::Enum(allowed)) => {
            return Some(format!("{label} must be one of: {}.", allowed.join(", ")));
        }
        (None | Some(Value::Null), _) => None,
        (Some(Value::String(text)), _) => Some(text.as_str()),
        (Some(_), _) => return Some(format!("{label} must be text.")),
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
        // Sent as written: spaces around it or "Jane <jane@example.com>" are not an address.
        FieldKind::Email(_)
            if !text.is_empty()
                && (EmailAddress::parse(text).is_err()
                    || text.chars().any(|c| c.is_whitespace() || c.is_control())) =>
        {
            Some(format!(
                "{label} must be an email address, like name@example.com."
            ))
        }
        FieldKind::Enum(allowed) if !allowed.contains(&text) => {
            Some(format!("{label} must be one of: {}.", allowed.join(", ")))
        }
        FieldKind::DateTime if !is_iso_date_time(text) => Some(format!(
            "{label} must be a date and time such as 2026-12-10T09:00:00."
        )),
        _ => None,
    }
}

/// Whether AccuLynx reads `text` as a date-time, as .NET's JSON reader reads a `DateTime`: a
/// plain `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM`, with `:SS` and up to 7 digits of fraction, with
/// `Z` or an offset of at most ±14:00. Exactly these digits, a capital `T`, a real date and
/// time: chrono's own readers are looser (a space for `T`, one-digit months, second 60).
fn is_iso_date_time(text: &str) -> bool {
    let (stamp, offset) = match text.strip_suffix('Z') {
        Some(stamp) => (stamp, None),
        None => match text
            .len()
            .checked_sub(6)
            .and_then(|at| text.split_at_checked(at))
        {
            Some((stamp, offset)) if offset.starts_with(['+', '-']) && stamp.len() > 10 => {
                (stamp, Some(&offset[1..]))
            }
            _ => (text, None),
        },
    };
    let (whole, fraction) = match stamp.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (stamp, None),
    };
    let layout = match whole.len() {
        10 if offset.is_none() && fraction.is_none() && !text.ends_with('Z') => "%Y-%m-%d",
        16 if fraction.is_none() => "%Y-%m-%dT%H:%M",
        19 => "%Y-%m-%dT%H:%M:%S",
        _ => return false,
    };
    let shape_fits = whole
        .bytes()
        .zip(b"dddd-dd-ddTdd:dd:dd")
        .all(|(byte, slot)| match slot {
            b'd' => byte.is_ascii_digit(),
            _ => byte == *slot,
        });
    let date_fits = if layout == "%Y-%m-%d" {
        NaiveDate::parse_from_str(whole, layout).is_ok()
    } else {
        NaiveDateTime::parse_from_str(whole, layout).is_ok()
    };
    let fraction_fits =
        fraction.is_none_or(|digits| (1..=7).contains(&digits.len()) && is_digits(digits));
    let offset_fits = offset.is_none_or(|offset| match offset.split_once(':') {
        Some((hours, minutes))
            if hours.len() == 2 && minutes.len() == 2 && is_digits(hours) && is_digits(minutes) =>
        {
            let (hours, minutes) = (
                hours.parse::<u32>().unwrap_or(u32::MAX / 2),
                minutes.parse::<u32>().unwrap_or(60),
            );
            minutes < 60 && hours.saturating_mul(60) + minutes <= 14 * 60
        }
        _ => false,
    });
    // chrono reads a leap second (`:60`); .NET does not.
    let second_fits = whole.get(17..19).is_none_or(|second| second < "60");
    shape_fits && second_fits && date_fits && fraction_fits && offset_fits
}

fn is_digits(text: &str) -> bool {
    text.bytes().all(|byte| byte.is_ascii_digit())
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

    #[test]
    fn what_acculynx_refuses_is_refused_before_it_is_sent_again() {
        let refused = |field: &str, value: &str| {
            check_lead(&json!({"firstName": "J", field: value}))
                .is_err_and(|problems| problems.contains_key(field))
        };
        for email in [
            " jane@example.com",
            "Jane <jane@example.com>",
            "jane@example.com\n",
        ] {
            assert!(refused("emailAddress", email), "{email:?}");
        }
        assert!(!refused("emailAddress", "Jane.Doe@Example.com"));
        for date in [
            "2026-12-10 09:00:00Z",
            "2026-12-10t09:00:00Z",
            "2026-12-10T09:00:00z",
            "2026-1-10T09:00",
            "2026-12-10T09:00:60",
            "2026-12-10T09:00:00.12345678",
            "2026-12-10T09:00:00+14:30",
            "+12026-12-10T09:00:00",
            "2026-12-10Z",
            "2026-12-10T09",
        ] {
            assert!(refused("initialAppointmentDate", date), "{date:?}");
        }
        for date in [
            "2026-12-10T09:00:00.1234567+14:00",
            "2026-12-10T09:00-06:00",
        ] {
            assert!(!refused("initialAppointmentDate", date), "{date:?}");
        }
    }
}
