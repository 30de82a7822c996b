//! Bulk resend (many failed or held leads sent again at once): from the portal's lead lists
//! and from `leadrelay leads resend`, through a job that captures its leads when confirmed,
//! queues them in paced chunks, and is audited once.

use std::collections::HashMap;
use std::time::Duration;

use diesel::prelude::*;
use leadrelay::db::schema::{bulk_resend_items, bulk_resend_jobs, lead_events, leads};
use leadrelay::sandbox::Fault;

use crate::support::bulk_leads::{BulkLead, bulk_insert};
use crate::support::delivery::{
    GOOD_KEY, count_with_status, lead_body, rig, seed_leads, set_key, status_of, worker_command,
};
use crate::support::fixtures::{Session, audit_entries, login, page, seed_company, seed_world};
use crate::support::helpers::{TestApp, leadrelay_command, spawn_app, wait_until};
use crate::support::lead_fixtures::{LeadSeed, insert_lead};

/// A running bulk resend of a company's failed leads (for the route walk of `access.rs`):
/// one failed lead of the company is enough. Returns the job id.
pub fn resend_job_of(app: &TestApp, company_id: &str, slug: &str) -> String {
    use leadrelay::bulk::jobs::{ResendTarget, create_job, read_request};
    use leadrelay::domain::scope::CompanyScope;
    use leadrelay::history::filter::LeadQuery;
    let target = ResendTarget {
        company_id: company_id.to_string(),
        company_name: slug.to_string(),
        location: None,
        list_path: format!("/companies/{slug}/leads"),
    };
    let query = LeadQuery {
        status: Some("failed".into()),
        ..LeadQuery::default()
    };
    let request = read_request(&query, "UTC", &target).unwrap();
    create_job(
        &mut app.conn(),
        &CompanyScope::All,
        &leadrelay::audit::Actor::command_line(),
        &request,
        None,
    )
    .unwrap()
    .id
}

fn running_jobs(app: &TestApp) -> i64 {
    bulk_resend_jobs::table
        .filter(bulk_resend_jobs::state.eq("running"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

fn job_count(app: &TestApp) -> i64 {
    bulk_resend_jobs::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// (total, done, failed, state) of a job.
fn job_row(app: &TestApp, id: &str) -> (i32, i32, i32, String) {
    bulk_resend_jobs::table
        .find(id)
        .select((
            bulk_resend_jobs::total,
            bulk_resend_jobs::done,
            bulk_resend_jobs::failed,
            bulk_resend_jobs::state,
        ))
        .first(&mut *app.conn())
        .unwrap()
}

fn events_of(app: &TestApp, lead_ids: &[String]) -> i64 {
    lead_events::table
        .filter(lead_events::lead_id.eq_any(lead_ids))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// The job id from a redirect to its page.
fn job_of(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), 303, "a confirmed resend redirects");
    let location = response.headers()["location"].to_str().unwrap();
    location
        .strip_prefix("/resend-jobs/")
        .unwrap_or_else(|| panic!("redirected to {location}"))
        .to_string()
}

/// Posts the list's resend button: the confirm page.
async fn ask(session: &Session, list_path: &str, fields: &[(&str, &str)]) -> String {
    let response = session.post(&format!("{list_path}/resend"), fields).await;
    assert_eq!(response.status(), 200, "the confirm page");
    response.text().await.unwrap()
}

/// The value of `<… id="ID">VALUE<` on a page.
fn number_at(html: &str, id: &str) -> i64 {
    let marker = format!("id=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} on the page"))
        + marker.len();
    html[start..]
        .split('<')
        .next()
        .unwrap()
        .trim()
        .replace(',', "")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn five_hundred_failed_leads_resent_from_the_portal_are_each_delivered_once_with_progress_shown_and_one_audit_entry()
 {
    let rig = rig(false, |s| {
        s.rate_per_key = 1000;
        s.rate_global = 1000;
        s.delivery_concurrency = 32;
    })
    .await;
    let app = &rig.app;
    let company = &rig.company;
    // A second company with failed leads that could be delivered (its location has a good
    // key): the resend must leave them alone.
    let other = seed_company(app, "beta");
    set_key(app, &other.location_id, GOOD_KEY);
    let now = leadrelay::db::now();
    let others: Vec<BulkLead> = (0..20)
        .map(|n| BulkLead {
            id: uuid::Uuid::now_v7().to_string(),
            location_id: other.location_id.clone(),
            received_at: now - chrono::Duration::minutes(5),
            status: "failed",
            first: "Other".into(),
            last: format!("Company {n}"),
            email: format!("other{n}@beta.example"),
            phone: "3035550100".into(),
        })
        .collect();
    bulk_insert(app, &other.id, &others);
    let other_ids: Vec<String> = others.iter().map(|lead| lead.id.clone()).collect();

    // 500 leads fail for good: AccuLynx answers each with a 400.
    rig.sandbox
        .program(GOOD_KEY, (0..500).map(|_| Fault::Status(400)));
    let bodies: Vec<_> = (0..500).map(lead_body).collect();
    let ids = seed_leads(app, company, &company.location_id, &bodies);
    app.wake_worker.notify_one();
    wait_until("500 leads to fail", Duration::from_secs(120), || async {
        count_with_status(app, "failed") == 520
    })
    .await;
    assert_eq!(rig.sandbox.accepted_count(), 0);
    // The cause is gone: the sandbox answers normally again.

    let admin = login(app, &company.admin.email).await;
    let list_path = format!("/locations/{}/leads", company.location_id);
    let list = page(&admin, &format!("{list_path}?status=failed")).await;
    assert!(
        list.contains("Resend these 500 failed leads"),
        "the list offers the resend"
    );
    let all = page(&admin, &list_path).await;
    assert!(
        !all.contains("Resend these"),
        "not offered without the failed (or held) filter"
    );

    let confirm = ask(&admin, &list_path, &[("status", "failed")]).await;
    assert!(confirm.contains("Resend these 500 leads?"), "{confirm}");
    assert!(confirm.contains("failed leads of alpha North"), "{confirm}");
    assert!(confirm.contains("name=\"expected\" value=\"500\""));
    assert_eq!(job_count(app), 0, "nothing happens before the confirmation");
    assert_eq!(count_with_status(app, "failed"), 520);

    let response = admin
        .post(
            &format!("{list_path}/resend"),
            &[
                ("status", "failed"),
                ("expected", "500"),
                ("confirm", "yes"),
            ],
        )
        .await;
    let job = job_of(&response);

    // Progress, as the page shows it while the job runs.
    let first = page(&admin, &format!("/resend-jobs/{job}")).await;
    assert!(
        first.contains("http-equiv=\"refresh\""),
        "the running job's page reloads itself"
    );
    let mut seen = vec![number_at(&first, "job-done")];
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let html = page(&admin, &format!("/resend-jobs/{job}")).await;
        seen.push(number_at(&html, "job-done"));
        if html.contains("data-state=\"finished\"") && number_at(&html, "job-delivered") == 500 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the job page never showed every lead delivered: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        seen.windows(2).all(|pair| pair[0] <= pair[1]),
        "progress only grows: {seen:?}"
    );
    assert!(
        seen.first().is_some_and(|first| *first < 500),
        "the page showed the job part-way: {seen:?}"
    );
    assert_eq!(*seen.last().unwrap(), 500);
    let done = page(&admin, &format!("/resend-jobs/{job}")).await;
    assert!(
        !done.contains("http-equiv=\"refresh\""),
        "a finished job stops reloading"
    );
    assert_eq!(job_row(app, &job), (500, 500, 0, "finished".to_string()));

    // Every lead arrived at AccuLynx exactly once.
    let mut arrivals: HashMap<String, usize> = HashMap::new();
    for accepted in rig.sandbox.accepted() {
        *arrivals
            .entry(
                accepted.body["crossReference"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
            .or_default() += 1;
    }
    assert_eq!(arrivals.len(), 500);
    assert!(arrivals.values().all(|count| *count == 1), "each once");
    assert!(ids.iter().all(|id| status_of(app, id) == "delivered"));

    // One audit entry, with the count and the filter; no entry per lead.
    let entries = audit_entries(app, "leads.bulk_resent");
    assert_eq!(entries.len(), 1, "{entries:?}");
    let (actor, target, detail) = &entries[0];
    assert_eq!(actor, &company.admin.email);
    assert_eq!(target, "500 leads");
    assert!(detail.contains("failed leads of alpha North"), "{detail}");
    assert!(audit_entries(app, "lead.replayed").is_empty());

    // The other company's failed leads were never touched.
    assert!(other_ids.iter().all(|id| status_of(app, id) == "failed"));
    assert_eq!(events_of(app, &other_ids), 0);
    assert_eq!(rig.sandbox.accepted_count(), 500);
}

/// A world (companies alpha and beta) with failed leads at alpha North.
async fn world_with_failed_leads(
    count: usize,
) -> (TestApp, crate::support::fixtures::World, Vec<String>) {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let ids = (0..count)
        .map(|n| {
            insert_lead(
                &app,
                &LeadSeed::new(&world.a.id, &world.a.location_id)
                    .status("failed")
                    .mapped(lead_body(n)),
            )
        })
        .collect();
    (app, world, ids)
}

#[tokio::test]
async fn viewers_see_no_resend_button_and_get_403_when_they_post_it() {
    let (app, world, ids) = world_with_failed_leads(3).await;
    let list_path = format!("/companies/{}/leads", world.a.slug);
    let viewer = login(&app, &world.a.viewer.email).await;
    let list = page(&viewer, &format!("{list_path}?status=failed")).await;
    assert!(list.contains("3 leads match"));
    assert!(!list.contains("Resend these"), "a viewer is not offered it");
    for fields in [
        vec![("status", "failed")],
        vec![("status", "failed"), ("expected", "3"), ("confirm", "yes")],
    ] {
        let response = viewer.post(&format!("{list_path}/resend"), &fields).await;
        assert_eq!(response.status(), 403);
    }
    let location_path = format!("/locations/{}/leads/resend", world.a.location_id);
    let response = viewer
        .post(&location_path, &[("status", "failed"), ("confirm", "yes")])
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(job_count(&app), 0);
    assert!(ids.iter().all(|id| status_of(&app, id) == "failed"));
    assert!(audit_entries(&app, "leads.bulk_resent").is_empty());

    let admin = login(&app, &world.a.admin.email).await;
    let list = page(&admin, &format!("{list_path}?status=failed")).await;
    assert!(list.contains("Resend these 3 failed leads"));
}

#[tokio::test]
async fn another_companys_admin_gets_404_and_a_whole_company_resend_leaves_other_companies_alone() {
    let (app, world, ids) = world_with_failed_leads(5).await;
    let b_ids: Vec<String> = (0..4)
        .map(|n| {
            insert_lead(
                &app,
                &LeadSeed::new(&world.b.id, &world.b.location_id)
                    .status("failed")
                    .mapped(lead_body(100 + n)),
            )
        })
        .collect();
    let outsider = login(&app, &world.b.admin.email).await;
    let a_list = format!("/companies/{}/leads", world.a.slug);
    for fields in [
        vec![("status", "failed")],
        vec![("status", "failed"), ("confirm", "yes")],
    ] {
        let response = outsider.post(&format!("{a_list}/resend"), &fields).await;
        assert_eq!(response.status(), 404);
    }
    assert_eq!(job_count(&app), 0);

    // A platform admin resends every failed lead of company A.
    let platform = login(&app, &world.platform.email).await;
    let confirm = ask(&platform, &a_list, &[("status", "failed")]).await;
    assert!(
        confirm.contains("failed leads of every location of Company alpha"),
        "{confirm}"
    );
    let job = job_of(
        &platform
            .post(
                &format!("{a_list}/resend"),
                &[("status", "failed"), ("expected", "5"), ("confirm", "yes")],
            )
            .await,
    );
    // Its job page is company A's: company B's admin cannot see it.
    assert_eq!(
        outsider.get(&format!("/resend-jobs/{job}")).await.status(),
        404
    );
    // One pass of the runner, as a delivering process makes it (no worker runs here).
    leadrelay::bulk::runner::one_pass(&mut app.conn()).unwrap();
    assert_eq!(job_row(&app, &job), (5, 5, 0, "finished".to_string()));
    assert!(ids.iter().all(|id| status_of(&app, id) == "queued"));
    assert!(b_ids.iter().all(|id| status_of(&app, id) == "failed"));
    assert_eq!(events_of(&app, &b_ids), 0);
}

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
async fn bad_filters_are_refused_in_words() {
    let (app, world, _) = world_with_failed_leads(1).await;
    let admin = login(&app, &world.a.admin.email).await;
    let path = format!("/companies/{}/leads/resend", world.a.slug);
    for (fields, words) in [
        (vec![], "Choose the status Failed or Held first"),
        (
            vec![("status", "delivered")],
            "Only failed or held leads can be resent together, not &#34;delivered&#34;",
        ),
        (
            vec![("status", "failed"), ("from", "yesterday")],
            "The from date &#34;yesterday&#34; was not understood",
        ),
        (
            vec![
                ("status", "failed"),
                ("from", "2026-12-05"),
                ("to", "2026-12-01"),
            ],
            "The from date is after the to date",
        ),
    ] {
        let response = admin.post(&path, &fields).await;
        assert_eq!(response.status(), 422, "{fields:?}");
        let html = response.text().await.unwrap();
        assert!(html.contains(words), "{fields:?}: {html}");
    }
    // Nothing matches: back to the list, saying so.
    let response = admin.post(&path, &[("status", "held")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(job_count(&app), 0);
}

#[tokio::test]
async fn the_command_line_queues_failed_leads_and_a_worker_started_later_sends_them() {
    let rig = rig(false, |s| {
        s.run_worker = false;
    })
    .await;
    let app = &rig.app;
    let company = &rig.company;
    let now = leadrelay::db::now();
    let recent: Vec<String> = (0..6)
        .map(|n| {
            insert_lead(
                app,
                &LeadSeed::new(&company.id, &company.location_id)
                    .status("failed")
                    .mapped(lead_body(n)),
            )
        })
        .collect();
    let old = insert_lead(
        app,
        &LeadSeed::new(&company.id, &company.location_id)
            .status("failed")
            .mapped(lead_body(50))
            .at(now - chrono::Duration::days(10)),
    );
    let held = insert_lead(
        app,
        &LeadSeed::new(&company.id, &company.location_id)
            .status("held")
            .mapped(lead_body(60)),
    );
    let other = seed_company(app, "beta");
    let theirs = insert_lead(
        app,
        &LeadSeed::new(&other.id, &other.location_id)
            .status("failed")
            .mapped(lead_body(70)),
    );
    let since = (now - chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let resend = |args: &[&str]| {
        let mut command = leadrelay_command();
        command
            .args(["leads", "resend"])
            .args(args)
            .env("LEADRELAY_DATABASE_URL", app.test_db.url_text())
            .env("LEADRELAY_MASTER_KEY", app.master_key().to_base64())
            .env("LEADRELAY_LOG", "warn");
        command.output().unwrap()
    };
    let output = resend(&[
        "--company",
        "alpha",
        "--status",
        "failed",
        "--since",
        &since,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.starts_with("6 leads queued for resending (failed leads of every location of Company alpha received on or after"),
        "{printed}"
    );
    let entries = audit_entries(app, "leads.bulk_resent");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, "command line");
    assert_eq!(entries[0].1, "6 leads");

    // Mistakes are one line and a non-zero exit.
    for (args, words) in [
        (
            vec!["--company", "nope", "--status", "failed"],
            "no company with slug \"nope\"",
        ),
        (
            vec!["--company", "alpha", "--status", "rejected"],
            "Only failed or held leads",
        ),
        (
            vec![
                "--company",
                "alpha",
                "--status",
                "failed",
                "--until",
                "12/01/2026",
            ],
            "--until \"12/01/2026\" is not a date",
        ),
        (
            vec![
                "--company",
                "alpha",
                "--location",
                &other.location_id,
                "--status",
                "failed",
            ],
            "is not a location of \"alpha\"",
        ),
    ] {
        let output = resend(&args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
    assert_eq!(job_count(app), 1);

    // No process delivers yet: the job waits as a row. A worker started now carries it on.
    assert!(recent.iter().all(|id| status_of(app, id) == "failed"));
    let mut worker = worker_command(app, &rig.sandbox.url()).spawn().unwrap();
    wait_until(
        "the 6 leads to be delivered",
        Duration::from_secs(60),
        || async { recent.iter().all(|id| status_of(app, id) == "delivered") },
    )
    .await;
    crate::support::helpers::interrupt(&worker);
    crate::support::helpers::wait_for_exit(&mut worker, Duration::from_secs(20));
    assert_eq!(rig.sandbox.accepted_count(), 6);
    assert_eq!(status_of(app, &old), "failed", "received before --since");
    assert_eq!(status_of(app, &held), "held", "not the status asked for");
    assert_eq!(status_of(app, &theirs), "failed", "another company's");
    assert_eq!(running_jobs(app), 0);

    // Held leads of one location, by the same path.
    let output = resend(&[
        "--company",
        "alpha",
        "--location",
        &company.location_id,
        "--status",
        "held",
    ]);
    assert!(output.status.success());
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .starts_with("1 lead queued for resending (held leads of alpha North)"),
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
