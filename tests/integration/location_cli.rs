//! The location commands and `rotate-master-key` (SPEC §2), run as the binary against the
//! test's database while the application serves it.

use diesel::prelude::*;
use leadrelay::crypto::master_key::MasterKey;
use leadrelay::crypto::secret_box::SecretBox;
use leadrelay::db::schema::audit_events;
use leadrelay::tenants::secrets::open_location_key;

use crate::acculynx_stand_in::StandIn;
use crate::fixtures::{login, seed_world};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::secrets_support::{
    assert_database_never_holds, flash_in, location_row, login_at, master_key_of, new_key, page,
    post_and_follow, run_cli, run_cli_with_key, save_key, test_key, webhook_url_in,
};

async fn post_status(app: &TestApp, url: &str) -> u16 {
    app.client
        .post(url)
        .form(&[("firstName", "Dana")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn location_add_prints_only_the_webhook_url_and_stores_the_piped_key_encrypted() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let key = new_key();
    let out = run_cli(
        &app,
        &[
            "location",
            "add",
            "--company",
            "alpha",
            "--name",
            "alpha East",
            "--acculynx-key-stdin",
        ],
        Some(&format!("{key}\n")),
    )
    .await;
    assert_eq!(out.code, 0, "{out:?}");
    let url = out.stdout.strip_suffix('\n').unwrap();
    assert_eq!(out.stdout.lines().count(), 1, "the URL alone: {out:?}");
    assert!(url.starts_with(&format!("{}/hooks/", app.address)), "{url}");
    assert_eq!(post_status(&app, url).await, 501, "the printed URL works");

    let id = url.split('/').rev().nth(1).unwrap();
    let row = location_row(&app, id);
    assert_eq!(row.company_id, world.a.id);
    assert_eq!(row.key_last4.as_deref(), Some(&key[key.len() - 4..]));
    let opened = open_location_key(
        &SecretBox::new(&master_key_of(&app)),
        id,
        row.acculynx_key.as_deref().unwrap(),
    )
    .unwrap();
    assert_eq!(opened.expose(), key, "stored without the trailing newline");
    let actors: Vec<(String, String)> = audit_events::table
        .filter(audit_events::target.eq("alpha East"))
        .select((audit_events::actor, audit_events::action))
        .order(audit_events::id.asc())
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        actors,
        [
            ("command line".to_string(), "location.created".to_string()),
            ("command line".to_string(), "location.key_set".to_string()),
        ]
    );
    // The portal shows the same URL.
    let admin = login(&app, &world.a.admin.email).await;
    let html = page(&admin, &format!("/locations/{id}")).await;
    assert_eq!(webhook_url_in(&html).as_deref(), Some(url));
    assert_database_never_holds(&app.test_db, &[&key]);
    assert!(!out.stderr.contains(&key));
}

#[tokio::test]
async fn location_list_and_rotate_url_show_and_change_the_urls() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let added = run_cli(
        &app,
        &["location", "add", "--company", "alpha", "--name", "Zed Ü"],
        None,
    )
    .await;
    let zed_url = added.stdout.trim().to_string();
    let zed = zed_url.split('/').rev().nth(1).unwrap().to_string();
    let admin = login(&app, &world.a.admin.email).await;
    assert_eq!(
        admin
            .post(&format!("/locations/{zed}/delete"), &[])
            .await
            .status(),
        303
    );

    let listed = run_cli(&app, &["location", "list", "--company", "alpha"], None).await;
    assert_eq!(listed.code, 0, "{listed:?}");
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", listed.stdout);
    assert!(
        lines[0].starts_with("ID")
            && lines[0].contains("NAME  ")
            && lines[0].ends_with("WEBHOOK URL")
    );
    let north_url =
        webhook_url_in(&page(&admin, &format!("/locations/{}", world.a.location_id)).await)
            .unwrap();
    assert!(
        lines[1].starts_with(&world.a.location_id)
            && lines[1].contains("alpha North")
            && lines[1].contains(" active ")
            && lines[1].ends_with(&north_url)
    );
    assert!(lines[2].starts_with(&zed) && lines[2].contains("deleted") && lines[2].ends_with(" -"));
    let column = lines[0].find("WEBHOOK URL").unwrap();
    assert_eq!(
        lines[1].find("http").unwrap(),
        column,
        "aligned columns:\n{}",
        listed.stdout
    );

    let rotated = run_cli(
        &app,
        &[
            "location",
            "rotate-url",
            &world.a.location_id,
            "--grace",
            "1h",
        ],
        None,
    )
    .await;
    assert_eq!(rotated.code, 0, "{rotated:?}");
    let second = rotated.stdout.trim().to_string();
    assert_ne!(second, north_url);
    assert!(rotated.stderr.contains("keeps working until"));
    assert_eq!(
        post_status(&app, &north_url).await,
        501,
        "in its grace period"
    );
    let rotated = run_cli(
        &app,
        &["location", "rotate-url", &world.a.location_id],
        None,
    )
    .await;
    let third = rotated.stdout.trim().to_string();
    assert_eq!(post_status(&app, &second).await, 404, "no grace by default");
    assert_eq!(post_status(&app, &north_url).await, 404);
    assert_eq!(post_status(&app, &third).await, 501);
    let html = page(&admin, &format!("/locations/{}", world.a.location_id)).await;
    assert_eq!(webhook_url_in(&html).unwrap(), third);

    let empty = run_cli(&app, &["location", "list", "--company", "bravo"], None).await;
    assert!(empty.stdout.contains("bravo North"));
}

#[tokio::test]
async fn location_commands_fail_with_one_line_and_a_non_zero_exit() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (
            vec!["location", "add", "--company", "nope", "--name", "X"],
            None,
            "no company with slug \"nope\"",
        ),
        (
            vec![
                "location",
                "add",
                "--company",
                "alpha",
                "--name",
                "alpha North",
            ],
            None,
            "already has a location called \"alpha North\"",
        ),
        (
            vec!["location", "add", "--company", "alpha", "--name", "   "],
            None,
            "Give the location a name",
        ),
        (
            vec![
                "location",
                "add",
                "--company",
                "alpha",
                "--name",
                "Y",
                "--acculynx-key-stdin",
            ],
            Some("\n"),
            "standard input held no key",
        ),
        (
            vec!["location", "list", "--company", "nope"],
            None,
            "no company with slug \"nope\"",
        ),
        (
            vec!["location", "rotate-url", "no-such-id"],
            None,
            "no location with id \"no-such-id\"",
        ),
        (
            vec![
                "location",
                "rotate-url",
                &world.a.location_id,
                "--grace",
                "2h",
            ],
            None,
            "--grace: \"2h\" is not a grace period; use 0, 1h, 24h or 7d",
        ),
    ];
    for (args, stdin, message) in cases {
        let out = run_cli(&app, &args, stdin).await;
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("error: ") && out.stderr.contains(message),
            "{message} in {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(
        location_row(&app, &world.a.location_id).url_version,
        1,
        "nothing was changed"
    );
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
    let stand_in = StandIn::start(&[
        (&keys[0], "A North"),
        (&keys[1], "A East"),
        (&keys[2], "B North"),
    ])
    .await;
    let acculynx = stand_in.url.clone();
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
        &[("grace", "24h")],
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

    let old_key = master_key_of(&app);
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
        501,
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
