//! The sandbox's HTTP server: its routes, the state its workers share, and the checks every
//! API request goes through before its endpoint sees it, in AccuLynx's order: the per-IP
//! limit, the key, the per-key limit, then any programmed fault.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::Server;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use sha2::{Digest, Sha256};

use super::answers::Problem;
use super::config::{DEFAULT_LOCATION_NAME, SandboxConfig};
use super::faults::{Fault, FaultBook};
use super::handlers;
use super::limits::RateLimiter;
use super::store::Store;

/// The AccuLynx location a key stands for.
#[derive(Debug, Clone)]
pub(crate) struct Location {
    /// Stable per key.
    pub id: String,
    /// As given with the key.
    pub name: String,
}

/// What every worker of one sandbox shares.
pub(crate) struct SandboxState {
    /// Accepted keys (interned, so recording a request does not copy its key); empty means
    /// any non-empty key is accepted.
    keys: HashMap<Arc<str>, Location>,
    pub(crate) fail_rate: f64,
    latency: Duration,
    limiter: Option<RateLimiter>,
    pub(crate) faults: FaultBook,
    pub(crate) store: Store,
}

/// A request that passed the checks of [`SandboxState::admit`].
pub(crate) struct Caller {
    /// Its (accepted) key.
    pub key: Arc<str>,
    /// Extra time before answering, from a programmed [`Fault::Delay`].
    pub delay: Duration,
}

impl SandboxState {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        let keys = config
            .keys
            .iter()
            .map(|entry| {
                let location = Location {
                    id: location_id(&entry.key),
                    name: entry.location_name.clone(),
                };
                (Arc::from(entry.key.as_str()), location)
            })
            .collect();
        Self {
            keys,
            fail_rate: config.fail_rate,
            latency: config.latency,
            limiter: config.rate_limits.then(|| {
                RateLimiter::new(
                    config.per_key_per_second,
                    config.per_ip_per_second,
                    config.ip_ban,
                )
            }),
            faults: FaultBook::default(),
            store: Store::default(),
        }
    }

    /// The Bearer key of a request, valid or not.
    pub(crate) fn presented_key(&self, req: &HttpRequest) -> Option<Arc<str>> {
        let header = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = header.trim().split_once(' ')?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return None;
        }
        Some(match self.keys.get_key_value(token) {
            Some((known, _)) => known.clone(),
            None => Arc::from(token),
        })
    }

    /// The location of an accepted key.
    pub(crate) fn location(&self, key: &str) -> Option<Location> {
        if self.keys.is_empty() {
            return Some(Location {
                id: location_id(key),
                name: DEFAULT_LOCATION_NAME.to_string(),
            });
        }
        self.keys.get(key).cloned()
    }

    /// The checks before an endpoint: the per-IP limit (and ban), the key, the per-key limit
    /// and the next programmed fault. `Err` is the answer to give instead.
    pub(crate) fn admit(
        &self,
        req: &HttpRequest,
        presented: Option<&Arc<str>>,
        arrived: Instant,
    ) -> Result<Caller, Problem> {
        if let (Some(limiter), Some(peer)) = (&self.limiter, req.peer_addr()) {
            limiter
                .check_ip(peer.ip(), arrived)
                .map_err(Problem::RateLimited)?;
        }
        let key = match presented {
            Some(key) if self.keys.is_empty() || self.keys.contains_key(key) => key.clone(),
            _ => return Err(Problem::Unauthorized),
        };
        if let Some(limiter) = &self.limiter {
            limiter
                .check_key(&key, arrived)
                .map_err(Problem::RateLimited)?;
        }
        let delay = match self.faults.next(&key) {
            None => Duration::ZERO,
            Some(Fault::Delay(delay)) => delay,
            Some(Fault::Status(status)) => return Err(Problem::Status(status)),
            Some(Fault::Unauthorized) => return Err(Problem::Unauthorized),
            Some(Fault::RateLimited { retry_after }) => {
                return Err(Problem::ProgrammedRateLimit(retry_after));
            }
        };
        Ok(Caller { key, delay })
    }

    /// Waits until the answer is due: `--latency` (plus any programmed delay) after arrival.
    pub(crate) async fn hold_answer(&self, arrived: Instant, extra: Duration) {
        let due = arrived + self.latency.saturating_add(extra);
        if due > Instant::now() {
            tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
        }
    }
}

/// A stable, opaque location id derived from the key (never the key itself).
fn location_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The sandbox's routes.
fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/leads").route(web::post().to(handlers::post_lead)))
        .service(
            web::resource("/api/v2/company-settings")
                .route(web::get().to(handlers::company_settings)),
        )
        .service(
            web::resource("/sandbox/leads")
                .route(web::get().to(handlers::list_leads))
                .route(web::delete().to(handlers::clear_leads)),
        );
}

/// Builds the HTTP server on an already bound listener; it serves once polled.
pub(crate) fn build(state: Arc<SandboxState>, listener: TcpListener) -> std::io::Result<Server> {
    let data = web::Data::from(state);
    let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .configure(routes)
            .default_service(web::to(HttpResponse::NotFound))
    })
    .listen(listener)?
    .workers(workers)
    .disable_signals()
    .shutdown_timeout(2)
    .run())
}
