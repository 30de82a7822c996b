//! The webhook's body reader on form-urlencoded and multipart bodies, and on any Content-Type.
//!
//! The first byte picks the case: 0 a form body, 1 a multipart body (boundary `XyZ`), 2 any
//! Content-Type (the text up to the first newline) with the rest as body, 3 fields a sender
//! encodes as a form (built with `arbitrary`).
//!
//! Asserts: no panic; an error is a 400 (415 only for a Content-Type the intake does not read)
//! with a sentence; a form body yields one field per non-empty `&`-separated pair and no files;
//! encoded fields read back exactly (round trip); multipart values and skipped files are never
//! larger than the body.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use leadrelay_fuzz::{check_error, form_encode, read_body};
use libfuzzer_sys::fuzz_target;

const MULTIPART: &str = "multipart/form-data; boundary=XyZ";

fn form(body: &[u8]) {
    match read_body(Some("application/x-www-form-urlencoded"), body) {
        Ok(parsed) => {
            let pairs = body
                .split(|byte| *byte == b'&')
                .filter(|pair| !pair.is_empty())
                .count();
            assert_eq!(parsed.fields.len(), pairs);
            assert!(parsed.skipped_files.is_empty());
        }
        Err(error) => {
            assert_eq!(error.status(), 400);
            check_error(&error);
        }
    }
}

fn form_round_trip(fields: &[(String, String)]) {
    let mut body = String::new();
    for (number, (key, value)) in fields.iter().enumerate() {
        if number > 0 {
            body.push('&');
        }
        form_encode(key, &mut body);
        body.push('=');
        form_encode(value, &mut body);
    }
    let parsed = read_body(
        Some("application/x-www-form-urlencoded; charset=UTF-8"),
        body.as_bytes(),
    )
    .expect("an encoded form is read");
    assert_eq!(parsed.fields, fields);
}

fn multipart(body: &[u8]) {
    match read_body(Some(MULTIPART), body) {
        Ok(parsed) => {
            for (name, value) in &parsed.fields {
                assert!(name.len() + value.len() <= body.len());
            }
            let files: usize = parsed.skipped_files.iter().map(|file| file.size).sum();
            assert!(files <= body.len());
            for warning in parsed.warnings() {
                assert!(warning.ends_with("AccuLynx leads cannot carry files."));
            }
        }
        Err(error) => {
            assert_eq!(error.status(), 400);
            check_error(&error);
        }
    }
}

fn any(data: &[u8]) {
    let (content_type, body) = match data.iter().position(|byte| *byte == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &data[data.len()..]),
    };
    let Ok(content_type) = std::str::from_utf8(content_type) else {
        return;
    };
    if let Err(error) = read_body(Some(content_type), body) {
        check_error(&error);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 4 {
        0 => form(rest),
        1 => multipart(rest),
        2 => any(rest),
        _ => {
            if let Ok(fields) =
                Vec::<(String, String)>::arbitrary_take_rest(Unstructured::new(rest))
            {
                form_round_trip(&fields);
            }
        }
    }
});
