//! The sandbox's AccuLynx v2 surface: lookups, contacts, jobs and their follow-up calls,
//! per-key data, the write quotas and the per-step faults.

use leadrelay::sandbox::{Sandbox, seed};
use reqwest::Method;
use serde_json::{Value, json};

use super::{client, header, start_unlimited};

mod faults;
mod lookups;
mod records;

pub(super) const KEY: &str = "key-a";
pub(super) const OTHER: &str = "key-b";

pub(super) async fn sandbox() -> Sandbox {
    start_unlimited(&[(KEY, "Denver"), (OTHER, "Boulder")]).await
}

/// A v2 call with a Bearer key and, when given, a JSON body.
pub(super) async fn call(
    sandbox: &Sandbox,
    key: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request = client()
        .request(method, format!("{}/api/v2{path}", sandbox.url()))
        .bearer_auth(key);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("the sandbox answers")
}

pub(super) async fn get(sandbox: &Sandbox, key: &str, path: &str) -> reqwest::Response {
    call(sandbox, key, Method::GET, path, None).await
}

pub(super) async fn post(
    sandbox: &Sandbox,
    key: &str,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    call(sandbox, key, Method::POST, path, Some(body)).await
}

/// The `detail` of a 400/404 ProblemDetails, checking its shape.
pub(super) async fn problem(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status(), status);
    assert!(
        header(&response, "content-type")
            .unwrap()
            .starts_with("application/problem+json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["type"].as_str().unwrap().starts_with("https://"));
    assert!(!body["title"].as_str().unwrap().is_empty());
    assert!(!body["traceId"].as_str().unwrap().is_empty());
    body["detail"].as_str().unwrap().to_string()
}

pub(super) fn contact_body() -> Value {
    let seed = seed();
    json!({
        "contactTypeIds": [seed.contact_type("Customer").unwrap().id.to_string()],
        "firstName": "Jane",
        "lastName": "Doe",
        "companyName": "Doe Holdings",
        "crossReference": "ct-lead-42",
        "phoneNumbers": [{"number": "3035550100", "type": "Mobile", "ext": "7", "primary": true}],
        "emailAddresses": [{"address": "jane.doe@example.com", "type": "Personal", "primary": true}],
        "mailingAddress": {
            "street1": "1 Main St", "city": "Denver", "zipCode": "80202",
            "state": {"id": seed.state("US", "CO").unwrap().id},
            "country": {"id": seed.country("US").unwrap().id},
        },
        "someFieldAccuLynxDoesNotHave": true,
    })
}

pub(super) async fn create_contact(sandbox: &Sandbox, key: &str) -> String {
    let response = post(sandbox, key, "/contacts", &contact_body()).await;
    assert_eq!(response.status(), 201);
    let link: Value = response.json().await.unwrap();
    let id = link["id"].as_str().unwrap().to_string();
    assert!(
        link["_link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/v2/contacts/{id}"))
    );
    id
}

pub(super) fn job_body(contact: &str) -> Value {
    let seed = seed();
    json!({
        "contact": {"id": contact},
        "locationAddress": {"street1": "1 Main St", "street2": "Unit 2", "city": "Denver",
                            "state": "CO", "country": "US", "zipCode": "80202"},
        "priority": "High",
        "jobCategory": {"id": seed.job_category("Residential").unwrap().id},
        "workType": {"id": seed.work_type("Replacement").unwrap().id},
        "leadSource": {"id": seed.lead_source("ClientTether").unwrap().id.to_string()},
        "tradeTypes": [{"id": seed.trade_type("Roofing").unwrap().trade_id.to_string()},
                       {"id": seed.trade_type("Gutters").unwrap().trade_id.to_string()}],
        "notes": "Hail damage on the north side.",
    })
}

pub(super) async fn create_job(sandbox: &Sandbox, key: &str, contact: &str) -> String {
    let response = post(sandbox, key, "/jobs", &job_body(contact)).await;
    assert_eq!(response.status(), 201);
    let link: Value = response.json().await.unwrap();
    link["id"].as_str().unwrap().to_string()
}
