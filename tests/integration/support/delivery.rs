//! A running application with its worker pointed at a sandbox, and leads seeded as the
//! intake stores them.

#![allow(dead_code)]

use std::time::Duration;

use diesel::prelude::*;
use leadrelay::config::Settings;
use leadrelay::crypto::secret_box::SecretBox;
use leadrelay::db::schema::{delivery_attempts, leads, locations};
use leadrelay::sandbox::{Sandbox, SandboxConfig, SandboxKey};
use serde_json::{Value, json};

use crate::support::fixtures::{SeededCompany, seed_company};
use crate::support::helpers::{TestApp, spawn_app_with, wait_until};
use crate::support::lead_fixtures::{LeadSeed, insert_lead_with};

/// The key the sandbox accepts.
pub const GOOD_KEY: &str = "sandbox-key-good-0001";

/// An application delivering to a sandbox.
pub struct Rig {
    pub sandbox: Sandbox,
    pub app: TestApp,
    pub company: SeededCompany,
}

/// A sandbox with `GOOD_KEY` and the given limits; the app's worker on, short retries.
pub async fn rig(rate_limits: bool, customize: impl FnOnce(&mut Settings)) -> Rig {
    rig_with_keys(&[GOOD_KEY], rate_limits, customize).await
}

/// Like [`rig`], with the sandbox accepting these keys (the location gets the first).
pub async fn rig_with_keys(
    keys: &[&str],
    rate_limits: bool,
    customize: impl FnOnce(&mut Settings),
) -> Rig {
    let sandbox = Sandbox::start(
        SandboxConfig {
            keys: keys
                .iter()
                .map(|key| SandboxKey::new(*key, "North Denver"))
                .collect(),
            rate_limits,
            ..SandboxConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let url = sandbox.url();
    let app = spawn_app_with(|s| {
        s.run_worker = true;
        s.acculynx_base_url = url::Url::parse(&url).unwrap();
        s.retry_schedule = vec![Duration::from_millis(200); 3];
        s.delivery_timeout = Duration::from_secs(2);
        customize(s);
    })
    .await;
    let company = seed_company(&app, "alpha");
    set_key(&app, &company.location_id, keys[0]);
    Rig {
        sandbox,
        app,
        company,
    }
}

/// Saves a location's AccuLynx key as the portal does (sealed, for that location).
pub fn set_key(app: &TestApp, location_id: &str, key: &str) {
    let sealed = SecretBox::new(&app.master_key()).seal(key.as_bytes(), location_id.as_bytes());
    diesel::update(locations::table.find(location_id))
        .set((
            locations::acculynx_key.eq(Some(sealed)),
            locations::key_last4.eq(Some(key[key.len() - 4..].to_string())),
            locations::key_status.eq("untested"),
            locations::key_set_at.eq(Some(leadrelay::db::now())),
        ))
        .execute(&mut *app.conn())
        .unwrap();
}

/// A valid AccuLynx body, told apart by `n`.
pub fn lead_body(n: usize) -> Value {
    json!({"firstName": "Jane", "lastName": format!("Doe {n}"), "crossReference": format!("ct-{n}"), "country": "US"})
}

/// Stores queued leads for a location through the intake's own insert; returns their ids.
pub fn seed_leads(
    app: &TestApp,
    company: &SeededCompany,
    location_id: &str,
    bodies: &[Value],
) -> Vec<String> {
    let mut conn = app.conn();
    let now = leadrelay::db::now();
    leadrelay::db::write_transaction(&mut conn, |conn| {
        let mut ids = Vec::new();
        for body in bodies {
            let mut seed = LeadSeed::new(&company.id, location_id)
                .mapped(body.clone())
                .at(now)
                .status("queued");
            seed.id = uuid::Uuid::now_v7().to_string();
            seed.raw_body = Some(body.to_string());
            insert_lead_with(conn, &seed);
            ids.push(seed.id);
        }
        Ok::<_, diesel::result::Error>(ids)
    })
    .unwrap()
}

/// A lead's status.
pub fn status_of(app: &TestApp, lead_id: &str) -> String {
    leads::table
        .find(lead_id)
        .select(leads::status)
        .first(&mut *app.conn())
        .unwrap()
}

/// A lead's `last_error`.
pub fn last_error_of(app: &TestApp, lead_id: &str) -> Option<String> {
    leads::table
        .find(lead_id)
        .select(leads::last_error)
        .first(&mut *app.conn())
        .unwrap()
}

/// (number, http status, outcome, summary, started_at) of a lead's attempts, in order.
pub type AttemptSummary = (i32, Option<i32>, String, String, chrono::NaiveDateTime);

/// A lead's attempts.
pub fn attempts_of(app: &TestApp, lead_id: &str) -> Vec<AttemptSummary> {
    delivery_attempts::table
        .filter(delivery_attempts::lead_id.eq(lead_id))
        .order(delivery_attempts::id.asc())
        .select((
            delivery_attempts::number,
            delivery_attempts::http_status,
            delivery_attempts::outcome,
            delivery_attempts::summary,
            delivery_attempts::started_at,
        ))
        .load(&mut *app.conn())
        .unwrap()
}

/// Waits until the lead has this status.
pub async fn wait_for_status(app: &TestApp, lead_id: &str, wanted: &str, timeout: Duration) {
    wait_until(
        &format!("lead {lead_id} to be {wanted}"),
        timeout,
        || async { status_of(app, lead_id) == wanted },
    )
    .await;
}

/// How many leads have this status.
pub fn count_with_status(app: &TestApp, wanted: &str) -> i64 {
    leads::table
        .filter(leads::status.eq(wanted))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// `leadrelay worker` on the app's database, delivering to `sandbox_url` with retries 200 ms
/// apart; callers add their own settings before spawning it.
pub fn worker_command(app: &TestApp, sandbox_url: &str) -> std::process::Command {
    let mut command = crate::support::helpers::leadrelay_command();
    command
        .arg("worker")
        .env("LEADRELAY_DATABASE_URL", app.test_db.url_text())
        .env("LEADRELAY_MASTER_KEY", app.master_key().to_base64())
        .env("LEADRELAY_ACCULYNX_BASE_URL", sandbox_url)
        .env("LEADRELAY_RETRY_SCHEDULE", "200ms,200ms,200ms")
        .env("LEADRELAY_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit());
    command
}
