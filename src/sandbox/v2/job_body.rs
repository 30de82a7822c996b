//! The checks of the job writes (reference §3.8–§3.13): a wrong or missing field is a 400
//! naming it; a well-formed id that the company does not have is a 404 (for `POST /jobs`,
//! the contact is checked by the endpoint, against the key's own contacts).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::fields::{
    Errors, field, id_object, int_value, one_of, opt_array, opt_object, opt_string, req_string,
    root, uuid_value,
};
use super::model::{V2Appointment, V2JobAddress};
use super::seed::V2Seed;
use crate::sandbox::answers::Problem;

const PRIORITIES: &[&str] = &["Urgent", "High", "Normal"];

/// A valid `jobPost`, not yet stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewJob {
    pub contact_id: Uuid,
    pub location_address: Option<V2JobAddress>,
    pub priority: Option<String>,
    pub job_category_id: Option<i64>,
    pub work_type_id: Option<i64>,
    pub lead_source_id: Option<Uuid>,
    pub trade_type_ids: Vec<Uuid>,
    pub notes: Option<String>,
}

/// Reads a `jobPost`: 400 for what is malformed, then 404 for lookup ids the company lacks.
pub(crate) fn parse_job(body: &Value, seed: &V2Seed) -> Result<NewJob, Problem> {
    let obj = root(body)?;
    let mut errors = Errors::default();
    let contact_id = match field(obj, "contact") {
        None => {
            errors.push("contact", "is required");
            None
        }
        Some(_) => id_object(obj, "", "contact", &mut errors)
            .and_then(|id| uuid_value(id, "contact.id", &mut errors)),
    };
    let lead_source_id = id_object(obj, "", "leadSource", &mut errors)
        .and_then(|id| uuid_value(id, "leadSource.id", &mut errors));
    let job_category_id = id_object(obj, "", "jobCategory", &mut errors)
        .and_then(|id| int_value(id, "jobCategory.id", &mut errors));
    let work_type_id = id_object(obj, "", "workType", &mut errors)
        .and_then(|id| int_value(id, "workType.id", &mut errors));
    let mut trade_type_ids = Vec::new();
    if let Some(items) = opt_array(obj, "tradeTypes", &mut errors) {
        for (index, item) in items.iter().enumerate() {
            let here = format!("tradeTypes[{index}]");
            let Some(trade) = item.as_object() else {
                errors.push(&here, "must be an object");
                continue;
            };
            match field(trade, "id") {
                None => errors.push(&format!("{here}.id"), "is required"),
                Some(id) => {
                    trade_type_ids.extend(uuid_value(id, &format!("{here}.id"), &mut errors));
                }
            }
        }
    }
    let priority = opt_string(obj, "", "priority", None, &mut errors).and_then(|text| {
        let priority = one_of(&text, PRIORITIES);
        if priority.is_none() {
            errors.push("priority", "must be Urgent, High or Normal");
        }
        priority.map(str::to_string)
    });
    let notes = opt_string(obj, "", "notes", Some(1000), &mut errors);
    let location_address = job_address(obj, &mut errors);
    let job = errors.result(NewJob {
        contact_id: contact_id.unwrap_or_default(),
        location_address,
        priority,
        job_category_id,
        work_type_id,
        lead_source_id,
        trade_type_ids,
        notes,
    })?;
    let mut missing = Vec::new();
    if job
        .lead_source_id
        .is_some_and(|id| !seed.has_lead_source(id))
    {
        missing.push("leadSource.id".to_string());
    }
    if job
        .job_category_id
        .is_some_and(|id| !seed.has_job_category(id))
    {
        missing.push("jobCategory.id".to_string());
    }
    if job.work_type_id.is_some_and(|id| !seed.has_work_type(id)) {
        missing.push("workType.id".to_string());
    }
    for (index, id) in job.trade_type_ids.iter().enumerate() {
        if !seed.has_trade_type(*id) {
            missing.push(format!("tradeTypes[{index}].id"));
        }
    }
    if missing.is_empty() {
        Ok(job)
    } else {
        Err(Problem::V2(
            404,
            format!("{} does not exist in this company", missing.join(", ")),
        ))
    }
}

/// `locationAddress`: once present, street1, city, state, country and zipCode are required.
fn job_address(obj: &Map<String, Value>, errors: &mut Errors) -> Option<V2JobAddress> {
    let address = opt_object(obj, "", "locationAddress", errors)?;
    let prefix = "locationAddress";
    let street1 = req_string(address, prefix, "street1", Some(250), errors);
    let street2 = opt_string(address, prefix, "street2", Some(50), errors);
    let city = req_string(address, prefix, "city", Some(50), errors);
    let state = req_string(address, prefix, "state", Some(50), errors);
    let country = req_string(address, prefix, "country", Some(50), errors);
    let zip_code = req_string(address, prefix, "zipCode", Some(50), errors);
    Some(V2JobAddress {
        street1: street1?,
        street2,
        city: city?,
        state: state?,
        country: country?,
        zip_code: zip_code?,
    })
}

/// `initialAppointmentPut`: dates, when given, are ISO 8601 UTC with a trailing `Z`, and the
/// end is not before the start.
pub(crate) fn parse_appointment(body: &Value) -> Result<V2Appointment, Problem> {
    let obj = root(body)?;
    let mut errors = Errors::default();
    let mut date = |name: &str| -> (Option<String>, Option<DateTime<Utc>>) {
        let Some(text) = opt_string(obj, "", name, None, &mut errors) else {
            return (None, None);
        };
        let parsed = text
            .ends_with('Z')
            .then(|| DateTime::parse_from_rfc3339(&text).ok())
            .flatten()
            .map(|at| at.with_timezone(&Utc));
        if parsed.is_none() {
            errors.push(
                name,
                "must be an ISO 8601 date-time in UTC ending in Z, e.g. 2026-12-10T15:00:00Z",
            );
        }
        (Some(text), parsed)
    };
    let (start_date, start) = date("startDate");
    let (end_date, end) = date("endDate");
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        errors.push("endDate", "must not be before startDate");
    }
    let notes = opt_string(obj, "", "notes", None, &mut errors);
    errors.result(V2Appointment {
        start_date,
        end_date,
        notes,
    })
}

/// `{"message": …}`, not blank.
pub(crate) fn parse_message(body: &Value) -> Result<String, Problem> {
    let obj = root(body)?;
    let mut errors = Errors::default();
    let message = req_string(obj, "", "message", None, &mut errors);
    errors.result(message.unwrap_or_default())
}

/// `idPost`: `{"id": uuid}`.
pub(crate) fn parse_id(body: &Value) -> Result<Uuid, Problem> {
    let obj = root(body)?;
    let mut errors = Errors::default();
    let id = match field(obj, "id") {
        None => {
            errors.push("id", "is required");
            None
        }
        Some(id) => uuid_value(id, "id", &mut errors),
    };
    errors.result(id.unwrap_or_default())
}

/// `createExternalReferenceBodyPost`: `jobId`, `source` and `projectId`, all required.
pub(crate) fn parse_external_reference(body: &Value) -> Result<(Uuid, String, String), Problem> {
    let obj = root(body)?;
    let mut errors = Errors::default();
    let job_id = match field(obj, "jobId") {
        None => {
            errors.push("jobId", "is required");
            None
        }
        Some(id) => uuid_value(id, "jobId", &mut errors),
    };
    let source = req_string(obj, "", "source", None, &mut errors);
    let project_id = req_string(obj, "", "projectId", None, &mut errors);
    errors.result((
        job_id.unwrap_or_default(),
        source.unwrap_or_default(),
        project_id.unwrap_or_default(),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sandbox::v2::seed::seed;

    fn problem(result: Result<impl std::fmt::Debug, Problem>) -> (u16, String) {
        match result {
            Err(Problem::V2(status, detail)) => (status, detail),
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    #[test]
    fn a_job_is_read_and_its_ids_checked() {
        let contact_id = Uuid::new_v4();
        let contact = contact_id.to_string();
        let roofing_id = seed().trade_type("Roofing").unwrap().trade_id;
        let roofing = roofing_id.to_string();
        let job = parse_job(
            &json!({"contact": {"id": contact}, "workType": {"id": 2}, "priority": "high",
                    "tradeTypes": [{"id": roofing}], "notes": "x".repeat(1000)}),
            seed(),
        )
        .unwrap();
        assert_eq!(job.contact_id, contact_id);
        assert_eq!(job.priority.as_deref(), Some("High"));
        assert_eq!(job.trade_type_ids, [roofing_id]);

        let (status, detail) = problem(parse_job(
            &json!({"contact": {"id": contact}, "workType": {"id": 99},
                    "tradeTypes": [{"id": Uuid::nil().to_string()}]}),
            seed(),
        ));
        assert_eq!(status, 404);
        assert!(detail.contains("workType.id") && detail.contains("tradeTypes[0].id"));

        let (status, detail) = problem(parse_job(
            &json!({"workType": {"id": "2"}, "jobCategory": {"id": 1.5}, "notes": "x".repeat(1001),
                    "priority": "Low", "locationAddress": {"street1": "1 Main", "city": ""}}),
            seed(),
        ));
        assert_eq!(status, 400);
        for expected in [
            "contact is required",
            "workType.id must be an integer",
            "jobCategory.id must be an integer",
            "notes must be at most 1000 characters",
            "priority must be Urgent, High or Normal",
            "locationAddress.city is required",
            "locationAddress.zipCode is required",
        ] {
            assert!(
                detail.contains(expected),
                "{expected} missing from {detail}"
            );
        }
    }

    #[test]
    fn appointments_need_utc_dates_in_order() {
        let ok = parse_appointment(&json!({"startDate": "2026-12-10T15:00:00Z",
                                           "endDate": "2026-12-10T16:00:00Z"}))
        .unwrap();
        assert_eq!(ok.end_date.as_deref(), Some("2026-12-10T16:00:00Z"));
        assert!(parse_appointment(&json!({})).is_ok());
        let (_, detail) = problem(parse_appointment(
            &json!({"startDate": "2026-12-10T15:00:00+01:00", "endDate": "tomorrow"}),
        ));
        assert!(detail.contains("startDate must be") && detail.contains("endDate must be"));
        let (_, detail) = problem(parse_appointment(
            &json!({"startDate": "2026-12-10T15:00:00Z", "endDate": "2026-12-10T14:00:00Z"}),
        ));
        assert!(detail.contains("endDate must not be before startDate"));
    }

    #[test]
    fn messages_ids_and_references_need_their_fields() {
        assert_eq!(problem(parse_message(&json!({"message": "  "}))).0, 400);
        assert_eq!(parse_message(&json!({"message": "hi"})).unwrap(), "hi");
        assert!(
            problem(parse_id(&json!({"id": 3})))
                .1
                .contains("id must be a uuid")
        );
        let (_, detail) = problem(parse_external_reference(&json!({"source": "ClientTether"})));
        assert!(detail.contains("jobId is required") && detail.contains("projectId is required"));
    }
}
