//! `rotate-master-key` re-encrypts the two-factor secrets with the AccuLynx keys: after it, an
//! instance on the new key still checks the same authenticator's codes.

use leadrelay::crypto::master_key::MasterKey;

use crate::support::fixtures::{PASSWORD, anonymous_at, login, seed_world, try_login};
use crate::support::helpers::spawn_app;
use crate::support::secrets::run_cli;

use super::enrol;

#[tokio::test]
async fn a_master_key_rotation_keeps_two_factor_sign_in_working() {
    let app = spawn_app().await;
    let world = seed_world(&app);
    let email = world.a.viewer.email.clone();
    let enrolled = enrol(&login(&app, &email).await).await;

    let new_master = MasterKey::generate();
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("new.key");
    std::fs::write(&key_file, format!("{}\n", new_master.to_base64())).unwrap();
    let out = run_cli(
        &app,
        &[
            "rotate-master-key",
            "--new-key-file",
            key_file.to_str().unwrap(),
        ],
        None,
    )
    .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("1 two-factor secret"), "{}", out.stdout);

    let mut settings = app.settings.clone();
    settings.master_key = leadrelay::config::MasterKeySource::Inline(new_master);
    let built = leadrelay::startup::Application::build(settings)
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", built.port());
    let handle = built.handle();
    tokio::spawn(built.run_until_stopped());

    let session = anonymous_at(&address).await;
    let response = try_login(&session, &email, PASSWORD).await;
    assert_eq!(response.headers()["location"], "/login/two-factor");
    let response = session
        .post(
            "/login/two-factor",
            &[("code", &enrolled.code(enrolled.step + 1))],
        )
        .await;
    assert_eq!(
        response.status(),
        303,
        "the code is checked with the re-encrypted secret"
    );
    assert_eq!(session.get("/account").await.status(), 200);
    drop(handle.stop(false));
}
