//! A location's webhook URL and the lead rows behind the answers.

#![allow(dead_code)]

use diesel::prelude::*;
use leadrelay::db::schema::{leads, locations};
use serde_json::Value;

use crate::support::fixtures::SeededCompany;
use crate::support::helpers::TestApp;
use crate::support::secrets::url_signer_of;

/// The current webhook URL of a location.
pub fn hook_url(app: &TestApp, location_id: &str) -> String {
    let token = url_signer_of(app).token(location_id, 1);
    app.url(&format!("/hooks/{location_id}/{token}"))
}

/// Saves a key (sealed) so the location's leads are queued rather than held.
pub fn give_key(app: &TestApp, company: &SeededCompany) {
    crate::support::delivery::set_key(app, &company.location_id, "sandbox-key-good-0001");
}

/// Sets a location's stored mapping (JSON).
pub fn set_mapping(app: &TestApp, location_id: &str, mapping: Value) {
    diesel::update(locations::table.find(location_id))
        .set(locations::mapping.eq(mapping.to_string()))
        .execute(&mut *app.conn())
        .unwrap();
}

/// A stored lead, as the history will show it.
#[derive(Debug, Queryable)]
pub struct StoredLead {
    pub status: String,
    pub content_type: String,
    pub request_headers: String,
    pub raw_body: Option<String>,
    pub mapped_body: Option<String>,
    pub warnings: String,
    pub errors: String,
    pub duplicate_of: Option<String>,
    pub phone_digits: Option<String>,
    pub last_error: Option<String>,
}

/// Reads a lead by id.
pub fn stored(app: &TestApp, lead_id: &str) -> StoredLead {
    leads::table
        .find(lead_id)
        .select((
            leads::status,
            leads::content_type,
            leads::request_headers,
            leads::raw_body,
            leads::mapped_body,
            leads::warnings,
            leads::errors,
            leads::duplicate_of,
            leads::phone_digits,
            leads::last_error,
        ))
        .first(&mut *app.conn())
        .unwrap()
}

/// How many leads are stored.
pub fn lead_count(app: &TestApp) -> i64 {
    leads::table.count().get_result(&mut *app.conn()).unwrap()
}

/// The answer's status and JSON body.
pub async fn answer_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        content_type.as_deref(),
        Some("application/json"),
        "every answer is JSON"
    );
    (status, response.json().await.unwrap())
}

/// Posts a JSON lead to a webhook URL; the answer's status and body.
pub async fn post_json(client: &reqwest::Client, url: &str, body: &Value) -> (u16, Value) {
    let response = client.post(url).json(body).send().await.unwrap();
    answer_of(response).await
}
