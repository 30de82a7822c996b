//! The edit-and-resend form (SPEC §7): one field per AccuLynx field, enums as choices,
//! AccuLynx's objections next to the fields they concern.

use serde_json::{Map, Value};

use crate::history::lead_view::{field_label, plain};
use crate::sandbox::ValidationErrors;
use crate::sandbox::schema::{FIELDS, FieldKind};

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
pub fn edit_fields(values: &Map<String, Value>, errors: &ValidationErrors) -> Vec<EditField> {
    FIELDS
        .iter()
        .map(|spec| {
            let value = values.get(spec.name).map(plain).unwrap_or_default();
            let (kind, options, max) = match spec.kind {
                FieldKind::Text(max) if spec.name == "notes" => ("textarea", Vec::new(), max),
                FieldKind::Text(max) => ("text", Vec::new(), max),
                FieldKind::Email(max) => ("email", Vec::new(), max),
                FieldKind::DateTime => ("datetime", Vec::new(), 0),
                FieldKind::Enum(allowed) => {
                    let mut options: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
                    // A value AccuLynx does not know stays visible, so the objection makes sense.
                    if !value.is_empty() && !options.contains(&value) {
                        options.push(value.clone());
                    }
                    ("select", options, 0)
                }
            };
            let mut chars = spec.name.chars();
            let pascal: String = chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default();
            EditField {
                name: spec.name,
                label: field_label(spec.name),
                kind,
                value,
                options,
                max,
                errors: errors.get(&pascal).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// The AccuLynx lead typed in the form: each known field, trimmed; empty ones left out
/// (AccuLynx gets no `""`, SPEC §6.2).
pub fn lead_from_form(form: &[(String, String)]) -> Map<String, Value> {
    FIELDS
        .iter()
        .filter_map(|spec| {
            let value = form
                .iter()
                .find(|(name, _)| name == spec.name)
                .map(|(_, value)| value.trim())
                .filter(|value| !value.is_empty())?;
            Some((spec.name.to_string(), Value::String(value.to_string())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_has_one_field_per_accu_lynx_field_with_its_objections() {
        let values = serde_json::json!({"lastName": "Doe", "priority": "Whenever"});
        let mut errors = ValidationErrors::new();
        errors.insert(
            "FirstName".into(),
            vec!["The firstName field is required.".into()],
        );
        let fields = edit_fields(values.as_object().unwrap(), &errors);
        assert_eq!(fields.len(), FIELDS.len());
        assert_eq!(fields[0].errors, vec!["The firstName field is required."]);
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
}
