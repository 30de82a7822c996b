//! AccuLynx's v1 lead schema (reference/acculynx-v1-leads.md) and its validation, worded
//! the way AccuLynx (an ASP.NET service) words model-validation errors:
//! `{"errors":{"FirstName":["The firstName field is required."]}}`.
//!
//! Lengths are counted in UTF-16 code units, as .NET counts string length: an emoji counts
//! as two. The limits are AccuLynx's published ones ([`crate::acculynx::fields`]); the checking
//! code here is the sandbox's own, so it judges what the portal sends independently.

use std::collections::BTreeMap;

use serde_json::Value;

pub use crate::acculynx::fields::FieldKind;
use crate::acculynx::fields::LeadField;

/// Field name (PascalCase, as ASP.NET reports it) → messages.
pub type ValidationErrors = BTreeMap<String, Vec<String>>;

/// What the field with this camelCase name may hold, as AccuLynx publishes it (the shared
/// field table); `None` for a name the lead does not have.
pub fn field(name: &str) -> Option<FieldKind> {
    LeadField::from_name(name).map(LeadField::kind)
}

/// Length as .NET counts it (UTF-16 code units).
pub fn dotnet_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Whether `text` looks like `local@domain.tld`.
pub fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let Some((host, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    !local.is_empty()
        && !host.is_empty()
        && !tld.is_empty()
        && !domain.contains('@')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Whether `text` is a date-time AccuLynx reads, as .NET's JSON reader reads a `DateTime`
/// (ISO 8601 extended form): `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fffffff]]` with an
/// optional `Z` or `±HH:MM`. A space instead of `T`, or any other layout, is refused.
pub fn is_date_time(text: &str) -> bool {
    let Some((date, rest)) = text.split_at_checked(10) else {
        return false;
    };
    if !is_date(date) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let Some(rest) = rest.strip_prefix('T') else {
        return false;
    };
    let (time, zone) = match rest.strip_suffix('Z') {
        Some(time) => (time, None),
        None => match rest.len().checked_sub(6) {
            Some(at) if matches!(rest.as_bytes()[at], b'+' | b'-') => {
                (&rest[..at], Some(&rest[at + 1..]))
            }
            _ => (rest, None),
        },
    };
    is_time(time) && zone.is_none_or(is_offset)
}

fn two_digits(text: &str) -> Option<u32> {
    (text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
        && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

fn is_time(text: &str) -> bool {
    let mut parts = text.split(':');
    let (Some(hours), Some(minutes)) = (parts.next(), parts.next()) else {
        return false;
    };
    let seconds = match parts.next() {
        None => Some(0),
        Some(seconds) => match seconds.split_once('.') {
            None => two_digits(seconds),
            Some((whole, fraction))
                if (1..=7).contains(&fraction.len())
                    && fraction.bytes().all(|b| b.is_ascii_digit()) =>
            {
                two_digits(whole)
            }
            Some(_) => None,
        },
    };
    match (
        two_digits(hours),
        two_digits(minutes),
        seconds,
        parts.next(),
    ) {
        (Some(h), Some(m), Some(s), None) => chrono::NaiveTime::from_hms_opt(h, m, s).is_some(),
        _ => false,
    }
}

fn is_offset(text: &str) -> bool {
    match text.split_once(':') {
        Some((hours, minutes)) => matches!(
            (two_digits(hours), two_digits(minutes)),
            (Some(h), Some(m)) if h * 60 + m <= 14 * 60 && m < 60
        ),
        None => false,
    }
}

fn pascal(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Validates a lead body as AccuLynx does; `Ok` means it would answer 202.
pub fn validate_lead(body: &Value) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let add = |errors: &mut ValidationErrors, field: &str, message: String| {
        errors.entry(pascal(field)).or_default().push(message);
    };
    let Some(object) = body.as_object() else {
        add(
            &mut errors,
            "$",
            "The request body must be a JSON object.".to_string(),
        );
        return Err(errors);
    };
    for (name, value) in object {
        let Some(kind) = field(name) else {
            add(
                &mut errors,
                name,
                format!("The JSON property '{name}' could not be mapped to any field of the lead."),
            );
            continue;
        };
        let text = match value {
            Value::Null => None,
            Value::String(text) => Some(text.as_str()),
            _ => {
                add(
                    &mut errors,
                    name,
                    format!(
                        "The JSON value could not be converted to System.String. Path: $.{name}."
                    ),
                );
                continue;
            }
        };
        match (kind, text) {
            (FieldKind::Enum(allowed), Some(text)) if !allowed.contains(&text) => add(
                &mut errors,
                name,
                format!(
                    "The value '{text}' is not valid for {name}. Valid values: {}.",
                    allowed.join(", ")
                ),
            ),
            (FieldKind::Enum(_), None) => {
                add(
                    &mut errors,
                    name,
                    format!("The value 'null' is not valid for {name}."),
                );
            }
            (FieldKind::Text(max) | FieldKind::Email(max), Some(text))
                if dotnet_len(text) > max =>
            {
                add(
                    &mut errors,
                    name,
                    format!("The field {name} must be a string with a maximum length of {max}."),
                );
            }
            (FieldKind::Email(_), Some(text)) if !text.is_empty() && !looks_like_email(text) => {
                add(
                    &mut errors,
                    name,
                    format!("The {name} field is not a valid e-mail address."),
                );
            }
            (FieldKind::DateTime, Some(text)) if !is_date_time(text) => add(
                &mut errors,
                name,
                format!(
                    "The JSON value could not be converted to System.DateTime. Path: $.{name}."
                ),
            ),
            _ => {}
        }
    }
    let first_name = object
        .get("firstName")
        .and_then(Value::as_str)
        .map(str::trim);
    if first_name.is_none_or(str::is_empty) && !errors.contains_key("FirstName") {
        add(
            &mut errors,
            "firstName",
            "The firstName field is required.".to_string(),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests;
