//! Delivery through AccuLynx v2 when AccuLynx fails (issue 15): a 500 or a lost answer never
//! makes a second job, a 401 holds the location as in v1, and a daily 429 re-queues one
//! location's leads without blocking the others.

use std::time::Duration;

use diesel::prelude::*;
use leadrelay::db::schema::{leads, locations};
use leadrelay::sandbox::{Fault, V2Step};

use super::v2::{DANA, KEY_A, KEY_B, delivered, make_v2, post_form, v2_rig};
use crate::support::delivery::status_of;
use crate::support::fixtures::{add_location, login, page};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_on_the_external_reference_step_never_makes_a_second_job() {
    let rig = v2_rig().await;
    // The step's requests are the lookup (GET) then the creation (POST) of each attempt: the
    // lookups are answered normally; the first creation is refused outright, the second is
    // done but answered 500 (the answer lost).
    let normal = || Fault::Delay(Duration::ZERO);
    rig.sandbox.program_step(
        KEY_A,
        V2Step::ExternalReference,
        [
            normal(),
            Fault::Status(500),
            normal(),
            Fault::StatusAfterAction(500),
        ],
    );
    let lead = post_form(&rig.app, &rig.company.location_id, DANA).await;
    rig.app.deliver_due().await;
    assert_eq!(status_of(&rig.app, &lead), "retrying");
    tokio::time::sleep(Duration::from_millis(30)).await;
    rig.app.deliver_due().await;
    assert_eq!(status_of(&rig.app, &lead), "retrying");
    assert_eq!(
        rig.sandbox.jobs()[0].external_references.len(),
        1,
        "the lost answer's reference"
    );
    delivered(&rig.app, &lead).await;
    let jobs = rig.sandbox.jobs();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(rig.sandbox.contacts().len(), 1);
    assert_eq!(jobs[0].external_references.len(), 1, "{jobs:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_created_while_its_answer_was_lost_is_adopted_not_made_twice() {
    let rig = v2_rig().await;
    // AccuLynx creates the job and the answer never comes back (500 after the work).
    rig.sandbox
        .program_step(KEY_A, V2Step::CreateJob, [Fault::StatusAfterAction(500)]);
    let lead = post_form(&rig.app, &rig.company.location_id, DANA).await;
    rig.app.deliver_due().await;
    assert_eq!(status_of(&rig.app, &lead), "retrying");
    assert_eq!(rig.sandbox.jobs().len(), 1);
    delivered(&rig.app, &lead).await;
    assert_eq!(rig.sandbox.jobs().len(), 1, "the orphan job was adopted");
    assert_eq!(rig.sandbox.jobs()[0].external_references.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_on_any_v2_step_holds_the_location_as_in_v1() {
    let rig = v2_rig().await;
    rig.sandbox
        .program_step(KEY_A, V2Step::CreateJob, [Fault::Unauthorized]);
    let lead = post_form(&rig.app, &rig.company.location_id, DANA).await;
    rig.app.deliver_due().await;
    assert_eq!(status_of(&rig.app, &lead), "held");
    let key_status: String = locations::table
        .find(&rig.company.location_id)
        .select(locations::key_status)
        .first(&mut rig.app.conn())
        .unwrap();
    assert_eq!(key_status, "rejected");
    assert!(rig.sandbox.jobs().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daily_429_requeues_for_retry_after_without_blocking_other_locations() {
    let rig = v2_rig().await;
    let other = add_location(&rig.app, &rig.company.id, "alpha Boulder");
    make_v2(&rig.app, &other, KEY_B);
    rig.sandbox.program_step(
        KEY_A,
        V2Step::CreateContact,
        [Fault::V2RateLimited {
            policy: "company-write:daily".into(),
            retry_after: 7200,
        }],
    );
    let held_back = post_form(&rig.app, &rig.company.location_id, DANA).await;
    let free = post_form(
        &rig.app,
        &other,
        &[
            ("first_name", "Robin"),
            ("last_name", "Okafor"),
            ("email", "robin@example.com"),
        ],
    )
    .await;
    let started = std::time::Instant::now();
    rig.app.deliver_due().await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "no worker slept through the window"
    );
    assert_eq!(status_of(&rig.app, &free), "delivered");
    assert_eq!(status_of(&rig.app, &held_back), "retrying");
    let next: Option<chrono::NaiveDateTime> = leads::table
        .find(&held_back)
        .select(leads::next_attempt_at)
        .first(&mut rig.app.conn())
        .unwrap();
    let wait = next.unwrap() - leadrelay::db::now();
    assert!(
        (7100..=7300).contains(&wait.num_seconds()),
        "re-queued for Retry-After: {wait:?}"
    );
    // The location page says which window was hit.
    let admin = login(&rig.app, &rig.company.admin.email).await;
    let html = page(&admin, &format!("/locations/{}", rig.company.location_id)).await;
    assert!(html.contains("company-write:daily"), "the policy is shown");
    // A new lead of that location waits for the window without a request.
    let later = post_form(
        &rig.app,
        &rig.company.location_id,
        &[
            ("first_name", "Sam"),
            ("last_name", "Lee"),
            ("email", "sam.lee@example.com"),
        ],
    )
    .await;
    rig.app.deliver_due().await;
    assert_eq!(status_of(&rig.app, &later), "retrying");
    assert_eq!(rig.sandbox.jobs().len(), 1, "only the free location's job");
}
