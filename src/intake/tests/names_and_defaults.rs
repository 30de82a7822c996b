//! Names, the first-name rule, the location's defaults and the mapping's own validation.

use std::collections::BTreeMap;

use serde_json::json;

use super::{json, map_default, map_with, notes};
use crate::acculynx::{JobCategory, PhoneType, Priority, WorkType};
use crate::intake::{FieldError, LocationMapping, MappingDefaults};

fn names(pairs: &[(&str, &str)]) -> (String, Option<String>) {
    let mapped = map_default(pairs);
    (mapped.lead.first_name, mapped.lead.last_name)
}

#[test]
fn a_full_name_is_split_when_first_and_last_name_are_absent() {
    let split = |name: &str| names(&[("name", name)]);
    assert_eq!(split("Jane Doe"), ("Jane".into(), Some("Doe".into())));
    assert_eq!(
        split("  Mary Ann   Smith "),
        ("Mary Ann".into(), Some("Smith".into()))
    );
    assert_eq!(split("Doe, Jane"), ("Jane".into(), Some("Doe".into())));
    assert_eq!(
        split("Jane Doe Jr."),
        ("Jane".into(), Some("Doe Jr.".into()))
    );
    assert_eq!(
        split("Jane Doe, Jr."),
        ("Jane".into(), Some("Doe, Jr.".into()))
    );
    assert_eq!(split("Cher"), ("Cher".into(), None));
    assert_eq!(
        split("José Núñez 😀"),
        ("José Núñez".into(), Some("😀".into()))
    );
    assert_eq!(
        names(&[("Contact Name", "Jane Doe")]),
        ("Jane".into(), Some("Doe".into()))
    );
    assert_eq!(
        names(&[("full_name", "Jane Doe")]),
        ("Jane".into(), Some("Doe".into()))
    );
}

#[test]
fn a_full_name_only_fills_what_is_missing() {
    assert_eq!(
        names(&[("lastName", "Doe"), ("name", "Jane Doe")]),
        ("Jane".into(), Some("Doe".into()))
    );
    assert_eq!(
        names(&[("firstName", "Jane"), ("name", "Jane Doe")]),
        ("Jane".into(), Some("Doe".into()))
    );
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("lastName", "Doe"),
        ("name", "Jane Doe"),
    ]);
    assert_eq!(
        mapped.lead.notes, None,
        "an agreeing full name adds nothing"
    );
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("lastName", "Doe"),
        ("name", "Janet Smith"),
    ]);
    assert_eq!(mapped.lead.first_name, "Jane");
    assert_eq!(notes(&mapped), "name: Janet Smith");
}

#[test]
fn a_lead_without_a_first_name_is_rejected() {
    let mapped = map_default(&[("lastName", "Doe"), ("email", "jane@example.com")]);
    assert!(mapped.is_rejected());
    assert_eq!(
        mapped.errors,
        vec![FieldError {
            field: "firstName".into(),
            message: "The firstName field is required.".into()
        }]
    );
    let mapped = map_default(&[("firstName", " \u{0} "), ("lastName", "Doe")]);
    assert!(mapped.is_rejected());
}

#[test]
fn the_first_name_fallback_rescues_a_lead_with_a_warning() {
    let mut mapping = LocationMapping::default();
    mapping.defaults.first_name_fallback = Some("  Website   lead ".into());
    let mapped = map_with(&mapping, &[("company", "Acme Property Group")]);
    assert!(!mapped.is_rejected());
    assert_eq!(mapped.lead.first_name, "Website lead");
    assert_eq!(
        mapped.warnings,
        vec!["No first name was sent; \"Website lead\" was used, as this location's mapping says."]
    );
    let mapped = map_with(&mapping, &[("firstName", "Jane")]);
    assert!(mapped.warnings.is_empty());
}

#[test]
fn location_defaults_fill_enums_phone_types_and_country() {
    let mapping = LocationMapping {
        defaults: MappingDefaults {
            job_category: Some(JobCategory::Repair),
            work_type: Some(WorkType::Inspection),
            priority: Some(Priority::High),
            phone_type1: PhoneType::Home,
            country: "CA".into(),
            ..MappingDefaults::default()
        },
        ..LocationMapping::default()
    };
    let mapped = map_with(
        &mapping,
        &[("firstName", "Jane"), ("phone", "303-555-0100")],
    );
    assert_eq!(
        json(&mapped.lead),
        json!({
            "firstName": "Jane", "phoneNumber1": "3035550100", "phoneType1": "Home",
            "jobCategory": "Repair", "workType": "Inspection", "country": "CA", "priority": "High"
        })
    );
    let mapped = map_with(
        &mapping,
        &[("firstName", "Jane"), ("country", "United States")],
    );
    assert_eq!(mapped.lead.country.as_deref(), Some("United States"));

    let no_country = LocationMapping {
        defaults: MappingDefaults {
            country: String::new(),
            ..MappingDefaults::default()
        },
        ..LocationMapping::default()
    };
    assert_eq!(
        map_with(&no_country, &[("firstName", "Jane")]).lead.country,
        None
    );
}

#[test]
fn an_empty_stored_mapping_means_every_default() {
    let mapping: LocationMapping = serde_json::from_str("{}").unwrap();
    assert_eq!(mapping, LocationMapping::default());
    assert!(mapping.unmapped_to_notes);
    assert_eq!(mapping.dedupe_window_hours, 24);
    assert_eq!(mapping.defaults.country, "US");
    assert_eq!(mapping.compile().dedupe_window_hours(), 24);

    let stored = r#"{"defaults":{"job_category":"Property Management","time_zone":"America/Denver"},"dedupe_window_hours":0}"#;
    let mapping: LocationMapping = serde_json::from_str(stored).unwrap();
    assert_eq!(
        mapping.defaults.job_category,
        Some(JobCategory::PropertyManagement)
    );
    assert_eq!(mapping.defaults.phone_type2, PhoneType::Home);
    assert_eq!(
        mapping.compile().time_zone(),
        Some(chrono_tz::America::Denver)
    );
    let back: LocationMapping =
        serde_json::from_str(&serde_json::to_string(&mapping).unwrap()).unwrap();
    assert_eq!(back, mapping);
}

#[test]
fn validation_names_each_problem_for_the_form() {
    let mapping = LocationMapping {
        aliases: BTreeMap::from([
            ("favouriteColour".to_string(), vec!["colour".to_string()]),
            (
                "phoneNumber2".to_string(),
                vec!["Alt Phone".to_string(), " _ ".to_string()],
            ),
            (
                "phoneNumber3".to_string(),
                vec!["alt-phone".to_string(), "Phone Number 1".to_string()],
            ),
        ]),
        defaults: MappingDefaults {
            time_zone: Some("Mountain Time".to_string()),
            first_name_fallback: Some("x".repeat(51)),
            ..MappingDefaults::default()
        },
        unmapped_to_notes: true,
        dedupe_window_hours: 10_000,
    };
    let errors = mapping.validate().unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|(field, _)| field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "aliases.favouriteColour",
            "aliases.phoneNumber2",
            "aliases.phoneNumber3",
            "aliases.phoneNumber3",
            "defaults.time_zone",
            "defaults.first_name_fallback",
            "dedupe_window_hours",
        ],
        "{errors:?}"
    );
    assert_eq!(
        errors[0].1,
        "There is no AccuLynx field called \"favouriteColour\"."
    );
    assert!(
        errors[2].1.contains("also listed for phoneNumber2"),
        "{errors:?}"
    );
    assert!(
        errors[3]
            .1
            .contains("the name of the AccuLynx field phoneNumber1"),
        "{errors:?}"
    );
    assert!(LocationMapping::default().validate().is_ok());
}

#[test]
fn an_unvalidated_mapping_still_produces_leads_acculynx_accepts() {
    let mapping = LocationMapping {
        defaults: MappingDefaults {
            country: format!("  {}  ", "Ü".repeat(80)),
            time_zone: Some("Not/AZone".into()),
            first_name_fallback: Some("😀".repeat(40)),
            ..MappingDefaults::default()
        },
        ..LocationMapping::default()
    };
    let mapped = map_with(&mapping, &[("appointment", "2027-03-14 10:00")]);
    assert_eq!(mapped.lead.first_name, "😀".repeat(25));
    assert_eq!(
        mapped.lead.country.as_deref(),
        Some("Ü".repeat(50).as_str())
    );
    assert_eq!(
        mapped.lead.initial_appointment_date.as_deref(),
        Some("2027-03-14T10:00:00")
    );
}

#[test]
fn the_same_body_gives_the_same_dedupe_key_and_a_changed_one_does_not() {
    let body = [
        ("firstName", "Jane"),
        ("phone", "303-555-0100"),
        ("email", "jane@example.com"),
    ];
    let first = map_default(&body).lead.dedupe_key();
    let again = map_default(&[
        ("First Name", " Jane"),
        ("Phone", "(303) 555-0100"),
        ("EMAIL", "jane@EXAMPLE.com"),
    ]);
    assert_eq!(
        again.lead.dedupe_key(),
        first,
        "the key is over the mapped lead"
    );
    let other = map_default(&[
        ("firstName", "Jane"),
        ("phone", "303-555-0101"),
        ("email", "jane@example.com"),
    ]);
    assert_ne!(other.lead.dedupe_key(), first);
}
