//! `leadrelay backup --to FILE`: a copy taken while leads keep arriving at 200 a second holds
//! every lead acknowledged before it started, opens, and passes SQLite's integrity check; on
//! PostgreSQL the command explains `pg_dump` instead.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::prelude::*;
use leadrelay::db::schema::leads;
use serde_json::json;

use crate::support::fixtures::seed_world;
use crate::support::helpers::spawn_app_with;
use crate::support::intake::{answer_of, give_key, hook_url};
use crate::support::secrets::run_cli;

/// Posts one lead every 5 ms (200 a second) until `stop` is set; each acknowledged lead's id
/// is pushed to `acked` when its 202 arrives, and any other answer to `refused`.
fn start_load(
    url: String,
    acked: Arc<Mutex<Vec<String>>>,
    refused: Arc<Mutex<Vec<String>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = reqwest::Client::new();
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        let mut sent = Vec::new();
        for n in 0.. {
            tick.tick().await;
            if stop.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            let (client, url) = (client.clone(), url.clone());
            let (acked, refused) = (acked.clone(), refused.clone());
            sent.push(tokio::spawn(async move {
                let body = json!({
                    "firstName": "Load",
                    "lastName": format!("Sender {n}"),
                    "email": format!("load{n}@example.com"),
                });
                let (status, answer) =
                    answer_of(client.post(&url).json(&body).send().await.unwrap()).await;
                if status == 202 {
                    acked
                        .lock()
                        .unwrap()
                        .push(answer["lead_id"].as_str().unwrap().to_string());
                } else {
                    refused.lock().unwrap().push(format!("{status} {answer}"));
                }
            }));
        }
        for task in sent {
            task.await.unwrap();
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_holds_every_lead_acknowledged_before_it_started() {
    // 200 leads a second to one location: above the default per-location intake rate.
    let app = spawn_app_with(|settings| settings.intake_rate = 1_000).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("leadrelay-backup.db");
    let target_text = target.to_str().unwrap().to_string();
    if app.test_db.is_postgres() {
        let out = run_cli(&app, &["backup", "--to", &target_text], None).await;
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            out.stderr.contains("pg_dump --format=custom"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("pg_restore"), "{}", out.stderr);
        assert!(!target.exists(), "nothing is written for PostgreSQL");
        return;
    }
    let world = seed_world(&app);
    give_key(&app, &world.a);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let refused = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = start_load(
        hook_url(&app, &world.a.location_id),
        acked.clone(),
        refused.clone(),
        stop.clone(),
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let before: Vec<String> = acked.lock().unwrap().clone();
    assert!(
        before.len() >= 150,
        "the load runs at 200 leads/s: {}",
        before.len()
    );
    let out = run_cli(&app, &["backup", "--to", &target_text], None).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    load.await.unwrap();

    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("Backed up "), "{}", out.stdout);
    assert!(out.stdout.contains("Keep the master key"), "{}", out.stdout);
    assert!(
        refused.lock().unwrap().is_empty(),
        "{:?}",
        refused.lock().unwrap()
    );
    let after = acked.lock().unwrap().len();
    assert!(
        after > before.len(),
        "intake went on while and after the copy was made"
    );

    let mut copy =
        diesel::SqliteConnection::establish(&target_text).expect("the backup opens as SQLite");
    let in_copy: HashSet<String> = leads::table
        .select(leads::id)
        .load(&mut copy)
        .unwrap()
        .into_iter()
        .collect();
    let missing: Vec<&String> = before.iter().filter(|id| !in_copy.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged lead(s) missing from the backup",
        missing.len()
    );
    let leads_line = format!("Backed up {} lead(s)", in_copy.len());
    assert!(
        out.stdout.starts_with(&leads_line),
        "{} / {leads_line}",
        out.stdout
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup is readable by its owner only");
    }
    assert!(!dir.path().join("leadrelay-backup.db.partial").exists());

    // Restoring is pointing leadrelay at the copy, with the same master key.
    let restored = crate::support::secrets::run_binary(
        &format!("sqlite://{target_text}"),
        &app.master_key(),
        &app.address,
        &["migrate"],
        None,
    );
    assert_eq!(
        (restored.code, restored.stdout.trim()),
        (0, "The database is up to date."),
        "{restored:?}"
    );

    // A second backup to the same name is refused and leaves the first one alone.
    let size = std::fs::metadata(&target).unwrap().len();
    let again = run_cli(&app, &["backup", "--to", &target_text], None).await;
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::metadata(&target).unwrap().len(), size);
}
