//! One test per normalisation rule of SPEC §6.2, with values as ClientTether sends them.

use serde_json::json;

use super::{denver, json, map_default, map_with, notes};
use crate::acculynx::{JobCategory, PhoneType};
use crate::intake::LocationMapping;

#[test]
fn a_typical_clienttether_form_post_becomes_the_acculynx_body() {
    let mapped = map_with(
        &denver(),
        &[
            ("First Name", " Jane "),
            ("Last Name", "Doe"),
            ("Phone Cell", "(303) 555-0100 ext. 12"),
            ("Phone Home", "1-720-555-0199"),
            ("Email", "jane@EXAMPLE.com "),
            ("Address", "1600  Pennsylvania Ave"),
            ("City", "Denver"),
            ("State", "CO"),
            ("Zip_code", "80202"),
            ("appointment", "03/14/2027 2:30 PM"),
            ("whiteboard", "Hail damage,\r\nback side of roof"),
            ("Lead Source", "Facebook"),
        ],
    );
    assert!(mapped.warnings.is_empty(), "{:?}", mapped.warnings);
    assert_eq!(
        json(&mapped.lead),
        json!({
            "firstName": "Jane",
            "lastName": "Doe",
            "phoneNumber1": "3035550100",
            "phoneExtension1": "12",
            "phoneType1": "Mobile",
            "phoneNumber2": "7205550199",
            "phoneType2": "Home",
            "emailAddress": "jane@example.com",
            "street": "1600 Pennsylvania Ave",
            "city": "Denver",
            "state": "CO",
            "zip": "80202",
            "country": "US",
            "notes": "Hail damage,\nback side of roof\nLead Source: Facebook",
            "initialAppointmentDate": "2027-03-14T20:30:00Z"
        })
    );
}

#[test]
fn a_phone_extension_moves_to_the_matching_extension_field() {
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("phone", "(303) 555-0100 ext. 12"),
        ("homePhone", "303.555.0101 x7"),
        ("workPhone", "303-555-0102 extension 345"),
    ]);
    let lead = &mapped.lead;
    assert_eq!(lead.phone_number1.as_deref(), Some("3035550100"));
    assert_eq!(lead.phone_extension1.as_deref(), Some("12"));
    assert_eq!(lead.phone_number2.as_deref(), Some("3035550101"));
    assert_eq!(lead.phone_extension2.as_deref(), Some("7"));
    assert_eq!(lead.phone_number3.as_deref(), Some("3035550102"));
    assert_eq!(lead.phone_extension3.as_deref(), Some("345"));
    assert_eq!(lead.phone_digits(), "3035550100 3035550101 3035550102");
}

#[test]
fn an_explicit_extension_wins_over_one_written_in_the_phone() {
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("phone", "(303) 555-0100 ext. 12"),
        ("phoneExtension1", "99"),
    ]);
    assert_eq!(mapped.lead.phone_extension1.as_deref(), Some("99"));
    assert_eq!(mapped.warnings.len(), 1, "{:?}", mapped.warnings);
    assert!(mapped.warnings[0].contains("extension 12"));
    assert!(notes(&mapped).contains("phone: (303) 555-0100 ext. 12"));
}

#[test]
fn a_us_number_with_its_country_code_loses_the_leading_one() {
    let mapped = map_default(&[("firstName", "Jane"), ("phone", "1-720-555-0199")]);
    assert_eq!(mapped.lead.phone_number1.as_deref(), Some("7205550199"));
    let mapped = map_default(&[("firstName", "Jane"), ("phone", "+1 (720) 555-0199")]);
    assert_eq!(mapped.lead.phone_number1.as_deref(), Some("7205550199"));
    let mapped = map_default(&[("firstName", "Jane"), ("phone", "+44 20 7946 0958")]);
    assert_eq!(mapped.lead.phone_number1.as_deref(), Some("+442079460958"));
}

#[test]
fn a_phone_with_fewer_than_seven_digits_is_dropped_and_kept_in_the_notes() {
    let mapped = map_default(&[("firstName", "Jane"), ("Phone Cell", "12345")]);
    assert_eq!(mapped.lead.phone_number1, None);
    assert_eq!(mapped.lead.phone_type1, None);
    assert_eq!(
        mapped.warnings,
        vec!["Phone \"12345\" has fewer than 7 digits; it was left out and kept in the notes."]
    );
    assert_eq!(notes(&mapped), "Phone Cell: 12345");
}

#[test]
fn a_dropped_phone_leaves_its_slot_to_the_next_source_key() {
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("phone", "n/a"),
        ("mobile", "303-555-0100"),
    ]);
    assert_eq!(mapped.lead.phone_number1.as_deref(), Some("3035550100"));
    assert_eq!(notes(&mapped), "phone: n/a");
}

#[test]
fn an_email_is_trimmed_and_its_domain_lower_cased() {
    let mapped = map_default(&[("firstName", "Jane"), ("email", "jane@EXAMPLE.com ")]);
    assert_eq!(
        mapped.lead.email_address.as_deref(),
        Some("jane@example.com")
    );
    assert!(mapped.warnings.is_empty());
}

#[test]
fn an_invalid_or_overlong_email_is_dropped_never_cut() {
    let mapped = map_default(&[("firstName", "Jane"), ("email", "jane at example dot com")]);
    assert_eq!(mapped.lead.email_address, None);
    assert_eq!(mapped.warnings.len(), 1);
    assert!(mapped.warnings[0].starts_with("Email address \"jane at example dot com\""));
    assert_eq!(notes(&mapped), "email: jane at example dot com");

    let long = format!("{}@example.com", "j".repeat(95));
    let mapped = map_default(&[("firstName", "Jane"), ("email", &long)]);
    assert_eq!(mapped.lead.email_address, None);
    assert!(mapped.warnings[0].contains("longer than AccuLynx allows (100 characters)"));
    assert_eq!(notes(&mapped), format!("email: {long}"));
}

#[test]
fn a_sales_person_must_be_an_email() {
    let mapped = map_default(&[("firstName", "Jane"), ("Sales Rep", "Bob Smith")]);
    assert_eq!(mapped.lead.sales_person, None);
    assert!(mapped.warnings[0].contains("login email"));
    let mapped = map_default(&[("firstName", "Jane"), ("assigned_to", "Bob@Roofing.COM")]);
    assert_eq!(mapped.lead.sales_person.as_deref(), Some("Bob@roofing.com"));
}

#[test]
fn an_appointment_in_denver_is_sent_in_utc() {
    let mapped = map_with(
        &denver(),
        &[("firstName", "Jane"), ("appointment", "03/14/2027 2:30 PM")],
    );
    assert_eq!(
        mapped.lead.initial_appointment_date.as_deref(),
        Some("2027-03-14T20:30:00Z")
    );
    let mapped = map_with(
        &denver(),
        &[
            ("firstName", "Jane"),
            ("appointmentDate", "2027-03-14T14:30:00-06:00"),
        ],
    );
    assert_eq!(
        mapped.lead.initial_appointment_date.as_deref(),
        Some("2027-03-14T20:30:00Z")
    );
}

#[test]
fn without_a_time_zone_an_appointment_is_sent_without_one() {
    let mapped = map_default(&[("firstName", "Jane"), ("appointment", "03/14/2027 2:30 PM")]);
    assert_eq!(
        mapped.lead.initial_appointment_date.as_deref(),
        Some("2027-03-14T14:30:00")
    );
    let mapped = map_default(&[("firstName", "Jane"), ("appointment", "2027-03-14 09:00")]);
    assert_eq!(
        mapped.lead.initial_appointment_date.as_deref(),
        Some("2027-03-14T09:00:00")
    );
}

#[test]
fn an_appointment_in_a_daylight_saving_gap_is_moved_with_a_warning() {
    let mapped = map_with(
        &denver(),
        &[("firstName", "Jane"), ("appointment", "03/14/2027 2:30 AM")],
    );
    assert_eq!(
        mapped.lead.initial_appointment_date.as_deref(),
        Some("2027-03-14T09:30:00Z")
    );
    assert_eq!(
        mapped.warnings,
        vec![
            "Appointment time 2027-03-14 02:30 does not exist in America/Denver (the clocks \
             move forward that night); 03:30 was used."
        ]
    );
}

#[test]
fn an_unreadable_appointment_is_dropped_and_kept_in_the_notes() {
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("appointment", "next Tuesday after 3"),
    ]);
    assert_eq!(mapped.lead.initial_appointment_date, None);
    assert!(mapped.warnings[0].starts_with("Appointment date \"next Tuesday after 3\""));
    assert_eq!(notes(&mapped), "appointment: next Tuesday after 3");
}

#[test]
fn an_80_character_first_name_is_cut_to_50_with_a_warning() {
    let name = "Maximilian-Alexander ".repeat(4);
    let name = &name[..80];
    let mapped = map_default(&[("firstName", name)]);
    assert_eq!(mapped.lead.first_name, name[..50].trim_end());
    assert_eq!(mapped.warnings.len(), 1);
    assert!(
        mapped.warnings[0]
            .starts_with("First name was longer than AccuLynx allows (50 characters)")
    );
}

#[test]
fn unicode_names_are_never_cut_inside_a_character() {
    // 49 letters, then a thumbs-up with a skin tone (4 UTF-16 units): the emoji cannot fit.
    let emoji = format!("{}👍🏽", "a".repeat(49));
    let mapped = map_default(&[("firstName", &emoji)]);
    assert_eq!(mapped.lead.first_name, "a".repeat(49));

    // A family emoji joined with zero-width joiners is one character of 8 units.
    let family = format!("{}👨‍👩‍👧", "b".repeat(45));
    let mapped = map_default(&[("firstName", "Jane"), ("lastName", &family)]);
    assert_eq!(
        mapped.lead.last_name.as_deref(),
        Some("b".repeat(45).as_str())
    );

    // "ë" written as e + combining diaeresis must keep its accent or go entirely.
    let combining = format!("{}Zoe\u{308}", "c".repeat(47));
    let mapped = map_default(&[("firstName", &combining)]);
    assert_eq!(mapped.lead.first_name, format!("{}Zo", "c".repeat(47)));

    // Names that fit are untouched.
    let mapped = map_default(&[("firstName", "Zoe\u{308}"), ("lastName", "Ñúñez 😀")]);
    assert_eq!(mapped.lead.first_name, "Zoe\u{308}");
    assert_eq!(mapped.lead.last_name.as_deref(), Some("Ñúñez 😀"));
    assert!(mapped.warnings.is_empty());
}

#[test]
fn whitespace_is_folded_and_control_characters_dropped_but_notes_keep_line_breaks() {
    let mapped = map_default(&[
        ("firstName", "\t Jane \u{0}\u{7}"),
        ("lastName", "van  der\n Berg"),
        ("city", "\u{a0}Fort\u{3000}Collins "),
        ("notes", "  Line one\u{1b}\r\n\r\nLine\tthree  "),
    ]);
    let lead = &mapped.lead;
    assert_eq!(lead.first_name, "Jane");
    assert_eq!(lead.last_name.as_deref(), Some("van der Berg"));
    assert_eq!(lead.city.as_deref(), Some("Fort Collins"));
    assert_eq!(lead.notes.as_deref(), Some("Line one\n\nLine three"));
}

#[test]
fn empty_fields_are_left_out_never_sent_as_empty_strings() {
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("lastName", ""),
        ("company", "   "),
        ("phone", "\u{0}"),
        ("email", ""),
        ("notes", " \r\n "),
        ("Favourite colour", ""),
    ]);
    assert_eq!(
        json(&mapped.lead),
        json!({"firstName": "Jane", "country": "US"})
    );
    assert!(mapped.warnings.is_empty());
}

#[test]
fn cell_as_a_phone_type_means_mobile() {
    let mapped = map_default(&[
        ("firstName", "Jane"),
        ("phoneNumber2", "303-555-0100"),
        ("phoneType2", "cell"),
    ]);
    assert_eq!(mapped.lead.phone_type2, Some(PhoneType::Mobile));
    assert!(mapped.warnings.is_empty());
}

#[test]
fn an_unknown_enum_value_falls_back_to_the_location_default_with_a_warning() {
    let mut mapping = LocationMapping::default();
    mapping.defaults.job_category = Some(JobCategory::Residential);
    let mapped = map_with(
        &mapping,
        &[
            ("firstName", "Jane"),
            ("phone", "303-555-0100"),
            ("phoneType1", "pager"),
            ("jobCategory", "Commercial"),
            ("workType", "Insurance Claim"),
            ("priority", "ASAP"),
        ],
    );
    let body = json(&mapped.lead);
    assert_eq!(body["phoneType1"], "Mobile");
    assert_eq!(body["jobCategory"], "Residential");
    assert_eq!(body["workType"], "Insurance");
    assert_eq!(body["priority"], "Urgent");
    assert_eq!(
        mapped.warnings,
        vec![
            "Phone 1 type \"pager\" is not one AccuLynx knows (Home, Mobile, Work); the \
             location's default, Mobile, was used and the original kept in the notes.",
            "Job category \"Commercial\" is not one AccuLynx knows (Residential, Repair, \
             Property Management); the location's default, Residential, was used and the \
             original kept in the notes.",
        ]
    );
    assert_eq!(notes(&mapped), "phoneType1: pager\njobCategory: Commercial");
}

#[test]
fn an_unknown_enum_value_without_a_default_is_left_out() {
    let mapped = map_default(&[("firstName", "Jane"), ("workType", "Gutters")]);
    assert_eq!(mapped.lead.work_type, None);
    assert!(mapped.warnings[0].ends_with("it was left out and kept in the notes."));
}

#[test]
fn a_phone_type_is_sent_only_with_its_phone_number() {
    let mapped = map_default(&[("firstName", "Jane"), ("phoneType3", "Work")]);
    assert_eq!(mapped.lead.phone_type3, None);
    let mapped = map_default(&[("firstName", "Jane"), ("workPhone", "3035550100")]);
    assert_eq!(mapped.lead.phone_type3, Some(PhoneType::Work));
}
