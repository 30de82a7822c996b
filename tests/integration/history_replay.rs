//! Replay and edit-and-resend (SPEC §7): what they change, what they keep, who is recorded,
//! the confirmation a delivered lead needs, and the leads they refuse.

use chrono::Duration;
use serde_json::{Value, json};

use crate::history::{Setup, listed, page, setup};
use crate::history_lead::{flash_after, woken};
use crate::support::fixtures::login;
use crate::support::lead_fixtures::*;

#[tokio::test]
async fn replaying_a_failed_lead_requeues_it_records_who_and_wakes_the_worker() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let mut seed = LeadSeed::new(&a.id, &a.location_id).status("failed");
    seed.retry_step = 8;
    seed.attempts = 9;
    seed.lease = Some(("worker-1".into(), now() + Duration::minutes(1)));
    let lead = insert_lead(&app, &seed);
    let before = lead_state(&app, &lead);
    let admin = login(&app, &a.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(html.contains(&format!("action=\"/leads/{lead}/replay\"")));
    assert!(
        !html.contains("data-confirm"),
        "a failed lead needs no confirmation"
    );

    let response = admin.post(&format!("/leads/{lead}/replay"), &[]).await;
    assert!(woken(&app).await, "the worker is woken");
    let message = flash_after(&admin, response).await;
    assert!(message.contains("queued to be sent again"), "{message}");
    let after = lead_state(&app, &lead);
    assert_eq!(after.status, "queued");
    assert_eq!(after.retry_step, 0);
    assert_eq!(after.attempts, 9, "earlier attempts stay counted");
    let due = after.next_attempt_at.unwrap();
    assert!(
        due <= now() && due > now() - Duration::minutes(1),
        "due now: {due}"
    );
    assert_eq!((after.lease_owner, after.lease_until), (None, None));
    assert_eq!(after.last_error, None);
    assert_eq!(after.raw_body, before.raw_body);
    assert_eq!(after.mapped_body, before.mapped_body);
    assert_eq!(
        events(&app, &lead),
        [(
            "replayed".to_string(),
            a.admin.email.clone(),
            r#"{"previous_status":"failed"}"#.to_string()
        )]
    );
    assert_eq!(
        audit_entries(&app, "lead.replayed"),
        [(
            a.admin.email.clone(),
            format!("lead {lead}"),
            "sent again; it was failed".into()
        )]
    );
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(html.contains("Replayed by admin@alpha.example"));
    assert!(html.contains("Now: <span class=\"badge badge-queued\">Queued</span>"));
    // Queued now: it cannot be replayed twice.
    let response = admin.post(&format!("/leads/{lead}/replay"), &[]).await;
    let message = flash_after(&admin, response).await;
    assert!(message.contains("already waiting to be sent"), "{message}");
    assert_eq!(events(&app, &lead).len(), 1);
}

#[tokio::test]
async fn a_delivered_lead_is_sent_again_only_when_confirmed() {
    let Setup { app, world } = setup().await;
    let lead = insert_lead(&app, &LeadSeed::new(&world.a.id, &world.a.location_id));
    let admin = login(&app, &world.a.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(
        html.contains("data-confirm=\"This lead was already delivered to AccuLynx. Send it again?")
    );
    assert!(
        !html.contains("name=\"confirm\""),
        "the confirmation is the server's step, not a hidden field"
    );

    let response = admin.post(&format!("/leads/{lead}/replay"), &[]).await;
    assert_eq!(response.status(), 200);
    let confirm = response.text().await.unwrap();
    assert!(
        confirm.contains("This lead was already delivered to AccuLynx"),
        "{confirm}"
    );
    assert_eq!(lead_state(&app, &lead).status, "delivered");
    assert!(events(&app, &lead).is_empty());

    let response = admin
        .post(&format!("/leads/{lead}/replay"), &[("confirm", "yes")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(lead_state(&app, &lead).status, "queued");
    assert_eq!(
        audit_entries(&app, "lead.replayed")[0].2,
        "sent again after it was delivered (confirmed)"
    );
}

#[tokio::test]
async fn leads_that_cannot_be_replayed_or_edited_are_refused_with_a_reason() {
    let Setup { app, world } = setup().await;
    let admin = login(&app, &world.a.admin.email).await;
    let seed = || LeadSeed::new(&world.a.id, &world.a.location_id);
    for (status, action, reason) in [
        ("queued", "replay", "already waiting to be sent"),
        (
            "retrying",
            "edit",
            "waiting to be sent. It can be edited if it fails",
        ),
        ("held", "replay", "held until its location is resumed"),
        ("rejected", "replay", "Edit it and resend instead"),
        ("duplicate", "replay", "Replay the original lead instead"),
        ("delivered", "edit", "it cannot be edited here"),
    ] {
        let lead = insert_lead(&app, &seed().status(status));
        let response = admin
            .post(
                &format!("/leads/{lead}/{action}"),
                &[("confirm", "yes"), ("firstName", "Jane")],
            )
            .await;
        let message = flash_after(&admin, response).await;
        assert!(message.contains(reason), "{status} {action}: {message}");
        assert_eq!(lead_state(&app, &lead).status, status);
        assert!(events(&app, &lead).is_empty());
    }
    // A deleted location has no key to send with.
    let lead = insert_lead(&app, &seed().status("failed"));
    leadrelay::tenants::queries::delete_location(&mut app.conn(), &world.a.location_id).unwrap();
    let response = admin.post(&format!("/leads/{lead}/replay"), &[]).await;
    let message = flash_after(&admin, response).await;
    assert!(
        message.contains("location of this lead was deleted"),
        "{message}"
    );
}

#[tokio::test]
async fn editing_a_rejected_lead_checks_it_against_accu_lynx_keeps_the_original_and_resends_it() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let original = json!({"lastName": "Doe", "emailAddress": "jd@example.com", "country": "US"});
    let lead = insert_lead(
        &app,
        &LeadSeed::new(&a.id, &a.location_id)
            .mapped(original.clone())
            .status("rejected"),
    );
    let before = lead_state(&app, &lead);
    let admin = login(&app, &a.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(html.contains("Rejected on arrival: not sent"));
    assert!(html.contains("<strong>First name</strong>: No first name was found in the lead."));
    assert!(
        html.contains("<details open>"),
        "the form is unfolded for a rejected lead"
    );
    for field in leadrelay::acculynx::LeadField::all() {
        assert!(
            html.contains(&format!("name=\"{}\"", field.name())),
            "{}",
            field.name()
        );
    }
    assert!(html.contains("<select id=\"f-priority\" name=\"priority\">"));
    assert!(html.contains("id=\"f-lastName\" name=\"lastName\" type=\"text\" value=\"Doe\""));

    // AccuLynx's rules, shown next to the fields; nothing changes.
    let path = format!("/leads/{lead}/edit");
    let response = admin
        .post(
            &path,
            &[
                ("firstName", " "),
                ("lastName", "Doe"),
                ("emailAddress", "not-an-email"),
                ("priority", "Whenever"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    let field = |name: &str| {
        let at = html
            .find(&format!("id=\"f-{name}-error\""))
            .unwrap_or_else(|| panic!("{name}"));
        html[at..html[at..].find("</p>").unwrap() + at].to_string()
    };
    // The portal's own check, in words with the fields' labels (not AccuLynx's .NET wording).
    assert!(field("firstName").contains("First name is required."));
    assert!(
        field("emailAddress")
            .contains("Email address must be an email address, like name@example.com.")
    );
    assert!(field("priority").contains("Priority must be one of: Normal, High, Urgent."));
    assert!(!html.contains("firstName field"), "no raw AccuLynx wording");
    assert!(
        html.contains("value=\"not-an-email\""),
        "what was typed stays"
    );
    assert_eq!(lead_state(&app, &lead).status, "rejected");
    assert!(events(&app, &lead).is_empty());

    let response = admin
        .post(
            &path,
            &[
                ("firstName", " Jane "),
                ("lastName", "Doe"),
                ("emailAddress", "jane@example.com"),
                ("phoneNumber1", "(720) 555-0199"),
                ("phoneType1", "Mobile"),
                ("priority", "High"),
                ("country", "US"),
                ("notes", ""),
                ("unknownField", "ignored"),
            ],
        )
        .await;
    assert!(woken(&app).await);
    let message = flash_after(&admin, response).await;
    assert!(message.contains("queued to be sent"), "{message}");
    let after = lead_state(&app, &lead);
    assert_eq!(after.status, "queued");
    let sent: Value = serde_json::from_str(after.mapped_body.as_deref().unwrap()).unwrap();
    assert_eq!(
        sent,
        json!({
            "firstName": "Jane", "lastName": "Doe", "emailAddress": "jane@example.com",
            "phoneNumber1": "(720) 555-0199", "phoneType1": "Mobile", "priority": "High",
            "country": "US",
        })
    );
    assert_eq!(after.first_name.as_deref(), Some("Jane"));
    assert_eq!(after.phone_digits.as_deref(), Some("7205550199"));
    assert_eq!(
        after.search_text.as_deref(),
        Some("jane doe jane@example.com")
    );
    assert_eq!(
        after.raw_body, before.raw_body,
        "the lead as received never changes"
    );
    let kept = events(&app, &lead);
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].0.as_str(), kept[0].1.as_str()),
        ("edited", a.admin.email.as_str())
    );
    assert_eq!(serde_json::from_str::<Value>(&kept[0].2).unwrap(), original);
    assert_eq!(
        audit_entries(&app, "lead.edited")[0].2,
        "changed firstName, phoneNumber1, phoneType1, emailAddress, priority"
    );
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(html.contains("Edited and resent by admin@alpha.example"));
    assert!(html.contains("Changed: First name, Phone 1, Phone 1 type, Email address, Priority."));
    assert!(html.contains("The AccuLynx lead before this edit"));
    // The searchable copies follow: the new phone finds it.
    let found = page(
        &admin,
        &format!("/companies/{}/leads?q=720-555-0199", a.slug),
    )
    .await;
    assert_eq!(listed(&found), [lead.as_str()]);
}
