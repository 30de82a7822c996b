//! A bulk resend's job: its leads decided at confirmation, each sent at most once (by any
//! number of runners), leads that cannot be sent skipped with the reason, and the pace.

use diesel::prelude::*;
use leadrelay::db::schema::{bulk_resend_items, lead_events, leads};

use super::{job_count, job_of, job_row, resend_job_of, running_jobs, world_with_failed_leads};
use crate::support::bulk_leads::{BulkLead, bulk_insert};
use crate::support::delivery::{count_with_status, lead_body, rig, status_of};
use crate::support::fixtures::{login, page};
use crate::support::lead_fixtures::{LeadSeed, insert_lead};

#[tokio::test]
async fn the_leads_are_decided_at_confirmation_and_each_is_resent_at_most_once_per_job() {
    let (app, world, ids) = world_with_failed_leads(3).await;
    let admin = login(&app, &world.a.admin.email).await;
    let list_path = format!("/locations/{}/leads", world.a.location_id);
    // The number confirmed must still be the number matching.
    let stale = admin
        .post(
            &format!("{list_path}/resend"),
            &[("status", "failed"), ("expected", "2"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(stale.status(), 200);
    let html = stale.text().await.unwrap();
    assert!(
        html.contains("changed since the list was shown: it is now 3"),
        "{html}"
    );
    assert_eq!(job_count(&app), 0);

    let job = job_of(
        &admin
            .post(
                &format!("{list_path}/resend"),
                &[("status", "failed"), ("expected", "3"), ("confirm", "yes")],
            )
            .await,
    );
    // A lead failing after the confirmation is not swept in.
    let later = insert_lead(
        &app,
        &LeadSeed::new(&world.a.id, &world.a.location_id)
            .status("failed")
            .mapped(lead_body(9)),
    );
    leadrelay::bulk::runner::one_pass(&mut app.conn()).unwrap();
    assert!(ids.iter().all(|id| status_of(&app, id) == "queued"));
    assert_eq!(status_of(&app, &later), "failed");
    assert_eq!(job_row(&app, &job), (3, 3, 0, "finished".to_string()));
    // They fail again: the same job never sends them a second time.
    diesel::update(leads::table.filter(leads::id.eq_any(&ids)))
        .set(leads::status.eq("failed"))
        .execute(&mut *app.conn())
        .unwrap();
    leadrelay::bulk::runner::one_pass(&mut app.conn()).unwrap();
    assert!(ids.iter().all(|id| status_of(&app, id) == "failed"));
    let taken: i64 = bulk_resend_items::table
        .filter(bulk_resend_items::job_id.eq(&job))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(taken, 3);
    // Each resend is on the lead's timeline, naming the job's author.
    let timeline = page(&admin, &format!("/leads/{}", ids[0])).await;
    assert!(
        timeline.contains("admin@alpha.example (bulk resend)"),
        "{timeline}"
    );
}

#[tokio::test]
async fn a_lead_that_cannot_be_sent_any_more_is_skipped_with_the_reason() {
    let (app, world, ids) = world_with_failed_leads(2).await;
    let admin = login(&app, &world.a.admin.email).await;
    let list_path = format!("/companies/{}/leads", world.a.slug);
    let job = job_of(
        &admin
            .post(
                &format!("{list_path}/resend"),
                &[("status", "failed"), ("expected", "2"), ("confirm", "yes")],
            )
            .await,
    );
    // One of them is delivered by other means before the job reaches it.
    diesel::update(leads::table.find(&ids[1]))
        .set(leads::status.eq("delivered"))
        .execute(&mut *app.conn())
        .unwrap();
    leadrelay::bulk::runner::one_pass(&mut app.conn()).unwrap();
    assert_eq!(status_of(&app, &ids[0]), "queued");
    assert_eq!(status_of(&app, &ids[1]), "delivered");
    assert_eq!(job_row(&app, &job), (2, 1, 1, "finished".to_string()));
    let html = page(&admin, &format!("/resend-jobs/{job}")).await;
    assert!(html.contains("Not sent again"));
    assert!(
        html.contains("It was delivered after the resend was confirmed"),
        "{html}"
    );
}

#[tokio::test]
async fn a_big_resend_is_queued_a_chunk_at_a_time_as_the_worker_sends_the_previous_one() {
    let rig = rig(false, |s| {
        s.run_worker = false;
        s.rate_per_key = 1000;
        s.rate_global = 1000;
        s.delivery_concurrency = 50;
    })
    .await;
    let (app, company) = (&rig.app, &rig.company);
    let now = leadrelay::db::now();
    let seeded: Vec<BulkLead> = (0..250)
        .map(|n| BulkLead {
            id: uuid::Uuid::now_v7().to_string(),
            location_id: company.location_id.clone(),
            received_at: now - chrono::Duration::minutes(30),
            status: "failed",
            first: "Jane".into(),
            last: format!("Doe {n}"),
            email: format!("jane{n}@example.com"),
            phone: "3035550100".into(),
        })
        .collect();
    bulk_insert(app, &company.id, &seeded);
    let admin = login(app, &company.admin.email).await;
    let job = job_of(
        &admin
            .post(
                &format!("/companies/{}/leads/resend", company.slug),
                &[
                    ("status", "failed"),
                    ("expected", "250"),
                    ("confirm", "yes"),
                ],
            )
            .await,
    );
    let chunk = leadrelay::bulk::jobs::CHUNK;
    leadrelay::bulk::runner::one_pass(&mut app.conn()).unwrap();
    assert_eq!(count_with_status(app, "queued"), chunk);
    // The worker has not sent them yet: the next pass waits rather than add to the queue.
    leadrelay::bulk::runner::one_pass(&mut app.conn()).unwrap();
    assert_eq!(count_with_status(app, "queued"), chunk);
    assert_eq!(count_with_status(app, "failed"), 250 - chunk);
    let mut passes = 0;
    while running_jobs(app) > 0 {
        while app.deliver_due().await > 0 {}
        leadrelay::bulk::runner::one_pass(&mut app.conn()).unwrap();
        assert!(count_with_status(app, "queued") <= chunk);
        passes += 1;
        assert!(passes < 10, "the job never finished");
    }
    while app.deliver_due().await > 0 {}
    assert_eq!(job_row(app, &job), (250, 250, 0, "finished".to_string()));
    assert_eq!(count_with_status(app, "delivered"), 250);
    assert_eq!(rig.sandbox.accepted_count(), 250);
}

#[tokio::test]
async fn runners_of_several_instances_working_on_one_job_send_each_lead_once() {
    let (app, world, _) = world_with_failed_leads(0).await;
    let now = leadrelay::db::now();
    let seeded: Vec<BulkLead> = (0..150)
        .map(|n| BulkLead {
            id: uuid::Uuid::now_v7().to_string(),
            location_id: world.a.location_id.clone(),
            received_at: now - chrono::Duration::minutes(30),
            status: "failed",
            first: "Jane".into(),
            last: format!("Doe {n}"),
            email: format!("jane{n}@example.com"),
            phone: "3035550100".into(),
        })
        .collect();
    bulk_insert(&app, &world.a.id, &seeded);
    let job = resend_job_of(&app, &world.a.id, &world.a.slug);
    // Four runners at once, each on its own connection, as four instances would.
    std::thread::scope(|threads| {
        for _ in 0..4 {
            let mut conn = app.conn();
            threads.spawn(move || leadrelay::bulk::runner::one_pass(&mut conn).unwrap());
        }
    });
    let ids: Vec<String> = seeded.iter().map(|lead| lead.id.clone()).collect();
    let replays: Vec<(String, i64)> = lead_events::table
        .filter(lead_events::lead_id.eq_any(&ids))
        .group_by(lead_events::lead_id)
        .select((lead_events::lead_id, diesel::dsl::count_star()))
        .load(&mut *app.conn())
        .unwrap();
    assert!(!replays.is_empty());
    assert!(replays.iter().all(|(_, count)| *count == 1), "{replays:?}");
    let queued = count_with_status(&app, "queued");
    assert_eq!(queued, replays.len() as i64);
    let (total, done, failed, _) = job_row(&app, &job);
    assert_eq!((total, i64::from(done), failed), (150, queued, 0));
}
