//! AccuLynx keys (SPEC §4): saved encrypted and shown only by their last four characters,
//! bound to their location, tested against AccuLynx; and the master-key check at start-up.

use std::time::Duration;

use diesel::prelude::*;
use leadrelay::crypto::master_key::MasterKey;
use leadrelay::db::schema::{audit_events, locations};

use leadrelay::sandbox::Fault;

use crate::support::fixtures::{login, seed_world};
use crate::support::helpers::{TestDb, leadrelay_command, spawn_app, spawn_app_with};
use crate::support::secrets::{
    assert_database_never_holds, flash_in, location_row, new_key, page, sandbox_knowing, save_key,
    test_key, unused_port_url, webhook_url_in,
};

#[tokio::test]
async fn a_saved_key_is_shown_only_by_its_last_four_and_never_stored_in_clear() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let empty = page(&admin, &format!("/locations/{id}")).await;
    assert!(
        empty.contains("No AccuLynx API key yet"),
        "an empty state that says what to do"
    );
    assert!(
        empty.contains("type=\"password\""),
        "the key field hides what is typed"
    );

    let first = new_key();
    let html = save_key(&admin, id, &format!("  {first}\n")).await;
    let last4 = &first[first.len() - 4..];
    let flash = flash_in(&html).unwrap();
    assert!(flash.contains(&format!("ending in …{last4}")), "{flash}");
    assert!(
        flash.contains("Next: press \"Test key\""),
        "says what to do next: {flash}"
    );
    assert!(html.contains(&format!("…{last4}")) && html.contains("saved <time"));
    assert!(html.contains("Not tested yet"));
    assert!(!html.contains(&first), "the key is never shown again");
    let row = location_row(&app, id);
    assert_eq!(row.key_last4.as_deref(), Some(last4));
    assert_eq!(row.key_status, "untested");
    assert!(row.key_set_at.is_some());

    let second = new_key();
    let html = save_key(&admin, id, &second).await;
    assert!(html.contains(&format!("…{}", &second[second.len() - 4..])));
    let details: Vec<String> = audit_events::table
        .filter(audit_events::action.eq("location.key_set"))
        .select(audit_events::detail)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(details.len(), 2);
    assert!(details[1].contains(&format!("replaces the key ending in …{last4}")));

    // An empty or mangled key is refused with a sentence, and the saved key stays.
    let html = save_key(&admin, id, "   ").await;
    assert!(flash_in(&html).unwrap().contains("the field was empty"));
    let html = save_key(&admin, id, "two words").await;
    assert!(flash_in(&html).unwrap().contains("spaces or line breaks"));
    assert_eq!(location_row(&app, id).acculynx_key, row_key(&app, id));

    assert_database_never_holds(&app.test_db, &[&first, &second]);
}

fn row_key(app: &crate::support::helpers::TestApp, id: &str) -> Option<Vec<u8>> {
    locations::table
        .find(id)
        .select(locations::acculynx_key)
        .first(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn a_key_copied_to_another_location_does_not_decrypt_and_test_key_says_so() {
    let key = new_key();
    let (sandbox, url) = sandbox_knowing(&[(&key, "Alpha – North")]).await;
    let app = spawn_app_with(|s| s.acculynx_base_url = url).await;
    let world = seed_world(&app);
    let admin = login(&app, &world.a.admin.email).await;
    save_key(&admin, &world.a.location_id, &key).await;
    let other = leadrelay::tenants::locations::add_location(
        &mut app.conn(),
        &leadrelay::audit::Actor::command_line(),
        &world.a.id,
        "alpha South",
        leadrelay::tenants::model::AccuLynxApi::V1,
    )
    .unwrap();
    let source = location_row(&app, &world.a.location_id);
    diesel::update(locations::table.find(&other.id))
        .set((
            locations::acculynx_key.eq(source.acculynx_key.clone()),
            locations::key_last4.eq(source.key_last4.clone()),
            locations::key_status.eq("untested"),
        ))
        .execute(&mut *app.conn())
        .unwrap();

    // AccuLynx's next answer for this key is a 503: whoever sends the key first gets it.
    sandbox.program(&key, [Fault::Status(503)]);
    let html = test_key(&admin, &other.id).await;
    let flash = flash_in(&html).unwrap();
    assert!(
        flash.contains("cannot be decrypted") && flash.contains("does not belong to this record"),
        "{flash}"
    );
    assert!(
        flash.contains("Paste the key again"),
        "says what to do: {flash}"
    );
    assert_eq!(location_row(&app, &other.id).key_status, "untested");

    // Nothing was sent to AccuLynx: the 503 still waits for the original location's test.
    let html = test_key(&admin, &world.a.location_id).await;
    assert!(flash_in(&html).unwrap().contains("AccuLynx answered 503"));
    // The original still works, and the server is fine.
    let html = test_key(&admin, &world.a.location_id).await;
    assert!(flash_in(&html).unwrap().contains("Alpha – North"));
    assert_eq!(
        crate::support::helpers::server_panics(),
        0,
        "no application thread panicked"
    );
}

#[tokio::test]
async fn test_key_names_the_acculynx_location_or_says_plainly_why_it_failed() {
    let good = new_key();
    let (sandbox, url) = sandbox_knowing(&[(&good, "Peak Roofing – Denver")]).await;
    let app = spawn_app_with(|s| {
        s.acculynx_base_url = url;
        s.delivery_timeout = Duration::from_millis(700);
    })
    .await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;

    let html = page(&admin, &format!("/locations/{id}")).await;
    assert!(
        !html.contains("/key/test"),
        "no Test key button without a key"
    );
    let refused = admin.post(&format!("/locations/{id}/key/test"), &[]).await;
    assert_eq!(refused.status(), 303);

    save_key(&admin, id, &good).await;
    let html = test_key(&admin, id).await;
    let flash = flash_in(&html).unwrap();
    assert!(flash.contains("\"Peak Roofing – Denver\""), "{flash}");
    assert!(flash.contains("Next: copy the webhook URL"), "{flash}");
    assert!(html.contains("badge-valid"));
    let row = location_row(&app, id);
    assert_eq!(row.key_status, "valid");
    assert!(row.key_checked_at.is_some());
    assert!(
        row.key_check_message
            .unwrap()
            .contains("Peak Roofing – Denver")
    );

    let unknown = new_key();
    let cases = [
        (
            &unknown,
            None,
            "refused the key (401)",
            "my.acculynx.com/apikeys",
            "rejected",
        ),
        (
            &good,
            Some(Fault::Status(403)),
            "refused access (403)",
            "Ask an AccuLynx administrator",
            "rejected",
        ),
        (
            &good,
            Some(Fault::Delay(Duration::from_secs(5))),
            "did not answer in time",
            "Try the test again",
            "untested",
        ),
    ];
    for (key, fault, reason, next, status) in cases {
        save_key(&admin, id, key).await;
        if let Some(fault) = fault {
            sandbox.program(key, [fault]);
        }
        let html = test_key(&admin, id).await;
        let flash = flash_in(&html).unwrap();
        assert!(
            flash.contains(reason) && flash.contains(next),
            "{key}: {flash}"
        );
        assert!(html.contains("flash-error"));
        assert_eq!(location_row(&app, id).key_status, status, "{reason}");
        assert!(html.contains(reason), "the page shows the last test result");
    }
    let tested: i64 = audit_events::table
        .filter(audit_events::action.eq("location.key_tested"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(tested, 4);
}

#[tokio::test]
async fn test_key_says_when_acculynx_cannot_be_reached_and_keeps_the_key() {
    let url = unused_port_url();
    let app = spawn_app_with(|s| s.acculynx_base_url = url).await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    save_key(&admin, id, &new_key()).await;
    let html = test_key(&admin, id).await;
    let flash = flash_in(&html).unwrap();
    assert!(flash.contains("AccuLynx could not be reached"), "{flash}");
    assert!(flash.contains("the key was kept"), "{flash}");
    let row = location_row(&app, id);
    assert_eq!(
        row.key_status, "untested",
        "an unreachable AccuLynx says nothing of the key"
    );
    assert!(row.acculynx_key.is_some());
}

#[tokio::test]
async fn viewers_see_the_key_state_but_no_url_no_key_and_no_forms() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let id = &world.a.location_id;
    let admin = login(&app, &world.a.admin.email).await;
    let key = new_key();
    save_key(&admin, id, &key).await;
    let viewer = login(&app, &world.a.viewer.email).await;
    let html = page(&viewer, &format!("/locations/{id}")).await;
    assert!(html.contains(&format!("…{}", &key[key.len() - 4..])));
    assert!(html.contains("Only company admins can see"));
    assert!(webhook_url_in(&html).is_none());
    for action in ["/key\"", "/key/test", "/rotate-url"] {
        assert!(!html.contains(action), "no {action} form for a viewer");
    }
    let token = crate::support::secrets::url_signer_of(&app).token(id, 1);
    assert!(!html.contains(&token));
    assert_eq!(
        viewer
            .post(
                &format!("/locations/{id}/key"),
                &[("acculynx_key", "x-y-z-w-q")]
            )
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn a_wrong_master_key_stops_start_up_with_exit_2_and_one_clear_line() {
    let db = TestDb::create();
    let original = MasterKey::generate();
    // A first start records the key check (what `Application::build` does before serving).
    let settings = leadrelay::config::Settings::for_database(db.url.clone(), original.clone());
    let pool = leadrelay::startup::open_database(&settings).await.unwrap();
    let secret_box = leadrelay::crypto::secret_box::SecretBox::new(&original);
    leadrelay::startup::open_instance_secrets(&pool, &secret_box, &settings)
        .await
        .unwrap();
    drop(pool);

    let run = |key: &MasterKey, args: &[&str]| {
        let output = leadrelay_command()
            .args(args)
            .env("LEADRELAY_DATABASE_URL", db.url_text())
            .env("LEADRELAY_MASTER_KEY", key.to_base64())
            .env("LEADRELAY_BIND", "127.0.0.1:0")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let other = MasterKey::generate();
    for args in [&["serve"][..], &["location", "list", "--company", "nope"]] {
        let (code, stderr) = run(&other, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: LEADRELAY_MASTER_KEY: ")
                && stderr.contains("does not match the one this database was created with"),
            "{stderr}"
        );
        assert!(!stderr.contains(&other.to_base64()) && !stderr.contains("panicked"));
    }
    // The control: with the original key, the same command gets past the check.
    let (code, stderr) = run(&original, &["location", "list", "--company", "nope"]);
    assert_eq!(
        (code, stderr.trim()),
        (1, "error: no company with slug \"nope\"")
    );
}

#[test]
fn instances_starting_together_on_a_fresh_database_agree_on_the_signing_secret() {
    let db = TestDb::create();
    let master = MasterKey::generate();
    let pool = leadrelay::db::connect_pool(&db.url, 8).unwrap();
    let barrier = std::sync::Barrier::new(6);
    let tokens: Vec<String> = std::thread::scope(|scope| {
        let starts: Vec<_> = (0..6)
            .map(|_| {
                scope.spawn(|| {
                    let mut conn = pool.get().unwrap();
                    let secret_box = leadrelay::crypto::secret_box::SecretBox::new(&master);
                    barrier.wait();
                    leadrelay::tenants::secrets::open_instance_secrets(
                        &mut conn,
                        &secret_box,
                        "LEADRELAY_MASTER_KEY",
                    )
                    .unwrap()
                    .token("a-location", 1)
                })
            })
            .collect();
        starts.into_iter().map(|s| s.join().unwrap()).collect()
    });
    assert!(tokens.iter().all(|token| token == &tokens[0]), "{tokens:?}");
    let stored: i64 = leadrelay::db::schema::instance_secrets::table
        .count()
        .get_result(&mut *pool.get().unwrap())
        .unwrap();
    assert_eq!(stored, 2, "one check value and one signing secret");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_a_new_key_in_the_portal_sends_the_leads_held_for_the_old_one() {
    use crate::support::delivery::{
        GOOD_KEY, lead_body, rig, seed_leads, set_key, wait_for_status,
    };
    let wait = Duration::from_secs(20);
    let rig = rig(false, |_| {}).await;
    let id = rig.company.location_id.clone();
    set_key(&rig.app, &id, "a-key-acculynx-does-not-know");
    let leads = seed_leads(&rig.app, &rig.company, &id, &[lead_body(1), lead_body(2)]);
    for lead in &leads {
        wait_for_status(&rig.app, lead, "held", wait).await;
    }
    let admin = login(&rig.app, &rig.company.admin.email).await;
    save_key(&admin, &id, GOOD_KEY).await;
    for lead in &leads {
        wait_for_status(&rig.app, lead, "delivered", wait).await;
    }
    assert_eq!(rig.sandbox.accepted().len(), 2);
}
