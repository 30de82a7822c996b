//! What AccuLynx (the sandbox) holds and what the database recorded, lead by lead: the checks
//! the crash and concurrency tests share.

#![allow(dead_code)]

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use leadrelay::db::schema::{delivery_attempts, leads};
use leadrelay::sandbox::Sandbox;

use crate::support::helpers::TestApp;

/// When the sandbox accepted each copy of each lead, by `crossReference`, in order.
pub fn sandbox_copies(sandbox: &Sandbox) -> HashMap<String, Vec<DateTime<Utc>>> {
    let mut copies: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
    for lead in sandbox.accepted() {
        let reference = lead.body["crossReference"]
            .as_str()
            .expect("every test lead has a crossReference")
            .to_string();
        copies.entry(reference).or_default().push(lead.received_at);
    }
    for times in copies.values_mut() {
        times.sort();
    }
    copies
}

/// Every stored lead: (id, status, last_error, its `crossReference`).
pub fn stored_leads(app: &TestApp) -> Vec<(String, String, Option<String>, String)> {
    let rows: Vec<(String, String, Option<String>, Option<String>)> = leads::table
        .select((
            leads::id,
            leads::status,
            leads::last_error,
            leads::mapped_body,
        ))
        .load(&mut *app.conn())
        .unwrap();
    rows.into_iter()
        .map(|(id, status, error, body)| {
            let body: serde_json::Value =
                serde_json::from_str(body.as_deref().expect("a mapped body")).unwrap();
            let reference = body["crossReference"].as_str().unwrap().to_string();
            (id, status, error, reference)
        })
        .collect()
}

/// Successful attempts recorded, by lead id.
pub fn successes_by_lead(app: &TestApp) -> HashMap<String, i64> {
    delivery_attempts::table
        .filter(delivery_attempts::outcome.eq("delivered"))
        .group_by(delivery_attempts::lead_id)
        .select((delivery_attempts::lead_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .collect()
}

/// How many attempts are recorded.
pub fn attempt_count(app: &TestApp) -> i64 {
    delivery_attempts::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// Asserts that every stored lead ended delivered (or failed, saying why), that each delivered
/// lead has exactly one successful attempt and is held by the sandbox, and that no lead is
/// leased. Returns the leads by `crossReference` with their status.
pub fn assert_every_lead_settled_once(app: &TestApp, sandbox: &Sandbox) -> HashMap<String, String> {
    let successes = successes_by_lead(app);
    let copies = sandbox_copies(sandbox);
    let mut by_reference = HashMap::new();
    for (id, status, error, reference) in stored_leads(app) {
        match status.as_str() {
            "delivered" => {
                assert_eq!(
                    successes.get(&id).copied().unwrap_or(0),
                    1,
                    "delivered lead {id} ({reference}) has exactly one successful attempt"
                );
                assert!(
                    copies.contains_key(&reference),
                    "delivered lead {reference} is held by AccuLynx"
                );
            }
            "failed" => assert!(
                error.as_deref().is_some_and(|e| !e.is_empty()),
                "failed lead {id} says why"
            ),
            other => panic!("lead {id} ({reference}) ended {other}, neither delivered nor failed"),
        }
        assert!(
            by_reference.insert(reference.clone(), status).is_none(),
            "{reference} is stored once"
        );
    }
    let leased: i64 = leads::table
        .filter(leads::lease_owner.is_not_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(leased, 0, "no lead stays leased");
    by_reference
}
