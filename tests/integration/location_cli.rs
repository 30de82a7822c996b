//! The location commands and `rotate-master-key` (SPEC §2), run as the binary against the
//! test's database while the application serves it.

use diesel::prelude::*;
use leadrelay::crypto::secret_box::SecretBox;
use leadrelay::db::schema::audit_events;
use leadrelay::tenants::secrets::open_location_key;

use crate::support::fixtures::{login, seed_world};
use crate::support::helpers::{TestApp, spawn_app};
use crate::support::secrets::{
    assert_database_never_holds, location_row, new_key, page, run_cli, webhook_url_in,
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
    assert_eq!(post_status(&app, url).await, 202, "the printed URL works");

    let id = url.split('/').rev().nth(1).unwrap();
    let row = location_row(&app, id);
    assert_eq!(row.company_id, world.a.id);
    assert_eq!(row.key_last4.as_deref(), Some(&key[key.len() - 4..]));
    let opened = open_location_key(
        &SecretBox::new(&app.master_key()),
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
            .post(&format!("/locations/{zed}/delete"), &[("confirm", "yes")])
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
        202,
        "in its grace period"
    );
    let rotated = run_cli(
        &app,
        &["location", "rotate-url", &world.a.location_id],
        None,
    )
    .await;
    let third = rotated.stdout.trim().to_string();
    // Changed by another process: the running server sees it once its location cache entry
    // expires (two seconds).
    crate::support::helpers::wait_until(
        "the old URL to stop working",
        std::time::Duration::from_secs(5),
        || async { post_status(&app, &second).await == 404 },
    )
    .await;
    assert_eq!(post_status(&app, &north_url).await, 404);
    assert_eq!(post_status(&app, &third).await, 202);
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

#[tokio::test]
async fn new_locations_deliver_through_v2_and_set_api_switches_one_with_an_audit_entry() {
    use leadrelay::db::schema::locations;
    let app = spawn_app().await;
    let world = seed_world(&app);
    let api_of = |id: &str| -> String {
        locations::table
            .find(id)
            .select(locations::acculynx_api)
            .first(&mut *app.conn())
            .unwrap()
    };
    let added = run_cli(
        &app,
        &[
            "location",
            "add",
            "--company",
            "alpha",
            "--name",
            "alpha West",
        ],
        None,
    )
    .await;
    assert_eq!(added.code, 0, "{added:?}");
    let west = added
        .stdout
        .trim()
        .split('/')
        .rev()
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(api_of(&west), "v2", "new locations default to v2");
    let v1 = run_cli(
        &app,
        &[
            "location",
            "add",
            "--company",
            "alpha",
            "--name",
            "alpha East",
            "--api",
            "V1",
        ],
        None,
    )
    .await;
    let east = v1
        .stdout
        .trim()
        .split('/')
        .rev()
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(api_of(&east), "v1");
    assert_eq!(
        api_of(&world.a.location_id),
        "v1",
        "existing locations keep v1"
    );

    let bad = run_cli(&app, &["location", "set-api", &west, "v3"], None).await;
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.stderr.contains("v1 or v2"), "{bad:?}");
    let unknown = run_cli(&app, &["location", "set-api", "no-such-id", "v1"], None).await;
    assert_ne!(unknown.code, 0);
    assert!(
        unknown.stderr.contains("no location with id"),
        "{unknown:?}"
    );

    let switched = run_cli(&app, &["location", "set-api", &west, "v1"], None).await;
    assert_eq!(switched.code, 0, "{switched:?}");
    assert!(
        switched.stdout.contains("now go to AccuLynx v1"),
        "{switched:?}"
    );
    assert_eq!(api_of(&west), "v1");
    let again = run_cli(&app, &["location", "set-api", &west, "v1"], None).await;
    assert!(again.stdout.contains("already on AccuLynx v1"), "{again:?}");
    let audited: Vec<(String, String)> = audit_events::table
        .filter(audit_events::action.eq("location.api_changed"))
        .select((audit_events::target, audit_events::detail))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(audited, [("alpha West".to_string(), "v2 → v1".to_string())]);

    // The portal switches it back, and the list shows it.
    let admin = login(&app, &world.a.admin.email).await;
    let saved = admin
        .post(&format!("/locations/{west}/acculynx-api"), &[("api", "v2")])
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(api_of(&west), "v2");
    let listed = run_cli(&app, &["location", "list", "--company", "alpha"], None).await;
    let line = listed
        .stdout
        .lines()
        .find(|l| l.starts_with(&west))
        .unwrap()
        .to_string();
    assert!(line.contains(" v2 "), "{line}");
}
