//! The Field mapping page (SPEC §6.1): aliases and defaults saved per location and audited
//! (SPEC §3), the dry run that stores nothing, and who may do what.

use diesel::prelude::*;
use leadrelay::acculynx::JobCategory;
use leadrelay::db::schema::{audit_events, leads};

use crate::support::fixtures::{login, seed_world};
use crate::support::helpers::spawn_app;
use crate::support::mapping::{
    count_of, dry_run, element_text, form, lead_json, mapping_path, stored,
};
use crate::support::secrets::{flash_in, page, post_and_follow};

const ALT_PHONE_LEAD: &str = "firstName=Jane&Alt+Phone=720-555-0143&jobType=roof";

#[tokio::test]
async fn saving_aliases_and_defaults_changes_how_a_lead_maps() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;

    let html = page(&admin, &mapping_path(id)).await;
    assert!(html.contains("Field mapping of alpha North"), "{html}");
    assert!(html.contains("companyName, company, compName, business"));
    let location_page = page(&admin, &format!("/locations/{id}")).await;
    assert!(location_page.contains(&format!("href=\"{}\"", mapping_path(id))));

    // Out of the box, "Alt Phone" is not a phone: it lands in the notes.
    let (status, html) = dry_run(&admin, id, &[], ALT_PHONE_LEAD, "").await;
    assert_eq!(status, 200);
    let lead = lead_json(&html);
    assert_eq!(lead["firstName"], "Jane");
    assert!(lead.get("phoneNumber2").is_none(), "{lead}");
    assert!(lead.get("jobCategory").is_none(), "{lead}");
    assert!(
        lead["notes"]
            .as_str()
            .unwrap()
            .contains("Alt Phone: 720-555-0143"),
        "{lead}"
    );

    let changes = [
        ("aliases.phoneNumber2", "Alt Phone"),
        ("defaults.job_category", "Residential"),
        ("defaults.time_zone", "America/Denver"),
        ("dedupe_window_hours", "0"),
    ];
    let html = post_and_follow(&admin, &mapping_path(id), &form(&changes)).await;
    let flash = flash_in(&html).unwrap();
    assert!(
        flash.contains("field mapping of alpha North was saved"),
        "{flash}"
    );
    assert!(
        html.contains(">Alt Phone</textarea>"),
        "the page shows the alias"
    );
    assert!(html.contains("<option value=\"Residential\" selected>"));
    assert!(html.contains("<option value=\"America/Denver\" selected>"));

    let (_, mapping) = stored(&app, id);
    assert_eq!(mapping.aliases["phoneNumber2"], ["Alt Phone"]);
    assert_eq!(
        mapping.defaults.job_category,
        Some(JobCategory::Residential)
    );
    assert_eq!(
        mapping.defaults.time_zone.as_deref(),
        Some("America/Denver")
    );
    assert_eq!(mapping.dedupe_window_hours, 0);
    assert!(mapping.unmapped_to_notes);
    // What the intake compiles from the stored mapping now reads the alias.
    let fields = vec![
        ("firstName".to_string(), "Jane".to_string()),
        ("alt_phone".to_string(), "720-555-0143".to_string()),
    ];
    let mapped = mapping.compile().map(&fields);
    assert_eq!(mapped.lead.phone_number2.as_deref(), Some("7205550143"));

    // The dry run with the form as the page now shows it maps the alias and the default.
    let (status, html) = dry_run(&admin, id, &changes, ALT_PHONE_LEAD, "").await;
    assert_eq!(status, 200);
    let lead = lead_json(&html);
    assert_eq!(lead["phoneNumber2"], "7205550143");
    assert_eq!(lead["phoneType2"], "Home");
    assert_eq!(lead["jobCategory"], "Residential");
    assert!(
        !lead["notes"].as_str().unwrap().contains("Alt Phone"),
        "{lead}"
    );
    let routes = element_text(&html, "dry-run-routes").unwrap();
    assert!(routes.contains("Phone 2 (phoneNumber2)"), "{routes}");
}

#[tokio::test]
async fn the_dry_run_applies_the_mapping_as_typed_and_stores_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let leads_before: i64 = leads::table.count().get_result(&mut *app.conn()).unwrap();
    let audit_before: i64 = audit_events::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    let (json_before, _) = stored(&app, id);

    let typed = [
        ("aliases.phoneNumber2", "Alt Phone"),
        ("defaults.priority", "Urgent"),
    ];
    let (status, html) = dry_run(&admin, id, &typed, ALT_PHONE_LEAD, "").await;
    assert_eq!(status, 200);
    let lead = lead_json(&html);
    assert_eq!(
        lead["phoneNumber2"], "7205550143",
        "the unsaved alias applies"
    );
    assert_eq!(lead["priority"], "Urgent");
    // No key saved yet: the verdict says the lead would be held.
    let verdict = element_text(&html, "dry-run-verdict").unwrap();
    assert!(verdict.contains("202 (held)"), "{verdict}");
    assert!(verdict.contains("no AccuLynx API key"), "{verdict}");
    // The page keeps what was typed.
    assert!(html.contains(">Alt Phone</textarea>"));
    assert!(html.contains("<option value=\"Urgent\" selected>"));

    // "Try an example" shows a ClientTether lead with a warning.
    let mut fields = form(&[]);
    fields.push(("example", "clienttether"));
    fields.push(("sample", ""));
    let response = admin
        .post(&format!("{}/dry-run", mapping_path(id)), &fields)
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let lead = lead_json(&html);
    assert_eq!(lead["firstName"], "Jane");
    assert_eq!(lead["companyName"], "Doe Family Trust");
    assert_eq!(lead["phoneNumber1"], "3035550100");
    assert_eq!(lead["initialAppointmentDate"], "2027-03-14T14:30:00");
    let warnings = element_text(&html, "dry-run-warnings").unwrap();
    assert!(warnings.contains("jane.doe@example"), "{warnings}");
    assert!(
        html.contains("Whiteboard=Hail+damage"),
        "the sample is filled in"
    );

    let leads_after: i64 = leads::table.count().get_result(&mut *app.conn()).unwrap();
    let audit_after: i64 = audit_events::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(leads_after, leads_before, "a dry run stores no lead");
    assert_eq!(audit_after, audit_before, "a dry run changes nothing");
    assert_eq!(stored(&app, id).0, json_before, "the mapping is not saved");
}

#[tokio::test]
async fn mapping_problems_are_shown_next_to_their_fields_and_nothing_is_saved() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let bad = [
        ("aliases.lastName", "firstName"),
        ("aliases.city", "Town\r\ntown"),
        ("defaults.time_zone", "Mars/Olympus"),
        ("dedupe_window_hours", "a day"),
    ];
    let response = admin.post(&mapping_path(id), &form(&bad)).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    let summary = element_text(&html, "mapping-problems").unwrap();
    assert!(summary.contains("these 4 problems"), "{summary}");
    for (id, needle) in [
        ("error-alias-lastName", "firstName"),
        ("error-alias-city", "listed twice"),
        ("error-time_zone", "Mars/Olympus"),
        ("error-dedupe_window_hours", "whole number of hours"),
    ] {
        let message = element_text(&html, id).unwrap_or_else(|| panic!("no {id} in {html}"));
        assert!(message.contains(needle), "{id}: {message}");
    }
    assert!(html.contains("aria-describedby=\"error-alias-lastName\""));
    assert!(
        html.contains(">Town\r\ntown</textarea>") || html.contains(">Town\ntown</textarea>"),
        "the form comes back as typed"
    );
    assert!(html.contains("<option value=\"Mars/Olympus\" selected>"));
    assert_eq!(stored(&app, id).0, "{}");
    assert_eq!(count_of(&app, "location.mapping_changed"), 0);

    // The dry run refuses to run a mapping with problems, and says why.
    let (status, html) = dry_run(&admin, id, &bad, ALT_PHONE_LEAD, "").await;
    assert_eq!(status, 422);
    let notice = element_text(&html, "dry-run-result").unwrap();
    assert!(notice.contains("fix them to run the dry run"), "{notice}");
    assert!(!html.contains("id=\"dry-run-json\""));
}

#[tokio::test]
async fn saving_records_what_changed_in_the_audit_log() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let mut changes = form(&[
        ("aliases.phoneNumber2", "Alt Phone, Spouse Phone"),
        ("defaults.job_category", "Residential"),
        ("defaults.first_name_fallback", "Website lead"),
    ]);
    // A checkbox left unticked is not sent at all.
    changes.retain(|(name, _)| *name != "unmapped_to_notes");
    post_and_follow(&admin, &mapping_path(id), &changes).await;
    let rows: Vec<(String, String, String)> = audit_events::table
        .filter(audit_events::action.eq("location.mapping_changed"))
        .select((
            audit_events::actor,
            audit_events::target,
            audit_events::detail,
        ))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(rows.len(), 1);
    let (actor, target, detail) = &rows[0];
    assert_eq!(actor, "admin@alpha.example");
    assert_eq!(target, "alpha North");
    for part in [
        "phoneNumber2 aliases +\"Alt Phone\" +\"Spouse Phone\"",
        "job category: no default → Residential",
        "first-name fallback: not set → \"Website lead\"",
        "unmapped fields to notes: on → off",
    ] {
        assert!(detail.contains(part), "{part} in {detail}");
    }
    assert!(!stored(&app, id).1.unmapped_to_notes);

    // Saving the same again changes nothing and records nothing.
    let html = post_and_follow(&admin, &mapping_path(id), &changes).await;
    assert!(flash_in(&html).unwrap().contains("Nothing changed"));
    assert_eq!(count_of(&app, "location.mapping_changed"), 1);
    let audit = page(&admin, "/audit").await;
    assert!(audit.contains("Changed the field mapping"));
}

#[tokio::test]
async fn viewers_read_the_mapping_but_cannot_change_it_or_run_a_dry_run() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    post_and_follow(
        &admin,
        &mapping_path(id),
        &form(&[("aliases.street2", "Unit No")]),
    )
    .await;
    let (json, _) = stored(&app, id);

    let viewer = login(&app, &world.a.viewer.email).await;
    let html = page(&viewer, &mapping_path(id)).await;
    assert!(html.contains("Unit No"), "the viewer sees the alias");
    assert!(html.contains("Only company admins can change the field mapping"));
    assert!(!html.contains("name=\"aliases."), "no inputs for a viewer");
    assert!(
        !html.contains("/mapping/dry-run"),
        "no dry run for a viewer"
    );

    let response = viewer
        .post(&mapping_path(id), &form(&[("aliases.street2", "")]))
        .await;
    assert_eq!(response.status(), 403);
    let (status, _) = dry_run(&viewer, id, &[], ALT_PHONE_LEAD, "").await;
    assert_eq!(status, 403);
    assert_eq!(stored(&app, id).0, json, "the viewer changed nothing");
}

#[tokio::test]
async fn other_companies_get_404_from_the_mapping_page_and_its_forms() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    for email in [&world.b.admin.email, &world.b.viewer.email] {
        let outsider = login(&app, email).await;
        assert_eq!(outsider.get(&mapping_path(id)).await.status(), 404);
        let response = outsider
            .post(&mapping_path(id), &form(&[("aliases.street2", "x")]))
            .await;
        assert_eq!(response.status(), 404, "{email}");
        let (status, html) = dry_run(&outsider, id, &[], ALT_PHONE_LEAD, "").await;
        assert_eq!(status, 404, "{email}");
        assert!(!html.contains("Jane"));
    }
    assert_eq!(stored(&app, id).0, "{}");
    let platform = login(&app, &world.platform.email).await;
    assert_eq!(platform.get(&mapping_path(id)).await.status(), 200);
}

#[tokio::test]
async fn unreadable_oversized_and_missing_samples_get_a_clear_answer() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;

    let (status, html) = dry_run(&admin, id, &[], "{\"firstName\": \"Jane\",", "").await;
    assert_eq!(status, 200);
    let verdict = element_text(&html, "dry-run-verdict").unwrap();
    assert!(
        verdict.contains("would answer 400") && verdict.contains("not valid JSON"),
        "{verdict}"
    );
    assert!(!html.contains("id=\"dry-run-json\""));

    let (_, html) = dry_run(&admin, id, &[], "firstName=Jane", "text/plain").await;
    let verdict = element_text(&html, "dry-run-verdict").unwrap();
    assert!(
        verdict.contains("would answer 415") && verdict.contains("text/plain"),
        "{verdict}"
    );

    let big = format!("firstName=Jane&notes={}", "a".repeat(70 * 1024));
    let (status, html) = dry_run(&admin, id, &[], &big, "").await;
    assert_eq!(status, 200);
    let verdict = element_text(&html, "dry-run-verdict").unwrap();
    assert!(
        verdict.contains("413") && verdict.contains("at most 64 KiB"),
        "{verdict}"
    );

    let (status, html) = dry_run(&admin, id, &[], "  \r\n", "").await;
    assert_eq!(status, 422);
    let notice = element_text(&html, "dry-run-result").unwrap();
    assert!(notice.contains("Paste a sample body first"), "{notice}");
}

#[tokio::test]
async fn the_mapping_of_a_deleted_location_can_be_read_but_not_changed() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    post_and_follow(
        &admin,
        &format!("/locations/{id}/delete"),
        &[("confirm", "yes")],
    )
    .await;

    let html = page(&admin, &mapping_path(id)).await;
    assert!(html.contains("its field mapping can no longer be changed"));
    assert!(
        !html.contains("name=\"aliases."),
        "no form for a deleted location"
    );
    let html = post_and_follow(
        &admin,
        &mapping_path(id),
        &form(&[("aliases.street2", "Unit No")]),
    )
    .await;
    assert!(flash_in(&html).unwrap().contains("was deleted"));
    let (status, _) = dry_run(&admin, id, &[], ALT_PHONE_LEAD, "").await;
    assert_eq!(status, 303);
    assert_eq!(stored(&app, id).0, "{}");
    assert_eq!(count_of(&app, "location.mapping_changed"), 0);
}
