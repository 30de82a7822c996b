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
use super::faults::{Fault, FaultBook, V2Step};
use super::handlers;
use super::limits::RateLimiter;
use super::store::Store;
use super::v2;
use super::v2::quota::{QuotaState, WriteQuota};
use super::v2::store::V2Store;

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
    /// The v2 contacts and jobs, per key.
    pub(crate) v2: V2Store,
    /// The v2 per-company write quotas.
    pub(crate) quota: WriteQuota,
}

/// A request that passed the checks of [`SandboxState::admit`].
pub(crate) struct Caller {
    /// Its (accepted) key.
    pub key: Arc<str>,
    /// Extra time before answering, from a programmed [`Fault::Delay`].
    pub delay: Duration,
    /// What to do once the request is carried out, from a programmed
    /// [`Fault::StatusAfterAction`] or [`Fault::DelayAfterAction`].
    pub after: Option<AfterAction>,
    /// The write quota's tighter window after this write, when a quota is set.
    pub quota: Option<QuotaState>,
}

/// A programmed change to the answer of a request that was carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterAction {
    /// Answer with this status and an empty body.
    Status(u16),
    /// Answer normally, after this delay.
    Delay(Duration),
}

/// What kind of request is being admitted.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Admission {
    /// The v2 step it belongs to, whose programmed faults come first.
    pub step: Option<V2Step>,
    /// Whether it is a v2 write, counted by the write quotas.
    pub write: bool,
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
            v2: V2Store::default(),
            quota: WriteQuota::new(config.v2_hourly_writes, config.v2_daily_writes),
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
        self.admit_as(req, presented, arrived, Admission::default())
    }

    /// [`SandboxState::admit`] for a request of a kind: a v2 write is also checked against
    /// the write quotas (after the per-key limit, before the faults), and a v2 step's own
    /// programmed faults are used before the key's.
    pub(crate) fn admit_as(
        &self,
        req: &HttpRequest,
        presented: Option<&Arc<str>>,
        arrived: Instant,
        kind: Admission,
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
        let quota = if kind.write {
            self.quota
                .check(&key, arrived)
                .map_err(|refused| Problem::V2RateLimited {
                    policy: refused.policy.to_string(),
                    limit: Some(refused.limit),
                    retry_after: refused.reset_secs,
                })?
        } else {
            None
        };
        let mut caller = Caller {
            key,
            delay: Duration::ZERO,
            after: None,
            quota,
        };
        match self.faults.next_for(&caller.key, kind.step) {
            None => {}
            Some(Fault::Delay(delay)) => caller.delay = delay,
            Some(Fault::Status(status)) => return Err(Problem::Status(status)),
            Some(Fault::Unauthorized) => return Err(Problem::Unauthorized),
            Some(Fault::RateLimited { retry_after }) => {
                return Err(Problem::ProgrammedRateLimit(retry_after));
            }
            Some(Fault::V2RateLimited {
                policy,
                retry_after,
            }) => {
                let limit = self.quota.limit_of(&policy);
                return Err(Problem::V2RateLimited {
                    policy,
                    limit,
                    retry_after,
                });
            }
            Some(Fault::StatusAfterAction(status)) => {
                caller.after = Some(AfterAction::Status(status));
            }
            Some(Fault::DelayAfterAction(delay)) => {
                caller.after = Some(AfterAction::Delay(delay));
            }
        }
        Ok(caller)
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
        )
        .configure(v2::routes);
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
