//! v2 records: what a contact and a job are stored with, and the 400s and 404s of bad ones.

use leadrelay::sandbox::seed;
use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::sandbox::client;

#[tokio::test]
async fn a_contact_and_job_created_with_valid_bodies_come_back_with_every_field() {
    let sandbox = sandbox().await;
    let seed = seed();
    let contact = create_contact(&sandbox, KEY).await;
    let job = create_job(&sandbox, KEY, &contact).await;
    let reference = json!({"jobId": job, "source": "ClientTether", "projectId": "Lead-42"});
    let response = post(&sandbox, KEY, "/jobs/external-references", &reference).await;
    assert_eq!(response.status(), 201);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["jobId"], job.as_str());
    assert_eq!(answer["projectId"], "Lead-42");
    let alex = seed.user("alex.morgan@summitroofing.example").unwrap();
    let response = post(
        &sandbox,
        KEY,
        &format!("/jobs/{job}/representatives/sales-owner"),
        &json!({"id": alex.id.to_string()}),
    )
    .await;
    assert_eq!(response.status(), 204);
    let appointment = json!({"startDate": "2026-12-10T15:00:00Z", "endDate": "2026-12-10T16:00:00Z", "notes": "Gate code 1234"});
    let response = call(
        &sandbox,
        KEY,
        Method::PUT,
        &format!("/jobs/{job}/initial-appointment"),
        Some(&appointment),
    )
    .await;
    assert_eq!(response.status(), 204);
    let response = post(
        &sandbox,
        KEY,
        &format!("/jobs/{job}/messages"),
        &json!({"message": "The rest of the notes"}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let message: Value = response.json().await.unwrap();

    let contacts = sandbox.contacts();
    assert_eq!(contacts.len(), 1);
    let stored = &contacts[0];
    assert_eq!(stored.id.to_string(), contact);
    assert_eq!(stored.first_name.as_deref(), Some("Jane"));
    assert_eq!(stored.last_name.as_deref(), Some("Doe"));
    assert_eq!(stored.company_name.as_deref(), Some("Doe Holdings"));
    assert_eq!(stored.cross_reference.as_deref(), Some("ct-lead-42"));
    assert_eq!(
        stored.contact_type_ids,
        [seed.contact_type("Customer").unwrap().id]
    );
    assert_eq!(stored.phones[0].number, "3035550100");
    assert_eq!(stored.phones[0].kind, "Mobile");
    assert_eq!(stored.phones[0].ext.as_deref(), Some("7"));
    assert_eq!(stored.emails[0].address, "jane.doe@example.com");
    let address = stored.mailing_address.as_ref().unwrap();
    assert_eq!(address.state_id, Some(seed.state("US", "CO").unwrap().id));
    assert_eq!(address.country_id, Some(seed.country("US").unwrap().id));

    let jobs = sandbox.jobs();
    assert_eq!(jobs.len(), 1);
    let stored = &jobs[0];
    assert_eq!(stored.id.to_string(), job);
    assert_eq!(stored.contact_id.to_string(), contact);
    assert_eq!(stored.current_milestone, "Lead");
    let location = stored.location_address.as_ref().unwrap();
    assert_eq!(
        (location.street1.as_str(), location.street2.as_deref()),
        ("1 Main St", Some("Unit 2"))
    );
    assert_eq!(
        (
            location.city.as_str(),
            location.state.as_str(),
            location.country.as_str(),
            location.zip_code.as_str()
        ),
        ("Denver", "CO", "US", "80202")
    );
    assert_eq!(stored.priority.as_deref(), Some("High"));
    assert_eq!(stored.job_category_id, Some(1));
    assert_eq!(
        stored.work_type_id,
        Some(seed.work_type("Replacement").unwrap().id)
    );
    assert_eq!(
        stored.lead_source_id,
        Some(seed.lead_source("ClientTether").unwrap().id)
    );
    assert_eq!(stored.trade_type_ids.len(), 2);
    assert_eq!(
        stored.notes.as_deref(),
        Some("Hail damage on the north side.")
    );
    assert_eq!(stored.external_references.len(), 1);
    assert_eq!(stored.external_references[0].project_id, "Lead-42");
    assert_eq!(stored.sales_owner_id, Some(alex.id));
    let appointment = stored.initial_appointment.as_ref().unwrap();
    assert_eq!(
        appointment.start_date.as_deref(),
        Some("2026-12-10T15:00:00Z")
    );
    assert_eq!(appointment.notes.as_deref(), Some("Gate code 1234"));
    assert_eq!(stored.messages[0].message, "The rest of the notes");
    assert_eq!(
        stored.messages[0].id.to_string(),
        message["messageId"].as_str().unwrap()
    );

    // The inspection pages say the same, with the company id and never the key.
    let listed: Value = client()
        .get(format!("{}/sandbox/jobs", sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let company = listed[0]["companyId"].as_str().unwrap().to_string();
    assert!(!company.is_empty() && !listed.to_string().contains(KEY));
    assert_eq!(listed[0]["externalReferences"][0]["source"], "ClientTether");
    assert_eq!(
        listed[0]["initialAppointment"]["endDate"],
        "2026-12-10T16:00:00Z"
    );
    assert_eq!(listed[0]["salesOwnerId"], alex.id.to_string());
    assert_eq!(answer["companyId"], company.as_str());
    let listed: Value = client()
        .get(format!("{}/sandbox/contacts", sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["phones"][0]["number"], "3035550100");
    assert_eq!(
        listed[0]["mailingAddress"]["stateId"],
        seed.state("US", "CO").unwrap().id
    );
    let deleted = client()
        .delete(format!("{}/sandbox/jobs", sandbox.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert!(sandbox.jobs().is_empty());
    assert_eq!(sandbox.contacts().len(), 1);
    sandbox.clear();
    assert!(sandbox.contacts().is_empty());
}

#[tokio::test]
async fn bad_contacts_get_400s_naming_the_field_and_bad_jobs_400_or_404() {
    let sandbox = sandbox().await;
    let mut body = contact_body();
    body["phoneNumbers"][0]["number"] = json!("303-555-0100");
    body["contactTypeIds"] = json!([uuid::Uuid::new_v4().to_string()]);
    let detail = problem(post(&sandbox, KEY, "/contacts", &body).await, 400).await;
    assert!(
        detail.contains("phoneNumbers[0].number must be exactly 10 digits"),
        "{detail}"
    );
    assert!(
        detail.contains("contactTypeIds[0] is not a contact type of this company"),
        "{detail}"
    );
    assert!(sandbox.contacts().is_empty());

    let contact = create_contact(&sandbox, KEY).await;
    let mut body = job_body(&contact);
    body["workType"]["id"] = json!(999);
    let detail = problem(post(&sandbox, KEY, "/jobs", &body).await, 404).await;
    assert!(detail.contains("workType.id"), "{detail}");
    body["workType"]["id"] = json!("Replacement");
    let detail = problem(post(&sandbox, KEY, "/jobs", &body).await, 400).await;
    assert!(
        detail.contains("workType.id must be an integer"),
        "{detail}"
    );

    let unknown = uuid::Uuid::new_v4().to_string();
    let detail = problem(post(&sandbox, KEY, "/jobs", &job_body(&unknown)).await, 404).await;
    assert!(detail.contains("contact.id"), "{detail}");

    let mut body = job_body(&contact);
    body["notes"] = json!("n".repeat(1001));
    let detail = problem(post(&sandbox, KEY, "/jobs", &body).await, 400).await;
    assert!(
        detail.contains("notes must be at most 1000 characters"),
        "{detail}"
    );
    body["notes"] = json!("n".repeat(1000));
    assert_eq!(post(&sandbox, KEY, "/jobs", &body).await.status(), 201);
    assert_eq!(sandbox.jobs().len(), 1);

    // Wrong content type and malformed JSON.
    let response = client()
        .post(format!("{}/api/v2/contacts", sandbox.url()))
        .bearer_auth(KEY)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    problem(response, 415).await;
    let response = client()
        .post(format!("{}/api/v2/contacts", sandbox.url()))
        .bearer_auth(KEY)
        .header("content-type", "application/json")
        .body("{\"lastName\":")
        .send()
        .await
        .unwrap();
    problem(response, 400).await;
}

#[tokio::test]
async fn reading_a_job_is_404_without_a_body_and_its_contact_lists_it() {
    let sandbox = sandbox().await;
    let contact = create_contact(&sandbox, KEY).await;
    let job = create_job(&sandbox, KEY, &contact).await;
    let response = get(&sandbox, KEY, &format!("/jobs/{job}")).await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.text().await.unwrap(), "");
    let jobs: Value = get(&sandbox, KEY, &format!("/contacts/{contact}/jobs"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(jobs["count"], 1);
    assert_eq!(jobs["items"][0]["id"], job.as_str());
}
