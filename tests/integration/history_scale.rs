//! 200,000 leads: the lists, a status filter, a date filter and searches answer with the
//! right rows, and keyset pages join up without gaps or repeats at any depth. (Speed is the
//! benchmark's business; this checks correctness at a size where shortcuts would show.)

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::history::{Setup, count_of, listed, older_link, page, setup};
use crate::support::bulk_leads::{BulkLead, bulk_insert};
use crate::support::fixtures::Session;
use crate::support::lead_fixtures::{add_location, v7_at};

const LEADS: usize = 200_000;
const STATUSES: [&str; 10] = [
    "delivered",
    "delivered",
    "delivered",
    "delivered",
    "delivered",
    "delivered",
    "failed",
    "queued",
    "rejected",
    "held",
];

fn generate(north: &str, south: &str) -> Vec<BulkLead> {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (0..LEADS)
        .map(|i| {
            // Two leads share each moment: the id breaks the tie.
            let received_at = base + Duration::seconds((i / 2) as i64 * 75);
            BulkLead {
                id: v7_at(received_at),
                location_id: if i % 4 == 3 { south } else { north }.to_string(),
                received_at,
                status: STATUSES[(i / 1000 + i * 7 + i / 10) % 10],
                first: format!("First{i}"),
                last: if i % 1000 == 123 {
                    "Smith".to_string()
                } else {
                    format!("Last{}", i % 1000)
                },
                email: format!("lead{i}@example.com"),
                phone: format!("720{i:07}"),
            }
        })
        .collect()
}

/// Follows "Older leads" links from `path` to the end; every lead id, in order.
async fn walk(session: &Session, path: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut next = Some(path.to_string());
    while let Some(path) = next {
        let html = page(session, &path).await;
        let rows = listed(&html);
        next = older_link(&html);
        assert!(
            rows.len() == 50 || next.is_none(),
            "a full page before the end"
        );
        ids.extend(rows);
    }
    ids
}

fn ids(leads: &[&BulkLead]) -> Vec<String> {
    leads.iter().map(|lead| lead.id.clone()).collect()
}

fn denver_midnight(date: NaiveDate) -> NaiveDateTime {
    leadrelay::history::filter::start_of_day(date, "America/Denver")
}

#[tokio::test]
async fn two_hundred_thousand_leads_list_filter_search_and_page_correctly() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let south = add_location(&app, &a.id, "alpha South");
    let rows = generate(&a.location_id, &south);
    let started = std::time::Instant::now();
    bulk_insert(&app, &a.id, &rows);
    eprintln!("seeded {LEADS} leads in {:?}", started.elapsed());
    let mut newest: Vec<&BulkLead> = rows.iter().collect();
    newest.sort_by(|x, y| (y.received_at, &y.id).cmp(&(x.received_at, &x.id)));
    let viewer = crate::support::fixtures::login(&app, &a.viewer.email).await;
    let company = format!("/companies/{}/leads", a.slug);

    // The whole list: the first pages, a page deep inside, the last page.
    let html = page(&viewer, &company).await;
    assert_eq!(listed(&html), ids(&newest[..50]));
    assert_eq!(count_of(&html, ""), "200,000");
    for status in ["delivered", "failed", "queued", "rejected", "held"] {
        let expected = rows.iter().filter(|lead| lead.status == status).count();
        assert_eq!(
            count_of(&html, status),
            leadrelay::history::pages::thousands(expected as i64),
            "{status}"
        );
    }
    let second = page(&viewer, &older_link(&html).unwrap()).await;
    assert_eq!(listed(&second), ids(&newest[50..100]));
    let deep = page(&viewer, &format!("{company}?before={}", newest[149_999].id)).await;
    assert_eq!(listed(&deep), ids(&newest[150_000..150_050]));
    let last = page(&viewer, &format!("{company}?before={}", newest[199_979].id)).await;
    assert_eq!(listed(&last), ids(&newest[199_980..]));
    assert_eq!(older_link(&last), None);

    // A status: first pages and the end.
    let failed: Vec<&BulkLead> = newest
        .iter()
        .copied()
        .filter(|l| l.status == "failed")
        .collect();
    let html = page(&viewer, &format!("{company}?status=failed")).await;
    assert_eq!(listed(&html), ids(&failed[..50]));
    let second = page(&viewer, &older_link(&html).unwrap()).await;
    assert_eq!(listed(&second), ids(&failed[50..100]));
    let end = failed.len() - 10;
    let last = page(
        &viewer,
        &format!("{company}?status=failed&before={}", failed[end - 1].id),
    )
    .await;
    assert_eq!(listed(&last), ids(&failed[end..]));
    assert_eq!(older_link(&last), None);

    // One location, one status.
    let south_held: Vec<&BulkLead> = newest
        .iter()
        .copied()
        .filter(|l| l.location_id == south && l.status == "held")
        .collect();
    let html = page(&viewer, &format!("/locations/{south}/leads?status=held")).await;
    assert_eq!(listed(&html), ids(&south_held[..50]));
    assert_eq!(
        count_of(&html, "held"),
        leadrelay::history::pages::thousands(south_held.len() as i64)
    );

    // Two days in the company's time zone, every page of them.
    let (from, to) = (
        NaiveDate::from_ymd_opt(2026, 2, 14).unwrap(),
        NaiveDate::from_ymd_opt(2026, 2, 15).unwrap(),
    );
    let (start, end) = (
        denver_midnight(from),
        denver_midnight(to + Duration::days(1)),
    );
    let in_range: Vec<&BulkLead> = newest
        .iter()
        .copied()
        .filter(|l| l.received_at >= start && l.received_at < end)
        .collect();
    assert!(in_range.len() > 4000);
    let walked = walk(&viewer, &format!("{company}?from={from}&to={to}")).await;
    assert_eq!(walked, ids(&in_range));

    // Searches: a name (every page), a phone typed another way, an email.
    let smiths: Vec<&BulkLead> = newest
        .iter()
        .copied()
        .filter(|l| l.last == "Smith")
        .collect();
    assert_eq!(smiths.len(), 200);
    assert_eq!(
        walk(&viewer, &format!("{company}?q=SMITH")).await,
        ids(&smiths)
    );
    let html = page(&viewer, &format!("{company}?q=%28720%29+001-2345")).await;
    assert_eq!(listed(&html), [rows[12_345].id.clone()]);
    let html = page(&viewer, &format!("{company}?q=lead199999%40example.com")).await;
    assert_eq!(listed(&html), [rows[199_999].id.clone()]);
    let smith_failed: Vec<&BulkLead> = smiths
        .iter()
        .copied()
        .filter(|l| l.status == "failed")
        .collect();
    let html = page(&viewer, &format!("{company}?q=smith&status=failed")).await;
    assert_eq!(listed(&html), ids(&smith_failed));
    assert_eq!(count_of(&html, ""), "200");
}
