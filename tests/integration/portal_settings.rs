//! A person's own time zone (every time of the portal shown in it, the zone named, the same
//! for every role), the platform admin's Leads entry, and the audit log's filters.

use chrono::NaiveDate;
use leadrelay::audit::{Action, Actor};

use crate::history::{Setup, setup};
use crate::support::fixtures::{Session, login, page};
use crate::support::lead_fixtures::*;

/// 2026-11-27 21:03:05 UTC: 14:03:05 in Denver (MST), 21:03:05 in London (GMT).
fn received_at() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 27)
        .unwrap()
        .and_hms_opt(21, 3, 5)
        .unwrap()
}

async fn choose_zone(session: &Session, zone: &str) -> reqwest::Response {
    session
        .post("/account/time-zone", &[("time_zone", zone)])
        .await
}

#[tokio::test]
async fn each_user_sees_times_in_their_own_time_zone_with_the_zone_named() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id).at(received_at()),
    );
    let list_path = format!("/companies/{}/leads", a.slug);
    let lead_path = format!("/leads/{lead}");

    // By default a company's users see the company's zone, platform admins UTC; lists show
    // minutes, the lead page seconds.
    for email in [&a.admin.email, &a.viewer.email] {
        let session = login(&app, email).await;
        assert!(
            page(&session, &list_path)
                .await
                .contains(">2026-11-27 14:03 MST</time>")
        );
        assert!(
            page(&session, &lead_path)
                .await
                .contains(">2026-11-27 14:03:05 MST</time>")
        );
    }
    let platform = login(&app, &world.platform.email).await;
    assert!(
        page(&platform, &list_path)
            .await
            .contains(">2026-11-27 21:03 UTC</time>")
    );
    assert!(
        page(&platform, &lead_path)
            .await
            .contains(">2026-11-27 21:03:05 UTC</time>")
    );

    // A zone chrono-tz does not know is refused with a sentence, and nothing changes.
    let admin = login(&app, &a.admin.email).await;
    let refused = choose_zone(&admin, "Mars/Olympus").await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("is not a time zone leadrelay knows"),
        "{body}"
    );
    assert!(body.contains("value=\"Mars/Olympus\""));
    assert!(page(&admin, &list_path).await.contains("14:03 MST"));

    // Chosen: every page follows, for this user only.
    assert_eq!(choose_zone(&admin, "Europe/London").await.status(), 303);
    let account = page(&admin, "/account").await;
    assert!(account.contains("<strong id=\"shown-in\">Europe/London</strong>"));
    assert!(account.contains("Times are now shown in Europe/London."));
    assert!(
        page(&admin, &list_path)
            .await
            .contains(">2026-11-27 21:03 GMT</time>")
    );
    assert!(
        page(&admin, &lead_path)
            .await
            .contains(">2026-11-27 21:03:05 GMT</time>")
    );
    let viewer = login(&app, &a.viewer.email).await;
    assert!(page(&viewer, &list_path).await.contains("14:03 MST"));
    // The same for a platform admin.
    assert_eq!(choose_zone(&platform, "Asia/Tokyo").await.status(), 303);
    assert!(
        page(&platform, &lead_path)
            .await
            .contains(">2026-11-28 06:03:05 JST</time>")
    );
    // Empty goes back to the default.
    assert_eq!(choose_zone(&admin, "").await.status(), 303);
    assert!(
        page(&admin, &list_path)
            .await
            .contains(">2026-11-27 14:03 MST</time>")
    );
}

#[tokio::test]
async fn platform_admins_open_any_companys_leads_from_a_top_level_leads_entry() {
    let Setup { app, world } = setup().await;
    insert_lead(&app, &LeadSeed::new(&world.a.id, &world.a.location_id));
    insert_lead(&app, &LeadSeed::new(&world.b.id, &world.b.location_id));
    insert_lead(&app, &LeadSeed::new(&world.b.id, &world.b.location_id));
    let platform = login(&app, &world.platform.email).await;
    let home = page(&platform, "/").await;
    assert!(home.contains("<a href=\"/leads\">Leads</a>"), "{home}");
    let picker = page(&platform, "/leads").await;
    for (company, count) in [(&world.a, 1), (&world.b, 2)] {
        let link = format!(
            "<a href=\"/companies/{}/leads\">Company {}</a>",
            company.slug, company.slug
        );
        assert!(picker.contains(&link), "{picker}");
        let week = format!("/companies/{}/leads?period=7d", company.slug);
        assert!(
            picker.contains(&format!("<a href=\"{week}\">{count}</a>")),
            "{picker}"
        );
        assert_eq!(
            crate::dashboard_figures::list_count(&platform, &week).await,
            count
        );
    }
    // A company's users keep their own company's Leads entry and cannot open the picker.
    let admin = login(&app, &world.a.admin.email).await;
    let home = page(&admin, "/").await;
    assert!(!home.contains("href=\"/leads\""));
    assert!(home.contains("<a href=\"/companies/alpha/leads\">Leads</a>"));
    assert_eq!(admin.get("/leads").await.status(), 403);
}

fn record(app: &crate::support::helpers::TestApp, who: &str, company: &str, action: Action) {
    let actor = Actor {
        user_id: None,
        label: who.to_string(),
        ip: "192.0.2.7".to_string(),
    };
    leadrelay::audit::record(&mut app.conn(), &actor, Some(company), action, "North", "").unwrap();
}

/// The `data-action` of each row of an audit page.
fn actions_of(html: &str) -> Vec<String> {
    html.split("<tr data-action=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

fn older_link(html: &str) -> Option<String> {
    let end = html.find("\">Older entries")?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&#38;", "&"))
}

#[tokio::test]
async fn the_audit_log_filters_by_action_and_by_user_across_pages() {
    let Setup { app, world } = setup().await;
    let (a, b) = (&world.a, &world.b);
    for _ in 0..105 {
        record(&app, "ops@alpha.example", &a.id, Action::LocationRenamed);
    }
    for _ in 0..3 {
        record(&app, "other@alpha.example", &a.id, Action::LocationRenamed);
        record(&app, "ops@alpha.example", &a.id, Action::LocationPaused);
    }
    record(&app, "spy@bravo.example", &b.id, Action::KeySet);

    let admin = login(&app, &a.admin.email).await;
    let html = page(&admin, "/audit").await;
    // The lists offer what is present in this company's log, and nothing of another's.
    for option in [
        "<option value=\"ops@alpha.example\">",
        "<option value=\"other@alpha.example\">",
        "<option value=\"location.renamed\">Renamed a location</option>",
        "<option value=\"location.paused\">Paused a location</option>",
    ] {
        assert!(html.contains(option), "{option} missing");
    }
    assert!(!html.contains("spy@bravo.example") && !html.contains("location.key_set"));

    let first = page(
        &admin,
        "/audit?action=location.renamed&actor=ops%40alpha.example",
    )
    .await;
    assert_eq!(actions_of(&first).len(), 100);
    assert!(
        actions_of(&first)
            .iter()
            .all(|code| code == "location.renamed")
    );
    assert!(first.contains("<option value=\"ops@alpha.example\" selected>"));
    assert!(!first.contains("other@alpha.example</td>"));
    let older = older_link(&first).expect("a second page");
    assert!(
        older.contains("action=location.renamed") && older.contains("actor=ops%40alpha.example"),
        "{older}"
    );
    let second = page(&admin, &older).await;
    assert_eq!(actions_of(&second).len(), 5);
    assert!(older_link(&second).is_none());

    let paused = page(&admin, "/audit?action=location.paused").await;
    assert_eq!(actions_of(&paused), vec!["location.paused"; 3]);
    let other = page(&admin, "/audit?actor=other%40alpha.example").await;
    assert_eq!(actions_of(&other).len(), 3);
    // Another company's user is simply not there.
    let none = page(&admin, "/audit?actor=spy%40bravo.example").await;
    assert!(actions_of(&none).is_empty());
    assert!(none.contains("No entries match these filters."));

    // A platform admin narrows to one company, and the lists follow.
    let platform = login(&app, &world.platform.email).await;
    let bravo = page(&platform, "/audit?company=bravo").await;
    let codes = actions_of(&bravo);
    assert!(codes.contains(&"location.key_set".to_string()), "{codes:?}");
    assert!(
        !codes.contains(&"location.renamed".to_string()),
        "{codes:?}"
    );
    assert!(bravo.contains("<option value=\"spy@bravo.example\">"));
    assert!(!bravo.contains("<option value=\"ops@alpha.example\">"));
}
