//! The alias table of SPEC §6.1, per-location aliases, and what ends up in the notes.

use std::collections::BTreeMap;

use super::{fields, map_default, map_with, notes};
use crate::acculynx::LeadField;
use crate::domain::text::utf16_len;
use crate::intake::{LocationMapping, acculynx_fields, default_aliases};

/// A realistic value for each field and what AccuLynx should receive for it.
fn sample(field: &str) -> (&'static str, &'static str) {
    match field {
        "firstName" => ("Jane", "Jane"),
        "lastName" => ("Doe", "Doe"),
        "companyName" => ("Acme Roofing", "Acme Roofing"),
        "phoneNumber1" | "phoneNumber2" | "phoneNumber3" => ("(303) 555-0100", "3035550100"),
        "phoneExtension1" | "phoneExtension2" | "phoneExtension3" => ("12", "12"),
        "phoneType1" | "phoneType2" | "phoneType3" => ("office", "Work"),
        "emailAddress" => ("jane@example.com", "jane@example.com"),
        "crossReference" => ("CT-1001", "CT-1001"),
        "jobCategory" => ("property management", "Property Management"),
        "workType" => ("retail", "Retail"),
        "street" => ("1 Main St", "1 Main St"),
        "street2" => ("Apt 2", "Apt 2"),
        "city" => ("Denver", "Denver"),
        "state" => ("CO", "CO"),
        "zip" => ("80202", "80202"),
        "country" => ("USA", "USA"),
        "priority" => ("high", "High"),
        "notes" => ("Call first", "Call first"),
        "salesPerson" => ("rep@example.com", "rep@example.com"),
        "initialAppointmentDate" => ("2027-03-14 09:00", "2027-03-14T09:00:00"),
        other => panic!("no sample for {other}"),
    }
}

/// The ways one key is written: as listed, upper case, snake_case, "Title Case", dotted, dashed.
fn spellings(alias: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in alias.chars() {
        if (c.is_uppercase() || c.is_ascii_digit()) && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_lowercase());
    }
    words.push(word);
    let title: Vec<String> = words
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    vec![
        alias.to_string(),
        alias.to_uppercase(),
        words.join("_"),
        title.join(" "),
        words.join("."),
        words.join("-"),
    ]
}

#[test]
fn every_default_alias_in_every_spelling_fills_its_field() {
    for name in acculynx_fields() {
        let field = LeadField::from_name(name).unwrap();
        let (value, expected) = sample(name);
        for alias in default_aliases(name) {
            for key in spellings(alias) {
                let mut pairs = vec![("firstName", "Jane")];
                if let Some(slot) = field.phone_slot() {
                    let number = ["phoneNumber1", "phoneNumber2", "phoneNumber3"][slot];
                    if *name != number {
                        pairs.push((number, "720-555-0199"));
                    }
                }
                pairs.retain(|(existing, _)| *existing != *name);
                pairs.push((&key, value));
                let mapped = map_default(&pairs);
                assert_eq!(mapped.lead.get(field), Some(expected), "{key:?} → {name}");
                assert!(mapped.warnings.is_empty(), "{key:?}: {:?}", mapped.warnings);
                if field != LeadField::Notes {
                    assert_eq!(mapped.lead.notes, None, "{key:?} went to the notes");
                }
            }
        }
    }
}

#[test]
fn extra_aliases_add_source_keys_and_win_over_default_ones() {
    let mapping = LocationMapping {
        aliases: BTreeMap::from([
            (
                "phoneNumber2".to_string(),
                vec!["Phone".to_string(), "Alt Phone".to_string()],
            ),
            (
                "crossReference".to_string(),
                vec!["CT Contact #".to_string()],
            ),
            ("firstName".to_string(), vec!["Prénom".to_string()]),
        ]),
        ..LocationMapping::default()
    };
    assert_eq!(mapping.validate(), Ok(()));
    let mapped = map_with(
        &mapping,
        &[
            ("PRÉNOM", "Jane"),
            ("phone", "303-555-0100"),
            ("cell", "720-555-0199"),
            ("ct_contact_#", "88231"),
        ],
    );
    let lead = &mapped.lead;
    assert_eq!(lead.first_name, "Jane");
    assert_eq!(lead.phone_number1.as_deref(), Some("7205550199"));
    assert_eq!(lead.phone_number2.as_deref(), Some("3035550100"));
    assert_eq!(lead.cross_reference.as_deref(), Some("88231"));
    assert_eq!(lead.notes, None);
    let compiled = mapping.compile();
    assert_eq!(compiled.target_of("Alt-Phone"), Some("phoneNumber2"));
    assert_eq!(compiled.target_of("Full Name"), Some("name"));
    assert_eq!(compiled.target_of("Lead Source"), None);
}

#[test]
fn unmapped_fields_go_to_the_notes_as_key_value_lines() {
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("notes", "Roof leak"),
        ("Lead Source", "Facebook Ad"),
        ("roof_age", " 15\nyears "),
        ("utm_campaign", ""),
    ]);
    assert_eq!(
        notes(&mapped),
        "Roof leak\nLead Source: Facebook Ad\nroof_age: 15 years"
    );
}

#[test]
fn unmapped_fields_can_be_left_out_but_dropped_values_still_reach_the_notes() {
    let mapping = LocationMapping {
        unmapped_to_notes: false,
        ..LocationMapping::default()
    };
    let mapped = map_with(
        &mapping,
        &[
            ("firstName", "Jane"),
            ("Lead Source", "Facebook"),
            ("phone", "555"),
        ],
    );
    assert_eq!(notes(&mapped), "phone: 555");
}

#[test]
fn every_notes_source_is_kept_in_order() {
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("comments", "Prefers mornings"),
        ("whiteboard", "Gate code 1234"),
    ]);
    assert_eq!(notes(&mapped), "Prefers mornings\nGate code 1234");
}

#[test]
fn overflowing_notes_are_cut_to_1000_with_a_warning() {
    let long = "Customer says the hail storm on Tuesday damaged the north slope. ".repeat(14);
    let mut pairs = vec![("firstName", "Jane"), ("notes", long.as_str())];
    let extra: Vec<(String, String)> = (0..20)
        .map(|n| (format!("question_{n}"), format!("answer {n} 😀")))
        .collect();
    pairs.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mapped = map_default(&pairs);
    let notes = notes(&mapped);
    assert!(utf16_len(notes) <= 1000, "{}", utf16_len(notes));
    assert!(utf16_len(notes) >= 990);
    assert!(notes.starts_with("Customer says"));
    assert_eq!(
        mapped.warnings,
        vec![
            "The notes were longer than AccuLynx allows (1000 characters); the end was cut \
             off, and the full text stays in leadrelay's record of this lead."
        ]
    );
}

#[test]
fn a_second_value_for_a_field_is_ignored_when_equal_and_noted_when_different() {
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("phone", "303-555-0100"),
        ("cell", "(303) 555-0100"),
        ("mobile", "720-555-0199"),
    ]);
    assert_eq!(mapped.lead.phone_number1.as_deref(), Some("3035550100"));
    assert_eq!(
        mapped.warnings,
        vec![
            "Two values were sent for Phone 1; \"3035550100\" was used and \"720-555-0199\" \
             was kept in the notes."
        ]
    );
    assert_eq!(notes(&mapped), "mobile: 720-555-0199");
}

#[test]
fn fields_arrive_in_any_order_and_map_the_same() {
    let forward = fields(&[("first", "Jane"), ("last", "Doe"), ("zip", "80202")]);
    let mut backward = forward.clone();
    backward.reverse();
    let compiled = LocationMapping::default().compile();
    assert_eq!(compiled.map(&forward), compiled.map(&backward));
}
