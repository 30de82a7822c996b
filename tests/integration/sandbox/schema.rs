//! The lead schema, checked through `POST /api/v1/leads`: every row of the table, and every
//! kind of wrong body.

use leadrelay::acculynx::fields::{FieldKind, LeadField};
use leadrelay::sandbox::Sandbox;
use serde_json::{Value, json};

use super::{client, header, post_lead, post_raw, start_unlimited};

const KEY: &str = "schema-test-key";

fn pascal(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// A lead with `firstName` and `field` set to `value`.
fn lead_with(field: &str, value: Value) -> Value {
    let mut body = json!({"firstName": "Jane"});
    body[field] = value;
    body
}

/// Sends `body` and asserts 202 and that the sandbox kept it as sent.
async fn assert_accepted(client: &reqwest::Client, sandbox: &Sandbox, body: &Value) {
    let response = post_lead(client, sandbox, Some(KEY), body).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 202, "{body} was refused: {text}");
    assert_eq!(text, "", "202 has an empty body");
    let last = sandbox.accepted().pop().expect("the lead is kept");
    assert_eq!(&last.body, body);
    assert_eq!(last.key, KEY);
}

/// Sends `body` and asserts a 400 ValidationProblemDetails naming only `field`; returns its
/// message.
async fn assert_refused(
    client: &reqwest::Client,
    sandbox: &Sandbox,
    body: &Value,
    field: &str,
) -> String {
    let accepted_before = sandbox.accepted().len();
    let response = post_lead(client, sandbox, Some(KEY), body).await;
    assert_eq!(response.status(), 400, "{body} must be refused");
    assert!(
        header(&response, "content-type")
            .unwrap()
            .starts_with("application/problem+json")
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 400);
    assert_eq!(problem["title"], "One or more validation errors occurred.");
    assert!(problem["traceId"].as_str().is_some_and(|id| !id.is_empty()));
    let errors = problem["errors"].as_object().unwrap();
    let key = pascal(field);
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        vec![&key],
        "only {key} is named for {body}: {problem}"
    );
    assert_eq!(sandbox.accepted().len(), accepted_before, "nothing kept");
    errors[&key][0].as_str().unwrap().to_string()
}

/// A text of `units` UTF-16 units that is valid for `kind`; `é` is two bytes but one unit, so
/// a limit counted in bytes would fail it.
fn text_of(kind: FieldKind, units: usize) -> String {
    match kind {
        FieldKind::Email(_) => format!("{}@example.com", "a".repeat(units - "@example.com".len())),
        _ => "é".repeat(units),
    }
}

#[tokio::test]
async fn every_row_of_the_schema_table_is_enforced() {
    let sandbox = start_unlimited(&[(KEY, "Denver")]).await;
    let client = client();
    let mut rows = 0;
    for field in LeadField::all() {
        let name = field.name();
        match field.kind() {
            FieldKind::Text(max) | FieldKind::Email(max) => {
                let full = text_of(field.kind(), max);
                assert_accepted(&client, &sandbox, &lead_with(name, json!(full))).await;
                let over = text_of(field.kind(), max + 1);
                let message =
                    assert_refused(&client, &sandbox, &lead_with(name, json!(over)), name).await;
                assert_eq!(
                    message,
                    format!("The field {name} must be a string with a maximum length of {max}.")
                );
                if name != "firstName" {
                    assert_accepted(&client, &sandbox, &lead_with(name, Value::Null)).await;
                }
            }
            FieldKind::Enum(values) => {
                for value in values {
                    assert_accepted(&client, &sandbox, &lead_with(name, json!(value))).await;
                    for wrong in [value.to_lowercase(), value.to_uppercase()] {
                        let message =
                            assert_refused(&client, &sandbox, &lead_with(name, json!(wrong)), name)
                                .await;
                        assert!(message.contains(name), "{message}");
                        assert!(message.contains(&format!("'{wrong}'")), "{message}");
                    }
                }
            }
            FieldKind::DateTime => {
                let valid = json!("2027-03-14T20:30:00Z");
                assert_accepted(&client, &sandbox, &lead_with(name, valid)).await;
                let wrong = json!("03/14/2027 8:30 PM");
                let message =
                    assert_refused(&client, &sandbox, &lead_with(name, wrong), name).await;
                assert!(message.contains(name), "{message}");
            }
        }
        rows += 1;
    }
    assert_eq!(rows, 26, "the reference table has 26 fields");
}

#[tokio::test]
async fn lengths_are_counted_in_utf16_units_as_acculynx_counts_them() {
    let sandbox = start_unlimited(&[(KEY, "Denver")]).await;
    let client = client();
    let fifty_units = "😀".repeat(25);
    assert_accepted(&client, &sandbox, &json!({"firstName": fifty_units})).await;
    let over = format!("{fifty_units}a");
    assert_refused(&client, &sandbox, &json!({"firstName": over}), "firstName").await;
}

#[tokio::test]
async fn email_fields_must_look_like_addresses() {
    let sandbox = start_unlimited(&[(KEY, "Denver")]).await;
    let client = client();
    for field in ["emailAddress", "salesPerson"] {
        for bad in [
            "jane@",
            "jane@example",
            "@example.com",
            "jane doe@example.com",
            "Pat",
        ] {
            let message =
                assert_refused(&client, &sandbox, &lead_with(field, json!(bad)), field).await;
            assert_eq!(
                message,
                format!("The {field} field is not a valid e-mail address.")
            );
        }
        assert_accepted(
            &client,
            &sandbox,
            &lead_with(field, json!("pat@roofs.example.com")),
        )
        .await;
    }
}

#[tokio::test]
async fn appointment_dates_must_be_iso_8601() {
    let sandbox = start_unlimited(&[(KEY, "Denver")]).await;
    let client = client();
    let field = "initialAppointmentDate";
    for good in [
        "2027-03-14",
        "2027-03-14T20:30",
        "2027-03-14T20:30:00",
        "2027-03-14T20:30:00-06:00",
    ] {
        assert_accepted(&client, &sandbox, &lead_with(field, json!(good))).await;
    }
    for bad in [
        "2027-03-14 20:30:00",
        "14/03/2027",
        "2027-02-30",
        "tomorrow",
        "",
    ] {
        assert_refused(&client, &sandbox, &lead_with(field, json!(bad)), field).await;
    }
}

#[tokio::test]
async fn unknown_fields_and_wrong_json_types_are_refused() {
    let sandbox = start_unlimited(&[(KEY, "Denver")]).await;
    let client = client();
    let message = assert_refused(
        &client,
        &sandbox,
        &lead_with("favouriteColour", json!("blue")),
        "favouriteColour",
    )
    .await;
    assert!(message.contains("'favouriteColour'"), "{message}");
    // A field named in another case is not AccuLynx's field.
    assert_refused(
        &client,
        &sandbox,
        &lead_with("LastName", json!("Doe")),
        "LastName",
    )
    .await;
    for (field, value) in [
        ("zip", json!(80202)),
        ("lastName", json!(["Doe"])),
        ("notes", json!({"text": "call"})),
        ("phoneType1", json!(1)),
        ("priority", json!(null)),
        ("city", json!(true)),
    ] {
        let message = assert_refused(&client, &sandbox, &lead_with(field, value), field).await;
        assert!(message.contains(field), "{message}");
    }
    let message = assert_refused(&client, &sandbox, &json!({"firstName": 7}), "firstName").await;
    assert!(message.contains("System.String"), "{message}");
}

#[tokio::test]
async fn a_lead_without_a_first_name_is_refused_in_acculynxs_words() {
    let sandbox = start_unlimited(&[(KEY, "Denver")]).await;
    let client = client();
    for body in [
        json!({"lastName": "Doe"}),
        json!({"firstName": null}),
        json!({"firstName": ""}),
        json!({"firstName": "   "}),
    ] {
        let message = assert_refused(&client, &sandbox, &body, "firstName").await;
        assert_eq!(message, "The firstName field is required.");
    }
}

#[tokio::test]
async fn bodies_that_are_not_a_json_object_get_400_in_the_same_shape() {
    let sandbox = start_unlimited(&[(KEY, "Denver")]).await;
    let client = client();
    let cases: [(&[u8], &str); 6] = [
        (b"{\"firstName\": ", "$"),
        (b"firstName=Jane", "$"),
        (b"{\"firstName\": \"\xff\"}", "$"),
        (b"", ""),
        (b"[{\"firstName\": \"Jane\"}]", "$"),
        (b"null", "$"),
    ];
    for (body, key) in cases {
        let response = post_raw(
            &client,
            &sandbox,
            Some(KEY),
            Some("application/json"),
            body.to_vec(),
        )
        .await;
        assert_eq!(
            response.status(),
            400,
            "{:?}",
            String::from_utf8_lossy(body)
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["title"], "One or more validation errors occurred.");
        let messages = problem["errors"][key].as_array().unwrap();
        assert!(!messages.is_empty(), "{problem}");
    }
    assert!(sandbox.accepted().is_empty());
}
