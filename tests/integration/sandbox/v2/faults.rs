//! v2 limits and faults: the write quotas, the per-step faults, and hostile input.

use std::time::{Duration, Instant};

use leadrelay::sandbox::{Fault, SandboxConfig, SandboxKey, V2Step};
use serde_json::json;

use super::*;
use crate::sandbox::{client, header, start};

#[tokio::test]
async fn the_daily_write_quota_gives_a_text_429_naming_its_window() {
    let sandbox = start(SandboxConfig {
        keys: vec![SandboxKey::new(KEY, "Denver")],
        rate_limits: false,
        v2_daily_writes: Some(2),
        v2_hourly_writes: Some(100),
        ..SandboxConfig::default()
    })
    .await;
    let response = post(&sandbox, KEY, "/contacts", &contact_body()).await;
    assert_eq!(response.status(), 201);
    assert_eq!(header(&response, "ratelimit-limit").as_deref(), Some("2"));
    assert_eq!(
        header(&response, "ratelimit-remaining").as_deref(),
        Some("1")
    );
    assert_eq!(
        post(&sandbox, KEY, "/contacts", &contact_body())
            .await
            .status(),
        201
    );
    let response = post(&sandbox, KEY, "/contacts", &contact_body()).await;
    assert_eq!(response.status(), 429);
    assert!(
        header(&response, "content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(
        header(&response, "ratelimit-policy").as_deref(),
        Some("company-write:daily")
    );
    assert_eq!(
        header(&response, "ratelimit-remaining").as_deref(),
        Some("0")
    );
    let retry: u64 = header(&response, "retry-after").unwrap().parse().unwrap();
    assert!(retry > 23 * 3600 && retry <= 24 * 3600);
    assert_eq!(
        header(&response, "ratelimit-reset"),
        header(&response, "retry-after")
    );
    assert_eq!(
        response.text().await.unwrap(),
        "Daily rate limit exceeded. Please try again later."
    );
    assert_eq!(sandbox.contacts().len(), 2);
    // Reads and searches are not counted.
    assert_eq!(get(&sandbox, KEY, "/users").await.status(), 200);
}

#[tokio::test]
async fn a_job_answered_500_after_the_fact_exists_and_a_late_answer_is_stored_first() {
    let sandbox = sandbox().await;
    let contact = create_contact(&sandbox, KEY).await;
    sandbox.program_step(KEY, V2Step::CreateJob, [Fault::StatusAfterAction(500)]);
    // Another step is not affected by it.
    assert_eq!(get(&sandbox, KEY, "/users").await.status(), 200);
    let response = post(&sandbox, KEY, "/jobs", &job_body(&contact)).await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.text().await.unwrap(), "");
    assert_eq!(sandbox.jobs().len(), 1, "the job was created all the same");

    sandbox.program_step(
        KEY,
        V2Step::CreateJob,
        [Fault::DelayAfterAction(Duration::from_secs(3))],
    );
    let url = sandbox.url();
    let body = job_body(&contact);
    let started = Instant::now();
    let pending = tokio::spawn(async move {
        client()
            .post(format!("{url}/api/v2/jobs"))
            .bearer_auth(KEY)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
    });
    let deadline = Instant::now() + Duration::from_secs(2);
    while sandbox.jobs().len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the job is stored before the answer"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!pending.is_finished(), "the answer has not been sent yet");
    assert_eq!(pending.await.unwrap(), 201);
    assert!(started.elapsed() >= Duration::from_secs(3));

    // Plain faults work on steps too, and then it is normal again.
    sandbox.program_step(
        KEY,
        V2Step::Message,
        [
            Fault::Status(503),
            Fault::Unauthorized,
            Fault::V2RateLimited {
                policy: "company-write:hourly".to_string(),
                retry_after: 60,
            },
        ],
    );
    let job = sandbox.jobs()[0].id;
    let path = format!("/jobs/{job}/messages");
    let message = json!({"message": "hi"});
    assert_eq!(post(&sandbox, KEY, &path, &message).await.status(), 503);
    assert_eq!(post(&sandbox, KEY, &path, &message).await.status(), 401);
    let response = post(&sandbox, KEY, &path, &message).await;
    assert_eq!(response.status(), 429);
    assert_eq!(
        header(&response, "ratelimit-policy").as_deref(),
        Some("company-write:hourly")
    );
    assert_eq!(header(&response, "retry-after").as_deref(), Some("60"));
    assert_eq!(
        response.text().await.unwrap(),
        "Hourly rate limit exceeded. Please try again later."
    );
    assert!(
        sandbox.jobs()[0].messages.is_empty(),
        "faults before the action do nothing"
    );
    assert_eq!(post(&sandbox, KEY, &path, &message).await.status(), 201);
}

#[tokio::test]
async fn hostile_bodies_and_paths_get_answers_never_a_crash() {
    let sandbox = sandbox().await;
    let contact = create_contact(&sandbox, KEY).await;
    let job = create_job(&sandbox, KEY, &contact).await;
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"42".to_vec(),
        b"\"x\"".to_vec(),
        b"{\"contact\":{\"id\":[1,2]},\"tradeTypes\":{}}".to_vec(),
        b"{\"phoneNumbers\":[null,{},{\"number\":1e400}],\"mailingAddress\":{\"state\":7}}"
            .to_vec(),
        b"{\"startDate\":\"9999-99-99T99:99:99Z\",\"endDate\":{}}".to_vec(),
        b"{\"message\":\"\\ud800\"}".to_vec(),
        "[".repeat(10_000).into_bytes(),
        vec![0xff, 0xfe, 0x00],
        format!("{{\"notes\":\"{}\"}}", "😀".repeat(600)).into_bytes(),
    ];
    let paths = [
        "/contacts".to_string(),
        "/contacts/search?pageSize=-5".to_string(),
        "/jobs".to_string(),
        "/jobs/external-references".to_string(),
        format!("/jobs/{job}/messages"),
        format!("/jobs/{job}/representatives/sales-owner"),
        "/jobs/not-a-uuid/messages".to_string(),
    ];
    for path in &paths {
        for body in &bodies {
            let response = client()
                .post(format!("{}/api/v2{path}", sandbox.url()))
                .bearer_auth(KEY)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_client_error(),
                "{path}: {}",
                response.status()
            );
        }
    }
    for body in &bodies {
        let response = client()
            .put(format!(
                "{}/api/v2/jobs/{job}/initial-appointment",
                sandbox.url()
            ))
            .bearer_auth(KEY)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        // Any object is a valid appointment (no field is required).
        let status = response.status();
        assert!(status.is_client_error() || status == 204, "{status}");
    }
    for path in [
        "/contacts/%00",
        "/users?status=Zombie",
        "/users?pageSize=99999999999999999999999",
        "/jobs/external-references?source=%ff&jobId=x",
    ] {
        assert!(
            get(&sandbox, KEY, path).await.status().is_client_error(),
            "{path}"
        );
    }
    assert_eq!(sandbox.jobs().len(), 1);
    assert_eq!(
        get(&sandbox, KEY, "/users").await.status(),
        200,
        "still serving"
    );
}
