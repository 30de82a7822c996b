//! Many leads at once for the history and export scenarios: multi-row INSERTs of literal SQL
//! in large transactions (diesel's batch insert does not compile through `MultiConnection`).
//! Used only by the benchmark; the leads look like delivered, failed, queued, rejected and
//! held leads spread over the last year, so lists, filters and the dashboard have real work.

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;

use crate::db::DbConn;

const STATUSES: [&str; 10] = [
    "delivered",
    "delivered",
    "delivered",
    "delivered",
    "delivered",
    "delivered",
    "failed",
    "queued",
    "rejected",
    "held",
];
const ROWS_PER_INSERT: usize = 1_000;
const ROWS_PER_TRANSACTION: usize = 100_000;
/// The last name one lead in a thousand has; what the `search` request looks for.
pub const RARE_NAME: &str = "Quillfeather";

fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn time(at: NaiveDateTime) -> String {
    // The text form diesel writes on SQLite; PostgreSQL reads it as a timestamp.
    format!("'{}'", at.format("%Y-%m-%d %H:%M:%S%.6f"))
}

/// The status of seeded lead `n`: 60% delivered, 10% each of failed, queued, rejected, held.
pub fn status_of(n: usize) -> &'static str {
    STATUSES[(n * 7 + n / 10) % STATUSES.len()]
}

/// One VALUES tuple of lead `n` received at `at`.
fn values(n: usize, company_id: &str, location_id: &str, at: NaiveDateTime) -> String {
    let status = status_of(n);
    let first = format!("First{n}");
    let last = if n % 1000 == 7 {
        RARE_NAME.to_string()
    } else {
        format!("Last{}", n % 5000)
    };
    let email = format!("lead{n}@example.com");
    let phone = format!("720{:07}", n % 10_000_000);
    let mapped = serde_json::json!({
        "firstName": first, "lastName": last, "emailAddress": email, "phoneNumber1": phone,
    })
    .to_string();
    let (attempts, http, error, delivered) = match status {
        "delivered" => (1, "202".to_string(), "NULL".to_string(), time(at)),
        "failed" => (
            1,
            "400".to_string(),
            text("AccuLynx rejected the lead: The firstName field is required."),
            "NULL".to_string(),
        ),
        _ => (
            0,
            "NULL".to_string(),
            "NULL".to_string(),
            "NULL".to_string(),
        ),
    };
    let (seconds, nanos) = (
        at.and_utc().timestamp(),
        at.and_utc().timestamp_subsec_nanos(),
    );
    let id = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        seconds.max(0) as u64,
        nanos,
    ))
    .to_string();
    let search = format!("{first} {last} {email}").to_lowercase();
    format!(
        "({},{},{},{},{},'application/json','{{}}',{},{},'[]','[]',{},{},{},{},{},{},{attempts},0,{http},{error},{delivered},{})",
        text(&id),
        text(company_id),
        text(location_id),
        time(at),
        text(status),
        text(&mapped),
        text(&mapped),
        text(&first),
        text(&last),
        text(&email),
        text(&phone),
        text(&phone),
        text(&search),
        time(at),
    )
}

/// Inserts `count` leads of one company, alternating between `location_ids`, received
/// evenly over the year before `until` (newest last).
pub fn insert_leads(
    conn: &mut DbConn,
    company_id: &str,
    location_ids: &[String],
    count: usize,
    until: NaiveDateTime,
) -> anyhow::Result<()> {
    anyhow::ensure!(!location_ids.is_empty(), "no location to seed");
    // On PostgreSQL the secondary indexes are dropped and built again afterwards, from their
    // own definitions: one sort per index is much faster than a million index insertions.
    let indexes = match conn {
        DbConn::Pg(pg) => secondary_indexes(pg)?,
        DbConn::Sqlite(_) => Vec::new(),
    };
    for index in &indexes {
        conn.batch_execute(&format!("DROP INDEX {}", index.name))?;
    }
    let step = Duration::days(365).num_microseconds().unwrap_or(1) / count.max(1) as i64;
    let mut start = 0;
    while start < count {
        let end = (start + ROWS_PER_TRANSACTION).min(count);
        diesel::Connection::transaction(conn, |conn| {
            for chunk_start in (start..end).step_by(ROWS_PER_INSERT) {
                let chunk_end = (chunk_start + ROWS_PER_INSERT).min(end);
                let mut sql = String::with_capacity(600 * (chunk_end - chunk_start));
                sql.push_str(
                    "INSERT INTO leads (id, company_id, location_id, received_at, status, content_type, \
                     request_headers, raw_body, mapped_body, warnings, errors, first_name, last_name, \
                     email, phone, phone_digits, search_text, attempts, retry_step, last_http_status, \
                     last_error, delivered_at, updated_at) VALUES ",
                );
                for n in chunk_start..chunk_end {
                    if n > chunk_start {
                        sql.push(',');
                    }
                    let at = until - Duration::microseconds(step * (count - n) as i64);
                    let location = &location_ids[n % location_ids.len()];
                    sql.push_str(&values(n, company_id, location, at));
                }
                conn.batch_execute(&sql)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        start = end;
    }
    if let DbConn::Pg(_) = conn {
        conn.batch_execute("SET maintenance_work_mem = '256MB'")?;
        for index in &indexes {
            conn.batch_execute(&index.definition)?;
        }
        // Fresh statistics, as autovacuum would gather them on a real server over time.
        conn.batch_execute("ANALYZE leads")?;
    } else {
        conn.batch_execute("ANALYZE")?;
    }
    Ok(())
}

/// An index of `leads` that backs no constraint, with its `CREATE INDEX` statement.
#[derive(diesel::QueryableByName)]
struct IndexDefinition {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    definition: String,
}

fn secondary_indexes(conn: &mut diesel::PgConnection) -> anyhow::Result<Vec<IndexDefinition>> {
    use diesel::RunQueryDsl;
    Ok(diesel::sql_query(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition \
         FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid \
         WHERE i.indrelid = 'leads'::regclass AND c.oid IS NULL",
    )
    .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_mix_and_values_escape_quotes() {
        let counts = (0..10_000).fold(std::collections::HashMap::new(), |mut map, n| {
            *map.entry(status_of(n)).or_insert(0) += 1;
            map
        });
        assert_eq!(counts["delivered"], 6_000);
        assert_eq!(counts["held"], 1_000);
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 2)
            .unwrap()
            .and_hms_opt(3, 4, 5)
            .unwrap();
        let tuple = values(7, "co'1", "loc", at);
        assert!(tuple.starts_with("('"));
        assert!(tuple.contains("'co''1'"));
        assert!(tuple.contains(RARE_NAME));
        assert!(tuple.contains("'2026-01-02 03:04:05.000000'"));
    }
}
