//! A v2 delivery survives its worker's death (issue 15, acceptance 2): the worker is killed
//! (SIGKILL) after AccuLynx created the job and before the answer was recorded; once another
//! worker runs, the lead ends delivered with one job.

use std::process::Child;
use std::time::Duration;

use leadrelay::sandbox::{Fault, Sandbox, SandboxConfig, SandboxKey, V2Step};

use crate::delivery::v2::{DANA, KEY_A, make_v2, post_form};
use crate::support::delivery::{status_of, worker_command};
use crate::support::fixtures::seed_company;
use crate::support::helpers::{TestApp, spawn_app, wait_until};

fn start_worker(app: &TestApp, sandbox_url: &str) -> Child {
    worker_command(app, sandbox_url)
        .env("LEADRELAY_DELIVERY_TIMEOUT", "5s")
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_after_post_jobs_succeeded_leaves_one_job_once_another_runs() {
    let sandbox = Sandbox::start(
        SandboxConfig {
            keys: vec![SandboxKey::new(KEY_A, "Summit Roofing Denver")],
            rate_limits: false,
            ..SandboxConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let app = spawn_app().await;
    let company = seed_company(&app, "alpha");
    make_v2(&app, &company.location_id, KEY_A);
    // The job is created at once; its answer would come 4 s later.
    sandbox.program_step(
        KEY_A,
        V2Step::CreateJob,
        [Fault::DelayAfterAction(Duration::from_secs(4))],
    );
    let lead = post_form(&app, &company.location_id, DANA).await;

    let mut first = start_worker(&app, &sandbox.url());
    wait_until(
        "AccuLynx holds the job",
        Duration::from_secs(30),
        || async { !sandbox.jobs().is_empty() },
    )
    .await;
    first.kill().unwrap(); // SIGKILL: the job id was never recorded
    first.wait().unwrap();
    assert_ne!(status_of(&app, &lead), "delivered");

    let mut second = start_worker(&app, &sandbox.url());
    wait_until("the lead delivered", Duration::from_secs(60), || async {
        status_of(&app, &lead) == "delivered"
    })
    .await;
    second.kill().unwrap();
    second.wait().unwrap();
    let jobs = sandbox.jobs();
    assert_eq!(jobs.len(), 1, "one job, not two: {jobs:?}");
    assert_eq!(jobs[0].external_references.len(), 1);
    assert_eq!(jobs[0].external_references[0].project_id, lead);
    assert_eq!(sandbox.contacts().len(), 1);
}
