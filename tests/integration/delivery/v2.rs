//! Delivery through AccuLynx v2 (issue 15): a ClientTether lead becomes exactly one contact
//! and one job in the sandbox, retries never make a second job, a second lead for the same
//! person reuses the contact, and 401/429 behave as the reference says.

use std::time::Duration;

use diesel::prelude::*;
use leadrelay::db::schema::locations;
use leadrelay::sandbox::{Fault, Sandbox, SandboxConfig, SandboxKey, V2Step};
use serde_json::json;

use crate::support::delivery::{attempts_of, last_error_of, set_key, status_of};
use crate::support::fixtures::{SeededCompany, login, page, seed_company};
use crate::support::helpers::{TestApp, spawn_app_with};
use crate::support::intake::{answer_of, hook_url};

/// The keys the sandbox accepts (two AccuLynx companies).
pub const KEY_A: &str = "sandbox-v2-key-alpha-0001";
pub const KEY_B: &str = "sandbox-v2-key-bravo-0002";

/// An application (worker off: tests run passes) and a sandbox, with a v2 location.
pub struct V2Rig {
    pub sandbox: Sandbox,
    pub app: TestApp,
    pub company: SeededCompany,
}

pub async fn v2_rig() -> V2Rig {
    let sandbox = Sandbox::start(
        SandboxConfig {
            keys: vec![
                SandboxKey::new(KEY_A, "Summit Roofing Denver"),
                SandboxKey::new(KEY_B, "Summit Roofing Boulder"),
            ],
            rate_limits: false,
            ..SandboxConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let url = sandbox.url();
    let app = spawn_app_with(|s| {
        s.acculynx_base_url = url::Url::parse(&url).unwrap();
        // Quick retries, and a span long enough for a daily 429's hours.
        s.retry_schedule = vec![
            Duration::from_millis(10),
            Duration::from_millis(10),
            Duration::from_millis(10),
            Duration::from_secs(24 * 3600),
        ];
        s.delivery_timeout = Duration::from_secs(3);
    })
    .await;
    let company = seed_company(&app, "alpha");
    make_v2(&app, &company.location_id, KEY_A);
    V2Rig {
        sandbox,
        app,
        company,
    }
}

/// Switches a location to v2 with `key` and the defaults a roofer would pick.
pub fn make_v2(app: &TestApp, location_id: &str, key: &str) {
    set_key(app, location_id, key);
    let defaults = json!({
        "work_type": "Replacement",
        "lead_source": "ClientTether",
        "trade_types": ["Roofing"],
        "appointment_minutes": 90
    });
    diesel::update(locations::table.find(location_id))
        .set((
            locations::acculynx_api.eq("v2"),
            locations::v2_defaults.eq(defaults.to_string()),
        ))
        .execute(&mut app.conn())
        .unwrap();
}

/// Posts a ClientTether-style form lead to a location's webhook; returns the lead id.
pub async fn post_form(app: &TestApp, location_id: &str, fields: &[(&str, &str)]) -> String {
    let response = app
        .client
        .post(hook_url(app, location_id))
        .form(fields)
        .send()
        .await
        .unwrap();
    let (status, answer) = answer_of(response).await;
    assert_eq!(status, 202, "{answer}");
    answer["lead_id"].as_str().unwrap().to_string()
}

pub const DANA: &[(&str, &str)] = &[
    ("first_name", "Dana"),
    ("last_name", "Whitfield"),
    ("email", "dana.whitfield@example.com"),
    ("phone_cell", "(303) 555-0142"),
    ("address", "1200 Larimer St"),
    ("city", "Denver"),
    ("state", "CO"),
    ("zip_code", "80202"),
    ("priority", "High"),
    ("job_category", "Residential"),
    ("notes", "Hail damage on the north slope; gutters bent."),
    ("salesPerson", "alex.morgan@summitroofing.example"),
    ("initialAppointmentDate", "2026-12-10T15:00:00Z"),
    ("contact_id", "ct-88121"),
];

/// The requests on a lead's timeline, in order.
pub fn requests_of(app: &TestApp, lead_id: &str) -> Vec<String> {
    use leadrelay::db::schema::delivery_attempts;
    delivery_attempts::table
        .filter(delivery_attempts::lead_id.eq(lead_id))
        .order(delivery_attempts::id.asc())
        .select(delivery_attempts::request)
        .load::<Option<String>>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .flatten()
        .collect()
}

pub async fn delivered(app: &TestApp, lead_id: &str) {
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(30)).await;
        app.deliver_due().await;
        if status_of(app, lead_id) == "delivered" {
            return;
        }
    }
    panic!(
        "lead {lead_id} is {}: {:?}",
        status_of(app, lead_id),
        last_error_of(app, lead_id)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v2_location_delivers_a_form_lead_as_one_contact_and_one_job_field_by_field() {
    let rig = v2_rig().await;
    let lead = post_form(&rig.app, &rig.company.location_id, DANA).await;
    delivered(&rig.app, &lead).await;

    let seed = leadrelay::sandbox::seed();
    let contacts = rig.sandbox.contacts();
    assert_eq!(contacts.len(), 1, "{contacts:?}");
    let contact = &contacts[0];
    assert_eq!(contact.first_name.as_deref(), Some("Dana"));
    assert_eq!(contact.last_name.as_deref(), Some("Whitfield"));
    assert_eq!(contact.cross_reference.as_deref(), Some("ct-88121"));
    let emails: Vec<&str> = contact.emails.iter().map(|e| e.address.as_str()).collect();
    assert_eq!(emails, ["dana.whitfield@example.com"]);
    assert_eq!(contact.phones.len(), 1);
    assert_eq!(contact.phones[0].number, "3035550142");
    assert_eq!(contact.phones[0].kind, "Mobile");
    let customer = seed.contact_types.iter().find(|t| t.is_default).unwrap();
    assert_eq!(contact.contact_type_ids, vec![customer.id]);
    let mailing = contact.mailing_address.as_ref().unwrap();
    assert_eq!(mailing.street1.as_deref(), Some("1200 Larimer St"));
    assert_eq!(mailing.city.as_deref(), Some("Denver"));
    assert_eq!(mailing.zip_code.as_deref(), Some("80202"));
    let colorado = seed
        .countries
        .iter()
        .flat_map(|c| c.states.iter())
        .find(|s| s.abbreviation == "CO")
        .unwrap();
    assert_eq!(mailing.state_id, Some(colorado.id));

    let jobs = rig.sandbox.jobs();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let job = &jobs[0];
    assert_eq!(job.contact_id, contact.id);
    let address = job.location_address.as_ref().unwrap();
    assert_eq!(
        (
            address.street1.as_str(),
            address.city.as_str(),
            address.state.as_str(),
            address.country.as_str(),
            address.zip_code.as_str()
        ),
        ("1200 Larimer St", "Denver", "CO", "US", "80202")
    );
    assert_eq!(job.priority.as_deref(), Some("High"));
    let residential = seed
        .job_categories
        .iter()
        .find(|c| c.name == "Residential")
        .unwrap();
    assert_eq!(job.job_category_id, Some(residential.id));
    let replacement = seed
        .work_types
        .iter()
        .find(|w| w.name == "Replacement")
        .unwrap();
    assert_eq!(job.work_type_id, Some(replacement.id));
    let clienttether = seed
        .lead_sources
        .iter()
        .find(|s| s.name == "ClientTether")
        .unwrap();
    assert_eq!(job.lead_source_id, Some(clienttether.id));
    let roofing = seed
        .trade_types
        .iter()
        .find(|t| t.name == "Roofing")
        .unwrap();
    assert_eq!(job.trade_type_ids, vec![roofing.trade_id]);
    assert_eq!(
        job.notes.as_deref(),
        Some("Hail damage on the north slope; gutters bent.")
    );
    let appointment = job.initial_appointment.as_ref().unwrap();
    assert_eq!(
        appointment.start_date.as_deref(),
        Some("2026-12-10T15:00:00Z")
    );
    assert_eq!(
        appointment.end_date.as_deref(),
        Some("2026-12-10T16:30:00Z")
    );
    let alex = seed
        .users
        .iter()
        .find(|u| u.email == "alex.morgan@summitroofing.example")
        .unwrap();
    assert_eq!(job.sales_owner_id, Some(alex.id));
    assert_eq!(job.external_references.len(), 1);
    assert_eq!(job.external_references[0].source, "leadrelay");
    assert_eq!(job.external_references[0].project_id, lead);

    // Every step is on the timeline, and the lead page names the ids.
    let rows = attempts_of(&rig.app, &lead);
    assert!(rows.len() >= 4, "{rows:?}");
    assert!(rows.iter().any(|r| r.2 == "delivered"));
    let admin = login(&rig.app, &rig.company.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(
        html.contains(&job.id.to_string()),
        "the job id is on the lead page"
    );
    assert!(
        html.contains(&contact.id.to_string()),
        "the contact id is on the lead page"
    );
    assert!(html.contains("POST /api/v2/jobs"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_lead_for_the_same_email_reuses_the_contact_and_gets_its_own_job() {
    let rig = v2_rig().await;
    let first = post_form(&rig.app, &rig.company.location_id, DANA).await;
    delivered(&rig.app, &first).await;
    let second = post_form(
        &rig.app,
        &rig.company.location_id,
        &[
            ("first_name", "Dana"),
            ("last_name", "Whitfield"),
            ("email", "DANA.WHITFIELD@example.com"),
            ("notes", "Second property: the garage roof."),
        ],
    )
    .await;
    delivered(&rig.app, &second).await;
    assert_eq!(rig.sandbox.contacts().len(), 1);
    let jobs = rig.sandbox.jobs();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0].contact_id, jobs[1].contact_id);
    assert!(
        !requests_of(&rig.app, &second).contains(&"POST /api/v2/contacts".to_string()),
        "no second contact was asked for"
    );

    // Without the remembered id (another installation), the search finds the contact too.
    diesel::delete(leadrelay::db::schema::v2_contacts::table)
        .execute(&mut rig.app.conn())
        .unwrap();
    let third = post_form(
        &rig.app,
        &rig.company.location_id,
        &[
            ("first_name", "Dana"),
            ("last_name", "Whitfield"),
            ("email", "dana.whitfield@example.com"),
        ],
    )
    .await;
    delivered(&rig.app, &third).await;
    assert_eq!(
        rig.sandbox.contacts().len(),
        1,
        "found by search, not created"
    );
    assert_eq!(rig.sandbox.jobs().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_a_delivered_v2_lead_asks_then_creates_a_new_job_for_the_same_contact() {
    let rig = v2_rig().await;
    let lead = post_form(&rig.app, &rig.company.location_id, DANA).await;
    delivered(&rig.app, &lead).await;
    let admin = login(&rig.app, &rig.company.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(
        html.contains("AccuLynx v2 will get a new job"),
        "the confirmation says what happens"
    );
    let unconfirmed = admin.post(&format!("/leads/{lead}/replay"), &[]).await;
    assert_eq!(unconfirmed.status(), 200, "the confirm page");
    assert_eq!(status_of(&rig.app, &lead), "delivered", "not without a yes");
    let replayed = admin
        .post(&format!("/leads/{lead}/replay"), &[("confirm", "yes")])
        .await;
    assert!(replayed.status().is_redirection(), "{}", replayed.status());
    delivered(&rig.app, &lead).await;
    let jobs = rig.sandbox.jobs();
    assert_eq!(jobs.len(), 2);
    assert_eq!(rig.sandbox.contacts().len(), 1);
    assert_eq!(
        jobs[1].external_references[0].project_id,
        format!("{lead}-2")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_failed_v2_lead_is_sent_again_with_its_new_fields() {
    let rig = v2_rig().await;
    // AccuLynx refuses the contact once (a validation error): the lead fails.
    rig.sandbox
        .program_step(KEY_A, V2Step::CreateContact, [Fault::Status(400)]);
    let lead = post_form(&rig.app, &rig.company.location_id, DANA).await;
    rig.app.deliver_due().await;
    assert_eq!(status_of(&rig.app, &lead), "failed");
    let admin = login(&rig.app, &rig.company.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(html.contains("id=\"edit\""), "the edit form is offered");
    let edited = admin
        .post(
            &format!("/leads/{lead}/edit"),
            &[
                ("firstName", "Dana"),
                ("lastName", "Whitfield-Reyes"),
                ("emailAddress", "dana.whitfield@example.com"),
            ],
        )
        .await;
    assert!(edited.status().is_redirection(), "{}", edited.status());
    delivered(&rig.app, &lead).await;
    let contacts = rig.sandbox.contacts();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].last_name.as_deref(), Some("Whitfield-Reyes"));
    assert_eq!(rig.sandbox.jobs().len(), 1);
}
