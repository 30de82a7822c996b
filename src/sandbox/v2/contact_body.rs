//! The checks of `POST /contacts` (reference §3.4, with §5's inferences: `contactTypeIds`
//! needs at least one id and each must exist; `lastName` is required and at most 50
//! characters, as `PUT` makes it; the `PUT` lengths apply). Every error is a 400 naming its
//! field; unknown fields are ignored.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::fields::{
    Errors, field, int_value, one_of, opt_array, opt_bool, opt_object, opt_string, path,
    plausible_email, req_string, root, uuid_value,
};
use super::model::{V2Contact, V2ContactAddress, V2Email, V2Phone};
use super::seed::V2Seed;
use crate::sandbox::answers::Problem;

const PHONE_TYPES: &[&str] = &["Home", "Mobile", "Work"];
const EMAIL_TYPES: &[&str] = &["Personal", "Work", "Other"];

/// The contact a valid body describes, with a new id.
pub(crate) fn parse_contact(
    body: &Value,
    seed: &V2Seed,
    company_id: &str,
    now: DateTime<Utc>,
) -> Result<V2Contact, Problem> {
    let obj = root(body)?;
    let mut errors = Errors::default();
    let contact_type_ids = contact_types(obj, seed, &mut errors);
    let first_name = opt_string(obj, "", "firstName", Some(50), &mut errors);
    let last_name = req_string(obj, "", "lastName", Some(50), &mut errors);
    let company_name = opt_string(obj, "", "companyName", Some(100), &mut errors);
    let company_job_title = opt_string(obj, "", "companyJobTitle", None, &mut errors);
    let cross_reference = opt_string(obj, "", "crossReference", Some(250), &mut errors);
    let note = opt_string(obj, "", "note", None, &mut errors);
    let phones = phones(obj, &mut errors);
    let emails = emails(obj, &mut errors);
    let mailing_address = address(obj, "mailingAddress", seed, &mut errors);
    let billing_address = address(obj, "billingAddress", seed, &mut errors);
    opt_bool(obj, "", "billingAddressSameAsMailingAddress", &mut errors);
    errors.result(V2Contact {
        id: Uuid::new_v4(),
        company_id: company_id.to_string(),
        first_name,
        last_name,
        company_name,
        company_job_title,
        cross_reference,
        note,
        contact_type_ids,
        emails,
        phones,
        mailing_address,
        billing_address,
        created_date: now,
    })
}

fn contact_types(obj: &Map<String, Value>, seed: &V2Seed, errors: &mut Errors) -> Vec<Uuid> {
    let Some(items) = opt_array(obj, "contactTypeIds", errors) else {
        if field(obj, "contactTypeIds").is_none() {
            errors.push("contactTypeIds", "must list at least one contact type id");
        }
        return Vec::new();
    };
    if items.is_empty() {
        errors.push("contactTypeIds", "must list at least one contact type id");
    }
    let mut ids = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let here = format!("contactTypeIds[{index}]");
        if let Some(id) = uuid_value(item, &here, errors) {
            if seed.has_contact_type(id) {
                ids.push(id);
            } else {
                errors.push(&here, "is not a contact type of this company");
            }
        }
    }
    ids
}

fn phones(obj: &Map<String, Value>, errors: &mut Errors) -> Vec<V2Phone> {
    let Some(items) = opt_array(obj, "phoneNumbers", errors) else {
        return Vec::new();
    };
    let mut phones = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let here = format!("phoneNumbers[{index}]");
        let Some(phone) = item.as_object() else {
            errors.push(&here, "must be an object");
            continue;
        };
        let number = req_string(phone, &here, "number", None, errors);
        if let Some(number) = &number
            && !(number.len() == 10 && number.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.push(&path(&here, "number"), "must be exactly 10 digits");
        }
        let kind = match opt_string(phone, &here, "type", None, errors) {
            None => Some("Home"),
            Some(text) => {
                let kind = one_of(&text, PHONE_TYPES);
                if kind.is_none() {
                    errors.push(&path(&here, "type"), "must be Home, Mobile or Work");
                }
                kind
            }
        };
        let ext = opt_string(phone, &here, "ext", None, errors);
        let primary = opt_bool(phone, &here, "primary", errors).unwrap_or(false);
        opt_bool(phone, &here, "hasTextingAvailable", errors);
        if let (Some(number), Some(kind)) = (number, kind) {
            phones.push(V2Phone {
                id: Uuid::new_v4(),
                number,
                kind: kind.to_string(),
                ext,
                primary,
            });
        }
    }
    phones
}

fn emails(obj: &Map<String, Value>, errors: &mut Errors) -> Vec<V2Email> {
    let Some(items) = opt_array(obj, "emailAddresses", errors) else {
        return Vec::new();
    };
    let mut emails = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let here = format!("emailAddresses[{index}]");
        let Some(email) = item.as_object() else {
            errors.push(&here, "must be an object");
            continue;
        };
        let address = req_string(email, &here, "address", Some(254), errors);
        if let Some(address) = &address
            && !plausible_email(address)
        {
            errors.push(&path(&here, "address"), "must be an email address");
        }
        let kind = opt_string(email, &here, "type", None, errors).and_then(|text| {
            let kind = one_of(&text, EMAIL_TYPES);
            if kind.is_none() {
                errors.push(&path(&here, "type"), "must be Personal, Work or Other");
            }
            kind
        });
        let primary = opt_bool(email, &here, "primary", errors).unwrap_or(false);
        if let Some(address) = address {
            emails.push(V2Email {
                id: Uuid::new_v4(),
                address,
                kind: kind.map(str::to_string),
                primary,
            });
        }
    }
    emails
}

fn address(
    obj: &Map<String, Value>,
    name: &str,
    seed: &V2Seed,
    errors: &mut Errors,
) -> Option<V2ContactAddress> {
    let address = opt_object(obj, "", name, errors)?;
    let mut id_of = |part: &str| -> Option<i64> {
        let inner = opt_object(address, name, part, errors)?;
        let here = format!("{name}.{part}.id");
        match field(inner, "id") {
            None => {
                errors.push(&here, "is required");
                None
            }
            Some(value) => int_value(value, &here, errors),
        }
    };
    let state_id = id_of("state");
    let country_id = id_of("country");
    if let Some(id) = country_id
        && seed.country_by_id(id).is_none()
    {
        errors.push(
            &format!("{name}.country.id"),
            "is not a country of this company",
        );
    }
    if let Some(id) = state_id {
        match seed.state_by_id(id) {
            None => errors.push(
                &format!("{name}.state.id"),
                "is not a state of this company",
            ),
            Some((country, _)) if country_id.is_some_and(|given| given != country.id) => {
                errors.push(
                    &format!("{name}.state.id"),
                    &format!("is not a state of {name}.country.id"),
                );
            }
            Some(_) => {}
        }
    }
    Some(V2ContactAddress {
        street1: opt_string(address, name, "street1", None, errors),
        street2: opt_string(address, name, "street2", None, errors),
        city: opt_string(address, name, "city", None, errors),
        zip_code: opt_string(address, name, "zipCode", None, errors),
        state_id,
        country_id,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sandbox::v2::seed::seed;

    fn detail(body: Value) -> String {
        match parse_contact(&body, seed(), "company", Utc::now()) {
            Err(Problem::V2(400, detail)) => detail,
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    fn customer() -> String {
        seed().contact_type("Customer").unwrap().id.to_string()
    }

    #[test]
    fn a_full_contact_is_read_whole() {
        let body = json!({
            "contactTypeIds": [customer()],
            "firstName": "Jane", "lastName": "Doe", "companyName": "Doe Roofing",
            "crossReference": "ct-1", "unknownField": 1,
            "phoneNumbers": [{"number": "3035550100", "type": "mobile", "ext": "12", "primary": true}],
            "emailAddresses": [{"address": "jane@example.com", "type": "Personal", "primary": true}],
            "mailingAddress": {"street1": "1 Main St", "city": "Denver", "zipCode": "80202",
                               "state": {"id": 6}, "country": {"id": 1}},
        });
        let contact = parse_contact(&body, seed(), "company", Utc::now()).unwrap();
        assert_eq!(contact.last_name.as_deref(), Some("Doe"));
        assert_eq!(contact.phones[0].kind, "Mobile");
        assert_eq!(contact.emails[0].kind.as_deref(), Some("Personal"));
        assert_eq!(contact.mailing_address.unwrap().state_id, Some(6));
    }

    #[test]
    fn every_bad_field_is_named_by_its_path() {
        let text = detail(json!({
            "contactTypeIds": [customer(), "not-a-uuid", Uuid::nil().to_string()],
            "firstName": "x".repeat(51), "companyName": 5,
            "phoneNumbers": [{"number": "303555010", "type": "Fax"}, "x"],
            "emailAddresses": [{"address": "nope"}],
            "mailingAddress": {"state": {"id": 6}, "country": {"id": 2}},
            "billingAddress": {"country": {"id": 99}},
        }));
        for expected in [
            "contactTypeIds[1] must be a uuid",
            "contactTypeIds[2] is not a contact type of this company",
            "firstName must be at most 50 characters",
            "lastName is required",
            "companyName must be a string",
            "phoneNumbers[0].number must be exactly 10 digits",
            "phoneNumbers[0].type must be Home, Mobile or Work",
            "phoneNumbers[1] must be an object",
            "emailAddresses[0].address must be an email address",
            "mailingAddress.state.id is not a state of mailingAddress.country.id",
            "billingAddress.country.id is not a country of this company",
        ] {
            assert!(text.contains(expected), "{expected} missing from {text}");
        }
        assert!(detail(json!({"lastName": "Doe"})).contains("contactTypeIds must list"));
        assert!(detail(json!({"lastName": "Doe", "contactTypeIds": []})).contains("at least one"));
        assert!(detail(json!([])).contains("JSON object"));
    }
}
