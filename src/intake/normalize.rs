//! Normalisation of one source value into one AccuLynx field (SPEC §6.2), with the warning an
//! office worker reads when something had to give. Used by the mapper and by anything that
//! edits a mapped lead, so both follow the same rules.
//!
//! Each function returns the value to send, or `Err(warning)` when the value cannot be sent;
//! the caller then keeps the original text in the notes, as every such warning says.

use chrono_tz::Tz;

use crate::acculynx::{JobCategory, LeadField, PhoneType, Priority, WorkType};
use crate::domain::appointment::{Appointment, ZoneAdjustment};
use crate::domain::email::{EmailAddress, EmailError};
use crate::domain::phone::{MAX_DIGITS, MIN_DIGITS, PhoneError, PhoneNumber};
use crate::domain::text::{clean_line, clean_multiline, cut_to_utf16, excerpt};

/// How many characters of a value a warning quotes.
const QUOTE_CHARS: usize = 60;

/// `"text"`, shortened for a warning.
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", excerpt(text, QUOTE_CHARS))
}

/// A one-line text field: trimmed, whitespace folded, control characters dropped, cut to the
/// field's limit (with a warning pushed to `warnings`). `None` when nothing is left.
pub fn text(field: LeadField, raw: &str, warnings: &mut Vec<String>) -> Option<String> {
    let mut value = clean_line(raw).into_owned();
    if let Some(max) = field.max_len() {
        cut_with_warning(field, &mut value, max, warnings);
    }
    (!value.is_empty()).then_some(value)
}

/// Free text keeping its line breaks (notes), without cutting: notes are assembled from several
/// parts and cut once, by [`cut_notes`].
pub fn notes_part(raw: &str) -> Option<String> {
    let value = clean_multiline(raw);
    (!value.is_empty()).then_some(value)
}

/// Cuts assembled notes to AccuLynx's limit, warning when anything was cut.
pub fn cut_notes(notes: &mut String, warnings: &mut Vec<String>) {
    let max = LeadField::Notes.max_len().unwrap_or(1000);
    if cut_to_utf16(notes, max) {
        warnings.push(format!(
            "The notes were longer than AccuLynx allows ({max} characters); the end was cut \
             off, and the full text stays in leadrelay's record of this lead."
        ));
    }
}

fn cut_with_warning(field: LeadField, value: &mut String, max: usize, warnings: &mut Vec<String>) {
    if cut_to_utf16(value, max) {
        warnings.push(format!(
            "{} was longer than AccuLynx allows ({max} characters); it was shortened to {}.",
            field.label(),
            quoted(value)
        ));
    }
}

/// A phone number: digits with an optional `+`, and the extension written in it.
pub fn phone(raw: &str) -> Result<PhoneNumber, String> {
    PhoneNumber::parse(raw).map_err(|error| match error {
        PhoneError::TooFewDigits => format!(
            "Phone {} has fewer than {MIN_DIGITS} digits; it was left out and kept in the notes.",
            quoted(raw)
        ),
        PhoneError::TooManyDigits => format!(
            "Phone {} has more than {MAX_DIGITS} digits, more than any single phone number; it \
             was left out and kept in the notes.",
            quoted(raw)
        ),
    })
}

/// An email address (`emailAddress` or `salesPerson`), never cut.
pub fn email(field: LeadField, raw: &str) -> Result<String, String> {
    EmailAddress::parse(raw)
        .map(EmailAddress::into_string)
        .map_err(|error| {
            let what = match (error, field) {
                (EmailError::TooLong, _) => format!(
                    "is longer than AccuLynx allows ({} characters)",
                    EmailAddress::MAX_LEN
                ),
                (EmailError::Invalid, LeadField::SalesPerson) => "is not an email address \
                     (AccuLynx needs the login email of one of its users)"
                    .to_string(),
                (EmailError::Invalid, _) => {
                    "does not look like an email address (name@example.com)".to_string()
                }
            };
            format!(
                "{} {} {what}; it was left out and kept in the notes.",
                field.label(),
                quoted(raw)
            )
        })
}

/// The appointment time as AccuLynx reads it; daylight-saving choices are pushed to `warnings`.
pub fn appointment(
    raw: &str,
    zone: Option<Tz>,
    warnings: &mut Vec<String>,
) -> Result<String, String> {
    let (at, adjustment) = Appointment::parse(raw, zone).map_err(|_| {
        format!(
            "Appointment date {} is not a date and time leadrelay can read (for example \
             03/14/2027 2:30 PM or 2027-03-14 14:30); it was left out and kept in the notes.",
            quoted(raw)
        )
    })?;
    let zone_name = zone.map_or("the location's time zone", |zone| zone.name());
    match adjustment {
        Some(ZoneAdjustment::Skipped { written, used }) => warnings.push(format!(
            "Appointment time {} does not exist in {zone_name} (the clocks move forward that \
             night); {} was used.",
            written.format("%Y-%m-%d %H:%M"),
            used.format("%H:%M")
        )),
        Some(ZoneAdjustment::Repeated { written }) => warnings.push(format!(
            "Appointment time {} happens twice in {zone_name} (the clocks move back that \
             night); the first one was used.",
            written.format("%Y-%m-%d %H:%M")
        )),
        None => {}
    }
    Ok(at.to_acculynx())
}

/// One of the lead's enums, read loosely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumValue {
    /// A phone type.
    PhoneType(PhoneType),
    /// A job category.
    JobCategory(JobCategory),
    /// A work type.
    WorkType(WorkType),
    /// A priority.
    Priority(Priority),
}

impl EnumValue {
    /// The value as AccuLynx spells it.
    pub fn as_str(&self) -> &'static str {
        match self {
            EnumValue::PhoneType(value) => value.as_str(),
            EnumValue::JobCategory(value) => value.as_str(),
            EnumValue::WorkType(value) => value.as_str(),
            EnumValue::Priority(value) => value.as_str(),
        }
    }
}

/// Reads `raw` for an enum field; `None` when it is not a known value or synonym, or the field
/// is not an enum.
pub fn enum_value(field: LeadField, raw: &str) -> Option<EnumValue> {
    match field {
        LeadField::PhoneType1 | LeadField::PhoneType2 | LeadField::PhoneType3 => {
            PhoneType::parse_loose(raw).map(EnumValue::PhoneType)
        }
        LeadField::JobCategory => JobCategory::parse_loose(raw).map(EnumValue::JobCategory),
        LeadField::WorkType => WorkType::parse_loose(raw).map(EnumValue::WorkType),
        LeadField::Priority => Priority::parse_loose(raw).map(EnumValue::Priority),
        _ => None,
    }
}

/// The warning for an enum value nobody recognised. `used` is what the lead carries instead:
/// the location's default, a value from another source field, or nothing.
pub fn unknown_enum_warning(field: LeadField, raw: &str, used: UsedInstead<'_>) -> String {
    let listed = match field {
        LeadField::PhoneType1 | LeadField::PhoneType2 | LeadField::PhoneType3 => {
            PhoneType::listed()
        }
        LeadField::JobCategory => JobCategory::listed(),
        LeadField::WorkType => WorkType::listed(),
        _ => Priority::listed(),
    };
    let outcome = match used {
        UsedInstead::Default(value) => {
            format!("the location's default, {value}, was used and the original kept in the notes")
        }
        UsedInstead::OtherField(value) => {
            format!("{value}, sent in another field, was used and the original kept in the notes")
        }
        UsedInstead::Nothing => "it was left out and kept in the notes".to_string(),
    };
    format!(
        "{} {} is not one AccuLynx knows ({listed}); {outcome}.",
        field.label(),
        quoted(raw)
    )
}

/// What a lead carries in place of an unrecognised enum value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsedInstead<'a> {
    /// The location's default.
    Default(&'a str),
    /// A recognised value from another source field.
    OtherField(&'a str),
    /// Nothing: the field is left out.
    Nothing,
}

/// The warning for a second, different value for a field that already has one.
pub fn second_value_warning(field: LeadField, kept: &str, other: &str) -> String {
    format!(
        "Two values were sent for {}; {} was used and {} was kept in the notes.",
        field.label(),
        quoted(kept),
        quoted(other)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_80_character_first_name_is_cut_to_50_with_a_warning() {
        let mut warnings = Vec::new();
        let name = "Bartholomew-Alexander Montgomery-Fitzwilliam Jr. of the Rocky Mountains III";
        let long = format!("{name}{}", "x".repeat(80 - name.len()));
        assert_eq!(long.chars().count(), 80);
        let cut = text(LeadField::FirstName, &long, &mut warnings).unwrap();
        assert_eq!(cut, long[..50].trim_end());
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("First name was longer than AccuLynx allows (50 characters)"),
            "{warnings:?}"
        );
    }

    #[test]
    fn warnings_are_plain_sentences() {
        assert_eq!(
            phone("12345").unwrap_err(),
            "Phone \"12345\" has fewer than 7 digits; it was left out and kept in the notes."
        );
        assert_eq!(
            email(LeadField::EmailAddress, "jane@").unwrap_err(),
            "Email address \"jane@\" does not look like an email address (name@example.com); \
             it was left out and kept in the notes."
        );
        assert_eq!(
            unknown_enum_warning(
                LeadField::PhoneType1,
                "pager",
                UsedInstead::Default("Mobile")
            ),
            "Phone 1 type \"pager\" is not one AccuLynx knows (Home, Mobile, Work); the \
             location's default, Mobile, was used and the original kept in the notes."
        );
    }

    #[test]
    fn quoted_values_are_shortened() {
        let quoted = quoted(&"a".repeat(200));
        assert!(quoted.chars().count() <= QUOTE_CHARS + 2);
        assert!(quoted.ends_with("…\""));
    }
}
