//! Alerts: a key rejected by AccuLynx gives exactly one email (real SMTP, to a local sink)
//! and one webhook POST (to a local HTTP sink) per cooldown, naming the location with a link;
//! leads failed for good, silent locations and a backlog; a test notification; every message
//! recorded and shown; nothing for other companies; webhook URLs checked against SSRF and
//! never shown again.

use chrono::Duration;
use diesel::prelude::*;
use leadrelay::alerts::send::Notifier;
use leadrelay::crypto::secret_box::SecretBox;

use crate::support::fixtures::{Session, audit_entries, login, page, seed_world, set_location};

use crate::support::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::support::lead_fixtures::*;
use crate::support::sinks::{SmtpSink, WebhookSink};

async fn app_with(smtp: &SmtpSink) -> TestApp {
    let url = smtp.url();
    spawn_app_with(move |settings| {
        settings.mail = Some(leadrelay::config::MailSettings {
            smtp_url: leadrelay::crypto::Secret::new(url),
            from: "leadrelay <alerts@leadrelay.test>".to_string(),
        });
        settings.allow_private_webhooks = true;
    })
    .await
}

fn notifier(app: &TestApp) -> Notifier {
    Notifier::new(
        &app.settings,
        SecretBox::new(&app.master_key()),
        url::Url::parse(&app.address).unwrap(),
    )
    .unwrap()
}

async fn check(app: &TestApp) -> usize {
    leadrelay::alerts::check::check_all(&app.db, &notifier(app))
        .await
        .unwrap()
}

async fn save(admin: &Session, slug: &str, emails: &str, webhook: &str) -> reqwest::Response {
    admin
        .post(
            &format!("/companies/{slug}/alerts"),
            &[
                ("emails", emails),
                ("webhook_url", webhook),
                ("silent_days", "7"),
                ("backlog_minutes", "30"),
                ("cooldown_minutes", "360"),
            ],
        )
        .await
}

#[tokio::test]
async fn a_rejected_key_gives_one_email_and_one_post_per_cooldown_and_nothing_to_others() {
    let smtp = SmtpSink::start().await;
    let (hook_a, hook_b) = (WebhookSink::start().await, WebhookSink::start().await);
    let app = app_with(&smtp).await;
    let world = seed_world(&app);
    let (a, b) = (&world.a, &world.b);
    let admin_a = login(&app, &a.admin.email).await;
    let admin_b = login(&app, &b.admin.email).await;
    assert_eq!(
        save(&admin_a, &a.slug, "office@alpha.example", &hook_a.url())
            .await
            .status(),
        303
    );
    assert_eq!(
        save(&admin_b, &b.slug, "office@beta.example", &hook_b.url())
            .await
            .status(),
        303
    );
    // Both companies' locations are fine (they received a lead just now): nothing to say.
    for company in [a, b] {
        set_location(
            &app,
            &company.location_id,
            "valid",
            now() - Duration::days(1),
        );
        insert_lead(&app, &LeadSeed::new(&company.id, &company.location_id));
    }
    assert_eq!(check(&app).await, 0);

    set_location(&app, &a.location_id, "rejected", now() - Duration::days(1));
    assert_eq!(check(&app).await, 1);
    assert_eq!(check(&app).await, 0, "the cooldown holds the next one back");

    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, ["office@alpha.example"]);
    assert_eq!(mails[0].from, "alerts@leadrelay.test");
    assert!(
        mails[0]
            .data
            .contains("alpha North: AccuLynx rejected the API key"),
        "{}",
        mails[0].data
    );
    let link = format!("{}/locations/{}", app.address, a.location_id);
    assert!(mails[0].data.contains(&link), "{}", mails[0].data);
    let posts = hook_a.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].0, "/services/T000/B000/xoxo-secret-part");
    let body: serde_json::Value = serde_json::from_str(&posts[0].1).unwrap();
    let text = body["text"].as_str().unwrap();
    assert!(
        text.contains("alpha North") && text.contains(&link),
        "{text}"
    );
    assert!(hook_b.posts().is_empty(), "nothing for company B");
    assert!(
        mails
            .iter()
            .all(|mail| !mail.to.contains(&"office@beta.example".to_string()))
    );

    // Recorded, and shown to A's admin only.
    let html = page(&admin_a, &format!("/companies/{}/alerts", a.slug)).await;
    assert!(
        html.contains("Key rejected: alpha North: AccuLynx rejected the API key"),
        "{html}"
    );
    assert_eq!(
        html.matches("data-notification=\"sent\"").count(),
        2,
        "email and webhook"
    );
    let other = page(&admin_b, &format!("/companies/{}/alerts", b.slug)).await;
    assert!(!other.contains("alpha North"));
    assert_eq!(
        admin_b
            .get(&format!("/companies/{}/alerts", a.slug))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn failed_leads_a_backlog_and_a_silent_location_are_each_told_once() {
    let smtp = SmtpSink::start().await;
    let app = app_with(&smtp).await;
    let world = seed_world(&app);
    let a = &world.a;
    let admin = login(&app, &a.admin.email).await;
    save(&admin, &a.slug, "ops@alpha.example", "").await;
    set_location(&app, &a.location_id, "valid", now() - Duration::days(30));
    insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .status("failed")
            .ago(Duration::hours(1)),
    );
    insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .status("queued")
            .ago(Duration::hours(2)),
    );
    let south = crate::support::fixtures::add_location(&app, &a.id, "South");
    set_location(&app, &south, "valid", now() - Duration::days(30));
    assert_eq!(check(&app).await, 3);
    assert_eq!(check(&app).await, 0);
    let subjects: Vec<String> = smtp
        .mails()
        .iter()
        .map(|mail| {
            mail.data
                .lines()
                .find(|l| l.starts_with("Subject:"))
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("alpha North: 1 lead failed for good")),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("South: no leads for 7 days")),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("alpha North: 1 lead waiting over 30 minutes")),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn a_test_notification_goes_out_and_a_failure_is_recorded_in_words() {
    let smtp = SmtpSink::start().await;
    let hook = WebhookSink::start().await;
    let broken = WebhookSink::answering(500).await;
    let app = app_with(&smtp).await;
    let world = seed_world(&app);
    let a = &world.a;
    let admin = login(&app, &a.admin.email).await;
    let viewer = login(&app, &a.viewer.email).await;
    let test = format!("/companies/{}/alerts/test", a.slug);
    let response = admin.post(&test, &[]).await;
    assert_eq!(
        response.status(),
        303,
        "no channel yet: a message, not an error page"
    );
    save(&admin, &a.slug, "office@alpha.example", &hook.url()).await;
    assert_eq!(viewer.post(&test, &[]).await.status(), 403);
    assert_eq!(
        viewer
            .get(&format!("/companies/{}/alerts", a.slug))
            .await
            .status(),
        403
    );
    let response = admin.post(&test, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(smtp.mails().len(), 1);
    assert!(
        smtp.mails()[0]
            .data
            .contains("Test notification for Company alpha")
    );
    assert_eq!(hook.posts().len(), 1);
    // A second test is not held back by a cooldown.
    admin.post(&test, &[]).await;
    assert_eq!(hook.posts().len(), 2);

    save(&admin, &a.slug, "office@alpha.example", &broken.url()).await;
    admin.post(&test, &[]).await;
    let html = page(&admin, &format!("/companies/{}/alerts", a.slug)).await;
    assert!(
        html.contains("The webhook at 127.0.0.1 answered HTTP 500."),
        "{html}"
    );
    assert!(
        !html.contains("xoxo-secret-part"),
        "the webhook URL is never shown"
    );
    assert!(!app.logs().contains("xoxo-secret-part"), "nor logged");
    let audit = audit_entries(&app, "company.alerts_changed");
    assert_eq!(audit.len(), 2);
    assert!(
        audit.iter().all(|(_, _, detail)| !detail.contains("xoxo")),
        "{audit:?}"
    );
    assert!(audit[0].2.contains("webhook: 127.0.0.1"), "{audit:?}");
    let stored: Vec<Option<Vec<u8>>> = leadrelay::db::schema::alert_settings::table
        .select(leadrelay::db::schema::alert_settings::webhook_url)
        .load(&mut app.conn())
        .unwrap();
    let sealed = stored[0].clone().unwrap();
    assert!(
        !String::from_utf8_lossy(&sealed).contains("xoxo"),
        "sealed at rest"
    );
}

#[tokio::test]
async fn webhooks_to_private_addresses_and_bad_settings_are_refused() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let a = &world.a;
    let admin = login(&app, &a.admin.email).await;
    let path = format!("/companies/{}/alerts", a.slug);
    let html = page(&admin, &path).await;
    assert!(
        html.contains("LEADRELAY_SMTP_URL"),
        "says email is not set up"
    );
    for (field, value, expected) in [
        (
            "webhook_url",
            "http://127.0.0.1:9/hook",
            "private or local address",
        ),
        (
            "webhook_url",
            "http://169.254.169.254/latest",
            "private or local address",
        ),
        ("webhook_url", "http://[::1]:9/", "private or local address"),
        (
            "webhook_url",
            "file:///etc/passwd",
            "must start with https://",
        ),
        ("emails", "not an address", "is not an email address"),
        ("silent_days", "0", "from 1 to 90"),
        ("cooldown_minutes", "lots", "from 5 to 10080"),
    ] {
        let mut fields = vec![
            ("emails", "office@alpha.example"),
            ("webhook_url", ""),
            ("silent_days", "7"),
            ("backlog_minutes", "30"),
            ("cooldown_minutes", "360"),
        ];
        for entry in &mut fields {
            if entry.0 == field {
                entry.1 = value;
            }
        }
        let response = admin.post(&path, &fields).await;
        assert_eq!(response.status(), 422, "{field}={value}");
        let html = response.text().await.unwrap();
        assert!(html.contains(expected), "{field}={value}: {html}");
    }
    let saved: i64 = leadrelay::db::schema::alert_settings::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(saved, 0, "nothing was saved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_the_sandbox_rejects_is_alerted_once_by_the_running_checker() {
    use crate::support::delivery::{lead_body, rig, seed_leads, set_key, wait_for_status};
    let smtp = SmtpSink::start().await;
    let hook = WebhookSink::start().await;
    let url = smtp.url();
    let rig = rig(false, move |settings| {
        settings.mail = Some(leadrelay::config::MailSettings {
            smtp_url: leadrelay::crypto::Secret::new(url),
            from: "alerts@leadrelay.test".to_string(),
        });
        settings.allow_private_webhooks = true;
        settings.alert_check_every = std::time::Duration::from_millis(100);
    })
    .await;
    let company = &rig.company;
    let admin = login(&rig.app, &company.admin.email).await;
    assert_eq!(
        save(&admin, &company.slug, "office@alpha.example", &hook.url())
            .await
            .status(),
        303
    );
    set_key(
        &rig.app,
        &company.location_id,
        "a-key-acculynx-does-not-know",
    );
    let ids = seed_leads(
        &rig.app,
        company,
        &company.location_id,
        &[lead_body(1), lead_body(2), lead_body(3)],
    );
    for id in &ids {
        wait_for_status(&rig.app, id, "held", std::time::Duration::from_secs(10)).await;
    }
    crate::support::helpers::wait_until(
        "the alert to arrive",
        std::time::Duration::from_secs(10),
        || async { !smtp.mails().is_empty() && !hook.posts().is_empty() },
    )
    .await;
    // Many more checks run in the next second: none sends again.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0]
            .data
            .contains("alpha North: AccuLynx rejected the API key")
    );
    assert!(
        mails[0]
            .data
            .contains(&format!("/locations/{}", company.location_id))
    );
    assert_eq!(hook.posts().len(), 1);
}
