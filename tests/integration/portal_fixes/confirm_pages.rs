//! Destructive forms confirm on the server: a POST without `confirm=yes` changes nothing and
//! answers a page saying what will happen, whose Confirm button does it.

use diesel::prelude::*;
use leadrelay::db::schema::{locations, users};

use super::{confirm_form_fields, press_confirm};
use crate::history::{Setup, setup};
use crate::support::fixtures::{login, page};
use crate::support::lead_fixtures::*;

fn location_status(app: &crate::support::helpers::TestApp, id: &str) -> (String, i32) {
    locations::table
        .find(id)
        .select((locations::status, locations::url_version))
        .first(&mut app.conn())
        .unwrap()
}

#[tokio::test]
async fn deleting_a_location_without_a_confirmation_changes_nothing_and_asks_first() {
    let Setup { app, world } = setup().await;
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let html = page(&admin, &format!("/locations/{id}")).await;
    assert!(
        !html.contains("name=\"confirm\""),
        "the page's forms carry no confirmation of their own"
    );

    let response = admin.post(&format!("/locations/{id}/delete"), &[]).await;
    assert_eq!(response.status(), 200);
    let confirm = response.text().await.unwrap();
    assert!(confirm.contains("Delete alpha North?"), "{confirm}");
    assert!(confirm.contains("Its webhook URL and AccuLynx key stop working at once"));
    assert!(confirm.contains("Nothing has been changed yet."));
    assert!(confirm.contains(&format!(
        "href=\"/locations/{id}\" id=\"cancel\">Cancel</a>"
    )));
    let fields = confirm_form_fields(&confirm);
    assert!(fields.contains(&("confirm".into(), "yes".into())));
    assert!(fields.contains(&("csrf_token".into(), admin.csrf.clone())));
    assert_eq!(location_status(&app, id).0, "active", "nothing changed yet");

    let done = press_confirm(&admin, &confirm).await;
    assert_eq!(done.status(), 303);
    assert_eq!(location_status(&app, id).0, "deleted");
}

#[tokio::test]
async fn rotating_a_webhook_url_asks_first_and_keeps_the_grace_period_chosen() {
    let Setup { app, world } = setup().await;
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let response = admin
        .post(&format!("/locations/{id}/rotate-url"), &[("grace", "24h")])
        .await;
    assert_eq!(response.status(), 200);
    let confirm = response.text().await.unwrap();
    assert!(confirm.contains("Change the webhook URL of alpha North?"));
    assert!(
        confirm.contains("The old URL keeps working for 24 hours, then stops."),
        "{confirm}"
    );
    assert!(confirm_form_fields(&confirm).contains(&("grace".into(), "24h".into())));
    assert_eq!(location_status(&app, id).1, 1, "not rotated yet");

    assert_eq!(press_confirm(&admin, &confirm).await.status(), 303);
    assert_eq!(location_status(&app, id).1, 2);
    let until: Option<chrono::NaiveDateTime> = locations::table
        .find(id)
        .select(locations::previous_url_valid_until)
        .first(&mut app.conn())
        .unwrap();
    assert!(
        until.unwrap() > now() + chrono::Duration::hours(23),
        "the grace was kept"
    );
}

#[tokio::test]
async fn resetting_a_password_or_removing_a_user_happens_only_once_confirmed() {
    let Setup { app, world } = setup().await;
    let viewer = &world.a.viewer;
    let admin = login(&app, &world.a.admin.email).await;
    let hash_of = || -> String {
        users::table
            .find(&viewer.id)
            .select(users::password_hash)
            .first(&mut app.conn())
            .unwrap()
    };
    let before = hash_of();
    let response = admin
        .post(&format!("/users/{}/reset-password", viewer.id), &[])
        .await;
    assert_eq!(response.status(), 200);
    let confirm = response.text().await.unwrap();
    assert!(confirm.contains("Reset the password of viewer@alpha.example?"));
    assert_eq!(hash_of(), before, "not reset yet");
    let done = press_confirm(&admin, &confirm).await;
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("Password reset"));
    assert_ne!(hash_of(), before);

    let response = admin
        .post(&format!("/users/{}/remove", viewer.id), &[])
        .await;
    let confirm = response.text().await.unwrap();
    assert!(confirm.contains("Remove viewer@alpha.example?"));
    let count = || -> i64 {
        users::table
            .filter(users::id.eq(&viewer.id))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(count(), 1, "not removed yet");
    assert_eq!(press_confirm(&admin, &confirm).await.status(), 303);
    assert_eq!(count(), 0);
}

#[tokio::test]
async fn a_delivered_lead_is_sent_again_only_from_the_confirm_page() {
    let Setup { app, world } = setup().await;
    let lead = insert_lead(&app, &LeadSeed::new(&world.a.id, &world.a.location_id));
    let admin = login(&app, &world.a.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(
        !html.contains("name=\"confirm\""),
        "no hidden yes on the lead page"
    );

    let response = admin.post(&format!("/leads/{lead}/replay"), &[]).await;
    assert_eq!(response.status(), 200);
    let confirm = response.text().await.unwrap();
    assert!(confirm.contains("Send this delivered lead to AccuLynx again?"));
    assert!(confirm.contains("AccuLynx a second copy"));
    assert!(confirm.contains(&format!("href=\"/leads/{lead}\" id=\"cancel\"")));
    assert_eq!(lead_state(&app, &lead).status, "delivered");
    assert!(events(&app, &lead).is_empty());

    assert_eq!(press_confirm(&admin, &confirm).await.status(), 303);
    assert_eq!(lead_state(&app, &lead).status, "queued");
}

#[tokio::test]
async fn in_a_browser_the_dialog_is_the_confirmation_and_the_page_is_skipped() {
    let Some(browser) = crate::support::browser::Browser::start().await else {
        return;
    };
    let Setup { app, world } = setup().await;
    let id = &world.a.location_id;
    crate::history_browser::sign_in(&browser, &app, &world.a.admin.email).await;
    browser.goto(&app.url(&format!("/locations/{id}"))).await;
    browser
        .click(&format!("form[action='/locations/{id}/delete'] button"))
        .await;
    assert!(
        crate::history_browser::dialog_text(&browser)
            .await
            .starts_with("Delete alpha North?")
    );
    browser.client.dismiss_alert().await.unwrap();
    assert_eq!(
        location_status(&app, id).0,
        "active",
        "Cancel changes nothing"
    );
    browser
        .click(&format!("form[action='/locations/{id}/delete'] button"))
        .await;
    crate::history_browser::dialog_text(&browser).await;
    browser.client.accept_alert().await.unwrap();
    browser
        .wait_for_text("Deleted: its webhook URL and key no longer work")
        .await;
    assert_eq!(location_status(&app, id).0, "deleted");
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}
