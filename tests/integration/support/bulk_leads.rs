//! Many leads at once, for the export and scale tests.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::support::helpers::TestApp;

/// The few columns a bulk-seeded lead varies in.
#[derive(Debug, Clone)]
pub struct BulkLead {
    pub id: String,
    pub location_id: String,
    pub received_at: NaiveDateTime,
    pub status: &'static str,
    pub first: String,
    pub last: String,
    pub email: String,
    pub phone: String,
}

impl BulkLead {
    pub fn search_text(&self) -> String {
        format!("{} {} {}", self.first, self.last, self.email).to_lowercase()
    }
}

fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn sql_time(at: NaiveDateTime) -> String {
    // The text form diesel writes on SQLite; PostgreSQL reads it as a timestamp.
    format!("'{}'", at.format("%Y-%m-%d %H:%M:%S%.f"))
}

/// Inserts many leads of one company fast: multi-row INSERTs of 500 rows in one transaction
/// (built as SQL text: diesel's batch insert does not compile through `MultiConnection`).
pub fn bulk_insert(app: &TestApp, company_id: &str, rows: &[BulkLead]) {
    use diesel::connection::SimpleConnection;
    let mut conn = app.conn();
    diesel::Connection::transaction(&mut *conn, |conn| {
        for chunk in rows.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO leads (id, company_id, location_id, received_at, status, content_type, \
                 request_headers, raw_body, mapped_body, warnings, errors, first_name, last_name, \
                 email, phone, phone_digits, search_text, attempts, retry_step, last_http_status, \
                 last_error, delivered_at, updated_at) VALUES ",
            );
            for (index, lead) in chunk.iter().enumerate() {
                if index > 0 {
                    sql.push(',');
                }
                let mapped = json!({
                    "firstName": lead.first, "lastName": lead.last,
                    "emailAddress": lead.email, "phoneNumber1": lead.phone,
                })
                .to_string();
                let (attempts, http, error, delivered) = match lead.status {
                    "delivered" => (1, "202".to_string(), "NULL".to_string(), sql_time(lead.received_at)),
                    "failed" => (
                        1,
                        "400".to_string(),
                        sql_text("AccuLynx rejected the lead: The firstName field is required."),
                        "NULL".to_string(),
                    ),
                    _ => (0, "NULL".to_string(), "NULL".to_string(), "NULL".to_string()),
                };
                sql.push_str(&format!(
                    "({},{},{},{},{},'application/json','{{}}',{},{},'[]','[]',{},{},{},{},{},{},{attempts},0,{http},{error},{delivered},{})",
                    sql_text(&lead.id),
                    sql_text(company_id),
                    sql_text(&lead.location_id),
                    sql_time(lead.received_at),
                    sql_text(lead.status),
                    sql_text(&mapped),
                    sql_text(&mapped),
                    sql_text(&lead.first),
                    sql_text(&lead.last),
                    sql_text(&lead.email),
                    sql_text(&lead.phone),
                    sql_text(&lead.phone),
                    sql_text(&lead.search_text()),
                    sql_time(lead.received_at),
                ));
            }
            conn.batch_execute(&sql)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
}
