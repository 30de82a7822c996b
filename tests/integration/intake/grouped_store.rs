//! Leads stored together: the writer hands the leads of one batch to one call, and on
//! PostgreSQL one INSERT writes them all. Dedupe still sees the leads before it in the same
//! call, and a lead that cannot be stored fails alone.

use diesel::prelude::*;
use leadrelay::db::group_commit::GroupWrite;
use leadrelay::db::schema::leads;
use leadrelay::leads::LeadStatus;
use leadrelay::leads::intake::{Arriving, store};

use crate::support::fixtures::seed_world;
use crate::support::helpers::spawn_app;
use crate::support::lead_fixtures::LeadSeed;

/// A queued lead of the location with this dedupe key, dedupe window 24 hours.
fn arriving(company_id: &str, location_id: &str, key: &str) -> Arriving {
    let mut lead = LeadSeed::new(company_id, location_id)
        .status("queued")
        .row();
    lead.dedupe_key = Some(key.to_string());
    lead.next_attempt_at = Some(lead.received_at);
    Arriving {
        lead,
        dedupe_window_hours: 24,
    }
}

fn stored_as(conn: &mut leadrelay::db::DbConn, id: &str) -> (String, Option<String>) {
    leads::table
        .find(id)
        .select((leads::status, leads::duplicate_of))
        .first(conn)
        .unwrap()
}

#[tokio::test]
async fn leads_written_together_are_told_apart_in_order_and_against_the_stored_ones() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let (a, b) = (&world.a, &world.b);
    let mut conn = app.conn();
    let earlier = store(&mut conn, arriving(&a.id, &a.location_id, "k-old").lead, 24).unwrap();
    let first = arriving(&a.id, &a.location_id, "k1");
    let other_location = arriving(&b.id, &b.location_id, "k1");
    let second = arriving(&a.id, &a.location_id, "k1");
    let of_the_stored = arriving(&a.id, &a.location_id, "k-old");
    let third = arriving(&a.id, &a.location_id, "k1");
    let items = [&first, &other_location, &second, &of_the_stored, &third];
    // In a transaction, as the writer runs it (on PostgreSQL: one INSERT of five rows).
    let stored =
        leadrelay::db::write_transaction(&mut conn, |conn| Arriving::write_all(conn, &items))
            .unwrap();
    let answered: Vec<(LeadStatus, Option<String>)> = stored
        .into_iter()
        .map(|lead| (lead.status, lead.duplicate_of))
        .collect();
    let first_id = first.lead.id.clone();
    assert_eq!(
        answered,
        vec![
            (LeadStatus::Queued, None),
            (LeadStatus::Queued, None),
            (LeadStatus::Duplicate, Some(first_id.clone())),
            (LeadStatus::Duplicate, Some(earlier.id.clone())),
            (LeadStatus::Duplicate, Some(first_id.clone())),
        ],
        "the answers, in order"
    );
    let rows: Vec<(String, Option<String>)> = items
        .iter()
        .map(|item| stored_as(&mut conn, &item.lead.id))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("queued".to_string(), None),
            ("queued".to_string(), None),
            ("duplicate".to_string(), Some(first_id.clone())),
            ("duplicate".to_string(), Some(earlier.id.clone())),
            ("duplicate".to_string(), Some(first_id)),
        ],
        "the rows, as answered"
    );
}

#[tokio::test]
async fn a_lead_that_cannot_be_stored_fails_alone_and_the_rest_of_its_batch_is_stored() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let a = &world.a;
    let mut sent = Vec::new();
    for n in 0..60 {
        let mut item = arriving(&a.id, &a.location_id, &format!("k{n}"));
        if n == 29 {
            // No such location: the foreign key refuses the row.
            item.lead.location_id = "no-such-location".to_string();
        }
        let writer = app.writer.clone();
        sent.push(tokio::spawn(async move { writer.run_grouped(item).await }));
    }
    let mut stored = 0;
    let mut refused = Vec::new();
    for (n, handle) in sent.into_iter().enumerate() {
        match handle.await.unwrap() {
            Ok(lead) => {
                assert_eq!(lead.status, LeadStatus::Queued);
                stored += 1;
            }
            Err(err) => refused.push((n, err.to_string())),
        }
    }
    assert_eq!(stored, 59, "refused: {refused:?}");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].0, 29);
    assert!(
        refused[0].1.to_lowercase().contains("foreign key"),
        "the database's own reason: {}",
        refused[0].1
    );
    let rows: i64 = leads::table
        .filter(leads::location_id.eq(&a.location_id))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(rows, 59);
}
