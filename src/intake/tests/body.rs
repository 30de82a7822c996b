//! Reading bodies of each content type, and refusing the ones that cannot be read.

use actix_web::web::Bytes;

use super::fields;
use crate::intake::body::{BodyError, parse_body, parse_body_with_files};

async fn parse(content_type: &str, body: &[u8]) -> Result<Vec<(String, String)>, BodyError> {
    parse_body(Some(content_type), Bytes::copy_from_slice(body)).await
}

fn bad_request(result: Result<Vec<(String, String)>, BodyError>) -> String {
    match result {
        Err(error @ BodyError::BadRequest(_)) => {
            assert_eq!(error.status(), 400);
            error.message().to_string()
        }
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[actix_web::test]
async fn a_form_body_is_decoded_in_arrival_order() {
    let body = b"First+Name=Jane&Last%20Name=Doe&Phone=%28303%29+555-0100&note=50%+off&flag&&city=Z%C3%BCrich&Phone=2";
    assert_eq!(
        parse("application/x-www-form-urlencoded; charset=UTF-8", body)
            .await
            .unwrap(),
        fields(&[
            ("First Name", "Jane"),
            ("Last Name", "Doe"),
            ("Phone", "(303) 555-0100"),
            ("note", "50% off"),
            ("flag", ""),
            ("city", "Zürich"),
            ("Phone", "2"),
        ])
    );
    assert_eq!(
        parse("Application/X-WWW-Form-Urlencoded", b"")
            .await
            .unwrap(),
        vec![]
    );
}

#[actix_web::test]
async fn a_form_field_that_is_not_utf8_is_a_bad_request() {
    let message = bad_request(parse("application/x-www-form-urlencoded", b"a=1&name=J%FFne").await);
    assert_eq!(
        message,
        "The form body is not valid UTF-8: field number 2 has bytes that are not UTF-8 text once decoded."
    );
    bad_request(parse("application/x-www-form-urlencoded", b"name=J\xffne").await);
}

#[actix_web::test]
async fn nested_json_objects_are_flattened_with_dots() {
    let body = br#"{"contact":{"first_name":"Jane","address":{"city":"Denver","zip":80202}},"optIn":true,"score":4.5,"middle":null,"ok":false}"#;
    assert_eq!(
        parse("application/json", body).await.unwrap(),
        fields(&[
            ("contact.first_name", "Jane"),
            ("contact.address.city", "Denver"),
            ("contact.address.zip", "80202"),
            ("optIn", "true"),
            ("score", "4.5"),
            ("middle", ""),
            ("ok", "false"),
        ])
    );
}

#[actix_web::test]
async fn json_arrays_join_scalars_and_index_objects() {
    let body = br#"{"phone":["303-555-0100"],"tags":["roof",null,"gutter",7],"phones":[{"type":"cell","n":"1"},{"type":"home"}],"grid":[[1,2],[3]],"none":[],"zb":"last"}"#;
    assert_eq!(
        parse("application/json; charset=utf-8", body)
            .await
            .unwrap(),
        fields(&[
            ("phone", "303-555-0100"),
            ("tags", "roof, gutter, 7"),
            ("phones.0.type", "cell"),
            ("phones.0.n", "1"),
            ("phones.1.type", "home"),
            ("grid.0", "1, 2"),
            ("grid.1", "3"),
            ("none", ""),
            ("zb", "last"),
        ])
    );
}

#[actix_web::test]
async fn json_keeps_duplicate_keys_escapes_and_a_byte_order_mark() {
    let body = "\u{feff}{\"name\":\"Jane \\\"JJ\\\" Doe\",\"name\":\"\\u00e9\"}".as_bytes();
    assert_eq!(
        parse("application/vnd.clienttether+json", body)
            .await
            .unwrap(),
        fields(&[("name", "Jane \"JJ\" Doe"), ("name", "é")])
    );
}

#[actix_web::test]
async fn malformed_json_is_a_bad_request_that_says_where() {
    let message = bad_request(
        parse(
            "application/json",
            br#"{"firstName": "Jane" "lastName": "Doe"}"#,
        )
        .await,
    );
    assert_eq!(
        message,
        "The body is not valid JSON: expected `,` or `}` at line 1 column 22."
    );
    let message =
        bad_request(parse("application/json", br#"{"firstName": "Jane"} trailing"#).await);
    assert!(
        message.starts_with("The body is not valid JSON: trailing characters"),
        "{message}"
    );
    let message = bad_request(parse("application/json", b"").await);
    assert!(message.starts_with("The body is empty"), "{message}");
}

#[actix_web::test]
async fn a_json_body_that_is_not_an_object_is_a_bad_request() {
    for (body, kind) in [
        (&br#"[{"firstName":"Jane"}]"#[..], "an array"),
        (b"\"Jane\"", "a string"),
        (b"42", "a number"),
        (b" null ", "null"),
        (b"true", "a boolean"),
    ] {
        let message = bad_request(parse("application/json", body).await);
        assert_eq!(
            message,
            format!(
                "The body is {kind}; send one JSON object of fields, such as {{\"firstName\":\"Jane\"}}."
            )
        );
    }
    let message = bad_request(parse("application/json", b"nope").await);
    assert!(
        message.starts_with("The body is not valid JSON"),
        "{message}"
    );
}

#[actix_web::test]
async fn json_that_is_not_utf8_is_a_bad_request() {
    let message = bad_request(parse("application/json", b"{\"firstName\":\"J\xe9ne\"}").await);
    assert_eq!(
        message,
        "The body is not valid UTF-8: the byte at position 15 does not start a UTF-8 character."
    );
}

const BOUNDARY: &str = "----ctBoundary7MA4YWxk";

/// (field name, file name, Content-Type, data)
type Part<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, content_type, data) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let file = file_name
            .map(|file| format!("; filename=\"{file}\""))
            .unwrap_or_default();
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"{file}\r\n").as_bytes(),
        );
        if let Some(content_type) = content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

#[actix_web::test]
async fn multipart_text_parts_are_read_and_file_parts_skipped_with_a_warning() {
    let photo = vec![0xff_u8; 3000];
    let body = multipart(&[
        ("First Name", None, None, b"Jane"),
        (
            "notes",
            None,
            Some("text/plain; charset=utf-8"),
            b"Line one\r\nLine two",
        ),
        ("photo", Some("roof.jpg"), Some("image/jpeg"), &photo),
        ("blob", None, Some("application/octet-stream"), b"\x00\x01"),
        ("city", None, None, "Zürich".as_bytes()),
    ]);
    let parsed = parse_body_with_files(Some(&multipart_type()), Bytes::from(body))
        .await
        .unwrap();
    assert_eq!(
        parsed.fields,
        fields(&[
            ("First Name", "Jane"),
            ("notes", "Line one\r\nLine two"),
            ("city", "Zürich")
        ])
    );
    let mapped = crate::intake::LocationMapping::default()
        .compile()
        .map_body(&parsed);
    assert_eq!(mapped.lead.first_name, "Jane");
    assert_eq!(mapped.lead.notes.as_deref(), Some("Line one\nLine two"));
    assert_eq!(mapped.warnings, parsed.warnings());
    assert_eq!(
        parsed.warnings(),
        vec![
            "The file \"roof.jpg\" (field \"photo\", 3 KB) was not passed on: AccuLynx leads cannot carry files.",
            "The file in field \"blob\" (2 bytes) was not passed on: AccuLynx leads cannot carry files.",
        ]
    );
}

#[actix_web::test]
async fn malformed_multipart_is_a_bad_request() {
    let mut truncated = multipart(&[("firstName", None, None, b"Jane")]);
    truncated.truncate(truncated.len() - 12);
    let message = bad_request(parse(&multipart_type(), &truncated).await);
    assert_eq!(
        message,
        "The multipart body ends before its closing boundary."
    );

    let message = bad_request(parse("multipart/form-data", b"--x\r\n\r\n").await);
    assert_eq!(
        message,
        "The multipart Content-Type has no boundary parameter."
    );

    let not_utf8 = multipart(&[("firstName", None, None, b"J\xe9ne")]);
    let message = bad_request(parse(&multipart_type(), &not_utf8).await);
    assert_eq!(
        message,
        "The multipart field \"firstName\" is not valid UTF-8 text."
    );

    let no_name =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nJane\r\n--{BOUNDARY}--\r\n");
    let message = bad_request(parse(&multipart_type(), no_name.as_bytes()).await);
    assert_eq!(message, "A part of the multipart body has no field name.");
}

#[actix_web::test]
async fn a_missing_or_unknown_content_type_is_unsupported() {
    let error = parse_body(None, Bytes::from_static(b"firstName=Jane"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), 415);
    assert_eq!(
        error.message(),
        "The request has no Content-Type header; send application/x-www-form-urlencoded, \
         multipart/form-data or application/json."
    );
    for content_type in ["text/plain", "application/xml", "  ", "json"] {
        let error = parse(content_type, b"firstName=Jane").await.unwrap_err();
        assert!(
            matches!(error, BodyError::UnsupportedMediaType(_)),
            "{content_type}"
        );
        assert_eq!(error.status(), 415);
    }
    let error = parse("text/plain; charset=utf-8", b"").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "The Content-Type \"text/plain; charset=utf-8\" is not supported; send \
         application/x-www-form-urlencoded, multipart/form-data or application/json."
    );
}
