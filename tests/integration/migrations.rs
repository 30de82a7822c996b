//! Every migration goes up, down and up again on the backend in use.

use leadrelay::db::migrations;

use crate::support::helpers::TestDb;

#[test]
fn every_migration_runs_up_then_down_then_up() {
    let db = TestDb::create();
    let mut conn = db.connect();
    let applied = migrations::run_pending(&mut conn).unwrap();
    assert!(applied.len() >= 4, "applied {applied:?}");
    assert!(!migrations::has_pending(&mut conn).unwrap());
    let reverted = migrations::revert_all(&mut conn).unwrap();
    assert_eq!(reverted.len(), applied.len());
    assert!(migrations::has_pending(&mut conn).unwrap());
    let again = migrations::run_pending(&mut conn).unwrap();
    assert_eq!(again, applied);
    assert!(
        migrations::run_pending(&mut conn).unwrap().is_empty(),
        "idempotent"
    );
}
