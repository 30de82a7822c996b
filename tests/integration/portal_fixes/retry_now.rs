//! "Retry now" on a lead waiting for its next attempt: due now, the worker woken, audited;
//! for company admins only.

use chrono::Duration;

use crate::history::{Setup, setup};
use crate::history_lead::{flash_after, woken};
use crate::support::fixtures::{audit_entries, login, page};
use crate::support::lead_fixtures::*;

#[tokio::test]
async fn retry_now_makes_a_waiting_lead_due_at_once_and_wakes_the_worker() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let mut seed = LeadSeed::new(&a.id, &a.location_id).status("retrying");
    seed.attempts = 3;
    seed.retry_step = 3;
    seed.next_attempt_at = Some(now() + Duration::hours(2));
    seed.last_error = Some("AccuLynx is unavailable (HTTP 503).".into());
    let lead = insert_lead(&app, &seed);
    let admin = login(&app, &a.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(html.contains(&format!("action=\"/leads/{lead}/retry-now\"")));
    assert!(html.contains(">Retry now</button>"));

    let response = admin.post(&format!("/leads/{lead}/retry-now"), &[]).await;
    assert!(woken(&app).await, "the worker is woken");
    let message = flash_after(&admin, response).await;
    assert!(message.contains("The lead is due now"), "{message}");
    let after = lead_state(&app, &lead);
    assert_eq!(after.status, "retrying");
    assert_eq!(after.retry_step, 3, "its place in the schedule stays");
    assert_eq!(after.attempts, 3);
    let due = after.next_attempt_at.unwrap();
    assert!(
        due <= now() && due > now() - Duration::minutes(1),
        "due now: {due}"
    );
    let audit = audit_entries(&app, "lead.retried_now");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, a.admin.email);
    assert_eq!(audit[0].1, format!("lead {lead}"));
    assert!(
        audit[0].2.starts_with("made due now after 3 attempts"),
        "{}",
        audit[0].2
    );

    // Due now: there is nothing left to cut short.
    let response = admin.post(&format!("/leads/{lead}/retry-now"), &[]).await;
    let message = flash_after(&admin, response).await;
    assert!(
        message.contains("not waiting") || message.contains("already due"),
        "{message}"
    );
}

#[tokio::test]
async fn viewers_cannot_retry_now_and_leads_not_waiting_are_refused_in_words() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let mut seed = LeadSeed::new(&a.id, &a.location_id).status("retrying");
    seed.next_attempt_at = Some(now() + Duration::minutes(30));
    let waiting = insert_lead(&app, &seed);
    let viewer = login(&app, &a.viewer.email).await;
    let html = page(&viewer, &format!("/leads/{waiting}")).await;
    assert!(!html.contains("retry-now"), "no button for a viewer");
    assert!(html.contains("A company admin can retry this lead now"));
    let response = viewer
        .post(&format!("/leads/{waiting}/retry-now"), &[])
        .await;
    assert_eq!(response.status(), 403);
    assert!(
        lead_state(&app, &waiting).next_attempt_at.unwrap() > now() + Duration::minutes(29),
        "still waiting"
    );
    let other = login(&app, &world.b.admin.email).await;
    let response = other
        .post(&format!("/leads/{waiting}/retry-now"), &[])
        .await;
    assert_eq!(response.status(), 404, "another company's lead");

    let delivered = insert_lead(&app, &LeadSeed::new(&a.id, &a.location_id));
    let admin = login(&app, &a.admin.email).await;
    assert!(
        !page(&admin, &format!("/leads/{delivered}"))
            .await
            .contains("retry-now")
    );
    let response = admin
        .post(&format!("/leads/{delivered}/retry-now"), &[])
        .await;
    let message = flash_after(&admin, response).await;
    assert!(
        message.contains("was delivered; there is nothing to retry"),
        "{message}"
    );
    assert_eq!(lead_state(&app, &delivered).status, "delivered");
}
