//! Mapping and normalisation, as the webhook runs them after reading the body: a location's
//! mapping (the JSON stored in `locations.mapping`: aliases and defaults) compiled, then one
//! lead's source fields mapped to an AccuLynx lead.
//!
//! Input: the mapping JSON on the first line (anything unreadable counts as `{}`, as the
//! portal's default), then the lead as a form body.
//!
//! Asserts: no panic; a lead that is not rejected is one AccuLynx accepts (the sandbox's own
//! validator and the portal's check both pass), a rejected one lacks only its first name;
//! every phone number is digits with at most a leading `+`, its extension digits only, and
//! `phone_digits` is digits and spaces; the dedupe key is 64 hex digits and mapping is
//! deterministic; each value on its own: a normalised phone is digits only (7 to 15, an
//! optional leading `+`), a normalised email reads back as itself, a normalised appointment is
//! a date-time AccuLynx reads.

#![no_main]

use leadrelay::acculynx::LeadField;
use leadrelay::intake::{LocationMapping, normalize};
use leadrelay_fuzz::read_body;
use libfuzzer_sys::fuzz_target;

fn is_phone(number: &str) -> bool {
    let digits = number.strip_prefix('+').unwrap_or(number);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fuzz_target!(|data: &[u8]| {
    let (mapping, form) = match data.iter().position(|byte| *byte == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&data[..0], data),
    };
    let mapping: LocationMapping = serde_json::from_slice(mapping).unwrap_or_default();
    let _ = mapping.validate();
    let Ok(parsed) = read_body(Some("application/x-www-form-urlencoded"), form) else {
        return;
    };
    let source = parsed.fields;

    let compiled = mapping.compile();
    let mapped = compiled.map(&source);
    let body = serde_json::to_value(&mapped.lead).expect("a lead serialises");
    if mapped.is_rejected() {
        assert!(mapped.lead.first_name.is_empty());
        assert_eq!(mapped.errors.len(), 1);
        assert_eq!(mapped.errors[0].field, "firstName");
    } else {
        if let Err(errors) = leadrelay::sandbox::validate_lead(&body) {
            panic!("AccuLynx would refuse {body}: {errors:?}");
        }
        if let Err(problems) = leadrelay::acculynx::check::check_lead(&body) {
            panic!("the portal's check refuses {body}: {problems:?}");
        }
    }
    for slot in 0..3 {
        if let Some(number) = mapped.lead.phone(slot) {
            assert!(is_phone(number), "phone {slot} is {number:?}");
        }
    }
    let digits = mapped.lead.phone_digits();
    assert!(digits.bytes().all(|b| b.is_ascii_digit() || b == b' '));
    let key = mapped.lead.dedupe_key();
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(compiled.map(&source), mapped);

    let zone = compiled.time_zone();
    for (_, value) in &source {
        match normalize::phone(value) {
            Ok(phone) => {
                assert!(is_phone(phone.number()), "{value:?} → {phone:?}");
                let digits = phone.number().trim_start_matches('+').len();
                assert!((7..=15).contains(&digits), "{value:?} → {phone:?}");
                if let Some(extension) = phone.extension() {
                    assert!(!extension.is_empty());
                    assert!(extension.bytes().all(|b| b.is_ascii_digit()));
                }
            }
            Err(message) => assert!(message.ends_with("kept in the notes.")),
        }
        if let Ok(email) = normalize::email(LeadField::EmailAddress, value) {
            assert_eq!(
                normalize::email(LeadField::EmailAddress, &email),
                Ok(email.clone())
            );
            assert!(
                leadrelay::sandbox::schema::looks_like_email(&email),
                "{email:?}"
            );
        }
        let mut warnings = Vec::new();
        if let Ok(at) = normalize::appointment(value, zone, &mut warnings) {
            assert!(
                leadrelay::sandbox::schema::is_date_time(&at),
                "{value:?} → {at:?}"
            );
        }
        let (first, last) = leadrelay::intake::names::split_full_name(value);
        assert!(first.len() + last.map_or(0, |last| last.len()) <= value.len());
    }
});
