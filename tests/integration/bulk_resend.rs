//! Bulk resend (many failed or held leads sent again at once): from the portal's lead lists
//! and from `leadrelay leads resend`, through a job that captures its leads when confirmed,
//! queues them in paced chunks, and is audited once.

use std::collections::HashMap;
use std::time::Duration;

use diesel::prelude::*;
use leadrelay::db::schema::{bulk_resend_jobs, lead_events};
use leadrelay::sandbox::Fault;

use crate::support::bulk_leads::{BulkLead, bulk_insert};
use crate::support::delivery::{
    GOOD_KEY, count_with_status, lead_body, rig, seed_leads, set_key, status_of,
};
use crate::support::fixtures::{Session, audit_entries, login, page, seed_company, seed_world};
use crate::support::helpers::{TestApp, spawn_app, wait_until};
use crate::support::lead_fixtures::{LeadSeed, insert_lead};

mod cli;
mod jobs;

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
