//! The binary as a newcomer runs it: start-up in a fresh directory, bad settings, shutdown,
//! and concurrent starts on one database.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::helpers::{TestDb, leadrelay_command, postgres_admin_url};
use crate::support::processes::Server;

/// Runs the binary with these variables and returns (exit code, stderr).
fn run_with_env(vars: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = leadrelay_command()
        .args(args)
        .envs(vars.iter().copied())
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_one_line_error(code: i32, stderr: &str, needle: &str) {
    assert_eq!(code, 2, "exit code; stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(needle), "expected {needle:?} in {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn each_bad_setting_exits_2_with_one_line_naming_its_variable() {
    let cases = [
        ("LEADRELAY_BIND", "nonsense"),
        ("LEADRELAY_DATABASE_URL", "mysql://x"),
        ("LEADRELAY_MASTER_KEY", "AAAAAAAAAAAAAA=="), // 10 bytes
        ("LEADRELAY_DELIVERY_TIMEOUT", "soon"),
    ];
    for (variable, value) in cases {
        let (code, stderr) = run_with_env(&[(variable, value)], &[]);
        assert_one_line_error(code, &stderr, variable);
    }
    let (code, stderr) = run_with_env(&[("LEADRELAY_MASTER_KEY", "AAAAAAAAAAAAAA==")], &["serve"]);
    assert_one_line_error(code, &stderr, "this is 10 bytes");
}

#[test]
fn postgres_connection_failures_show_libpqs_reason_and_exit_2() {
    let Some(admin) = postgres_admin_url() else {
        eprintln!(
            "skipped: needs PostgreSQL ({})",
            crate::support::helpers::TEST_DATABASE_ENV
        );
        return;
    };
    let key = leadrelay::crypto::master_key::MasterKey::generate().to_base64();
    let mut missing_db = url::Url::parse(&admin).unwrap();
    missing_db.set_path("leadrelay_no_such_database");
    let (code, stderr) = run_with_env(
        &[
            ("LEADRELAY_DATABASE_URL", missing_db.as_str()),
            ("LEADRELAY_MASTER_KEY", &key),
        ],
        &[],
    );
    assert_one_line_error(
        code,
        &stderr,
        "database \"leadrelay_no_such_database\" does not exist",
    );

    let mut unknown_user = url::Url::parse(&admin).unwrap();
    unknown_user.set_username("leadrelay_nobody").unwrap();
    unknown_user.set_password(Some("wrong-password")).unwrap();
    let (code, stderr) = run_with_env(
        &[
            ("LEADRELAY_DATABASE_URL", unknown_user.as_str()),
            ("LEADRELAY_MASTER_KEY", &key),
        ],
        &[],
    );
    assert_one_line_error(code, &stderr, "leadrelay_nobody");
    assert!(
        !stderr.contains("wrong-password"),
        "the password is never shown: {stderr}"
    );

    let (code, stderr) = run_with_env(&[("LEADRELAY_DATABASE_URL", admin.as_str())], &[]);
    assert_one_line_error(code, &stderr, "head -c 32 /dev/urandom | base64");
}

#[test]
fn a_fresh_directory_gets_a_database_and_a_private_key_and_ctrl_c_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]);
    assert!(dir.path().join("leadrelay.db").exists());
    let key = dir.path().join("leadrelay.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(server.get("/healthz"), 200);
    assert_eq!(server.get("/readyz"), 200);
    assert_eq!(server.get("/"), 200);
    let started = Instant::now();
    server.interrupt();
    assert_eq!(server.wait_for_exit(Duration::from_secs(5)), 0);
    assert!(started.elapsed() < Duration::from_secs(5));

    // A second start reuses the same key file and database.
    let key_before = std::fs::read(&key).unwrap();
    let mut again = Server::start(dir.path(), &[]);
    assert_eq!(again.get("/readyz"), 200);
    assert_eq!(std::fs::read(&key).unwrap(), key_before);
    again.interrupt();
    assert_eq!(again.wait_for_exit(Duration::from_secs(5)), 0);
}

#[test]
fn two_instances_started_at_the_same_instant_on_one_fresh_database_both_come_up() {
    let db = TestDb::create();
    let url = db.url_text();
    let key = leadrelay::crypto::master_key::MasterKey::generate().to_base64();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let vars = [
        ("LEADRELAY_DATABASE_URL", url.as_str()),
        ("LEADRELAY_MASTER_KEY", key.as_str()),
    ];
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let servers: Vec<Server> = std::thread::scope(|scope| {
        let handles: Vec<_> = dirs
            .iter()
            .map(|dir| {
                let barrier = barrier.clone();
                let vars = &vars;
                scope.spawn(move || {
                    barrier.wait();
                    Server::start(dir.path(), vars)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for server in &servers {
        assert_eq!(server.get("/healthz"), 200);
        assert_eq!(server.get("/readyz"), 200);
    }
    let mut conn = db.connect();
    assert!(!leadrelay::db::migrations::has_pending(&mut conn).unwrap());
}

#[test]
fn migrate_applies_the_migrations_and_then_has_nothing_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/x.db", dir.path().display());
    let (code, _) = run_with_env(&[("LEADRELAY_DATABASE_URL", &db)], &["migrate"]);
    assert_eq!(code, 0);
    let output = leadrelay_command()
        .arg("migrate")
        .env("LEADRELAY_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "The database is up to date."
    );
}

#[test]
fn help_explains_the_commands_and_settings() {
    let output = leadrelay_command().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "serve",
        "migrate",
        "LEADRELAY_DATABASE_URL",
        "LEADRELAY_MASTER_KEY",
        "ClientTether",
    ] {
        assert!(help.contains(needle), "{needle} in {help}");
    }
}
