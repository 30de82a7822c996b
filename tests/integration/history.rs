//! The delivery history over HTTP (SPEC §8): the dashboard, lead lists and their filters,
//! the CSV export, the lead timeline, replay and edit-and-resend, tenancy and escaping.
//! Leads are written straight into the database as the intake and the worker write them.

use chrono::{Duration, NaiveDate};

use crate::support::fixtures::{World, login, seed_world};
use crate::support::helpers::{TestApp, spawn_app};
use crate::support::lead_fixtures::*;

pub struct Setup {
    pub app: TestApp,
    pub world: World,
}

pub async fn setup() -> Setup {
    let app = spawn_app().await;
    let world = seed_world(&app);
    Setup { app, world }
}

pub use crate::support::fixtures::page;

/// Lead ids of a list page, in order.
pub fn listed(html: &str) -> Vec<String> {
    html.split("<tr data-lead=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

/// The "Older leads" link of a list page.
pub fn older_link(html: &str) -> Option<String> {
    let end = html.find("\" rel=\"next\"")?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&#38;", "&"))
}

/// The count shown next to a status (`""` for all).
pub fn count_of(html: &str, status: &str) -> String {
    let marker = format!("data-status=\"{status}\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {marker}"));
    let rest = &html[at..];
    let start = rest.find("<span class=\"count\">").unwrap() + "<span class=\"count\">".len();
    rest[start..].split('<').next().unwrap().to_string()
}

/// The numbers of the dashboard row of a location.
fn dashboard_cells(html: &str, location: &str) -> Vec<String> {
    let at = html
        .find(&format!(">{location}</a>"))
        .unwrap_or_else(|| panic!("no row for {location}"));
    let row = &html[at..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td class=\"num")
        .skip(1)
        .map(|cell| {
            let cell = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
            let mut text = String::new();
            let mut in_tag = false;
            for c in cell.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.trim().to_string()
        })
        .collect()
}

fn query_escape(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn the_dashboard_counts_each_location_charts_fourteen_days_and_lists_failures_and_quiet_locations()
 {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let north = &a.location_id;
    set_location(&app, north, "valid", now() - Duration::days(30));
    let south = add_location(&app, &a.id, "alpha South");
    set_location(&app, &south, "rejected", now() - Duration::days(30));
    let east = add_location(&app, &a.id, "alpha East");
    set_location(&app, &east, "valid", now() - Duration::days(10));
    let west = add_location(&app, &a.id, "alpha West");
    set_location(&app, &west, "valid", now() - Duration::days(30));
    let seed = |status, hours: i64| {
        insert_lead(
            &app,
            &LeadSeed::new(&a.id, north)
                .status(status)
                .ago(Duration::hours(hours)),
        )
    };
    for _ in 0..3 {
        seed("delivered", 1);
    }
    let failed = insert_lead(
        &app,
        &LeadSeed::new(&a.id, north)
            .status("failed")
            .person("Frank", "Failure", "", "")
            .ago(Duration::hours(2)),
    );
    seed("queued", 3);
    seed("duplicate", 1);
    seed("delivered", 30);
    seed("delivered", 30);
    let rejected = insert_lead(
        &app,
        &LeadSeed::new(&a.id, north)
            .person("", "Nofirst", "", "")
            .status("rejected")
            .ago(Duration::days(3)),
    );
    seed("held", 72);
    insert_lead(&app, &LeadSeed::new(&a.id, &west).ago(Duration::days(9)));
    insert_lead(
        &app,
        &LeadSeed::new(&world.b.id, &world.b.location_id).person("Bravo", "Secret", "", ""),
    );

    let admin = login(&app, &a.admin.email).await;
    let html = page(&admin, "/").await;
    // 24 h: 3 delivered, 1 failed, 1 queued, 1 duplicate; 7 days: + 2 delivered, 1 rejected,
    // 1 held. Received, delivered, failed, rejected, waiting, success.
    assert_eq!(
        dashboard_cells(&html, "alpha North"),
        [
            "6", "3", "1", "0", "1", "75%", "10", "5", "1", "1", "2", "71%"
        ]
    );
    assert_eq!(
        dashboard_cells(&html, "alpha South"),
        ["0", "0", "0", "0", "0", "—", "0", "0", "0", "0", "0", "—"]
    );
    // The chart: 14 bars with their numbers, described in words, and the same as a table.
    assert!(html.contains("role=\"img\" aria-labelledby=\"chart-alpha-title chart-alpha-desc\""));
    assert_eq!(html.matches("<g class=\"bar\">").count(), 14);
    assert!(
        html.contains(
            "11 leads received in the last 14 days: 6 delivered, 2 failed or rejected, 3 waiting or duplicate."
        ),
        "{html}"
    );
    assert!(html.contains("Show these numbers as a table"));
    // Newest failures, linked, with the reason in words.
    let failures = &html[html.find("Newest failures").unwrap()..];
    assert!(failures.find(&failed).unwrap() < failures.find(&rejected).unwrap());
    assert!(failures.contains("AccuLynx rejected the lead: The firstName field is required."));
    assert!(failures.contains("No first name was found in the lead."));
    // Locations that need someone.
    let attention = &html[html.find("Locations that need attention").unwrap()..];
    assert!(attention.contains("alpha South</a>: AccuLynx rejected its API key"));
    assert!(
        attention.contains("alpha East</a>: It has never received a lead, in more than 7 days.")
    );
    assert!(attention.contains("alpha West</a>: Nothing received for 9 days"));
    // North's key works and it receives leads, but it has a failed, a rejected and a held lead.
    assert!(attention.contains("1 lead failed in the last 7 days."));
    assert!(attention.contains("1 lead rejected in the last 7 days."));
    assert!(attention.contains("1 lead held in the last 7 days."));
    // Nothing of another company.
    assert!(!html.contains("Bravo") && !html.contains("bravo"));

    // A platform admin sees every company, one after the other.
    let platform = login(&app, &world.platform.email).await;
    let html = page(&platform, "/").await;
    let alpha = html.find("Company alpha").unwrap();
    let bravo = html.find("Company bravo").unwrap();
    assert!(alpha < bravo);
    assert_eq!(html.matches("class=\"chart\"").count(), 2);
}

#[tokio::test]
async fn the_dashboard_says_what_to_do_when_there_is_nothing_yet() {
    let Setup { app, world } = setup().await;
    let admin = login(&app, &world.a.admin.email).await;
    let html = page(&admin, "/").await;
    assert!(
        html.contains(
            "No leads in the last 7 days. Check that each location's webhook URL is pasted"
        )
    );
    assert!(html.contains("No failed or rejected leads."));
    assert!(html.contains("No leads were received in the last 14 days."));
    assert!(html.contains("It has no AccuLynx API key yet"));

    leadrelay::tenants::companies::add_company(
        &mut app.conn(),
        &leadrelay::audit::Actor::command_line(),
        "Empty Co",
        "empty-co",
        "America/Chicago",
    )
    .unwrap();
    let platform = login(&app, &world.platform.email).await;
    let html = page(&platform, "/").await;
    let empty = &html[html.find("Empty Co").unwrap()..];
    assert!(empty.contains("No locations yet."), "{empty}");
}

#[tokio::test]
async fn lead_lists_filter_by_status_dates_and_search_and_count_each_status() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let south = add_location(&app, &a.id, "alpha South");
    // Denver is UTC-7 in November: 06:30 UTC on the 20th is still the 19th there.
    let day = |d: u32, h: u32, m: u32| {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    };
    let jane = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .person("Jane", "Doe", "jane.doe@example.com", "3035550100")
            .at(day(20, 7, 30)),
    );
    let late = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .person("Late", "Evening", "late@example.com", "7205550111")
            .status("failed")
            .at(day(20, 6, 30)),
    );
    let john = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &south)
            .person("John", "Doe", "jd@example.org", "3035550199")
            .status("failed")
            .at(day(21, 18, 0)),
    );
    let odd = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &south)
            .person("Percent", "O_Hara", "p@example.com", "")
            .status("queued")
            .at(day(22, 12, 0)),
    );
    insert_lead(
        &app,
        &LeadSeed::new(&world.b.id, &world.b.location_id).person(
            "Jane",
            "Doe",
            "jane.doe@example.com",
            "3035550100",
        ),
    );
    let viewer = login(&app, &a.viewer.email).await;
    let company = format!("/companies/{}/leads", a.slug);

    // The company's list: every location, newest first, with counts.
    let html = page(&viewer, &company).await;
    assert_eq!(
        listed(&html),
        [odd.clone(), john.clone(), jane.clone(), late.clone()]
    );
    assert_eq!(count_of(&html, ""), "4");
    assert_eq!(count_of(&html, "failed"), "2");
    assert_eq!(count_of(&html, "queued"), "1");
    assert_eq!(count_of(&html, "held"), "0");
    assert!(html.contains("alpha South") && html.contains("Times in America/Denver"));
    assert!(html.contains("<span class=\"badge badge-failed\">Failed</span>"));
    // One location's list.
    let html = page(&viewer, &format!("/locations/{south}/leads")).await;
    assert_eq!(listed(&html), [odd.clone(), john.clone()]);
    // Status.
    let html = page(&viewer, &format!("{company}?status=failed")).await;
    assert_eq!(listed(&html), [john.clone(), late.clone()]);
    assert_eq!(count_of(&html, ""), "4", "counts ignore the status filter");
    assert!(html.contains("<option value=\"failed\" selected>"));
    // Days in the company's time zone, both ends included.
    let html = page(&viewer, &format!("{company}?from=2026-11-20&to=2026-11-21")).await;
    assert_eq!(listed(&html), [john.clone(), jane.clone()]);
    assert_eq!(count_of(&html, ""), "2");
    assert_eq!(count_of(&html, "failed"), "1");
    let html = page(&viewer, &format!("{company}?to=2026-11-19")).await;
    assert_eq!(listed(&html), [late.as_str()]);
    // Search: names in any case, email, several words, phone in any format.
    for (typed, expected) in [
        ("DOE", vec![john.clone(), jane.clone()]),
        ("jane doe", vec![jane.clone()]),
        ("doe jane", vec![jane.clone()]),
        ("jd@example.org", vec![john.clone()]),
        ("(303) 555-0100", vec![jane.clone()]),
        ("+1 303.555.0100", vec![jane.clone()]),
        ("303-555", vec![john.clone(), jane.clone()]),
        ("0199", vec![john.clone()]),
        ("o_hara", vec![odd.clone()]),
        ("%", vec![]),
        ("o%hara", vec![]),
        (jane.as_str(), vec![jane.clone()]),
    ] {
        let html = page(&viewer, &format!("{company}?q={}", query_escape(typed))).await;
        assert_eq!(listed(&html), expected, "search {typed:?}");
    }
    let html = page(&viewer, &format!("{company}?q=doe&status=failed")).await;
    assert_eq!(listed(&html), [john.as_str()]);
    assert_eq!(
        count_of(&html, "delivered"),
        "1",
        "the search applies to counts"
    );
    // Nothing found says what to try.
    let html = page(&viewer, &format!("{company}?q=nobody")).await;
    assert!(html.contains("No leads match this search."));
    // What cannot be read is said, not fatal.
    let html = page(&viewer, &format!("{company}?status=lost&from=yesterday")).await;
    assert_eq!(listed(&html).len(), 4);
    assert!(html.contains("&#34;lost&#34; is not a lead status"));
    assert!(html.contains("The from date &#34;yesterday&#34; was not understood"));
}

#[tokio::test]
async fn another_companys_users_get_404_for_its_leads_lists_and_exports() {
    let Setup { app, world } = setup().await;
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&world.a.id, &world.a.location_id).status("failed"),
    );
    let b_lead = insert_lead(&app, &LeadSeed::new(&world.b.id, &world.b.location_id));
    for email in [&world.b.admin.email, &world.b.viewer.email] {
        let outsider = login(&app, email).await;
        for path in [
            format!("/leads/{lead}"),
            format!("/locations/{}/leads", world.a.location_id),
            format!("/locations/{}/leads.csv", world.a.location_id),
            format!("/companies/{}/leads", world.a.slug),
            format!("/companies/{}/leads.csv", world.a.slug),
        ] {
            assert_eq!(
                outsider.get(&path).await.status(),
                404,
                "{email} GET {path}"
            );
        }
        for path in [
            format!("/leads/{lead}/replay"),
            format!("/leads/{lead}/edit"),
        ] {
            let response = outsider
                .post(&path, &[("confirm", "yes"), ("firstName", "Mallory")])
                .await;
            assert_eq!(response.status(), 404, "{email} POST {path}");
        }
        // Their own list, searched or paged by company A's lead id, shows nothing of it.
        let own = format!("/companies/{}/leads", world.b.slug);
        let html = page(&outsider, &format!("{own}?q={lead}")).await;
        assert!(listed(&html).is_empty());
        let html = page(&outsider, &format!("{own}?before={lead}")).await;
        assert_eq!(listed(&html), [b_lead.as_str()]);
        assert!(html.contains("starts at a lead that is not in this list"));
    }
    assert_eq!(lead_state(&app, &lead).status, "failed");
    assert!(events(&app, &lead).is_empty());
}
