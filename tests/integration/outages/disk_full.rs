//! SQLite on a file system that fills up: a small tmpfs holds the database, a ballast file
//! takes the rest of its space while a sender posts leads without pause, then the ballast is
//! removed. SQLite pass only: on PostgreSQL the server owns its disk (and the shared test
//! server's disk is not the test's to fill).

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use leadrelay::db::DatabaseUrl;
use leadrelay::db::schema::leads;

use super::sender::{
    LeadSender, lead_id, neither_accepted_nor_unavailable, wait_until_accepted_delivered,
    with_status,
};
use crate::support::delivery::{GOOD_KEY, set_key};
use crate::support::fixtures::{PASSWORD, anonymous, login, seed_company, try_login};
use crate::support::helpers::{
    TEST_DATABASE_ENV, TestDb, postgres_admin_url, spawn_app_on, wait_until,
};
use crate::support::intake::hook_url;

/// Size of the file system holding the database.
const SIZE: &str = "16m";

/// A tmpfs mounted on a temp dir, unmounted (lazily, so open files cannot keep it) on drop.
struct SmallFs {
    dir: tempfile::TempDir,
}

impl SmallFs {
    fn mount(size: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("lr-full-")
            .tempdir()
            .unwrap();
        let output = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()
            .unwrap_or_else(|err| panic!("cannot run mount for the full-disk test: {err}"));
        assert!(
            output.status.success(),
            "mounting a {size} tmpfs at {} failed, so the full-disk test cannot run (it needs root, \
             or CAP_SYS_ADMIN in a container): {}",
            dir.path().display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .output();
    }
}

/// Appends to `ballast` until the file system has no byte left; the bytes written.
fn fill(ballast: &Path) -> u64 {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(ballast)
        .unwrap();
    let mut written = 0;
    for chunk in [1 << 20, 64 << 10, 4 << 10, 512] {
        let bytes = vec![0x5a_u8; chunk];
        loop {
            match file.write_all(&bytes) {
                Ok(()) => written += chunk as u64,
                Err(err) if err.raw_os_error() == Some(28) => break, // ENOSPC
                Err(err) => panic!("writing the ballast: {err}"),
            }
        }
    }
    let _ = file.sync_all();
    written
}

#[derive(QueryableByName)]
struct Integrity {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

fn integrity_of(path: &Path) -> Vec<String> {
    let mut conn = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    diesel::sql_query("PRAGMA integrity_check")
        .load::<Integrity>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|row| row.integrity_check)
        .collect()
}

/// The page of the first sign-in the full disk refuses; every attempt before it must have
/// succeeded (303), nothing else.
async fn refused_sign_in(app: &crate::support::helpers::TestApp, email: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut signed_in = 0;
    loop {
        let visitor = anonymous(app).await;
        let answer = try_login(&visitor, email, PASSWORD).await;
        match answer.status().as_u16() {
            503 => return answer.text().await.unwrap(),
            303 => signed_in += 1,
            other => panic!("signing in on a full disk answered {other}, not 303 or 503"),
        }
        assert!(
            Instant::now() < deadline,
            "{signed_in} sign-ins on the full disk succeeded in 15 s, none was refused"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_on_a_full_disk_answers_503_and_takes_leads_again_once_space_is_freed() {
    if postgres_admin_url().is_some() {
        eprintln!("skipped: SQLite only ({TEST_DATABASE_ENV} is set)");
        return;
    }
    let fs = SmallFs::mount(SIZE);
    let database = fs.path().join("leadrelay.db");
    let sandbox = crate::sandbox::start_unlimited(&[(GOOD_KEY, "North")]).await;
    let sandbox_url = url::Url::parse(&sandbox.url()).unwrap();
    let app = spawn_app_on(
        TestDb::existing(DatabaseUrl::Sqlite(database.clone())),
        |s| {
            s.run_worker = true;
            s.acculynx_base_url = sandbox_url;
            s.retry_schedule = vec![Duration::from_millis(200); 3];
            s.delivery_timeout = Duration::from_secs(2);
            s.intake_rate = 100_000;
        },
    )
    .await;
    let company = seed_company(&app, "alpha");
    set_key(&app, &company.location_id, GOOD_KEY);
    let signed_in = login(&app, &company.admin.email).await;
    let sender = LeadSender::start(
        hook_url(&app, &company.location_id),
        Duration::from_millis(10),
    );
    wait_until("leads answered 202", Duration::from_secs(30), || async {
        with_status(&sender.answers(), 202).len() >= 30
    })
    .await;

    let ballast = fs.path().join("ballast");
    let mut ballast_bytes = fill(&ballast);
    let full = Instant::now();
    // SQLite first reuses the free pages it has; the ballast takes whatever it gives back.
    wait_until("a 503 from the webhook", Duration::from_secs(30), || {
        ballast_bytes += fill(&ballast);
        let refused = sender.first_after(full, 503).is_some();
        async move { refused }
    })
    .await;
    let first_503 = sender.first_after(full, 503).unwrap().at - full;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    let ready: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(ready["reason"], "database disk full", "{ready}");
    // The portal says what is wrong: signing in (a new session is a write) cannot be saved.
    // A sign-in may still fit in WAL space SQLite already has (the WAL is rewritten from its
    // start after a checkpoint), so it either succeeds or gets the page; the leads still being
    // posted take that space, and a sign-in soon cannot be saved.
    let html = refused_sign_in(&app, &company.admin.email).await;
    assert!(
        html.contains("The disk holding leadrelay&#39;s database is full. Nothing was changed."),
        "a clear error page: {html}"
    );
    // A page that only reads still opens.
    let lead_page = signed_in
        .get(&format!(
            "/leads/{}",
            lead_id(with_status(&sender.answers(), 202)[0])
        ))
        .await;
    let lead_page_status = lead_page.status().as_u16();
    assert!(
        lead_page_status == 200 || lead_page_status == 503,
        "a lead page on a full disk: {lead_page_status}"
    );

    std::fs::remove_file(&ballast).unwrap();
    let freed = Instant::now();
    wait_until(
        "a 202 once space is freed",
        Duration::from_secs(30),
        || async { sender.first_after(freed, 202).is_some() },
    )
    .await;
    let recovered = sender.first_after(freed, 202).unwrap().at - freed;
    assert_eq!(app.get("/readyz").await.status(), 200);
    sender
        .wait_for_accepted_after("more leads after the space came back", freed, 30)
        .await;
    let answers = sender.stop().await;

    let odd = neither_accepted_nor_unavailable(&answers);
    assert!(
        odd.is_empty(),
        "answers other than 202/503 (no 500, no hang): {odd:?}"
    );
    let refused = with_status(&answers, 503);
    for answer in &refused {
        let message = answer.body["message"].as_str().unwrap_or_default();
        assert!(
            answer.body["error"] == "unavailable"
                && message.contains("disk holding its database is full"),
            "a clear 503: {:?}",
            answer.body
        );
    }
    let ids = wait_until_accepted_delivered(&app, &answers).await;
    let accepted = with_status(&answers, 202);
    let stored: i64 = leads::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(
        stored,
        ids.len() as i64,
        "a lead answered 503 was not stored"
    );
    let delivered_refs: std::collections::HashSet<String> = sandbox
        .accepted()
        .iter()
        .map(|lead| lead.body["crossReference"].as_str().unwrap().to_string())
        .collect();
    for answer in &accepted {
        assert!(delivered_refs.contains(&format!("ct-{}", answer.n)));
    }
    assert_eq!(integrity_of(&database), vec!["ok".to_string()]);
    println!(
        "disk full: {} answered 202, {} answered 503, ballast {ballast_bytes} bytes on a {SIZE} tmpfs, \
         first 503 {first_503:?} after the disk was full, first 202 {recovered:?} after the ballast was removed, \
         lead page on the full disk {lead_page_status}, {} AccuLynx copies, integrity ok, 0 lost",
        accepted.len(),
        refused.len(),
        sandbox.accepted().len(),
    );
    // The application goes before the file system is unmounted (declared after it).
    drop(app);
}
