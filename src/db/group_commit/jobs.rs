//! The jobs of a group-commit batch and how one is run: alone (in a savepoint or not), or
//! with the jobs of its [`GroupWrite`] kind that follow it, in one call.

use std::any::Any;

use diesel::Connection;
use diesel::result::Error as DieselError;

use crate::db::DbConn;

pub(super) type Outcome = Result<Box<dyn Any + Send>, DieselError>;

/// The results of a group, one per item, or the error that failed them all.
type GroupOutcome = Result<Vec<Box<dyn Any + Send>>, DieselError>;

/// A job of a batch.
pub(super) enum Job {
    /// Runs once, in a savepoint.
    Once(Box<dyn FnOnce(&mut DbConn) -> Outcome + Send>),
    /// Writes with one statement; may run a second time if its batch is run again.
    SingleWrite(Box<dyn FnMut(&mut DbConn) -> Outcome + Send>),
    /// Writes with several statements; may run a second time if its batch is run again.
    Repeatable(Box<dyn FnMut(&mut DbConn) -> Outcome + Send>),
    /// One item of a [`GroupWrite`] kind; may run a second time, alone or with others.
    Grouped(GroupedItem),
    /// Already run.
    Done,
}

/// Jobs that one statement can write together: reads first, then at most one write
/// statement for all of them, and nothing that cannot run again from the start.
pub trait GroupWrite: Send + 'static {
    /// What each item's caller gets back.
    type Output: Send + 'static;

    /// Writes `items`, in their order, as one: a result per item, in the same order, or the
    /// one error that failed them all.
    fn write_all(conn: &mut DbConn, items: &[&Self]) -> Result<Vec<Self::Output>, DieselError>;
}

/// A [`GroupWrite`] item with its kind erased, so items of one kind can be found in a batch.
pub(super) struct GroupedItem {
    kind: std::any::TypeId,
    item: Box<dyn Any + Send>,
    write_all: fn(&mut DbConn, &[&GroupedItem]) -> GroupOutcome,
}

impl GroupedItem {
    pub(super) fn new<G: GroupWrite>(item: G) -> Self {
        Self {
            kind: std::any::TypeId::of::<G>(),
            item: Box::new(item),
            write_all: write_all_erased::<G>,
        }
    }
}

/// [`GroupWrite::write_all`] for items of kind `G`; their results, one per item.
fn write_all_erased<G: GroupWrite>(conn: &mut DbConn, items: &[&GroupedItem]) -> GroupOutcome {
    let typed: Vec<&G> = items
        .iter()
        .filter_map(|grouped| grouped.item.downcast_ref::<G>())
        .collect();
    let results = if typed.len() == items.len() {
        G::write_all(conn, &typed)?
    } else {
        Vec::new()
    };
    if results.len() != items.len() {
        return Err(DieselError::QueryBuilderError(
            "a group write did not give one result per item".into(),
        ));
    }
    Ok(results
        .into_iter()
        .map(|value| Box::new(value) as Box<dyn Any + Send>)
        .collect())
}

/// Why a job's result never came.
pub(super) fn writer_gone() -> DieselError {
    DieselError::QueryBuilderError("the database writer has stopped".into())
}

/// Runs a job, in a savepoint if asked (a [`Job::Once`] always is).
pub(super) fn run_job(conn: &mut DbConn, job: &mut Job, savepoint: bool) -> Outcome {
    match std::mem::replace(job, Job::Done) {
        Job::Once(once) => conn.transaction(once),
        Job::SingleWrite(mut work) => {
            let outcome = run_maybe_in_savepoint(conn, &mut work, savepoint);
            // Kept: its batch may run again.
            *job = Job::SingleWrite(work);
            outcome
        }
        Job::Repeatable(mut work) => {
            let outcome = run_maybe_in_savepoint(conn, &mut work, savepoint);
            *job = Job::Repeatable(work);
            outcome
        }
        Job::Grouped(grouped) => {
            let alone = |conn: &mut DbConn| {
                (grouped.write_all)(conn, &[&grouped])?
                    .pop()
                    .ok_or_else(writer_gone)
            };
            let outcome = if savepoint {
                conn.transaction(alone)
            } else {
                alone(conn)
            };
            *job = Job::Grouped(grouped);
            outcome
        }
        Job::Done => Err(writer_gone()),
    }
}

/// Runs every job without savepoints, jobs of one [`GroupWrite`] kind that follow one another
/// in one call; the first failure ends the run (PostgreSQL has then aborted the transaction).
pub(super) fn run_all_grouped(
    conn: &mut DbConn,
    jobs: &mut [Job],
    outcomes: &mut Vec<Outcome>,
) -> Result<(), DieselError> {
    let mut start = 0;
    while start < jobs.len() {
        let Job::Grouped(first) = &jobs[start] else {
            outcomes.push(Ok(run_job(conn, &mut jobs[start], false)?));
            start += 1;
            continue;
        };
        let kind = first.kind;
        let group: Vec<&GroupedItem> = jobs[start..]
            .iter()
            .map_while(|job| match job {
                Job::Grouped(grouped) if grouped.kind == kind => Some(grouped),
                _ => None,
            })
            .collect();
        start += group.len();
        outcomes.extend((group[0].write_all)(conn, &group)?.into_iter().map(Ok));
    }
    Ok(())
}

fn run_maybe_in_savepoint(
    conn: &mut DbConn,
    work: &mut Box<dyn FnMut(&mut DbConn) -> Outcome + Send>,
    savepoint: bool,
) -> Outcome {
    if savepoint {
        conn.transaction(work)
    } else {
        work(conn)
    }
}
