//! What the sandbox answers besides schema errors: keys, content types, sizes, the company
//! settings, the list of accepted leads, and its silence about keys in the logs.

use leadrelay::sandbox::{MAX_BODY_BYTES, SandboxConfig};
use serde_json::{Value, json};

use super::{client, company_settings, header, post_lead, post_raw, start, start_unlimited};
use crate::support::helpers::captured_logs;

#[tokio::test]
async fn a_missing_or_wrong_key_gets_401_problem_details() {
    let sandbox = start_unlimited(&[("key-denver", "Denver")]).await;
    let client = client();
    let lead = json!({"firstName": "Jane"});
    let url = format!("{}/api/v1/leads", sandbox.url());
    let attempts = [
        client.post(&url).json(&lead),
        client.post(&url).json(&lead).bearer_auth("key-boulder"),
        client.post(&url).json(&lead).bearer_auth("KEY-DENVER"),
        client
            .post(&url)
            .json(&lead)
            .header("authorization", "Bearer "),
        client
            .post(&url)
            .json(&lead)
            .header("authorization", "Basic key-denver"),
        client
            .post(&url)
            .json(&lead)
            .header("authorization", "key-denver"),
    ];
    for attempt in attempts {
        let response = attempt.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert!(
            header(&response, "content-type")
                .unwrap()
                .starts_with("application/problem+json")
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 401);
        assert_eq!(problem["title"], "Unauthorized");
        assert_eq!(problem["detail"], "API Key is invalid or deactivated");
        assert!(problem["type"].as_str().unwrap().starts_with("https://"));
        assert!(!problem["traceId"].as_str().unwrap().is_empty());
    }
    let response = post_lead(&client, &sandbox, Some("key-denver"), &lead).await;
    assert_eq!(response.status(), 202);
    // "bearer" is a scheme name: any case.
    let response = client
        .post(&url)
        .json(&lead)
        .header("authorization", "bearer key-denver")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert!(
        sandbox
            .accepted()
            .iter()
            .all(|lead| lead.key == "key-denver")
    );
    let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 401, 401, 401, 401, 401, 202, 202]);
    assert_eq!(sandbox.requests()[0].key, None);
    assert_eq!(sandbox.requests()[1].key.as_deref(), Some("key-boulder"));
}

#[tokio::test]
async fn without_configured_keys_any_key_is_accepted_but_one_is_needed() {
    let sandbox = start(SandboxConfig {
        rate_limits: false,
        ..SandboxConfig::default()
    })
    .await;
    let client = client();
    let lead = json!({"firstName": "Jane"});
    assert_eq!(
        post_lead(&client, &sandbox, Some("whatever-1"), &lead)
            .await
            .status(),
        202
    );
    assert_eq!(
        post_lead(&client, &sandbox, None, &lead).await.status(),
        401
    );
    let settings: Value = company_settings(&client, &sandbox, Some("whatever-1"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(settings["name"], "Sandbox location");
}

#[tokio::test]
async fn only_json_bodies_are_accepted() {
    let sandbox = start_unlimited(&[("k", "Denver")]).await;
    let client = client();
    let body = br#"{"firstName":"Jane"}"#.to_vec();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
    ] {
        let response = post_raw(&client, &sandbox, Some("k"), content_type, body.clone()).await;
        assert_eq!(response.status(), 415, "{content_type:?}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 415);
    }
    for content_type in ["application/json; charset=utf-8", "Application/JSON"] {
        let response = post_raw(
            &client,
            &sandbox,
            Some("k"),
            Some(content_type),
            body.clone(),
        )
        .await;
        assert_eq!(response.status(), 202, "{content_type}");
    }
}

#[tokio::test]
async fn a_body_over_one_mebibyte_gets_413() {
    let sandbox = start_unlimited(&[("k", "Denver")]).await;
    let client = client();
    let lead = br#"{"firstName":"Jane"}"#;
    let mut exactly = lead.to_vec();
    exactly.resize(MAX_BODY_BYTES, b' ');
    assert_eq!(MAX_BODY_BYTES, 1024 * 1024);
    let response = post_raw(
        &client,
        &sandbox,
        Some("k"),
        Some("application/json"),
        exactly,
    )
    .await;
    assert_eq!(response.status(), 202, "exactly 1 MiB is accepted");
    let mut over = lead.to_vec();
    over.resize(MAX_BODY_BYTES + 1, b' ');
    let response = post_raw(&client, &sandbox, Some("k"), Some("application/json"), over).await;
    assert_eq!(response.status(), 413);
    assert_eq!(sandbox.accepted().len(), 1);
}

#[tokio::test]
async fn company_settings_name_the_location_of_a_valid_key_and_refuse_others() {
    let sandbox =
        start_unlimited(&[("key-denver", "Denver Office"), ("key-boulder", "Boulder")]).await;
    let client = client();
    let response = company_settings(&client, &sandbox, Some("key-denver")).await;
    assert_eq!(response.status(), 200);
    let denver: Value = response.json().await.unwrap();
    assert_eq!(denver["name"], "Denver Office");
    assert!(denver["timeZoneInfo"].is_string());
    assert_eq!(denver["hasInsurance"], false);
    let id = denver["id"].as_str().unwrap().to_string();
    assert!(!id.is_empty() && !id.contains("key-denver"));
    let again: Value = company_settings(&client, &sandbox, Some("key-denver"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["id"], id.as_str(), "the id is stable");
    let boulder: Value = company_settings(&client, &sandbox, Some("key-boulder"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(boulder["name"], "Boulder");
    assert_ne!(boulder["id"], id.as_str());
    for key in [None, Some("key-golden")] {
        let response = company_settings(&client, &sandbox, key).await;
        assert_eq!(response.status(), 401);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["detail"], "API Key is invalid or deactivated");
    }
}

#[tokio::test]
async fn sandbox_leads_lists_what_was_accepted_newest_last_and_delete_clears_it() {
    let sandbox = start_unlimited(&[("key-a", "A"), ("key-b", "B")]).await;
    let client = client();
    let list_url = format!("{}/sandbox/leads", sandbox.url());
    let list = || async {
        let response = client.get(&list_url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.json::<Vec<Value>>().await.unwrap()
    };
    assert!(list().await.is_empty());
    let first = json!({"firstName": "Ann", "city": "Denver"});
    let second = json!({"firstName": "Bob"});
    post_lead(&client, &sandbox, Some("key-a"), &first).await;
    post_lead(
        &client,
        &sandbox,
        Some("key-b"),
        &json!({"lastName": "no first name"}),
    )
    .await;
    post_lead(&client, &sandbox, Some("key-b"), &second).await;
    let leads = list().await;
    assert_eq!(leads.len(), 2, "{leads:?}");
    assert_eq!(leads[0]["key"], "key-a");
    assert_eq!(leads[0]["body"], first);
    assert_eq!(leads[1]["key"], "key-b");
    assert_eq!(leads[1]["body"], second);
    let times: Vec<chrono::DateTime<chrono::Utc>> = leads
        .iter()
        .map(|lead| lead["received_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times[0] <= times[1], "newest last");
    assert_eq!(sandbox.requests().len(), 3);

    let response = client.delete(&list_url).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert!(list().await.is_empty());
    assert!(sandbox.accepted().is_empty() && sandbox.requests().is_empty());
    post_lead(&client, &sandbox, Some("key-a"), &first).await;
    assert_eq!(list().await.len(), 1);
    sandbox.clear();
    assert!(list().await.is_empty());
}

#[tokio::test]
async fn unknown_paths_and_methods_are_refused() {
    let sandbox = start_unlimited(&[("k", "Denver")]).await;
    let client = client();
    let get = client
        .get(format!("{}/api/v1/leads", sandbox.url()))
        .bearer_auth("k")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    let other = client
        .get(format!("{}/api/v2/contacts", sandbox.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    assert!(
        sandbox.requests().is_empty(),
        "only lead posts are recorded"
    );
}

#[tokio::test]
async fn the_sandbox_never_logs_a_key() {
    let keys = ["sbx-log-key-4f1d9c", "sbx-log-key-8a2e77"];
    let sandbox = start_unlimited(&[(keys[0], "Denver")]).await;
    let client = client();
    post_lead(
        &client,
        &sandbox,
        Some(keys[0]),
        &json!({"firstName": "Jane"}),
    )
    .await;
    post_lead(
        &client,
        &sandbox,
        Some(keys[0]),
        &json!({"lastName": "Doe"}),
    )
    .await;
    post_lead(
        &client,
        &sandbox,
        Some(keys[1]),
        &json!({"firstName": "Jane"}),
    )
    .await;
    company_settings(&client, &sandbox, Some(keys[0])).await;
    company_settings(&client, &sandbox, Some(keys[1])).await;
    let limited = start(SandboxConfig {
        keys: Vec::new(),
        per_key_per_second: 1,
        ..SandboxConfig::default()
    })
    .await;
    for _ in 0..3 {
        post_lead(
            &client,
            &limited,
            Some(keys[1]),
            &json!({"firstName": "Jane"}),
        )
        .await;
    }
    let shown = format!("{:?} {:?}", sandbox.accepted(), sandbox.requests());
    let logs = captured_logs();
    for key in keys {
        assert!(!logs.contains(key), "a key was logged");
        assert!(!shown.contains(key), "a key shows in Debug output");
    }
}
