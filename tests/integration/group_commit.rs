//! The group-commit writer: many jobs share one commit, and a job that fails fails alone —
//! on PostgreSQL too, where single-write jobs first run without savepoints and a failure
//! makes the batch run again with one savepoint per job.

use std::time::Duration;

use diesel::prelude::*;
use leadrelay::db::DbConn;
use leadrelay::db::group_commit::GroupCommit;
use leadrelay::db::schema::companies;

use crate::support::helpers::spawn_app;

fn add_company(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(companies::table)
        .values((
            companies::id.eq(id),
            companies::slug.eq(id),
            companies::name.eq(format!("Company {id}")),
            companies::time_zone.eq("America/Denver"),
            companies::created_at.eq(now),
            companies::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Occupies the writer for a moment, returning once it has started: jobs sent meanwhile
/// wait and are then taken as one batch.
async fn keep_busy(
    writer: &GroupCommit,
) -> tokio::task::JoinHandle<Result<(), diesel::result::Error>> {
    let (started, has_started) = tokio::sync::oneshot::channel();
    let writer = writer.clone();
    let busy = tokio::spawn(async move {
        writer
            .run(move |_| {
                let _ = started.send(());
                std::thread::sleep(Duration::from_millis(300));
                Ok(())
            })
            .await
    });
    has_started.await.unwrap();
    busy
}

#[tokio::test]
async fn a_failing_single_write_fails_alone_and_the_rest_of_its_batch_commits() {
    let app = spawn_app().await;
    let writer = GroupCommit::start(&app.settings.database_url, 1, 64);
    writer
        .run_single_write(|conn| add_company(conn, "gc-existing"))
        .await
        .unwrap();

    let busy = keep_busy(&writer).await;
    let jobs = (0..10).map(|n| {
        let writer = writer.clone();
        async move {
            // Job 5 inserts a company that exists: a primary-key violation.
            let id = if n == 5 {
                "gc-existing".to_string()
            } else {
                format!("gc-{n}")
            };
            let added = writer
                .run_single_write(move |conn| add_company(conn, &id))
                .await;
            (n, added)
        }
    });
    let results = futures_util::future::join_all(jobs).await;
    busy.await.unwrap().unwrap();
    for (n, added) in results {
        if n == 5 {
            let err = added.expect_err("the duplicate company is refused");
            assert!(
                err.to_string().to_lowercase().contains("unique")
                    || err.to_string().to_lowercase().contains("duplicate"),
                "{err}"
            );
        } else {
            assert_eq!(added.unwrap(), 1, "job {n}");
        }
    }
    let mut conn = app.db.get().unwrap();
    let stored: i64 = companies::table
        .filter(companies::id.like("gc-%"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(stored, 10, "nine new companies and the existing one");
}

#[tokio::test]
async fn a_failing_job_in_a_savepoint_leaves_no_partial_write() {
    let app = spawn_app().await;
    let writer = GroupCommit::start(&app.settings.database_url, 1, 64);
    let busy = keep_busy(&writer).await;
    // Writes one company, then fails on a second (the same id): the first is undone too.
    let half = writer.run(|conn| {
        add_company(conn, "gc-half")?;
        add_company(conn, "gc-half")
    });
    let whole = writer.run_single_write(|conn| add_company(conn, "gc-whole"));
    let (half, whole) = tokio::join!(half, whole);
    busy.await.unwrap().unwrap();
    assert!(half.is_err());
    assert_eq!(whole.unwrap(), 1);
    let mut conn = app.db.get().unwrap();
    let ids: Vec<String> = companies::table
        .filter(companies::id.like("gc-%"))
        .select(companies::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids, vec!["gc-whole".to_string()]);
}
