//! v2 reads: external references, contact search, per-key data, and the seeded lookups.

use leadrelay::sandbox::{Fault, V2Step, seed};
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn external_references_are_found_by_project_id_case_insensitively_and_duplicates_are_kept() {
    let sandbox = sandbox().await;
    let contact = create_contact(&sandbox, KEY).await;
    let job = create_job(&sandbox, KEY, &contact).await;
    let reference = json!({"jobId": job, "source": "ClientTether", "projectId": "Lead-42"});
    for _ in 0..2 {
        assert_eq!(
            post(&sandbox, KEY, "/jobs/external-references", &reference)
                .await
                .status(),
            201
        );
    }
    assert_eq!(
        sandbox.jobs()[0].external_references.len(),
        2,
        "the duplicate is recorded"
    );
    let found: Value = get(
        &sandbox,
        KEY,
        "/jobs/external-references?source=clienttether&projectId=LEAD-42",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 2);
    assert_eq!(found[0]["jobId"], job.as_str());
    let found: Value = get(
        &sandbox,
        KEY,
        &format!("/jobs/external-references?source=ClientTether&jobId={job}"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 2);
    let response = get(
        &sandbox,
        KEY,
        "/jobs/external-references?source=ClientTether&projectId=Lead-43",
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), json!([]));
    problem(
        get(
            &sandbox,
            KEY,
            "/jobs/external-references?source=ClientTether",
        )
        .await,
        400,
    )
    .await;
    problem(
        get(&sandbox, KEY, "/jobs/external-references?projectId=Lead-42").await,
        400,
    )
    .await;
    let missing =
        json!({"jobId": uuid::Uuid::new_v4().to_string(), "source": "S", "projectId": "P"});
    problem(
        post(&sandbox, KEY, "/jobs/external-references", &missing).await,
        404,
    )
    .await;
    problem(
        post(
            &sandbox,
            KEY,
            "/jobs/external-references",
            &json!({"jobId": job, "source": "S"}),
        )
        .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn a_contact_found_by_name_shows_its_email_addresses_and_phones() {
    let sandbox = sandbox().await;
    let contact = create_contact(&sandbox, KEY).await;
    let search = json!({"searchTerm": "doe", "startDate": "2000-01-01T00:00:00Z", "endDate": "2100-01-01T00:00:00Z",
                        "sort": {"sortColumn": "CreatedDate", "sortDirection": "Descending"}});
    let response = post(&sandbox, KEY, "/contacts/search", &search).await;
    assert_eq!(response.status(), 200);
    let found: Value = response.json().await.unwrap();
    assert_eq!(found["count"], 1);
    assert_eq!(found["items"][0]["id"], contact.as_str());
    assert_eq!(
        found["items"][0]["emailAddresses"][0]
            .as_object()
            .unwrap()
            .len(),
        2,
        "links only"
    );
    let emails: Value = get(
        &sandbox,
        KEY,
        &format!("/contacts/{contact}/email-addresses"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(emails["items"][0]["address"], "jane.doe@example.com");
    let phones: Value = get(&sandbox, KEY, &format!("/contacts/{contact}/phone-numbers"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(phones["items"][0]["number"], "3035550100");
    let one: Value = get(&sandbox, KEY, &format!("/contacts/{contact}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["mailingAddress"]["state"]["abbreviation"], "CO");

    let mut other = search.clone();
    other["searchTerm"] = json!("smith");
    let found: Value = post(&sandbox, KEY, "/contacts/search", &other)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["count"], 0);
    other["endDate"] = json!("2001-01-01T00:00:00Z");
    other["searchTerm"] = json!("Doe");
    let found: Value = post(&sandbox, KEY, "/contacts/search", &other)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["count"], 0, "outside the creation date range");
    let detail = problem(
        post(
            &sandbox,
            KEY,
            "/contacts/search",
            &json!({"searchTerm": "doe"}),
        )
        .await,
        400,
    )
    .await;
    assert!(
        detail.contains("startDate") && detail.contains("endDate") && detail.contains("sort"),
        "{detail}"
    );
    problem(
        post(&sandbox, KEY, "/contacts/search?pageSize=26", &search).await,
        400,
    )
    .await;
}

#[tokio::test]
async fn data_of_one_key_is_invisible_to_another() {
    let sandbox = sandbox().await;
    let contact = create_contact(&sandbox, KEY).await;
    let job = create_job(&sandbox, KEY, &contact).await;
    problem(
        get(&sandbox, OTHER, &format!("/contacts/{contact}")).await,
        404,
    )
    .await;
    problem(
        get(
            &sandbox,
            OTHER,
            &format!("/contacts/{contact}/email-addresses"),
        )
        .await,
        404,
    )
    .await;
    problem(
        post(&sandbox, OTHER, "/jobs", &job_body(&contact)).await,
        404,
    )
    .await;
    problem(
        post(
            &sandbox,
            OTHER,
            &format!("/jobs/{job}/messages"),
            &json!({"message": "hi"}),
        )
        .await,
        404,
    )
    .await;
    let reference = json!({"jobId": job, "source": "ClientTether", "projectId": "Lead-42"});
    problem(
        post(&sandbox, OTHER, "/jobs/external-references", &reference).await,
        404,
    )
    .await;
    let search = json!({"startDate": "2000-01-01", "endDate": "2100-01-01", "sort": {"sortColumn": "lastName", "sortDirection": "Ascending"}});
    let found: Value = post(&sandbox, OTHER, "/contacts/search", &search)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["count"], 0);
    let found: Value = post(&sandbox, KEY, "/contacts/search", &search)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["count"], 1);
    assert_eq!(get(&sandbox, "nope", "/users").await.status(), 401);
}

#[tokio::test]
async fn lookups_are_seeded_paged_and_refuse_bad_pages_with_416() {
    let sandbox = sandbox().await;
    let page: Value = get(
        &sandbox,
        KEY,
        "/company-settings/job-file-settings/work-types?pageSize=2&recordStartIndex=1",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(page["count"], 5);
    assert_eq!(page["pageSize"], 2);
    assert_eq!(page["pageStartIndex"], 1);
    assert_eq!(page["items"][0]["name"], "Replacement");
    assert_eq!(
        page["items"][0]["id"],
        seed().work_type("Replacement").unwrap().id
    );
    let types: Value = get(
        &sandbox,
        KEY,
        "/contacts/contact-types?pageSize=2&pageStartIndex=1",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(types["items"][0]["name"], "Vendor");
    let sources: Value = get(&sandbox, KEY, "/company-settings/leads/lead-sources")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sources["items"][0]["children"], Value::Null);
    assert_eq!(sources["items"][2]["children"].as_array().unwrap().len(), 2);
    let states: Value = get(
        &sandbox,
        KEY,
        "/company-settings/location-settings/countries/1/states",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(states["count"], 51);
    problem(
        get(
            &sandbox,
            KEY,
            "/company-settings/location-settings/countries/9/states",
        )
        .await,
        404,
    )
    .await;
    let users: Value = get(&sandbox, KEY, "/users").await.json().await.unwrap();
    assert_eq!(
        users["count"], 4,
        "the Inactive user is not listed by default"
    );
    assert!(
        users
            .to_string()
            .contains("alex.morgan@summitroofing.example")
    );
    let all: Value = get(&sandbox, KEY, "/users?status=Active,Inactive")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["count"], 5);
    for bad in [
        "pageSize=0",
        "pageSize=abc",
        "recordStartIndex=-1",
        "recordStartIndex=100001",
    ] {
        problem(
            get(
                &sandbox,
                KEY,
                &format!("/company-settings/job-file-settings/job-categories?{bad}"),
            )
            .await,
            416,
        )
        .await;
    }
    sandbox.program_step(KEY, V2Step::Lookups, [Fault::Status(502)]);
    assert_eq!(
        get(
            &sandbox,
            KEY,
            "/company-settings/job-file-settings/trade-types"
        )
        .await
        .status(),
        502
    );
    assert_eq!(
        get(
            &sandbox,
            KEY,
            "/company-settings/job-file-settings/trade-types"
        )
        .await
        .status(),
        200
    );
}
