//! The sandbox's validator of v1 lead bodies (AccuLynx's schema, worded as AccuLynx words it),
//! against any JSON and against objects of real field names with any values.
//!
//! Asserts: no panic; an accepted body is an object of known fields with a non-blank first
//! name; every refusal names fields in PascalCase with at least one message each; a body the
//! portal's own check accepts (what edit-and-resend sends) is one the sandbox accepts.
//!
//! Input: a first byte, then JSON (even) or members built with `arbitrary` (odd): lead field
//! names (by index) with text, null or numbers, and other names.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use leadrelay::acculynx::LeadField;
use leadrelay::acculynx::check::check_lead;
use leadrelay::sandbox::validate_lead;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

#[derive(Debug, Arbitrary)]
enum Member {
    Text(u8, String),
    Null(u8),
    Number(u8, i64),
    Other(String, String),
}

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let fields: Vec<LeadField> = LeadField::all().collect();
    let name = |index: u8| fields[usize::from(index) % fields.len()].name().to_string();
    let body = if selector % 2 == 0 {
        match serde_json::from_slice::<Value>(rest) {
            Ok(value) => value,
            Err(_) => return,
        }
    } else {
        {
            let Ok(members) = Vec::<Member>::arbitrary_take_rest(Unstructured::new(rest)) else {
                return;
            };
            let mut object = Map::new();
            for member in members {
                let (key, value) = match member {
                    Member::Text(i, text) => (name(i), Value::String(text)),
                    Member::Null(i) => (name(i), Value::Null),
                    Member::Number(i, n) => (name(i), Value::from(n)),
                    Member::Other(key, text) => (key, Value::String(text)),
                };
                object.insert(key, value);
            }
            Value::Object(object)
        }
    };
    match validate_lead(&body) {
        Ok(()) => {
            let object = body.as_object().expect("an accepted body is an object");
            for key in object.keys() {
                assert!(
                    LeadField::from_name(key).is_some(),
                    "accepted unknown {key:?}"
                );
            }
            let first = object.get("firstName").and_then(Value::as_str);
            assert!(first.is_some_and(|name| !name.trim().is_empty()));
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for (field, messages) in &errors {
                assert!(!messages.is_empty());
                assert!(
                    !field.starts_with(|c: char| c.is_ascii_lowercase()),
                    "{field:?}"
                );
            }
            if check_lead(&body).is_ok() {
                panic!("the portal's check accepts {body} but AccuLynx refuses it: {errors:?}");
            }
        }
    }
});
