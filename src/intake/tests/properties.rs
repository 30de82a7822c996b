//! Property tests: for arbitrary fields and mappings the mapper never panics, and every lead it
//! does not reject is one AccuLynx accepts (the sandbox's validator is the oracle). The body
//! readers never panic on arbitrary bytes and give back what a sender encoded; a JSON body is
//! read exactly when it is one object.

use std::collections::BTreeMap;

use actix_web::web::Bytes;
use proptest::prelude::*;

use crate::acculynx::{JobCategory, PhoneType, Priority, WorkType};
use crate::intake::body::parse_body;
use crate::intake::{LocationMapping, MappingDefaults, acculynx_fields, default_aliases};

fn alias_keys() -> Vec<String> {
    let mut keys: Vec<String> = acculynx_fields()
        .iter()
        .flat_map(|field| {
            default_aliases(field)
                .iter()
                .map(std::string::ToString::to_string)
        })
        .collect();
    keys.extend(
        [
            "name",
            "Full Name",
            "contact_name",
            "Phone Cell",
            "ZIP-code",
            "e.mail",
        ]
        .map(String::from),
    );
    keys
}

/// Keys: default aliases (respelled), the custom alias below, or anything at all.
fn key() -> impl Strategy<Value = String> {
    let aliases = alias_keys();
    prop_oneof![
        4 => (0..aliases.len(), any::<bool>()).prop_map(move |(index, upper)| {
            let alias = &aliases[index];
            if upper { alias.to_uppercase() } else { alias.clone() }
        }),
        1 => Just("Lead Source".to_string()),
        2 => any::<String>(),
    ]
}

/// Values: realistic shapes and their near misses, and arbitrary unicode.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "\\PC{0,120}",
        1 => "[+(]?[0-9 ().x#-]{0,40}( ?(ext\\.?|x|extension) ?[0-9]{0,6})?",
        1 => "[A-Za-z0-9.@ _-]{0,20}@[A-Za-z0-9.-]{0,90}",
        1 => "[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,5}( [0-9]{1,2}:[0-9]{2}( ?[AaPp][Mm])?)?",
        1 => "[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?(Z|[+-][0-9]{2}:[0-9]{2})?",
        1 => prop::sample::select(vec![
            "cell", "Home", "office", "pager", "Residential", "Property Management", "ASAP",
            "urgent", "claim", "", " ", "\u{0}", "😀👍🏽", "e\u{301}\u{301}",
        ]).prop_map(String::from),
        1 => ("\\PC{0,10}", 0usize..1200).prop_map(|(unit, times)| unit.repeat(times.min(1200 / unit.len().max(1)))),
    ]
}

fn mapping() -> impl Strategy<Value = LocationMapping> {
    let zones = prop::sample::select(vec![
        None,
        Some("America/Denver"),
        Some("America/New_York"),
        Some("Australia/Lord_Howe"),
        Some("Pacific/Chatham"),
        Some("Not/AZone"),
        Some(""),
    ]);
    let phone_type = prop::sample::select(PhoneType::all().to_vec());
    (
        (
            prop::option::of(prop::sample::select(JobCategory::all().to_vec())),
            prop::option::of(prop::sample::select(WorkType::all().to_vec())),
            prop::option::of(prop::sample::select(Priority::all().to_vec())),
            [phone_type.clone(), phone_type.clone(), phone_type],
        ),
        any::<String>(),
        zones,
        prop::option::of(any::<String>()),
        any::<bool>(),
        prop::collection::btree_map(
            prop::sample::select(acculynx_fields().to_vec()).prop_map(String::from),
            prop::collection::vec(key(), 0..3),
            0..3,
        ),
    )
        .prop_map(
            |((job, work, priority, types), country, zone, fallback, to_notes, aliases)| {
                LocationMapping {
                    aliases: aliases.into_iter().collect::<BTreeMap<_, _>>(),
                    defaults: MappingDefaults {
                        job_category: job,
                        work_type: work,
                        priority,
                        phone_type1: types[0],
                        phone_type2: types[1],
                        phone_type3: types[2],
                        country,
                        time_zone: zone.map(String::from),
                        first_name_fallback: fallback,
                    },
                    unmapped_to_notes: to_notes,
                    dedupe_window_hours: 24,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_lead_not_rejected_is_one_acculynx_accepts(
        mapping in mapping(),
        fields in prop::collection::vec((key(), value()), 0..24),
    ) {
        let mapped = mapping.compile().map(&fields);
        let body = serde_json::to_value(&mapped.lead).unwrap();
        if mapped.errors.is_empty() {
            if let Err(errors) = crate::sandbox::validate_lead(&body) {
                prop_assert!(false, "AccuLynx would refuse {body}: {errors:?}");
            }
        } else {
            prop_assert!(mapped.lead.first_name.is_empty());
            prop_assert_eq!(mapped.errors.len(), 1);
            prop_assert_eq!(mapped.errors[0].field.as_str(), "firstName");
        }
        // Never "" in the body: empty fields are left out.
        for (name, value) in body.as_object().unwrap() {
            prop_assert!(name == "firstName" || value.as_str() != Some(""), "{name} is empty");
        }
        prop_assert_eq!(mapped.lead.dedupe_key().len(), 64);
    }

    #[test]
    fn body_readers_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        content_type in prop::sample::select(vec![
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
        ]),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let _ = runtime.block_on(parse_body(Some(content_type), Bytes::from(bytes)));
    }

    #[test]
    fn a_json_or_form_body_gives_back_the_fields_that_were_encoded(
        pairs in prop::collection::vec(("\\PC{1,12}", "\\PC{0,40}"), 0..12),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let form = serde_urlencoded::to_string(&pairs).unwrap();
        let parsed = runtime
            .block_on(parse_body(Some("application/x-www-form-urlencoded"), Bytes::from(form)))
            .unwrap();
        prop_assert_eq!(&parsed, &pairs);

        // JSON keys without dots come back as they were, in order (duplicates included).
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(key, value)| (key.replace('.', "_"), value))
            .collect();
        let members: Vec<String> = pairs
            .iter()
            .map(|(key, value)| format!("{}:{}", serde_json::to_string(key).unwrap(), serde_json::to_string(value).unwrap()))
            .collect();
        let json = format!("{{{}}}", members.join(","));
        let parsed = runtime
            .block_on(parse_body(Some("application/json"), Bytes::from(json)))
            .unwrap();
        prop_assert_eq!(parsed, pairs);
    }

    // The property of the `json_body` fuzz target: a JSON body is read exactly when it is one
    // object serde_json reads, and refused with a 400 otherwise.
    #[test]
    fn a_json_body_is_read_exactly_when_it_is_one_object(
        text in "[{}\\[\\]\":, 0-9a-zE.+\\\\-]{0,40}|\\{[{}\\[\\]\":, 0-9a-z]{0,40}",
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let read = runtime.block_on(parse_body(Some("application/json"), Bytes::from(text.clone())));
        let is_object = matches!(
            serde_json::from_str::<serde_json::Value>(&text),
            Ok(serde_json::Value::Object(_))
        );
        match read {
            Ok(_) => prop_assert!(is_object, "read {text:?}"),
            Err(error) => {
                prop_assert_eq!(error.status(), 400);
                prop_assert!(!is_object, "refused {text:?}: {}", error.message());
            }
        }
    }
}
