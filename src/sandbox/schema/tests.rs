//! Tests of `schema`.

use serde_json::json;

use super::*;

#[test]
fn a_minimal_lead_is_valid_and_first_name_is_required() {
    assert!(validate_lead(&json!({"firstName": "Jane"})).is_ok());
    let errors = validate_lead(&json!({"lastName": "Doe"})).unwrap_err();
    assert_eq!(
        errors["FirstName"],
        vec!["The firstName field is required."]
    );
    assert!(validate_lead(&json!({"firstName": "  "})).is_err());
    assert!(validate_lead(&json!([1, 2])).is_err());
}

#[test]
fn lengths_are_counted_as_dotnet_counts_them() {
    let ok = "😀".repeat(25); // 50 UTF-16 units
    assert!(validate_lead(&json!({"firstName": ok})).is_ok());
    let over = format!("{ok}a");
    let errors = validate_lead(&json!({"firstName": over})).unwrap_err();
    assert!(errors["FirstName"][0].contains("maximum length of 50"));
}

#[test]
fn enums_emails_dates_types_and_unknown_fields_are_checked() {
    let body = json!({
        "firstName": "Jane", "phoneType1": "mobile", "emailAddress": "jane@", "initialAppointmentDate": "03/14/2027",
        "zip": 80202, "favouriteColour": "blue"
    });
    let errors = validate_lead(&body).unwrap_err();
    for field in [
        "PhoneType1",
        "EmailAddress",
        "InitialAppointmentDate",
        "Zip",
        "FavouriteColour",
    ] {
        assert!(errors.contains_key(field), "{field} in {errors:?}");
    }
    for good in [
        "2027-03-14",
        "2027-03-14T20:30",
        "2027-03-14T20:30:00",
        "2027-03-14T20:30:00Z",
        "2027-03-14T20:30:00.1234567Z",
        "2027-03-14T20:30:00-07:00",
        "2027-03-14T20:30+14:00",
    ] {
        assert!(is_date_time(good), "{good}");
    }
    for bad in [
        "2027-03-14 20:30:00",
        "2027-3-14",
        "2027-02-30",
        "2027-03-14T24:00",
        "2027-03-14T20:30:61",
        "2027-03-14T20:30:00.12345678",
        "2027-03-14T20:30:00+15:00",
        "2027-03-14T20:30:00+0700",
        "2027-03-14T20",
        "2027-03-14T",
        "+2027-03-14",
        "2027-03-14Té",
        "ññññññ",
        "",
    ] {
        assert!(!is_date_time(bad), "{bad}");
    }
    let good = json!({
        "firstName": "Jane", "phoneType1": "Mobile", "emailAddress": "jane@example.com",
        "initialAppointmentDate": "2027-03-14T20:30:00Z", "jobCategory": "Property Management"
    });
    assert!(validate_lead(&good).is_ok());
}

fn field_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = LeadField::all().map(LeadField::name).collect();
    names.push("unknownField");
    names
}

proptest::proptest! {
    // The property of the `sandbox_validator` fuzz target, at a count CI affords: never a
    // panic, refusals name PascalCase fields, and what the portal's check lets through for
    // edit-and-resend is what AccuLynx takes.
    #[test]
    fn the_portal_check_never_passes_what_acculynx_refuses(
        members in proptest::collection::vec(
            (
                proptest::sample::select(field_names()),
                proptest::option::of(
                    "\\PC{0,12}|[ <]?[a-z]{1,5}@[a-zA-Z]{1,5}\\.[a-z]{2,3}[ >]?|mailto:[a-z]@b\\.co|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?|Mobile|Residential|High",
                ),
            ),
            0..8,
        ),
    ) {
        let body = Value::Object(
            members
                .into_iter()
                .map(|(name, value)| (name.to_string(), value.map_or(Value::Null, Value::String)))
                .collect(),
        );
        match validate_lead(&body) {
            Ok(()) => {}
            Err(errors) => {
                for field in errors.keys() {
                    proptest::prop_assert!(!field.starts_with(|c: char| c.is_ascii_lowercase()));
                }
                proptest::prop_assert!(
                    crate::acculynx::check::check_lead(&body).is_err(),
                    "the portal's check passes {body}, AccuLynx refuses it: {errors:?}"
                );
            }
        }
    }
}
