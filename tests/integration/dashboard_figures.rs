//! The dashboard's numbers, each defined once (`leads::figures`): every number links to the
//! list of exactly those leads, and the list says it holds that many; rates round to the
//! nearest percent; locations with failed, rejected, held or retrying leads need attention;
//! delivered-with-warnings leads look different from clean deliveries.

use chrono::Duration;

use crate::history::{Setup, setup};
use crate::support::fixtures::{Session, login, page};
use crate::support::lead_fixtures::*;

/// Every link of a page to a lead list whose text starts with a number: (href, number).
pub fn numbered_list_links(html: &str) -> Vec<(String, i64)> {
    html.split("<a ")
        .skip(1)
        .filter_map(|tag| {
            let href = tag.split("href=\"").nth(1)?.split('"').next()?;
            let href = href.replace("&#38;", "&").replace("&amp;", "&");
            if !href.contains("/leads?") {
                return None;
            }
            let inner = &tag[tag.find('>')? + 1..tag.find("</a>")?];
            let text = strip_tags(inner);
            let number: String = text
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',')
                .filter(char::is_ascii_digit)
                .collect();
            Some((href, number.parse().ok()?))
        })
        .collect()
}

fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The "N leads match" of a lead list.
pub async fn list_count(session: &Session, href: &str) -> i64 {
    let html = page(session, href).await;
    let marker = "<strong id=\"match-count\">";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no count on {href}"))
        + marker.len();
    let text = &html[start..];
    let number: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    number.parse().unwrap()
}

/// The cells of a location's dashboard row, as text: 24 h then 7 days.
fn row_cells(html: &str, location_id: &str) -> Vec<String> {
    let at = html
        .find(&format!("<tr data-location=\"{location_id}\">"))
        .unwrap_or_else(|| panic!("no row for {location_id}"));
    let row = &html[at..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td class=\"num")
        .skip(1)
        .map(|cell| {
            let cell = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
            strip_tags(cell).trim().to_string()
        })
        .collect()
}

struct Seeded {
    north: String,
    south: String,
}

fn seed_mixed_leads(setup: &Setup) -> Seeded {
    let (app, a) = (&setup.app, &setup.world.a);
    let north = a.location_id.clone();
    set_location(app, &north, "valid", now() - Duration::days(30));
    let south = add_location(app, &a.id, "alpha South");
    set_location(app, &south, "valid", now() - Duration::days(30));
    let seed = |location: &str, status: &'static str, age: Duration| {
        insert_lead(app, &LeadSeed::new(&a.id, location).status(status).ago(age))
    };
    for _ in 0..2 {
        seed(&north, "delivered", Duration::hours(1));
    }
    let mut warned = LeadSeed::new(&a.id, &north).ago(Duration::hours(3));
    warned.warnings = vec!["The phone number \"555\" is too short to send.".to_string()];
    insert_lead(app, &warned);
    let v2_warned = seed(&north, "delivered", Duration::hours(30));
    let mut attempt = AttemptSeed::delivered(1, now() - Duration::hours(30));
    attempt.outcome = "warning";
    attempt.summary =
        "The appointment was not set: AccuLynx answered 500. The job was created all the same."
            .to_string();
    insert_attempt(app, &v2_warned, &attempt);
    seed(&north, "failed", Duration::hours(2));
    seed(&north, "failed", Duration::days(3));
    seed(&north, "failed", Duration::days(9));
    seed(&north, "rejected", Duration::hours(5));
    seed(&north, "retrying", Duration::hours(1));
    seed(&north, "retrying", Duration::days(10));
    seed(&north, "held", Duration::days(2));
    seed(&north, "queued", Duration::minutes(5));
    seed(&north, "duplicate", Duration::hours(1));
    seed(&south, "delivered", Duration::hours(1));
    seed(&south, "delivered", Duration::hours(2));
    seed(&south, "failed", Duration::hours(4));
    Seeded { north, south }
}

#[tokio::test]
async fn every_dashboard_number_opens_a_list_of_exactly_that_many_leads() {
    let setup = setup().await;
    let seeded = seed_mixed_leads(&setup);
    let admin = login(&setup.app, &setup.world.a.admin.email).await;
    let html = page(&admin, "/").await;
    // Failed is failed only: the rejected lead has its own column. 24 h then 7 days:
    // received, delivered (with warnings), failed, rejected, waiting, success.
    assert_eq!(
        row_cells(&html, &seeded.north),
        [
            "8",
            "3 1 with warnings",
            "1",
            "1",
            "2",
            "60%",
            "11",
            "4 2 with warnings",
            "2",
            "1",
            "3",
            "57%"
        ]
    );
    let links = numbered_list_links(&html);
    assert!(links.len() >= 30, "{} links", links.len());
    for (href, shown) in &links {
        assert_eq!(
            list_count(&admin, href).await,
            *shown,
            "the dashboard shows {shown} for {href}"
        );
    }
    // The CSV export of a figure's list holds the same leads.
    for (href, shown) in links
        .iter()
        .filter(|(href, _)| href.contains("status=waiting"))
    {
        let csv = admin
            .get(&href.replace("/leads?", "/leads.csv?"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(csv.lines().count() as i64 - 1, *shown, "{href}: {csv}");
    }
    // The failed figure links to failed leads only.
    let failed = links
        .iter()
        .find(|(href, _)| {
            href.starts_with(&format!(
                "/locations/{}/leads?status=failed&period=7d",
                seeded.north
            ))
        })
        .unwrap();
    assert_eq!(failed.1, 2);
}

#[tokio::test]
async fn the_success_rate_rounds_to_the_nearest_percent() {
    let setup = setup().await;
    let seeded = seed_mixed_leads(&setup);
    let admin = login(&setup.app, &setup.world.a.admin.email).await;
    let html = page(&admin, "/").await;
    // South: 2 delivered, 1 failed.
    let cells = row_cells(&html, &seeded.south);
    assert_eq!(cells[5], "67%", "{cells:?}");
    assert_eq!(cells[11], "67%", "{cells:?}");
}

#[tokio::test]
async fn locations_with_failed_held_or_retrying_leads_need_attention() {
    let setup = setup().await;
    let seeded = seed_mixed_leads(&setup);
    let admin = login(&setup.app, &setup.world.a.admin.email).await;
    let html = page(&admin, "/").await;
    let attention = &html[html.find("Locations that need attention").unwrap()..];
    assert!(
        !attention.contains("Every location has a working key"),
        "{attention}"
    );
    for (location, problem) in [
        (&seeded.north, "2 leads failed in the last 7 days."),
        (&seeded.north, "1 lead rejected in the last 7 days."),
        (&seeded.north, "1 lead held in the last 7 days."),
        (&seeded.north, "2 leads retrying"),
        (&seeded.south, "1 lead failed in the last 7 days."),
    ] {
        let item = attention
            .split("<li>")
            .filter(|item| item.contains(&format!("/locations/{location}\"")))
            .find(|item| item.contains(problem))
            .unwrap_or_else(|| panic!("no \"{problem}\" for {location} in {attention}"));
        let (href, shown) = numbered_list_links(item).pop().unwrap();
        assert_eq!(list_count(&admin, &href).await, shown, "{href}");
    }
}

#[tokio::test]
async fn a_location_without_problems_needs_no_attention() {
    let setup = setup().await;
    let (app, a) = (&setup.app, &setup.world.a);
    set_location(app, &a.location_id, "valid", now() - Duration::days(30));
    insert_lead(app, &LeadSeed::new(&a.id, &a.location_id));
    let admin = login(app, &a.admin.email).await;
    let html = page(&admin, "/").await;
    assert!(html.contains("Every location has a working key, received leads in the last 7 days"));
}

#[tokio::test]
async fn delivered_with_warnings_has_its_own_badge_in_lists_and_on_the_dashboard() {
    let setup = setup().await;
    let (app, a) = (&setup.app, &setup.world.a);
    let clean = insert_lead(
        app,
        &LeadSeed::new(&a.id, &a.location_id).person("Clean", "Lead", "", ""),
    );
    let mut seed = LeadSeed::new(&a.id, &a.location_id).person("Marcus", "Reyes", "", "");
    seed.warnings = vec!["The phone number \"555\" is too short to send.".to_string()];
    let warned = insert_lead(app, &seed);
    let admin = login(app, &a.admin.email).await;
    let list = page(&admin, &format!("/companies/{}/leads", a.slug)).await;
    let row = |id: &str| {
        let at = list.find(&format!("<tr data-lead=\"{id}\">")).unwrap();
        list[at..at + list[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(
        row(&warned).contains(
            "<span class=\"badge badge-delivered-warnings\">Delivered with warnings</span>"
        ),
        "{}",
        row(&warned)
    );
    assert!(row(&clean).contains("<span class=\"badge badge-delivered\">Delivered</span>"));
    // Its own filter, from the status list, counts it alone.
    let only = format!("/companies/{}/leads?status=delivered_with_warnings", a.slug);
    assert_eq!(list_count(&admin, &only).await, 1);
    let html = page(&admin, "/").await;
    assert!(html.contains("badge badge-delivered-warnings"), "{html}");
    assert!(html.contains("1 with warnings</a>"));
    let lead = page(&admin, &format!("/leads/{warned}")).await;
    assert!(lead.contains("badge-delivered-warnings\">Delivered with warnings</span>"));
}
