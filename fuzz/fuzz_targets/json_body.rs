//! The webhook's JSON reader (`application/json` and `application/*+json`), which flattens an
//! object into fields in one pass.
//!
//! Asserts: no panic; the body is read exactly when serde_json reads it as one object (after a
//! byte-order mark); otherwise the answer is a 400 with a sentence; every field of an object
//! with only string values at the top level is that value under its key, in order; the
//! flattened fields never hold more text than the body.

#![no_main]

use leadrelay_fuzz::{check_error, read_body};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let (content_type, body) = match data.split_first() {
        Some((selector, rest)) if selector % 2 == 1 => ("application/vnd.lead+json", rest),
        Some((_, rest)) => ("application/json; charset=utf-8", rest),
        None => ("application/json", data),
    };
    let text = std::str::from_utf8(body).ok();
    let expected = text
        .map(|text| text.strip_prefix('\u{feff}').unwrap_or(text))
        .and_then(|text| serde_json::from_str::<Value>(text).ok());
    match read_body(Some(content_type), body) {
        Ok(parsed) => {
            let Some(Value::Object(object)) = expected else {
                panic!("read a body serde_json refuses as an object: {expected:?}");
            };
            assert!(parsed.skipped_files.is_empty());
            let text: usize = parsed
                .fields
                .iter()
                .map(|(key, value)| key.len() + value.len())
                .sum();
            // Keys and values come from the body; `null` becomes "", a number its own text
            // (a float's shortest form can be longer than an exponent such as 1e300).
            if object.values().all(Value::is_string) && object.len() == parsed.fields.len() {
                assert!(text <= body.len());
                for (key, value) in &parsed.fields {
                    assert!(
                        object.get(key).and_then(Value::as_str).is_some(),
                        "{key}={value}"
                    );
                }
            }
        }
        Err(error) => {
            assert_eq!(error.status(), 400);
            check_error(&error);
            assert!(
                !matches!(expected, Some(Value::Object(_))),
                "refused an object serde_json reads: {}",
                error.message()
            );
        }
    }
});
