//! The edit-and-resend form (SPEC §7): one field per AccuLynx field (the shared field table),
//! enums as choices, the problems of the portal's check next to the fields they concern.

use serde_json::{Map, Value};

use crate::acculynx::check::FieldProblems;
use crate::acculynx::fields::{FieldKind, LeadField};
use crate::history::lead_view::{field_label, plain};

/// A field of the edit-and-resend form.
#[derive(Debug, Clone)]
pub struct EditField {
    /// camelCase name (the input's name).
    pub name: &'static str,
    /// Words.
    pub label: String,
    /// `text`, `email`, `select`, `textarea` or `datetime`.
    pub kind: &'static str,
    /// Current value.
    pub value: String,
    /// Choices of a select.
    pub options: Vec<String>,
    /// Longest value AccuLynx takes (0: no limit).
    pub max: usize,
    /// AccuLynx's objections.
    pub errors: Vec<String>,
}

/// The edit-and-resend form for `values` (camelCase name → text), with AccuLynx's
/// objections per field.
pub fn edit_fields(values: &Map<String, Value>, errors: &FieldProblems) -> Vec<EditField> {
    LeadField::all()
        .map(|field| {
            let name = field.name();
            let value = values.get(name).map(plain).unwrap_or_default();
            let (kind, options, max) = match field.kind() {
                FieldKind::Text(max) if field == LeadField::Notes => ("textarea", Vec::new(), max),
                FieldKind::Text(max) => ("text", Vec::new(), max),
                FieldKind::Email(max) => ("email", Vec::new(), max),
                FieldKind::DateTime => ("datetime", Vec::new(), 0),
                FieldKind::Enum(allowed) => {
                    let mut options: Vec<String> = allowed
                        .iter()
                        .map(std::string::ToString::to_string)
                        .collect();
                    // A value AccuLynx does not know stays visible, so the objection makes sense.
                    if !value.is_empty() && !options.contains(&value) {
                        options.push(value.clone());
                    }
                    ("select", options, 0)
                }
            };
            EditField {
                name,
                label: field_label(name),
                kind,
                value,
                options,
                max,
                errors: errors.get(name).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// The AccuLynx lead typed in the form: each known field, trimmed; empty ones left out
/// (AccuLynx gets no `""`, SPEC §6.2).
pub fn lead_from_form(form: &[(String, String)]) -> Map<String, Value> {
    LeadField::all()
        .filter_map(|field| {
            let value = form
                .iter()
                .find(|(name, _)| name == field.name())
                .map(|(_, value)| value.trim())
                .filter(|value| !value.is_empty())?;
            Some((field.name().to_string(), Value::String(value.to_string())))
        })
        .collect()
}

/// Reads the appointment date typed in the form with the intake's own parser (SPEC §6.2:
/// `12/10/2026 9:00 AM`, `2026-12-10 09:00`, RFC 3339, a bare date…), in the location's time
/// zone when it has one, and puts it in `body` as AccuLynx takes it. A date it cannot read stays
/// as typed and is returned as the field's problem, in words.
pub fn read_appointment(
    body: &mut Map<String, Value>,
    zone: Option<chrono_tz::Tz>,
) -> FieldProblems {
    let mut problems = FieldProblems::new();
    let name = LeadField::InitialAppointmentDate.name();
    let Some(typed) = body.get(name).and_then(Value::as_str).map(str::to_string) else {
        return problems;
    };
    let mut warnings = Vec::new();
    match crate::intake::normalize::appointment(&typed, zone, &mut warnings) {
        Ok(read) => {
            body.insert(name.to_string(), Value::String(read));
        }
        Err(_) => {
            problems.insert(
                name.to_string(),
                vec![format!(
                    "{} \u{201c}{typed}\u{201d} is not a date and time leadrelay can read; write it like 12/10/2026 9:00 AM or 2026-12-10 14:30.",
                    LeadField::InitialAppointmentDate.label()
                )],
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_has_one_field_per_accu_lynx_field_with_its_objections() {
        let values = serde_json::json!({"lastName": "Doe", "priority": "Whenever"});
        let mut errors = FieldProblems::new();
        errors.insert("firstName".into(), vec!["First name is required.".into()]);
        let fields = edit_fields(values.as_object().unwrap(), &errors);
        assert_eq!(fields.len(), LeadField::COUNT);
        assert_eq!(fields[0].errors, vec!["First name is required."]);
        assert_eq!(fields[1].value, "Doe");
        let priority = fields.iter().find(|f| f.name == "priority").unwrap();
        assert_eq!(priority.kind, "select");
        assert_eq!(
            priority.options,
            vec!["Normal", "High", "Urgent", "Whenever"]
        );
        assert_eq!(
            fields.iter().find(|f| f.name == "notes").unwrap().kind,
            "textarea"
        );
    }

    #[test]
    fn the_appointment_date_is_read_as_the_intake_reads_it() {
        let mut body = serde_json::json!({"firstName": "Jane", "initialAppointmentDate": "12/10/2026 9:00 AM"})
            .as_object()
            .cloned()
            .unwrap();
        assert!(read_appointment(&mut body, None).is_empty());
        assert_eq!(body["initialAppointmentDate"], "2026-12-10T09:00:00");
        assert!(crate::acculynx::check::check_lead(&Value::Object(body.clone())).is_ok());
        let zone: chrono_tz::Tz = "America/Denver".parse().unwrap();
        body.insert("initialAppointmentDate".into(), "12/10/2026 9:00 AM".into());
        assert!(read_appointment(&mut body, Some(zone)).is_empty());
        assert_eq!(body["initialAppointmentDate"], "2026-12-10T16:00:00Z");
        body.insert("initialAppointmentDate".into(), "next tuesday".into());
        let problems = read_appointment(&mut body, None);
        assert!(
            problems["initialAppointmentDate"][0]
                .starts_with("Appointment date \u{201c}next tuesday\u{201d} is not a date")
        );
        assert_eq!(body["initialAppointmentDate"], "next tuesday");
    }
}
