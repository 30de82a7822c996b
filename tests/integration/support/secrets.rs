//! Shared by the tests of keys, webhook URLs and their commands: reading pages, running the
//! binary against a test's database, and scanning the database for a plaintext.

#![allow(dead_code)]

use std::io::Write;
use std::process::Stdio;

use diesel::prelude::*;
use leadrelay::crypto::master_key::MasterKey;
use leadrelay::crypto::secret_box::SecretBox;
use leadrelay::crypto::url_token::UrlSigner;
use leadrelay::db::schema::locations;
use leadrelay::sandbox::{Sandbox, SandboxConfig, SandboxKey};
use leadrelay::tenants::model::Location;

use crate::support::fixtures::Session;
use crate::support::helpers::{TestApp, TestDb, leadrelay_command};

/// The AccuLynx sandbox, knowing these `(key, AccuLynx location name)` pairs, and its URL
/// for `acculynx_base_url`.
pub async fn sandbox_knowing(keys: &[(&str, &str)]) -> (Sandbox, url::Url) {
    let sandbox = crate::sandbox::start(SandboxConfig {
        keys: keys
            .iter()
            .map(|(key, name)| SandboxKey::new(*key, *name))
            .collect(),
        ..SandboxConfig::default()
    })
    .await;
    let url = url::Url::parse(&sandbox.url()).unwrap();
    (sandbox, url)
}

/// A local address nothing listens on (bound, then released): AccuLynx unreachable.
pub fn unused_port_url() -> url::Url {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap()
}

/// The app's URL signer, read from its database as the product reads it.
pub fn url_signer_of(app: &TestApp) -> UrlSigner {
    let secret_box = SecretBox::new(&app.master_key());
    leadrelay::tenants::secrets::load_url_signer(&mut app.conn(), &secret_box).unwrap()
}

/// A location's row.
pub fn location_row(app: &TestApp, id: &str) -> Location {
    locations::table
        .find(id)
        .select(Location::as_select())
        .first(&mut *app.conn())
        .unwrap()
}

pub use crate::support::fixtures::{login_at, login_at_with, page};

/// POSTs a form that must redirect (303), then returns the page it redirects to (with the
/// flash message of the action).
pub async fn post_and_follow(session: &Session, path: &str, fields: &[(&str, &str)]) -> String {
    let response = session.post(path, fields).await;
    assert_eq!(response.status(), 303, "POST {path}");
    let target = response.headers()["location"].to_str().unwrap().to_string();
    page(session, &target).await
}

/// The flash message shown on a page, if any.
pub fn flash_in(html: &str) -> Option<String> {
    let start = html.find("<p class=\"flash flash-")?;
    let text_start = start + html[start..].find('>')? + 1;
    let end = text_start + html[text_start..].find("</p>")?;
    Some(unescape(&html[text_start..end]))
}

/// The webhook URL shown on a location page, if any.
pub fn webhook_url_in(html: &str) -> Option<String> {
    let marker = "id=\"webhook-url\" type=\"text\" readonly value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_string())
}

/// The HTML entities askama writes, turned back into text.
pub fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Saves a key through the location page's form; returns the page shown afterwards.
pub async fn save_key(session: &Session, location_id: &str, key: &str) -> String {
    post_and_follow(
        session,
        &format!("/locations/{location_id}/key"),
        &[("acculynx_key", key)],
    )
    .await
}

/// Presses "Test key"; returns the page shown afterwards.
pub async fn test_key(session: &Session, location_id: &str) -> String {
    post_and_follow(session, &format!("/locations/{location_id}/key/test"), &[]).await
}

/// A fresh, unique AccuLynx-like key.
pub fn new_key() -> String {
    format!("alx-{}", uuid::Uuid::new_v4().simple())
}

/// What a command printed.
#[derive(Debug)]
pub struct CommandOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `leadrelay ARGS` on the database at `database_url` with this master key and public
/// URL, feeding `stdin`. Blocking.
pub fn run_binary(
    database_url: &str,
    master_key: &MasterKey,
    public_url: &str,
    args: &[&str],
    stdin: Option<&str>,
) -> CommandOutput {
    let mut child = leadrelay_command()
        .args(args)
        .env("LEADRELAY_DATABASE_URL", database_url)
        .env("LEADRELAY_MASTER_KEY", master_key.to_base64())
        .env("LEADRELAY_PUBLIC_URL", public_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    CommandOutput {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs the binary against `app`'s database with `master_key`, off the async threads.
pub async fn run_cli_with_key(
    app: &TestApp,
    master_key: &MasterKey,
    args: &[&str],
    stdin: Option<&str>,
) -> CommandOutput {
    let database_url = app.test_db.url_text();
    let key = master_key.clone();
    let public_url = app.address.clone();
    let args: Vec<String> = args.iter().map(std::string::ToString::to_string).collect();
    let stdin = stdin.map(str::to_string);
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_binary(&database_url, &key, &public_url, &args, stdin.as_deref())
    })
    .await
    .unwrap()
}

/// Runs the binary against `app`'s database with the app's own master key.
pub async fn run_cli(app: &TestApp, args: &[&str], stdin: Option<&str>) -> CommandOutput {
    run_cli_with_key(app, &app.master_key(), args, stdin).await
}

/// Asserts that none of `secrets` occurs anywhere in the test's database: every byte of the
/// SQLite files (database, WAL), or every row of every PostgreSQL table as text (bytea
/// columns show as hex, so the hex of each secret is looked for too).
pub fn assert_database_never_holds(db: &TestDb, secrets: &[&str]) {
    match &db.url {
        leadrelay::db::DatabaseUrl::Sqlite(path) => {
            let dir = path.parent().unwrap();
            let mut scanned = 0;
            for entry in std::fs::read_dir(dir).unwrap() {
                let file = entry.unwrap().path();
                let bytes = std::fs::read(&file).unwrap();
                scanned += bytes.len();
                for secret in secrets {
                    assert!(
                        !contains(&bytes, secret.as_bytes()),
                        "{} holds a secret in clear",
                        file.display()
                    );
                }
            }
            assert!(scanned > 0, "the database files were read");
        }
        leadrelay::db::DatabaseUrl::Postgres(url) => {
            let mut conn = diesel::PgConnection::establish(url.expose()).unwrap();
            #[derive(QueryableByName)]
            struct Name {
                #[diesel(sql_type = diesel::sql_types::Text)]
                name: String,
            }
            #[derive(QueryableByName)]
            struct RowText {
                #[diesel(sql_type = diesel::sql_types::Text)]
                row_text: String,
            }
            let tables: Vec<Name> = diesel::sql_query(
                "SELECT table_name::text AS name FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            )
            .load(&mut conn)
            .unwrap();
            assert!(tables.iter().any(|t| t.name == "locations"));
            for table in tables {
                let rows: Vec<RowText> = diesel::sql_query(format!(
                    "SELECT CAST(t AS TEXT) AS row_text FROM \"{}\" t",
                    table.name
                ))
                .load(&mut conn)
                .unwrap();
                for row in rows {
                    for secret in secrets {
                        let hex = hex::encode(secret.as_bytes());
                        assert!(
                            !row.row_text.contains(secret) && !row.row_text.contains(&hex),
                            "a row of {} holds a secret in clear",
                            table.name
                        );
                    }
                }
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
