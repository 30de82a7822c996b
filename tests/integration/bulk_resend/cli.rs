//! `leadrelay leads resend`: the same job from the command line, carried on by a worker.

use std::time::Duration;

use super::{job_count, running_jobs};
use crate::support::delivery::{lead_body, rig, status_of, worker_command};
use crate::support::fixtures::{audit_entries, seed_company};
use crate::support::helpers::{leadrelay_command, wait_until};
use crate::support::lead_fixtures::{LeadSeed, insert_lead};

#[tokio::test]
async fn the_command_line_queues_failed_leads_and_a_worker_started_later_sends_them() {
    let rig = rig(false, |s| {
        s.run_worker = false;
    })
    .await;
    let app = &rig.app;
    let company = &rig.company;
    let now = leadrelay::db::now();
    let recent: Vec<String> = (0..6)
        .map(|n| {
            insert_lead(
                app,
                &LeadSeed::new(&company.id, &company.location_id)
                    .status("failed")
                    .mapped(lead_body(n)),
            )
        })
        .collect();
    let old = insert_lead(
        app,
        &LeadSeed::new(&company.id, &company.location_id)
            .status("failed")
            .mapped(lead_body(50))
            .at(now - chrono::Duration::days(10)),
    );
    let held = insert_lead(
        app,
        &LeadSeed::new(&company.id, &company.location_id)
            .status("held")
            .mapped(lead_body(60)),
    );
    let other = seed_company(app, "beta");
    let theirs = insert_lead(
        app,
        &LeadSeed::new(&other.id, &other.location_id)
            .status("failed")
            .mapped(lead_body(70)),
    );
    let since = (now - chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let resend = |args: &[&str]| {
        let mut command = leadrelay_command();
        command
            .args(["leads", "resend"])
            .args(args)
            .env("LEADRELAY_DATABASE_URL", app.test_db.url_text())
            .env("LEADRELAY_MASTER_KEY", app.master_key().to_base64())
            .env("LEADRELAY_LOG", "warn");
        command.output().unwrap()
    };
    let output = resend(&[
        "--company",
        "alpha",
        "--status",
        "failed",
        "--since",
        &since,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.starts_with("6 leads queued for resending (failed leads of every location of Company alpha received on or after"),
        "{printed}"
    );
    let entries = audit_entries(app, "leads.bulk_resent");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, "command line");
    assert_eq!(entries[0].1, "6 leads");

    // Mistakes are one line and a non-zero exit.
    for (args, words) in [
        (
            vec!["--company", "nope", "--status", "failed"],
            "no company with slug \"nope\"",
        ),
        (
            vec!["--company", "alpha", "--status", "rejected"],
            "Only failed or held leads",
        ),
        (
            vec![
                "--company",
                "alpha",
                "--status",
                "failed",
                "--until",
                "12/01/2026",
            ],
            "--until \"12/01/2026\" is not a date",
        ),
        (
            vec![
                "--company",
                "alpha",
                "--location",
                &other.location_id,
                "--status",
                "failed",
            ],
            "is not a location of \"alpha\"",
        ),
    ] {
        let output = resend(&args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
    assert_eq!(job_count(app), 1);

    // No process delivers yet: the job waits as a row. A worker started now carries it on.
    assert!(recent.iter().all(|id| status_of(app, id) == "failed"));
    let mut worker = worker_command(app, &rig.sandbox.url()).spawn().unwrap();
    wait_until(
        "the 6 leads to be delivered",
        Duration::from_secs(60),
        || async { recent.iter().all(|id| status_of(app, id) == "delivered") },
    )
    .await;
    crate::support::helpers::interrupt(&worker);
    crate::support::helpers::wait_for_exit(&mut worker, Duration::from_secs(20));
    assert_eq!(rig.sandbox.accepted_count(), 6);
    assert_eq!(status_of(app, &old), "failed", "received before --since");
    assert_eq!(status_of(app, &held), "held", "not the status asked for");
    assert_eq!(status_of(app, &theirs), "failed", "another company's");
    assert_eq!(running_jobs(app), 0);

    // Held leads of one location, by the same path.
    let output = resend(&[
        "--company",
        "alpha",
        "--location",
        &company.location_id,
        "--status",
        "held",
    ]);
    assert!(output.status.success());
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .starts_with("1 lead queued for resending (held leads of alpha North)"),
    );
}
