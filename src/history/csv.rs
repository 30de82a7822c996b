//! CSV export of a lead list (SPEC §8): `/locations/{id}/leads.csv` and
//! `/companies/{slug}/leads.csv`, with the list's query, streamed in constant memory — keyset
//! pages of [`BATCH`] rows are fetched one after the other as the client reads, never the
//! whole list at once.
//!
//! Times are UTC in RFC 3339, for scripts and spreadsheets alike. A cell that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a
//! leading `'`, so a lead named `=HYPERLINK(…)` stays text.

use std::borrow::Cow;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use chrono::NaiveDateTime;
use futures_util::stream;

use crate::db::DbPool;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::history::filter::LeadQuery;
use crate::history::lists::{ListTarget, company_target, location_target};
use crate::http::extractors::CurrentUser;
use crate::http::with_db;
use crate::leads::LeadRow;
use crate::leads::filter::LeadFilter;
use crate::leads::lists::{self as queries, Cursor};
use crate::state::AppState;
use crate::tenants::model::slug_from_name;

/// The columns, in order (SPEC §8).
pub const COLUMNS: [&str; 11] = [
    "lead_id",
    "received_at",
    "status",
    "first_name",
    "last_name",
    "email",
    "phone",
    "attempts",
    "last_http_status",
    "delivered_at",
    "last_error",
];

/// Rows fetched per database round trip.
pub const BATCH: i64 = 500;

/// `GET /companies/{slug}/leads.csv`.
pub async fn export_company_leads(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<LeadQuery>,
) -> Result<HttpResponse, AppError> {
    let target = company_target(&user, &state, slug.into_inner()).await?;
    Ok(export(&user, &state, target, query.into_inner()))
}

/// `GET /locations/{id}/leads.csv`.
pub async fn export_location_leads(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<LeadQuery>,
) -> Result<HttpResponse, AppError> {
    let target = location_target(&user, &state, id.into_inner()).await?;
    Ok(export(&user, &state, target, query.into_inner()))
}

/// Where the stream stands.
enum Stage {
    Header,
    Rows(Option<Cursor>),
    Done,
}

struct Export {
    pool: DbPool,
    scope: CompanyScope,
    company_id: String,
    filter: LeadFilter,
    before: Option<String>,
    stage: Stage,
}

fn export(
    user: &CurrentUser,
    state: &AppState,
    target: ListTarget,
    query: LeadQuery,
) -> HttpResponse {
    let parsed = query.parse(
        &user.time_zone,
        target.location.as_ref().map(|(id, _)| id.clone()),
    );
    let today = crate::db::now().format("%Y-%m-%d");
    let name = match &target.location {
        Some((_, name)) => format!("{}-{}", target.company.slug, slug_from_name(name)),
        None => target.company.slug.clone(),
    };
    let filename = format!("leads-{}-{today}.csv", name.trim_end_matches('-'));
    let export = Export {
        pool: state.db.clone(),
        scope: user.scope(),
        company_id: target.company.id,
        filter: parsed.filter,
        before: parsed.before,
        stage: Stage::Header,
    };
    let body = stream::unfold(export, |mut export| async move {
        match next_chunk(&mut export).await {
            Ok(Some(chunk)) => Some((Ok(chunk), export)),
            Ok(None) => None,
            Err(err) => {
                // The answer has begun (200); ending it early is all that can be done.
                tracing::error!(error = %err, "the CSV export stopped");
                export.stage = Stage::Done;
                Some((Err(actix_web::Error::from(err)), export))
            }
        }
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(body)
}

/// The next piece of the file: the header line, then a batch of rows; `None` at the end.
async fn next_chunk(export: &mut Export) -> Result<Option<Bytes>, AppError> {
    let after = match &mut export.stage {
        Stage::Done => return Ok(None),
        Stage::Header => {
            export.stage = Stage::Rows(None);
            return Ok(Some(Bytes::from(to_csv(std::iter::once(
                COLUMNS.map(Cow::Borrowed),
            ))?)));
        }
        Stage::Rows(after) => after.take(),
    };
    let (scope, company_id, filter) = (
        export.scope.clone(),
        export.company_id.clone(),
        export.filter.clone(),
    );
    let before = export.before.take();
    let rows = with_db(&export.pool, move |conn| {
        let after = match (after, before) {
            (Some(cursor), _) => Some(cursor),
            (None, Some(id)) => queries::cursor_of(conn, &scope, &company_id, &id)?,
            (None, None) => None,
        };
        Ok(queries::list_leads(
            conn,
            &scope,
            &company_id,
            &filter,
            after.as_ref(),
            BATCH,
        )?)
    })
    .await?;
    export.stage = match rows.last() {
        Some(last) if rows.len() as i64 == BATCH => Stage::Rows(Some(Cursor {
            received_at: last.received_at,
            id: last.id.clone(),
        })),
        _ => Stage::Done,
    };
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(Bytes::from(to_csv(rows.iter().map(record))?)))
}

fn to_csv<'a>(records: impl Iterator<Item = [Cow<'a, str>; 11]>) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer
            .write_record(record.iter().map(|cell| cell.as_bytes()))
            .map_err(|err| AppError::Unexpected(err.into()))?;
    }
    writer
        .into_inner()
        .map_err(|err| AppError::Unexpected(anyhow::anyhow!("{err}")))
}

fn utc(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One lead as a CSV record, every cell guarded.
fn record(row: &LeadRow) -> [Cow<'_, str>; 11] {
    fn text(value: &Option<String>) -> Cow<'_, str> {
        value.as_deref().map_or(Cow::Borrowed(""), guard)
    }
    [
        guard(&row.id),
        Cow::Owned(utc(row.received_at)),
        Cow::Borrowed(row.status.as_str()),
        text(&row.first_name),
        text(&row.last_name),
        text(&row.email),
        text(&row.phone),
        Cow::Owned(row.attempts.to_string()),
        Cow::Owned(
            row.last_http_status
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ),
        Cow::Owned(row.delivered_at.map(utc).unwrap_or_default()),
        text(&row.last_error),
    ]
}

/// A cell a spreadsheet will not run as a formula.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_kept_as_text() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+1 303"), "'+1 303");
        assert_eq!(guard("-2"), "'-2");
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("Jane"), "Jane");
        assert_eq!(guard(""), "");
    }

    #[test]
    fn a_row_has_the_columns_in_order_quoted_where_needed() {
        let row = LeadRow {
            id: "0192f1c4-7a2b-7c3d-8e4f-123456789abc".into(),
            location_id: "loc".into(),
            received_at: chrono::DateTime::from_timestamp(1_795_000_000, 0)
                .unwrap()
                .naive_utc(),
            status: crate::leads::LeadStatus::Failed,
            first_name: Some("Jane, \"JJ\"".into()),
            last_name: Some("=cmd".into()),
            email: None,
            phone: Some("3035550100".into()),
            attempts: 2,
            last_http_status: Some(400),
            delivered_at: None,
            last_error: Some("AccuLynx rejected the lead: The firstName field is required.".into()),
        };
        let text = String::from_utf8(to_csv(std::iter::once(record(&row))).unwrap()).unwrap();
        assert_eq!(
            text,
            "0192f1c4-7a2b-7c3d-8e4f-123456789abc,2026-11-18T11:06:40Z,failed,\"Jane, \"\"JJ\"\"\",'=cmd,,3035550100,2,400,,AccuLynx rejected the lead: The firstName field is required.\n"
        );
    }
}
