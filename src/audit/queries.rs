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

/// A page of entries, newest first, older than `before` (an id) when given. A company scope
/// sees its company's entries; the platform scope sees all, or one company's when asked.
pub fn list(
    conn: &mut DbConn,
    scope: &CompanyScope,
    only_company: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditEvent>> {
    let mut query = audit_events::table
        .select(AuditEvent::as_select())
        .order(audit_events::id.desc())
        .limit(limit)
        .into_boxed();
    match scope {
        CompanyScope::Company(company_id) => {
            query = query.filter(audit_events::company_id.eq(company_id.clone()));
        }
        CompanyScope::All => {
            if let Some(company_id) = only_company {
                query = query.filter(audit_events::company_id.eq(company_id.to_string()));
            }
        }
    }
    if let Some(before) = before {
        query = query.filter(audit_events::id.lt(before));
    }
    query.load(conn)
}
