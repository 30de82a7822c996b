//! `GET /metrics` (SPEC §10): this process's counters ([`crate::telemetry::metrics`]) and
//! the queue read from the shared database, as Prometheus text.
//!
//! When `LEADRELAY_METRICS_TOKEN` is set, a scrape must send `Authorization: Bearer <token>`.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::Digest;
use subtle::ConstantTimeEq;

use crate::crypto::Secret;
use crate::db::DbPool;
use crate::leads::counts::{self, QueueDepth};
use crate::state::AppState;
use crate::telemetry::metrics::CONTENT_TYPE;

/// `GET /metrics`: the exposition, behind the metrics token when one is set.
pub async fn show_metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !authorised(&req, state.settings.metrics_token.as_ref()) {
        return HttpResponse::Unauthorized()
            .insert_header((
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"leadrelay metrics\"",
            ))
            .content_type("text/plain; charset=utf-8")
            .body(
                "A valid metrics token is required: send it as \
                 \"Authorization: Bearer <token>\" (LEADRELAY_METRICS_TOKEN).\n",
            );
    }
    let queue = read_queue(&state.db).await;
    let body = state.metrics.render(queue.as_ref(), crate::db::now());
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// Whether the request may read the metrics: always without a token, else with
/// `Authorization: Bearer <token>`.
fn authorised(req: &HttpRequest, token: Option<&Secret<String>>) -> bool {
    let Some(token) = token else {
        return true;
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, presented)| presented.trim());
    let Some(presented) = presented else {
        return false;
    };
    // Digests have one length, so the comparison's time tells nothing of the token, its
    // length included.
    let expected = sha2::Sha256::digest(token.expose().as_bytes());
    let presented = sha2::Sha256::digest(presented.as_bytes());
    expected[..].ct_eq(&presented[..]).into()
}

/// The queue, or `None` when the database does not answer within two seconds (a scrape
/// must still get the process counters, well within Prometheus's scrape timeout).
async fn read_queue(pool: &DbPool) -> Option<QueueDepth> {
    let pool = pool.clone();
    let read = web::block(move || {
        let mut conn = pool.get_timeout(Duration::from_secs(2))?;
        counts::queue_depth(&mut conn).map_err(anyhow::Error::from)
    })
    .await;
    match read {
        Ok(Ok(depth)) => Some(depth),
        Ok(Err(err)) => {
            tracing::warn!(error = %format!("{err:#}"), "metrics: cannot read the queue from the database");
            None
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests;
