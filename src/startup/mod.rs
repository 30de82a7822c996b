//! Builds the running application: settings → database pool → HTTP server, the delivery
//! worker with the bulk-resend runner, and the daily retention purge. Used by `main` and by the integration tests, so tests
//! run the real thing.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use url::Url;

mod commands;

pub use commands::{backup, command_connection, migrate, run_worker_only, serve, shutdown_signal};

use crate::accounts::throttle::LoginThrottle;
use crate::acculynx::client::AccuLynxClient;
use crate::bulk::runner::BulkResendRunner;
use crate::config::{ConfigError, Settings};
use crate::crypto::master_key::MasterKey;
use crate::crypto::secret_box::SecretBox;
use crate::crypto::url_token::UrlSigner;
use crate::db::group_commit::GroupCommit;
use crate::db::{Backend, DbPool, pool};
use crate::delivery::limits::DeliveryLimits;
use crate::delivery::schedule::RetrySchedule;
use crate::delivery::worker::{self, WorkerDeps, WorkerHandle};
use crate::history::retention::RetentionJob;
use crate::http::security_headers::security_headers;
use crate::http::{self, csrf, flash};
use crate::state::AppState;
use crate::telemetry::Instance;
use crate::telemetry::metrics::Metrics;
use crate::tenants::secrets;
use crate::{routes, telemetry};

/// A built application: listening, not yet serving until awaited.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    worker: Option<WorkerHandle>,
    retention: RetentionJob,
    bulk_resends: Option<BulkResendRunner>,
    alerts: Option<crate::alerts::runner::AlertRunner>,
}

impl Application {
    /// Loads the master key, connects to the database (applying migrations), checks the
    /// master key against it and loads the webhook signing secret, binds the listen address
    /// and builds the HTTP server.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let master_key = load_master_key(&settings)?;
        let db = open_database(&settings).await?;
        let secret_box = SecretBox::new(&master_key);
        let url_signer = open_instance_secrets(&db, &secret_box, &settings).await?;
        let acculynx = AccuLynxClient::from_settings(&settings)?;
        let listener = TcpListener::bind(settings.bind).map_err(|err| {
            ConfigError::new(
                "LEADRELAY_BIND",
                format!("cannot listen on {}: {err}", settings.bind),
            )
        })?;
        let local = listener
            .local_addr()
            .context("while reading the bound address")?;
        let public_url = match &settings.public_url {
            Some(url) => url.clone(),
            None => Url::parse(&format!("http://{local}"))
                .context("while building the public URL from the bound address")?,
        };
        let writer = start_writer(&settings);
        let wake_worker = Arc::new(tokio::sync::Notify::new());
        let metrics = Arc::new(Metrics::default());
        let instance = Instance::new();
        let worker = if settings.run_worker {
            Some(instance.span().in_scope(|| {
                start_worker(
                    &settings,
                    &db,
                    &writer,
                    &master_key,
                    wake_worker.clone(),
                    metrics.clone(),
                )
            })?)
        } else {
            None
        };
        let wake_bulk_resend = Arc::new(tokio::sync::Notify::new());
        let bulk_resends = settings.run_worker.then(|| {
            instance.span().in_scope(|| {
                start_bulk_resends(
                    &settings,
                    &db,
                    wake_bulk_resend.clone(),
                    wake_worker.clone(),
                )
            })
        });
        let notifier =
            crate::alerts::send::Notifier::new(&settings, secret_box.clone(), public_url.clone())?;
        let alerts = settings.run_worker.then(|| {
            instance.span().in_scope(|| {
                crate::alerts::runner::AlertRunner::start(
                    db.clone(),
                    notifier.clone(),
                    settings.alert_check_every,
                )
            })
        });
        let state = AppState {
            notifier,
            intake_locations: Arc::new(crate::intake::cache::LocationCache::default()),
            intake_limiter: Arc::new(crate::intake::limits::IntakeLimiter::new(
                settings.intake_rate,
            )),
            writer,
            refused_log: crate::intake::refused::RefusedLog::start(db.clone()),
            db,
            secure_cookies: public_url.scheme() == "https",
            csrf_key: master_key.derive("csrf v1"),
            login_throttle: Arc::new(LoginThrottle::new(settings.login_attempts_per_minute)),
            secret_box,
            url_signer,
            acculynx,
            wake_worker,
            instance: instance.clone(),
            metrics,
            wake_bulk_resend,
            settings: Arc::new(settings),
            public_url,
        };
        let data = web::Data::new(state.clone());
        let named = web::Data::new(instance.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(named.clone())
                .app_data(http::forms::form_config())
                .app_data(http::forms::query_config())
                .app_data(http::forms::path_config())
                .wrap(from_fn(csrf::verify_csrf))
                .wrap(from_fn(flash::clear_shown_flash))
                .wrap(from_fn(http::header_limits::refuse_oversized_headers))
                .wrap(security_headers())
                .wrap(from_fn(telemetry::log_request))
                .configure(routes::configure)
                .default_service(web::to(routes::not_found))
        })
        .listen(listener)
        .context("while starting the HTTP server")?
        .workers(state.settings.http_workers)
        // Slow clients: the headers must arrive within 5 s (else 408), an idle keep-alive
        // connection is closed after 5 s, and a closing connection gets 1 s to go away.
        .client_request_timeout(std::time::Duration::from_secs(5))
        .client_disconnect_timeout(std::time::Duration::from_secs(1))
        .keep_alive(std::time::Duration::from_secs(5))
        .disable_signals()
        .shutdown_timeout(3)
        .run();
        let retention = instance
            .span()
            .in_scope(|| start_retention(&state.settings, &state.db));
        Ok(Self {
            port: local.port(),
            server,
            state,
            worker,
            retention,
            bulk_resends,
            alerts,
        })
    }

    /// The port actually bound (tests bind port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (pool, settings) of this application.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A handle that stops the server gracefully.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// When nobody can sign in yet, logs (and returns) a one-time link that creates the
    /// first platform admin.
    pub fn announce_setup_link(&self) -> anyhow::Result<Option<String>> {
        crate::accounts::setup::announce_setup_link(&self.state.db, &self.state.public_url)
    }

    /// Serves until stopped through [`Application::handle`], then stops the worker (which
    /// gives back the leads it has not sent and finishes those in flight) and the retention
    /// purge.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(bulk_resends) = self.bulk_resends {
            bulk_resends.stop().await;
        }
        if let Some(alerts) = self.alerts {
            alerts.stop().await;
        }
        if let Some(worker) = self.worker {
            worker.stop().await;
        }
        self.retention.stop().await;
        served
    }
}

/// The group-commit writer: one thread on SQLite (it has one writer anyway), a few on
/// PostgreSQL.
pub fn start_writer(settings: &Settings) -> GroupCommit {
    let writers = match settings.database_url {
        crate::db::DatabaseUrl::Sqlite(_) => 1,
        crate::db::DatabaseUrl::Postgres(_) => 4,
    };
    GroupCommit::start(&settings.database_url, writers, 256)
}

/// Starts the delivery worker of this process; it counts its work in `metrics`.
pub fn start_worker(
    settings: &Settings,
    pool: &DbPool,
    writer: &GroupCommit,
    master_key: &MasterKey,
    wake: Arc<tokio::sync::Notify>,
    metrics: Arc<Metrics>,
) -> anyhow::Result<WorkerHandle> {
    Ok(worker::spawn(worker_deps(
        settings, pool, writer, master_key, wake, metrics,
    )?))
}

/// What a delivery worker (or one [`worker::deliver_due`] pass) of this process works with.
pub fn worker_deps(
    settings: &Settings,
    pool: &DbPool,
    writer: &GroupCommit,
    master_key: &MasterKey,
    wake: Arc<tokio::sync::Notify>,
    metrics: Arc<Metrics>,
) -> anyhow::Result<WorkerDeps> {
    let backend = match settings.database_url {
        crate::db::DatabaseUrl::Sqlite(_) => Backend::Sqlite,
        crate::db::DatabaseUrl::Postgres(_) => Backend::Postgres,
    };
    let limits = Arc::new(DeliveryLimits::new(
        settings.rate_per_key,
        settings.rate_global,
    ));
    // SPEC §7: 2 × the timeout — plus the longest a claimed lead can queue for its
    // rate-limit slot, so a lead waiting its turn is never taken over by another worker.
    let lease = settings.delivery_timeout * 2
        + limits.worst_wait(
            settings.delivery_concurrency,
            settings.rate_per_key,
            settings.rate_global,
        );
    Ok(WorkerDeps {
        pool: pool.clone(),
        writer: writer.clone(),
        backend,
        secret_box: SecretBox::new(master_key),
        acculynx: crate::acculynx::client::AccuLynxClient::from_settings(settings)?,
        limits,
        schedule: RetrySchedule::new(settings.retry_schedule.clone()),
        concurrency: settings.delivery_concurrency,
        lease,
        wake,
        poll: settings.worker_poll,
        metrics,
    })
}

/// Starts this process's bulk-resend runner: it carries on the jobs left running (by a
/// previous start, another instance or the command line) and those confirmed here (`wake`),
/// waking the worker (`wake_worker`) when it queues leads.
pub fn start_bulk_resends(
    settings: &Settings,
    pool: &DbPool,
    wake: Arc<tokio::sync::Notify>,
    wake_worker: Arc<tokio::sync::Notify>,
) -> BulkResendRunner {
    BulkResendRunner::start(pool.clone(), wake, wake_worker, settings.worker_poll)
}

/// Starts this process's daily purge of old lead payloads (SPEC §8). Every instance runs
/// one; the purge is idempotent, so instances sharing a database do not get in each other's
/// way.
pub fn start_retention(settings: &Settings, pool: &DbPool) -> RetentionJob {
    RetentionJob::start(
        pool.clone(),
        settings.retention_days,
        settings.purge_first_after,
        settings.purge_every,
    )
}

/// Reads (or on a first SQLite start, creates) the master key.
pub fn load_master_key(settings: &Settings) -> Result<MasterKey, ConfigError> {
    let (key, created) = settings.master_key.load()?;
    if let Some(path) = created {
        tracing::info!(
            path = %path.display(),
            "created a new master key file (mode 0600); back it up with the database: \
             without it the stored AccuLynx keys cannot be read"
        );
    }
    Ok(key)
}

/// Checks the master key against the database and loads the webhook signing secret (both
/// made on a first start); see [`crate::tenants::secrets`]. A wrong master key is a
/// [`ConfigError`].
pub async fn open_instance_secrets(
    db: &DbPool,
    secret_box: &SecretBox,
    settings: &Settings,
) -> anyhow::Result<UrlSigner> {
    let db = db.clone();
    let secret_box = secret_box.clone();
    let variable = secrets::master_key_variable(&settings.master_key);
    tokio::task::spawn_blocking(move || {
        let mut conn = db
            .get()
            .context("while connecting to the database to read its secrets")?;
        secrets::open_instance_secrets(&mut conn, &secret_box, variable)
    })
    .await
    .context("while reading the instance secrets")?
}

/// Connects and migrates; a connection failure is a settings error naming the variable.
pub async fn open_database(settings: &Settings) -> anyhow::Result<DbPool> {
    let url = settings.database_url.clone();
    let size = settings.pool_size;
    let opened = tokio::task::spawn_blocking(move || pool::connect_pool(&url, size))
        .await
        .context("while connecting to the database")?;
    match opened {
        Ok(pool) => Ok(pool),
        Err(pool::PoolError::Connect(err)) => Err(ConfigError::new(
            "LEADRELAY_DATABASE_URL",
            format!("cannot connect to {}: {err}", settings.database_url),
        )
        .into()),
        Err(pool::PoolError::Migrate(err)) => Err(err),
    }
}
