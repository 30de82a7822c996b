//! Writing and reading the audit log.

use diesel::prelude::*;

use crate::audit::model::{Action, Actor, AuditEvent, NewAuditEvent};
use crate::db::DbConn;
use crate::db::schema::audit_events;
use crate::domain::scope::CompanyScope;

/// Records an action (call inside the transaction that made the change).
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    company_id: Option<&str>,
    action: Action,
    target: &str,
    detail: &str,
) -> QueryResult<()> {
    // Free text from users may hold a NUL, which PostgreSQL text refuses.
    let (target, detail, label) = (
        without_nul(target),
        without_nul(detail),
        without_nul(&actor.label),
    );
    diesel::insert_into(audit_events::table)
        .values(NewAuditEvent {
            company_id,
            actor_user_id: actor.user_id.as_deref(),
            actor: &label,
            action: action.code(),
            target: &target,
            detail: &detail,
            ip: &actor.ip,
            created_at: crate::db::now(),
        })
        .execute(conn)
        .map(drop)
}

fn without_nul(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\0') {
        std::borrow::Cow::Owned(text.replace('\0', ""))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Which entries a page of the log shows (besides the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// One company's entries (the platform view; a company scope is always its own).
    pub company_id: Option<String>,
    /// One action, by stored code (`location.created`).
    pub action: Option<String>,
    /// One actor, as recorded (an email, "command line", "leadrelay").
    pub actor: Option<String>,
}

fn scoped(
    scope: &CompanyScope,
    filter: &AuditFilter,
) -> audit_events::BoxedQuery<'static, crate::db::MultiBackend> {
    let mut query = audit_events::table.into_boxed();
    match scope {
        CompanyScope::Company(company_id) => {
            query = query.filter(audit_events::company_id.eq(company_id.clone()));
        }
        CompanyScope::All => {
            if let Some(company_id) = &filter.company_id {
                query = query.filter(audit_events::company_id.eq(company_id.clone()));
            }
        }
    }
    query
}

/// A page of entries, newest first, older than `before` (an id) when given. A company scope
/// sees its company's entries; the platform scope sees all, or one company's when asked;
/// the filter's action and actor narrow either.
pub fn list(
    conn: &mut DbConn,
    scope: &CompanyScope,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditEvent>> {
    let mut query = scoped(scope, filter)
        .select(AuditEvent::as_select())
        .order(audit_events::id.desc())
        .limit(limit);
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(before) = before {
        query = query.filter(audit_events::id.lt(before));
    }
    query.load(conn)
}

/// The actions and the actors present in the entries the caller may see (of the filter's
/// company, when one is chosen), each sorted: what the filter's lists offer.
pub fn present(
    conn: &mut DbConn,
    scope: &CompanyScope,
    filter: &AuditFilter,
) -> QueryResult<(Vec<String>, Vec<String>)> {
    let actions = scoped(scope, filter)
        .select(audit_events::action)
        .distinct()
        .order(audit_events::action.asc())
        .load(conn)?;
    let actors = scoped(scope, filter)
        .select(audit_events::actor)
        .distinct()
        .order(audit_events::actor.asc())
        .load(conn)?;
    Ok((actions, actors))
}
