//! Operations endpoints (SPEC §10): liveness, readiness and metrics.

pub mod metrics;

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::db::outage;
use crate::state::AppState;

/// `GET /healthz`: the process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// `GET /readyz`: the database answers within two seconds and, on SQLite, its disk has room
/// for new leads (a full disk makes the intake answer 503, so the instance is not ready).
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.db.clone();
    let settings = state.settings.clone();
    let ready = web::block(move || {
        let mut conn = pool.get_timeout(Duration::from_secs(2))?;
        conn.ping().map_err(anyhow::Error::from)?;
        Ok::<_, anyhow::Error>(outage::free_bytes(&settings.database_url))
    })
    .await;
    match ready {
        Ok(Ok(Some(free))) if free < outage::LOW_SPACE_BYTES => {
            tracing::warn!(free_bytes = free, "not ready: the database's disk is full");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "unavailable",
                "reason": "database disk full",
                "message": format!(
                    "Only {free} bytes are free on the file system holding the database; new leads cannot be stored (the webhook answers 503) until space is freed."
                ),
            }))
        }
        Ok(Ok(_)) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Ok(Err(err)) => {
            tracing::warn!(error = %format!("{err:#}"), "not ready: database unreachable");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "reason": "database unreachable"}))
        }
        Err(_) => HttpResponse::ServiceUnavailable()
            .json(json!({"status": "unavailable", "reason": "shutting down"})),
    }
}
