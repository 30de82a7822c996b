//! Operations endpoints (SPEC §10): liveness, readiness and metrics.

pub mod metrics;

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::state::AppState;

/// `GET /healthz`: the process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// `GET /readyz`: the database answers within two seconds.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.db.clone();
    let ready = web::block(move || {
        let mut conn = pool.get_timeout(Duration::from_secs(2))?;
        conn.ping().map_err(anyhow::Error::from)
    })
    .await;
    match ready {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Ok(Err(err)) => {
            tracing::warn!(error = %format!("{err:#}"), "not ready: database unreachable");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "reason": "database unreachable"}))
        }
        Err(_) => HttpResponse::ServiceUnavailable()
            .json(json!({"status": "unavailable", "reason": "shutting down"})),
    }
}
