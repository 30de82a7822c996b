//! What the benchmarks share: a throw-away database, a seeded location, percentiles.

use std::path::PathBuf;
use std::time::Duration;

use diesel::prelude::*;

use crate::audit::Actor;
use crate::crypto::master_key::MasterKey;
use crate::crypto::secret_box::SecretBox;
use crate::db::now;
use crate::db::schema::{leads, locations};
use crate::db::{DatabaseUrl, DbConn};
use crate::leads::LeadStatus;

/// A database that exists for one benchmark run.
pub struct BenchDatabase {
    /// Its URL.
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    Directory(PathBuf),
    PgDatabase { admin_url: String, name: String },
}

impl BenchDatabase {
    /// A SQLite file in a fresh temp directory, or (given a PostgreSQL server URL) a fresh
    /// database on that server.
    pub fn create(postgres_admin_url: Option<&str>) -> anyhow::Result<Self> {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        match postgres_admin_url {
            Some(admin_url) => {
                let name = format!("leadrelay_bench_{tag}");
                pg_admin(admin_url, &format!("CREATE DATABASE \"{name}\""))?;
                let mut url = url::Url::parse(admin_url)?;
                url.set_path(&name);
                let url = DatabaseUrl::parse(url.as_str()).map_err(anyhow::Error::msg)?;
                Ok(Self {
                    url,
                    cleanup: Cleanup::PgDatabase {
                        admin_url: admin_url.to_string(),
                        name,
                    },
                })
            }
            None => {
                let dir = std::env::temp_dir().join(format!("leadrelay-bench-{tag}"));
                std::fs::create_dir_all(&dir)?;
                Ok(Self {
                    url: DatabaseUrl::Sqlite(dir.join("bench.db")),
                    cleanup: Cleanup::Directory(dir),
                })
            }
        }
    }
}

impl Drop for BenchDatabase {
    fn drop(&mut self) {
        let _ = match &self.cleanup {
            Cleanup::Directory(dir) => std::fs::remove_dir_all(dir).map_err(anyhow::Error::from),
            Cleanup::PgDatabase { admin_url, name } => pg_admin(
                admin_url,
                &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            ),
        };
    }
}

fn pg_admin(admin_url: &str, sql: &str) -> anyhow::Result<()> {
    use diesel::connection::SimpleConnection;
    let mut conn = diesel::PgConnection::establish(admin_url)?;
    conn.batch_execute(sql)?;
    Ok(())
}

/// A company with one location whose AccuLynx key is `key`; returns (company id, location id).
pub fn seed_location(
    conn: &mut DbConn,
    master_key: &MasterKey,
    key: &str,
) -> anyhow::Result<(String, String)> {
    let seeded = seed_company(conn, master_key, key)?;
    Ok((seeded.company_id, seeded.location_id))
}

/// What [`seed_company`] created.
pub struct SeededCompany {
    /// The company's id.
    pub company_id: String,
    /// Its short name.
    pub slug: String,
    /// Its one location's id.
    pub location_id: String,
}

/// A company with one location whose AccuLynx key is `key`.
pub fn seed_company(
    conn: &mut DbConn,
    master_key: &MasterKey,
    key: &str,
) -> anyhow::Result<SeededCompany> {
    let actor = Actor::command_line();
    let slug = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    crate::tenants::companies::add_company(
        conn,
        &actor,
        "Benchmark Roofing",
        &slug,
        "America/Denver",
    )
    .map_err(|err| anyhow::anyhow!("{err}"))?;
    let company = crate::tenants::queries::find_company_by_slug(
        conn,
        &crate::domain::scope::CompanyScope::All,
        &slug,
    )?;
    let location = crate::tenants::locations::add_location(
        conn,
        &actor,
        &company.id,
        "Benchmark location",
        crate::tenants::model::AccuLynxApi::V1,
    )
    .map_err(|err| anyhow::anyhow!("{err}"))?;
    let sealed = SecretBox::new(master_key).seal(key.as_bytes(), location.id.as_bytes());
    diesel::update(locations::table.find(&location.id))
        .set((
            locations::acculynx_key.eq(Some(sealed)),
            locations::key_status.eq("valid"),
        ))
        .execute(conn)?;
    Ok(SeededCompany {
        company_id: company.id,
        slug,
        location_id: location.id,
    })
}

/// Inserts `count` queued leads in one transaction.
pub fn seed_queued_leads(
    conn: &mut DbConn,
    company_id: &str,
    location_id: &str,
    count: usize,
) -> anyhow::Result<()> {
    let at = now();
    crate::db::write_transaction(conn, |conn| {
        for n in 0..count {
            let body = serde_json::json!({"firstName": "Bench", "lastName": format!("Lead {n}"), "crossReference": format!("bench-{n}")}).to_string();
            diesel::insert_into(leads::table)
                .values((
                    leads::id.eq(uuid::Uuid::now_v7().to_string()),
                    leads::company_id.eq(company_id),
                    leads::location_id.eq(location_id),
                    leads::received_at.eq(at),
                    leads::status.eq(LeadStatus::Queued),
                    leads::content_type.eq("application/json"),
                    leads::raw_body.eq(Some(body.clone())),
                    leads::mapped_body.eq(Some(body)),
                    leads::next_attempt_at.eq(Some(at)),
                    leads::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

/// Leads of a status.
pub fn count_status(conn: &mut DbConn, status: LeadStatus) -> anyhow::Result<i64> {
    Ok(leads::table
        .filter(leads::status.eq(status))
        .count()
        .get_result(conn)?)
}

/// The AccuLynx sandbox a benchmark sends to: one key, no rate limits (the benchmark measures
/// leadrelay, not AccuLynx's limits).
pub async fn start_sandbox(key: &str) -> anyhow::Result<crate::sandbox::Sandbox> {
    use crate::sandbox::{Sandbox, SandboxConfig, SandboxKey};
    Sandbox::start(
        SandboxConfig {
            keys: vec![SandboxKey::new(key, "Benchmark")],
            rate_limits: false,
            ..SandboxConfig::default()
        },
        "127.0.0.1:0".parse()?,
    )
    .await
}

/// The `q`-th percentile (0–100) of sorted durations.
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// A database with the schema, a company with one location, and a company admin who signs
/// in with [`PASSWORD`]; for the scenarios that run a `leadrelay serve` child on it.
pub async fn prepare_portal(
    database: &BenchDatabase,
    master_key: &MasterKey,
) -> anyhow::Result<(crate::db::DbPool, SeededCompany, String)> {
    let settings = crate::config::Settings::for_database(database.url.clone(), master_key.clone());
    let pool = crate::startup::open_database(&settings).await?;
    let (pool, key) = (pool.clone(), master_key.clone());
    tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut conn = pool.get()?;
        let seeded = seed_company(&mut conn, &key, "bench-portal-key-0001")?;
        let email = format!("admin@{}.example.com", seeded.slug);
        crate::accounts::cli::add_user(
            &mut conn,
            &email,
            "company-admin",
            Some(&seeded.slug),
            Some(PASSWORD.to_string()),
        )?;
        drop(conn);
        Ok((pool, seeded, email))
    })
    .await?
}

/// The password of the benchmark's signed-in user.
pub const PASSWORD: &str = "bench-password-correct-horse";

/// Milliseconds with one decimal.
pub fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}
