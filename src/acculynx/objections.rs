//! AccuLynx's validation answer (`{"errors":{"FirstName":["The firstName field is required."]}}`,
//! worded by ASP.NET and System.Text.Json) said for people: each message under the field it
//! concerns, with the field's label from the field table instead of its wire name
//! ("First name is required."), so the edit-and-resend form shows it beside its field.

use serde_json::Value;

use crate::acculynx::check::FieldProblems;
use crate::acculynx::fields::{FieldKind, LeadField};

/// The field a key of AccuLynx's `errors` names (`FirstName`, `$.firstName`, `firstName`).
fn field_of(key: &str) -> Option<LeadField> {
    let key = key.trim().trim_start_matches("$.");
    LeadField::all().find(|field| field.name().eq_ignore_ascii_case(key))
}

/// AccuLynx's objections in a 400/422 answer body, per field (camelCase name; `""` for the
/// body as a whole or a field the table does not have), in words with labels. Empty when the
/// body is not AccuLynx's validation shape.
pub fn field_problems(body: &str) -> FieldProblems {
    let mut problems = FieldProblems::new();
    let Ok(json) = serde_json::from_str::<Value>(body.trim()) else {
        return problems;
    };
    let Some(errors) = json.get("errors").and_then(Value::as_object) else {
        return problems;
    };
    for (key, messages) in errors {
        let field = field_of(key);
        let texts: Vec<String> = match messages {
            Value::Array(list) => list
                .iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect(),
            Value::String(message) => vec![message.clone()],
            _ => Vec::new(),
        };
        for text in texts {
            let (name, sentence) = match field {
                Some(field) => (field.name().to_string(), in_words(field, &text)),
                None => (String::new(), with_labels(&text)),
            };
            problems.entry(name).or_default().push(sentence);
        }
    }
    problems
}

/// All problems as one sentence per message, in field-table order.
pub fn sentences(problems: &FieldProblems) -> Vec<String> {
    let mut out: Vec<String> = problems.get("").cloned().unwrap_or_default();
    for field in LeadField::all() {
        if let Some(messages) = problems.get(field.name()) {
            out.extend(messages.iter().cloned());
        }
    }
    out
}

/// One of AccuLynx's messages about `field`, said with its label.
pub fn in_words(field: LeadField, message: &str) -> String {
    let label = field.label();
    let lower = message.to_ascii_lowercase();
    if lower.contains("is required") {
        return format!("{label} is required.");
    }
    if lower.contains("system.datetime") || (lower.contains("date") && lower.contains("valid")) {
        return format!(
            "{label} must be a date and time, such as 12/10/2026 9:00 AM or 2026-12-10T09:00:00."
        );
    }
    if lower.contains("system.string") {
        return format!("{label} must be text.");
    }
    if lower.contains("e-mail") || lower.contains("email address") {
        return format!("{label} must be an email address, like name@example.com.");
    }
    if let Some(max) = number_after(&lower, "maximum length of") {
        return format!("{label} must be at most {max} characters long.");
    }
    if let Some(at) = message.find("Valid values:") {
        let values = message[at + "Valid values:".len()..]
            .trim()
            .trim_end_matches('.');
        return format!("{label} must be one of: {values}.");
    }
    if let FieldKind::Enum(allowed) = field.kind()
        && lower.contains("not valid")
    {
        return format!("{label} must be one of: {}.", allowed.join(", "));
    }
    format!("AccuLynx: {}", with_labels(message))
}

/// The number after `marker` in `text` (quotes allowed: `'50'`).
fn number_after(text: &str, marker: &str) -> Option<u32> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let digits: String = rest
        .trim_start()
        .trim_start_matches('\'')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `message` with each field's wire name (and `$.name` paths) replaced by its label.
pub fn with_labels(message: &str) -> String {
    let words: Vec<String> = message
        .split(' ')
        .map(|word| {
            let core = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '$');
            match field_of(core) {
                Some(field) if !core.is_empty() => {
                    word.replacen(core, &format!("\u{201c}{}\u{201d}", field.label()), 1)
                }
                _ => word.to_string(),
            }
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accu_lynx_validation_messages_read_with_field_labels() {
        let body = r#"{"title":"One or more validation errors occurred.","status":400,"errors":{
            "FirstName":["The firstName field is required."],
            "Zip":["The field zip must be a string with a maximum length of 10."],
            "EmailAddress":["The emailAddress field is not a valid e-mail address."],
            "InitialAppointmentDate":["The JSON value could not be converted to System.DateTime. Path: $.initialAppointmentDate."],
            "Priority":["The value 'Soon' is not valid for priority. Valid values: Normal, High, Urgent, Whenever."],
            "ShoeSize":["The JSON property 'shoeSize' could not be mapped to any field of the lead."]}}"#;
        let problems = field_problems(body);
        assert_eq!(problems["firstName"], vec!["First name is required."]);
        assert_eq!(
            problems["zip"],
            vec!["ZIP code must be at most 10 characters long."]
        );
        assert!(problems["emailAddress"][0].starts_with("Email address must be an email"));
        assert!(
            problems["initialAppointmentDate"][0].starts_with("Appointment date must be a date")
        );
        assert_eq!(
            problems["priority"],
            vec!["Priority must be one of: Normal, High, Urgent, Whenever."]
        );
        assert_eq!(problems[""].len(), 1);
        for sentence in sentences(&problems) {
            assert!(
                !sentence.contains("firstName") && !sentence.contains("System."),
                "{sentence}"
            );
        }
        assert!(field_problems("not json").is_empty());
    }
}
