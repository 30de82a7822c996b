//! The JSON API for scripts: tokens made on the portal, their scopes and revocation, the
//! lead list with its filters and keyset cursor, a lead's timeline, resend, the OpenAPI
//! document, and every API route walked across tenants.

mod access;
mod leads;
mod openapi_doc;
mod resend;
mod tokens;

use serde_json::Value;

use crate::support::fixtures::Session;
use crate::support::helpers::TestApp;

/// A token of the company stored as the portal stores it: (public id, whole text).
pub fn seed_token(app: &TestApp, company_id: &str, scope: &str) -> (String, String) {
    let minted = leadrelay::api::token::mint();
    leadrelay::api::queries::insert(
        &mut app.conn(),
        &leadrelay::api::model::NewApiToken {
            id: &minted.id,
            company_id,
            name: "test script",
            scope,
            secret_hash: &minted.secret_hash,
            created_by: "command line",
            created_at: leadrelay::db::now(),
        },
    )
    .unwrap();
    (minted.id, minted.text)
}

/// The token a "token made" page shows.
pub fn token_on_page(html: &str) -> String {
    let start = html.find("value=\"lr_").expect("the token is shown") + "value=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Makes a token on the portal as `admin`; returns its text.
pub async fn make_token(admin: &Session, slug: &str, name: &str, scope: &str) -> String {
    let response = admin
        .post(
            &format!("/companies/{slug}/api-tokens"),
            &[("name", name), ("scope", scope)],
        )
        .await;
    assert_eq!(response.status(), 200);
    token_on_page(&response.text().await.unwrap())
}

/// `GET path` with the token (if any): status and JSON body.
pub async fn api_get(app: &TestApp, token: Option<&str>, path: &str) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    json_of(request.send().await.unwrap()).await
}

/// `POST path` with the token (if any) and a JSON body (if any).
pub async fn api_post(
    app: &TestApp,
    token: Option<&str>,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    json_of(request.send().await.unwrap()).await
}

/// The status and JSON body of an answer (which must be JSON).
pub async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{status}: {content_type}"
    );
    (status, response.json().await.unwrap())
}
