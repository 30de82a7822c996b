//! The edit-and-resend form reads dates as the webhook does and says AccuLynx's objections in
//! words, with the fields' labels.

use serde_json::{Value, json};

use crate::history::{Setup, setup};
use crate::support::fixtures::{login, page};
use crate::support::intake::{answer_of, give_key, hook_url, stored};
use crate::support::lead_fixtures::*;

fn mapped_of(app: &crate::support::helpers::TestApp, lead: &str) -> Value {
    serde_json::from_str(&stored(app, lead).mapped_body.unwrap()).unwrap()
}

#[tokio::test]
async fn the_edit_form_reads_an_appointment_date_as_the_webhook_does() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    give_key(&app, a);
    let typed = "12/10/2026 9:00 AM";
    let (status, answer) = answer_of(
        app.client
            .post(hook_url(&app, &a.location_id))
            .json(&json!({"first": "Jane", "appointmentDate": typed}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    let by_webhook = mapped_of(&app, answer["lead_id"].as_str().unwrap());

    let lead = insert_lead(&app, &LeadSeed::new(&a.id, &a.location_id).status("failed"));
    let admin = login(&app, &a.admin.email).await;
    let response = admin
        .post(
            &format!("/leads/{lead}/edit"),
            &[
                ("firstName", "Jane"),
                ("lastName", "Doe"),
                ("initialAppointmentDate", typed),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let edited = mapped_of(&app, &lead);
    assert_eq!(
        edited["initialAppointmentDate"],
        by_webhook["initialAppointmentDate"]
    );
    assert_eq!(edited["initialAppointmentDate"], "2026-12-10T09:00:00");
    assert_eq!(lead_state(&app, &lead).status, "queued");
}

#[tokio::test]
async fn an_unreadable_date_is_refused_beside_its_field_in_words() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let lead = insert_lead(&app, &LeadSeed::new(&a.id, &a.location_id).status("failed"));
    let admin = login(&app, &a.admin.email).await;
    let response = admin
        .post(
            &format!("/leads/{lead}/edit"),
            &[
                ("firstName", "Jane"),
                ("initialAppointmentDate", "next tuesday"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    let form = &html[html.find("id=\"edit\"").unwrap()..];
    assert!(form.contains("id=\"f-initialAppointmentDate-error\">Appointment date \u{201c}next tuesday\u{201d} is not a date and time leadrelay can read"), "{form}");
    assert!(
        form.contains("value=\"next tuesday\""),
        "what was typed stays"
    );
    assert_eq!(lead_state(&app, &lead).status, "failed");
}

#[tokio::test]
async fn acculynx_objections_show_beside_their_fields_with_labels_not_wire_names() {
    let Setup { app, world } = setup().await;
    let a = &world.a;
    let lead = insert_lead(&app, &LeadSeed::new(&a.id, &a.location_id).status("failed"));
    insert_attempt(
        &app,
        &lead,
        &AttemptSeed {
            http_status: Some(400),
            response_body: Some(
                json!({"title": "One or more validation errors occurred.", "status": 400, "errors": {
                    "FirstName": ["The firstName field is required."],
                    "InitialAppointmentDate": ["The JSON value could not be converted to System.DateTime. Path: $.initialAppointmentDate."]
                }})
                .to_string(),
            ),
            outcome: "failed",
            summary: "AccuLynx rejected the lead: The firstName field is required. The JSON value could not be converted to System.DateTime. Path: $.initialAppointmentDate.".into(),
            ..AttemptSeed::delivered(1, now())
        },
    );
    let admin = login(&app, &a.admin.email).await;
    let html = page(&admin, &format!("/leads/{lead}")).await;
    assert!(html.contains("<dt>Last error</dt><dd>AccuLynx rejected the lead: First name is required. Appointment date must be a date and time"), "{html}");
    let form = &html[html.find("id=\"edit\"").unwrap()..];
    assert!(
        form.contains("<details open>"),
        "the form opens on the problems"
    );
    assert!(
        form.contains("id=\"f-firstName-error\">First name is required."),
        "{form}"
    );
    assert!(form.contains(
        "id=\"f-initialAppointmentDate-error\">Appointment date must be a date and time"
    ));
    for raw in [
        "The firstName field",
        "System.DateTime",
        "$.initialAppointmentDate",
    ] {
        assert!(!form.contains(raw), "{raw} in the form");
    }
}
