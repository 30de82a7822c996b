//! The retention policy (SPEC §8): old payloads purged, the lead rows kept; `leadrelay purge`
//! and the daily job.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use leadrelay::db::DbConn;
use leadrelay::db::schema::{delivery_attempts, leads};
use leadrelay::history::retention::{self, PurgeReport, first_day_kept};
use serde_json::json;

use crate::history::{Setup, listed, page, setup};
use crate::support::fixtures::login;
use crate::support::helpers::{TestApp, captured_logs, wait_until};
use crate::support::lead_fixtures::*;
use crate::support::secrets::run_cli;

/// A lead's payload columns: (raw body, mapped body, request headers, purged at).
type Payload = (
    Option<String>,
    Option<String>,
    String,
    Option<NaiveDateTime>,
);

fn payload(app: &TestApp, lead_id: &str) -> Payload {
    leads::table
        .find(lead_id)
        .select((
            leads::raw_body,
            leads::mapped_body,
            leads::request_headers,
            leads::payload_purged_at,
        ))
        .first(&mut app.conn())
        .unwrap()
}

/// An attempt's (request body, response body, http status, summary).
type AttemptBodies = (Option<String>, Option<String>, Option<i32>, String);

fn attempt_bodies(app: &TestApp, lead_id: &str) -> Vec<AttemptBodies> {
    delivery_attempts::table
        .filter(delivery_attempts::lead_id.eq(lead_id))
        .order(delivery_attempts::id.asc())
        .select((
            delivery_attempts::request_body,
            delivery_attempts::response_body,
            delivery_attempts::http_status,
            delivery_attempts::summary,
        ))
        .load(&mut app.conn())
        .unwrap()
}

fn purge_now(app: &TestApp, days: u32, now: NaiveDateTime) -> PurgeReport {
    retention::purge(&mut app.conn(), days, now, || true).unwrap()
}

/// An old lead with an attempt whose request and response bodies are kept.
fn old_lead_with_attempt(app: &TestApp, seed: LeadSeed) -> String {
    let received = seed.received_at;
    let lead = insert_lead(app, &seed);
    insert_attempt(
        app,
        &lead,
        &AttemptSeed {
            response_body: Some(r#"{"errors":{"Email":["The email is not valid."]}}"#.into()),
            http_status: Some(400),
            summary: "AccuLynx rejected the lead: The email is not valid.".into(),
            outcome: "failed",
            ..AttemptSeed::delivered(1, received + Duration::seconds(1))
        },
    );
    lead
}

#[tokio::test]
async fn old_finished_leads_lose_their_payloads_and_keep_their_rows() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let old = Duration::days(120);
    let seed = |status| LeadSeed::new(&a.id, &a.location_id).status(status).ago(old);
    let delivered = old_lead_with_attempt(&app, seed("delivered"));
    let failed = old_lead_with_attempt(&app, seed("failed"));
    let rejected = insert_lead(&app, &seed("rejected"));
    let duplicate = insert_lead(&app, &seed("duplicate"));
    insert_event(
        &app,
        &failed,
        "edited",
        &a.admin.email,
        &json!({"firstName": "Jane", "emailAddress": "jane@@example"}).to_string(),
        now() - old + Duration::hours(1),
    );
    insert_event(
        &app,
        &failed,
        "replayed",
        &a.admin.email,
        r#"{"previous_status":"failed"}"#,
        now() - old + Duration::hours(2),
    );
    // Waiting leads keep their payload whatever their age: they still have to be sent.
    let waiting: Vec<String> = ["queued", "retrying", "held"]
        .into_iter()
        .map(|status| old_lead_with_attempt(&app, seed(status)))
        .collect();
    // Younger than the retention period, by a day.
    let recent = old_lead_with_attempt(
        &app,
        LeadSeed::new(&a.id, &a.location_id)
            .status("delivered")
            .ago(Duration::days(89)),
    );
    let untouched: Vec<(String, Payload)> = waiting
        .iter()
        .chain([&recent])
        .map(|id| (id.clone(), payload(&app, id)))
        .collect();

    let at = now();
    let report = purge_now(&app, 90, at);
    assert_eq!(
        (report.leads, report.attempts, report.edits),
        (4, 2, 1),
        "{report:?}"
    );
    assert_eq!(report.before, first_day_kept(at, 90));

    for id in [&delivered, &failed, &rejected, &duplicate] {
        assert_eq!(
            payload(&app, id),
            (None, None, "{}".to_string(), Some(at)),
            "lead {id}"
        );
    }
    // The row stays: status, counts, name for the lists.
    let state = lead_state(&app, &failed);
    assert_eq!((state.status.as_str(), state.attempts), ("failed", 1));
    assert_eq!(state.first_name.as_deref(), Some("Jane"));
    for id in [&delivered, &failed] {
        let attempts = attempt_bodies(&app, id);
        assert_eq!(attempts.len(), 1);
        let (request, response, status, summary) = &attempts[0];
        assert_eq!((request, response), (&None, &None), "lead {id}");
        assert_eq!(*status, Some(400));
        assert!(summary.contains("The email is not valid."));
    }
    let kinds_and_details: Vec<(String, String)> = events(&app, &failed)
        .into_iter()
        .map(|(kind, _, detail)| (kind, detail))
        .collect();
    assert_eq!(
        kinds_and_details,
        [
            ("edited".to_string(), String::new()),
            (
                "replayed".to_string(),
                r#"{"previous_status":"failed"}"#.to_string()
            ),
        ]
    );
    for (id, before) in &untouched {
        assert_eq!(&payload(&app, id), before, "lead {id} is untouched");
        assert!(before.0.is_some() && before.3.is_none());
        assert!(attempt_bodies(&app, id)[0].1.is_some(), "lead {id}");
    }

    // A second run has nothing left to do, and the first purge's time stays.
    let again = purge_now(&app, 90, at + Duration::minutes(5));
    assert_eq!((again.leads, again.attempts, again.edits), (0, 0, 0));
    assert_eq!(payload(&app, &delivered).3, Some(at));
}

#[tokio::test]
async fn a_first_purge_of_many_leads_goes_batch_by_batch_oldest_first() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let count = retention::BATCH_SIZE as usize + 500;
    let base = now() - Duration::days(200);
    let mut conn = app.conn();
    leadrelay::db::write_transaction(&mut conn, |conn: &mut DbConn| {
        for n in 0..count {
            let seed = LeadSeed::new(&a.id, &a.location_id).at(base + Duration::minutes(n as i64));
            insert_lead_with(conn, &seed);
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    drop(conn);

    // One batch: the oldest leads first.
    let cutoff = now() - Duration::days(90);
    let batch = leadrelay::db::write_transaction(&mut app.conn(), |conn: &mut DbConn| {
        leadrelay::leads::purge::purge_batch(conn, cutoff, now(), 10)
    })
    .unwrap();
    assert_eq!((batch.candidates, batch.leads), (10, 10));
    let purged_first: Vec<NaiveDateTime> = leads::table
        .filter(leads::payload_purged_at.is_not_null())
        .select(leads::received_at)
        .order(leads::received_at.asc())
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(purged_first.first(), Some(&base));
    assert_eq!(purged_first.last(), Some(&(base + Duration::minutes(9))));

    // The whole purge goes on past a full batch until nothing is left.
    let report = purge_now(&app, 90, now());
    assert_eq!(report.leads, count - 10);
    let left: i64 = leads::table
        .filter(leads::payload_purged_at.is_null())
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn two_purges_at_once_purge_each_lead_once() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let count = retention::BATCH_SIZE as usize * 2 + 100;
    let base = now() - Duration::days(100);
    leadrelay::db::write_transaction(&mut app.conn(), |conn: &mut DbConn| {
        for n in 0..count {
            let seed = LeadSeed::new(&a.id, &a.location_id).at(base + Duration::seconds(n as i64));
            insert_lead_with(conn, &seed);
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    let at = now();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let pool = app.db.clone();
            std::thread::spawn(move || {
                retention::purge(&mut pool.get().unwrap(), 90, at, || true).unwrap()
            })
        })
        .collect();
    let total: usize = runs.into_iter().map(|run| run.join().unwrap().leads).sum();
    assert_eq!(total, count, "every lead purged, none twice");
}

#[tokio::test]
async fn the_page_of_a_purged_lead_says_what_is_gone_and_what_remains() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let mut seed = LeadSeed::new(&a.id, &a.location_id)
        .status("failed")
        .person("Ramona", "Quimby", "ramona@example.com", "3035550111")
        .ago(Duration::days(100));
    seed.raw_body = Some(r#"{"first":"Ramona","secret_note":"gate code 4321"}"#.into());
    seed.request_headers = json!({"user-agent": "ClientTether-Webhook/1.0"});
    let lead = old_lead_with_attempt(&app, seed);
    insert_event(
        &app,
        &lead,
        "edited",
        &a.admin.email,
        &json!({"firstName": "Ramona", "notes": "gate code 4321"}).to_string(),
        now() - Duration::days(99),
    );
    assert_eq!(purge_now(&app, 90, now()).leads, 1);

    let admin = login(&app, &a.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    for needle in [
        "Ramona Quimby",
        "<strong>Payload purged.</strong>",
        "Body: payload purged.",
        "AccuLynx lead: payload purged.",
        "Attempt 1",
        "AccuLynx rejected the lead: The email is not valid.",
        "What was sent and AccuLynx's answer: payload purged.",
        "Edited and resent by admin@alpha.example",
        "What was changed: payload purged.",
    ] {
        assert!(html.contains(needle), "{needle:?} in\n{html}");
    }
    for gone in [
        "gate code",
        "ClientTether-Webhook",
        "The email is not valid.&#34;",
        "Sent again without changes",
    ] {
        assert!(!html.contains(gone), "{gone:?} is purged");
    }
    assert!(!html.contains("action=\"/leads/"), "nothing left to resend");
    // Still listed, by name.
    let list = page(
        &admin,
        &format!("/locations/{}/leads?q=quimby", a.location_id),
    )
    .await;
    assert_eq!(listed(&list), [lead]);
}

#[tokio::test]
async fn leadrelay_purge_prints_one_line_and_exits_0() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    for days in [100, 40] {
        insert_lead(
            &app,
            &LeadSeed::new(&a.id, &a.location_id)
                .status("delivered")
                .ago(Duration::days(days)),
        );
    }
    let output = run_cli(&app, &["purge"], None).await;
    assert_eq!(output.code, 0, "{output:?}");
    let before = first_day_kept(now(), 90).format("%Y-%m-%d");
    assert_eq!(
        output.stdout,
        format!("Purged the payloads of 1 lead received before {before} (90 days).\n")
    );

    let output = run_cli(&app, &["purge", "--retention-days", "30"], None).await;
    assert_eq!(output.code, 0, "{output:?}");
    let before = first_day_kept(now(), 30).format("%Y-%m-%d");
    assert_eq!(
        output.stdout,
        format!("Purged the payloads of 1 lead received before {before} (30 days).\n")
    );

    let output = run_cli(&app, &["purge", "--retention-days", "30"], None).await;
    assert!(output.stdout.starts_with("Purged the payloads of 0 leads"));

    let output = run_cli(&app, &["purge", "--retention-days", "0"], None).await;
    assert_eq!(output.code, 2);
    assert_eq!(output.stdout, "");
    assert_eq!(output.stderr.lines().count(), 1, "{output:?}");
    assert!(
        output
            .stderr
            .starts_with("error: LEADRELAY_RETENTION_DAYS: \"0\" is not a whole number"),
        "{output:?}"
    );
}

#[tokio::test]
async fn the_daily_job_purges_soon_after_start_then_stops_with_the_server() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .status("delivered")
            .ago(Duration::days(365)),
    );
    // A second instance on the same database, its first purge due at once.
    let mut settings = app.settings.clone();
    settings.purge_first_after = std::time::Duration::from_millis(10);
    settings.purge_every = std::time::Duration::from_secs(3600);
    let instance = leadrelay::startup::Application::build(settings)
        .await
        .unwrap();
    let handle = instance.handle();
    let marker = format!("instance={}", instance.state().instance.id());
    let served = tokio::spawn(instance.run_until_stopped());
    wait_until(
        "the daily job to purge the old lead",
        std::time::Duration::from_secs(10),
        || async { payload(&app, &lead).3.is_some() },
    )
    .await;
    // The line is logged just after the batch commits, so it may trail the row by a moment.
    wait_until(
        "one line to say what was purged",
        std::time::Duration::from_secs(5),
        || async {
            // This instance's own line, whatever other tests purge meanwhile.
            captured_logs().lines().any(|line| {
                line.contains(&marker)
                    && line.contains("purged the payloads of old leads")
                    && line.contains("leads=1")
            })
        },
    )
    .await;
    handle.stop(true).await;
    tokio::time::timeout(std::time::Duration::from_secs(10), served)
        .await
        .expect("the server and its jobs stop")
        .unwrap()
        .unwrap();
}
