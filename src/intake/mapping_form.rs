//! The Field mapping form (SPEC §6.1): a location's mapping as the page shows and submits it,
//! read back into a [`LocationMapping`].
//!
//! Decisions where the SPEC is silent:
//! - Extra aliases are typed per field, separated by commas or line breaks; blanks are ignored.
//! - The form is kept as typed (text), so a form with errors comes back exactly as it was sent.
//! - Form names follow [`LocationMapping::validate`]: `aliases.<field>`, `defaults.<name>`,
//!   `unmapped_to_notes` (a checkbox: absent means off) and `dedupe_window_hours`.

use std::collections::BTreeMap;

use crate::acculynx::{JobCategory, LeadField, PhoneType, Priority, WorkType};
use crate::domain::text::excerpt;

use super::aliases::acculynx_fields;
use super::mapping::{LocationMapping, MappingDefaults};

/// Prefix of the form names of the alias inputs (`aliases.phoneNumber2`).
pub const ALIAS_PREFIX: &str = "aliases.";

/// A location's mapping as typed on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingForm {
    /// AccuLynx field (camelCase) → its extra aliases as typed.
    pub aliases: BTreeMap<String, String>,
    /// Default job category (`""` = no default).
    pub job_category: String,
    /// Default work type (`""` = no default).
    pub work_type: String,
    /// Default priority (`""` = no default).
    pub priority: String,
    /// Types of phones 1, 2 and 3.
    pub phone_types: [String; 3],
    /// Default country (`""` = none).
    pub country: String,
    /// Time zone for appointment times (`""` = not set).
    pub time_zone: String,
    /// First name for leads without one (`""` = not set: such leads are rejected).
    pub first_name_fallback: String,
    /// Whether unmapped fields go to the notes.
    pub unmapped_to_notes: bool,
    /// The dedupe window in hours, as typed.
    pub dedupe_window_hours: String,
}

impl MappingForm {
    /// The form showing a saved mapping.
    pub fn from_mapping(mapping: &LocationMapping) -> Self {
        let defaults = &mapping.defaults;
        MappingForm {
            aliases: mapping
                .aliases
                .iter()
                .filter(|(_, aliases)| !aliases.is_empty())
                .map(|(field, aliases)| (field.clone(), aliases.join(", ")))
                .collect(),
            job_category: enum_text(defaults.job_category.as_ref().map(JobCategory::as_str)),
            work_type: enum_text(defaults.work_type.as_ref().map(WorkType::as_str)),
            priority: enum_text(defaults.priority.as_ref().map(Priority::as_str)),
            phone_types: [
                defaults.phone_type1.as_str().to_string(),
                defaults.phone_type2.as_str().to_string(),
                defaults.phone_type3.as_str().to_string(),
            ],
            country: defaults.country.clone(),
            time_zone: defaults.time_zone.clone().unwrap_or_default(),
            first_name_fallback: defaults.first_name_fallback.clone().unwrap_or_default(),
            unmapped_to_notes: mapping.unmapped_to_notes,
            dedupe_window_hours: mapping.dedupe_window_hours.to_string(),
        }
    }

    /// The form as submitted. Names that are not the mapping's (the CSRF token, the dry run's
    /// sample) are ignored; a missing select counts as empty.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut form = MappingForm {
            aliases: BTreeMap::new(),
            job_category: String::new(),
            work_type: String::new(),
            priority: String::new(),
            phone_types: [String::new(), String::new(), String::new()],
            country: String::new(),
            time_zone: String::new(),
            first_name_fallback: String::new(),
            unmapped_to_notes: false,
            dedupe_window_hours: String::new(),
        };
        for (name, value) in pairs {
            if let Some(field) = name.strip_prefix(ALIAS_PREFIX) {
                let typed = form.aliases.entry(field.to_string()).or_default();
                if !typed.is_empty() {
                    typed.push('\n');
                }
                typed.push_str(value);
                continue;
            }
            let slot = match name.as_str() {
                "defaults.job_category" => &mut form.job_category,
                "defaults.work_type" => &mut form.work_type,
                "defaults.priority" => &mut form.priority,
                "defaults.phone_type1" => &mut form.phone_types[0],
                "defaults.phone_type2" => &mut form.phone_types[1],
                "defaults.phone_type3" => &mut form.phone_types[2],
                "defaults.country" => &mut form.country,
                "defaults.time_zone" => &mut form.time_zone,
                "defaults.first_name_fallback" => &mut form.first_name_fallback,
                "dedupe_window_hours" => &mut form.dedupe_window_hours,
                "unmapped_to_notes" => {
                    form.unmapped_to_notes = true;
                    continue;
                }
                _ => continue,
            };
            value.clone_into(slot);
        }
        form
    }

    /// Reads the form into a mapping and checks it: `(form name, message)` pairs on failure,
    /// in the order of the page.
    pub fn to_mapping(&self) -> Result<LocationMapping, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut aliases = BTreeMap::new();
        for (field, typed) in &self.aliases {
            let list = split_aliases(typed);
            if !list.is_empty() {
                aliases.insert(field.clone(), list);
            }
        }
        let job_category = optional_choice(
            &self.job_category,
            "defaults.job_category",
            JobCategory::parse_loose,
            &JobCategory::listed(),
            &mut errors,
        );
        let work_type = optional_choice(
            &self.work_type,
            "defaults.work_type",
            WorkType::parse_loose,
            &WorkType::listed(),
            &mut errors,
        );
        let priority = optional_choice(
            &self.priority,
            "defaults.priority",
            Priority::parse_loose,
            &Priority::listed(),
            &mut errors,
        );
        let fallback = MappingDefaults::default();
        let standard = [
            fallback.phone_type1,
            fallback.phone_type2,
            fallback.phone_type3,
        ];
        let mut phone_types = standard;
        for (slot, typed) in self.phone_types.iter().enumerate() {
            match PhoneType::parse_loose(typed) {
                Some(kind) => phone_types[slot] = kind,
                None => errors.push((
                    format!("defaults.phone_type{}", slot + 1),
                    format!("Choose one of {}.", PhoneType::listed()),
                )),
            }
        }
        let dedupe_window_hours = match self.dedupe_window_hours.trim().parse::<u64>() {
            // Out of range is reported by `validate` with the allowed range.
            Ok(hours) => u32::try_from(hours).unwrap_or(u32::MAX),
            Err(_) => {
                errors.push((
                    "dedupe_window_hours".to_string(),
                    "Enter a whole number of hours: 24 is a day, 0 turns dedupe off.".to_string(),
                ));
                0
            }
        };
        let mapping = LocationMapping {
            aliases,
            defaults: MappingDefaults {
                job_category,
                work_type,
                priority,
                phone_type1: phone_types[0],
                phone_type2: phone_types[1],
                phone_type3: phone_types[2],
                country: self.country.trim().to_string(),
                time_zone: not_blank(&self.time_zone),
                first_name_fallback: not_blank(&self.first_name_fallback),
            },
            unmapped_to_notes: self.unmapped_to_notes,
            dedupe_window_hours,
        };
        if let Err(mut more) = mapping.validate() {
            errors.append(&mut more);
        }
        if errors.is_empty() {
            Ok(mapping)
        } else {
            errors.sort_by_key(|(name, _)| form_order(name));
            Err(errors)
        }
    }
}

/// The aliases typed for one field: split at commas and line breaks, trimmed, blanks dropped.
pub fn split_aliases(typed: &str) -> Vec<String> {
    typed
        .split([',', '\n', '\r'])
        .map(str::trim)
        .filter(|alias| !alias.is_empty())
        .map(str::to_string)
        .collect()
}

fn enum_text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_string()
}

fn not_blank(typed: &str) -> Option<String> {
    let trimmed = typed.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn optional_choice<T>(
    typed: &str,
    name: &str,
    parse: fn(&str) -> Option<T>,
    listed: &str,
    errors: &mut Vec<(String, String)>,
) -> Option<T> {
    if typed.trim().is_empty() {
        return None;
    }
    let parsed = parse(typed);
    if parsed.is_none() {
        errors.push((
            name.to_string(),
            format!("Choose one of {listed}, or no default."),
        ));
    }
    parsed
}

/// Position of a form name on the page, so errors are listed top to bottom.
fn form_order(name: &str) -> usize {
    const LATER: [&str; 11] = [
        "defaults.job_category",
        "defaults.work_type",
        "defaults.priority",
        "defaults.phone_type1",
        "defaults.phone_type2",
        "defaults.phone_type3",
        "defaults.country",
        "defaults.time_zone",
        "defaults.first_name_fallback",
        "unmapped_to_notes",
        "dedupe_window_hours",
    ];
    let fields = acculynx_fields();
    if let Some(field) = name.strip_prefix(ALIAS_PREFIX) {
        return fields
            .iter()
            .position(|known| *known == field)
            .unwrap_or(fields.len());
    }
    fields.len()
        + 1
        + LATER
            .iter()
            .position(|known| *known == name)
            .unwrap_or(LATER.len())
}

/// How a form name is called in the list of problems ("Phone 2: your field names").
pub fn form_label(name: &str) -> String {
    if let Some(field) = name.strip_prefix(ALIAS_PREFIX) {
        return match LeadField::from_name(field) {
            Some(field) => format!("{}: your field names", field.label()),
            None => format!("Field names for \"{}\"", excerpt(field, 60)),
        };
    }
    match name {
        "defaults.job_category" => "Default job category",
        "defaults.work_type" => "Default work type",
        "defaults.priority" => "Default priority",
        "defaults.phone_type1" => "Type of phone 1",
        "defaults.phone_type2" => "Type of phone 2",
        "defaults.phone_type3" => "Type of phone 3",
        "defaults.country" => "Default country",
        "defaults.time_zone" => "Time zone",
        "defaults.first_name_fallback" => "First name when none is sent",
        "dedupe_window_hours" => "Dedupe window",
        _ => "Mapping",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    fn standard_form() -> Vec<(String, String)> {
        pairs(&[
            ("defaults.phone_type1", "Mobile"),
            ("defaults.phone_type2", "Home"),
            ("defaults.phone_type3", "Work"),
            ("defaults.country", "US"),
            ("unmapped_to_notes", "on"),
            ("dedupe_window_hours", "24"),
        ])
    }

    #[test]
    fn the_saved_mapping_round_trips_through_the_form() {
        let mut mapping = LocationMapping::default();
        mapping.aliases.insert(
            "phoneNumber2".into(),
            vec!["Alt Phone".into(), "Spouse Phone".into()],
        );
        mapping.defaults.job_category = Some(JobCategory::PropertyManagement);
        mapping.defaults.time_zone = Some("America/Denver".into());
        mapping.unmapped_to_notes = false;
        mapping.dedupe_window_hours = 0;
        let form = MappingForm::from_mapping(&mapping);
        assert_eq!(form.aliases["phoneNumber2"], "Alt Phone, Spouse Phone");
        assert_eq!(form.to_mapping(), Ok(mapping));
        assert_eq!(
            MappingForm::from_pairs(&standard_form()).to_mapping(),
            Ok(LocationMapping::default())
        );
    }

    #[test]
    fn aliases_are_split_at_commas_and_line_breaks_and_blanks_are_ignored() {
        assert_eq!(
            split_aliases(" Alt Phone ,\r\nSpouse_Phone\n\n, ,x"),
            ["Alt Phone", "Spouse_Phone", "x"]
        );
        let mut form = standard_form();
        form.push(("aliases.street2".into(), "Unit No, \r\n".into()));
        form.push(("aliases.city".into(), " , ".into()));
        let mapping = MappingForm::from_pairs(&form).to_mapping().unwrap();
        assert_eq!(mapping.aliases.len(), 1);
        assert_eq!(mapping.aliases["street2"], ["Unit No"]);
    }

    #[test]
    fn bad_values_are_reported_per_form_field_in_page_order() {
        let form = pairs(&[
            ("dedupe_window_hours", "a day"),
            ("defaults.phone_type1", "pager"),
            ("defaults.phone_type2", "Home"),
            ("defaults.phone_type3", "Work"),
            ("defaults.job_category", "Roofing"),
            ("defaults.time_zone", "Mars/Olympus"),
            ("aliases.lastName", "firstName"),
        ]);
        let errors = MappingForm::from_pairs(&form).to_mapping().unwrap_err();
        let names: Vec<&str> = errors.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "aliases.lastName",
                "defaults.job_category",
                "defaults.phone_type1",
                "defaults.time_zone",
                "dedupe_window_hours"
            ]
        );
        assert!(
            errors[1]
                .1
                .contains("Residential, Repair, Property Management")
        );
        assert!(errors[4].1.contains("whole number"));
        let mut too_long = standard_form();
        too_long.push(("dedupe_window_hours".into(), "99999999999".into()));
        let errors = MappingForm::from_pairs(&too_long).to_mapping().unwrap_err();
        assert_eq!(errors[0].0, "dedupe_window_hours");
        assert!(errors[0].1.contains("8760"), "{errors:?}");
    }
}
