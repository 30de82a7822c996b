//! `leadrelay rotate-master-key` (SPEC §2, §4) on a populated database: every key still
//! decrypts (and works against the sandbox), every webhook URL stays the same, the old key is
//! refused afterwards. Runs on SQLite and, with `LEADRELAY_TEST_DATABASE_URL`, PostgreSQL.

use diesel::prelude::*;
use leadrelay::crypto::master_key::MasterKey;
use leadrelay::db::schema::audit_events;

use crate::support::fixtures::{login, seed_world};
use crate::support::helpers::{TestApp, spawn_app_with};
use crate::support::secrets::{
    assert_database_never_holds, flash_in, login_at, new_key, page, post_and_follow, run_cli,
    run_cli_with_key, sandbox_knowing, save_key, test_key, webhook_url_in,
};

async fn post_status(app: &TestApp, url: &str) -> u16 {
    app.client
        .post(url)
        // Different each time: the same lead twice would be answered as a duplicate.
        .form(&[
            ("firstName", "Dana"),
            ("contactId", &uuid::Uuid::new_v4().to_string()),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A second application on the same database, with another master key.
struct Running {
    address: String,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Running {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn start_on(app: &TestApp, master_key: &MasterKey) -> Running {
    let mut settings = app.settings.clone();
    settings.master_key = leadrelay::config::MasterKeySource::Inline(master_key.clone());
    settings.public_url = Some(url::Url::parse(&app.address).unwrap());
    let built = leadrelay::startup::Application::build(settings)
        .await
        .unwrap();
    let running = Running {
        address: format!("http://127.0.0.1:{}", built.port()),
        handle: built.handle(),
    };
    tokio::spawn(built.run_until_stopped());
    running
}

#[tokio::test]
async fn rotate_master_key_keeps_every_key_and_every_url_and_retires_the_old_key() {
    let keys = [new_key(), new_key(), new_key()];
    let (_sandbox, acculynx) = sandbox_knowing(&[
        (&keys[0], "A North"),
        (&keys[1], "A East"),
        (&keys[2], "B North"),
    ])
    .await;
    let app = spawn_app_with(|s| s.acculynx_base_url = acculynx).await;
    let world = seed_world(&app);
    let east = run_cli(
        &app,
        &[
            "location",
            "add",
            "--company",
            "alpha",
            "--name",
            "A East",
            "--acculynx-key-stdin",
        ],
        Some(&keys[1]),
    )
    .await;
    let east_id = east
        .stdout
        .trim()
        .split('/')
        .rev()
        .nth(1)
        .unwrap()
        .to_string();
    let a_admin = login(&app, &world.a.admin.email).await;
    let b_admin = login(&app, &world.b.admin.email).await;
    save_key(&a_admin, &world.a.location_id, &keys[0]).await;
    save_key(&b_admin, &world.b.location_id, &keys[2]).await;
    // One location has a previous URL still in its grace period.
    let old_b =
        webhook_url_in(&page(&b_admin, &format!("/locations/{}", world.b.location_id)).await)
            .unwrap();
    post_and_follow(
        &b_admin,
        &format!("/locations/{}/rotate-url", world.b.location_id),
        &[("grace", "24h"), ("confirm", "yes")],
    )
    .await;
    let listed_before = [
        run_cli(&app, &["location", "list", "--company", "alpha"], None)
            .await
            .stdout,
        run_cli(&app, &["location", "list", "--company", "bravo"], None)
            .await
            .stdout,
    ];

    let old_key = app.master_key();
    let new_master = MasterKey::generate();
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("new.key");
    std::fs::write(&key_file, format!("{}\n", new_master.to_base64())).unwrap();
    let key_path = key_file.to_str().unwrap();
    let out = run_cli(
        &app,
        &["rotate-master-key", "--new-key-file", key_path],
        None,
    )
    .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("3 AccuLynx API keys, the master-key check and the webhook signing secret"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Webhook URLs are unchanged")
            && out.stdout.contains("restart every leadrelay instance")
    );

    // The instance still running on the old key says plainly that it needs the new one.
    let html = test_key(&a_admin, &world.a.location_id).await;
    let flash = flash_in(&html).unwrap();
    assert!(
        flash.contains("sealed with another master key")
            && flash.contains("restart this server with the new key"),
        "{flash}"
    );

    // With the new key: same URLs, every key decrypts and works, the old URL's grace holds.
    let after = [
        run_cli_with_key(
            &app,
            &new_master,
            &["location", "list", "--company", "alpha"],
            None,
        )
        .await
        .stdout,
        run_cli_with_key(
            &app,
            &new_master,
            &["location", "list", "--company", "bravo"],
            None,
        )
        .await
        .stdout,
    ];
    assert_eq!(after, listed_before);
    let restarted = start_on(&app, &new_master).await;
    let a_new = login_at(&restarted.address, &world.a.admin.email).await;
    for id in [&world.a.location_id, &east_id] {
        let html = test_key(&a_new, id).await;
        assert!(
            html.contains("flash-success"),
            "{id}: {:?}",
            flash_in(&html)
        );
    }
    let b_new = login_at(&restarted.address, &world.b.admin.email).await;
    let html = test_key(&b_new, &world.b.location_id).await;
    assert!(flash_in(&html).unwrap().contains("\"B North\""));
    let (_, old_token) = old_b.rsplit_once('/').unwrap();
    let through_new = format!(
        "{}/hooks/{}/{old_token}",
        restarted.address, world.b.location_id
    );
    assert_eq!(
        post_status(&app, &through_new).await,
        202,
        "the previous URL is still in its grace"
    );

    // The old key is refused from now on.
    let refused = run_cli_with_key(
        &app,
        &old_key,
        &["location", "list", "--company", "alpha"],
        None,
    )
    .await;
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("does not match the one this database was created with")
    );
    let again = run_cli_with_key(
        &app,
        &new_master,
        &["rotate-master-key", "--new-key-file", key_path],
        None,
    )
    .await;
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already in use"), "{}", again.stderr);
    let rotations: i64 = audit_events::table
        .filter(audit_events::action.eq("instance.master_key_rotated"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(rotations, 1);
    assert_database_never_holds(&app.test_db, &[&keys[0], &keys[1], &keys[2]]);
}
