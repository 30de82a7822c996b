//! The long-running and one-shot commands that are the application as a whole: `serve`,
//! `worker`, `migrate`, the database connection of the other one-shot commands, and the
//! signal that stops a process.

use std::sync::Arc;

use anyhow::Context;

use crate::config::{ConfigError, MasterKeySource, Settings};
use crate::db::{DatabaseUrl, backup};
use crate::startup::{
    Application, load_master_key, open_database, start_bulk_resends, start_retention, start_worker,
    start_writer,
};
use crate::telemetry::Instance;
use crate::telemetry::metrics::Metrics;

/// `leadrelay worker`: the delivery worker and the retention purge, until Ctrl-C or SIGTERM.
pub async fn run_worker_only(
    settings: Settings,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let master_key = load_master_key(&settings)?;
    let db = open_database(&settings).await?;
    let writer = start_writer(&settings);
    let instance = Instance::new();
    let (worker, retention, bulk_resends) = instance.span().in_scope(|| {
        let wake_worker = Arc::new(tokio::sync::Notify::new());
        let worker = start_worker(
            &settings,
            &db,
            &writer,
            &master_key,
            wake_worker.clone(),
            // No HTTP server here: nothing serves these counters.
            Arc::new(Metrics::default()),
        )?;
        let bulk_resends = start_bulk_resends(
            &settings,
            &db,
            Arc::new(tokio::sync::Notify::new()),
            wake_worker,
        );
        anyhow::Ok((worker, start_retention(&settings, &db), bulk_resends))
    })?;
    // Links in alerts need the portal's address; without LEADRELAY_PUBLIC_URL they are
    // relative to the default one.
    let public_url = settings.public_url.clone().unwrap_or_else(|| {
        url::Url::parse(&format!("http://{}", settings.bind))
            .unwrap_or_else(|_| unreachable!("a socket address makes a URL"))
    });
    let notifier = crate::alerts::send::Notifier::new(
        &settings,
        crate::crypto::secret_box::SecretBox::new(&master_key),
        public_url,
    )?;
    let alerts = instance.span().in_scope(|| {
        crate::alerts::runner::AlertRunner::start(db.clone(), notifier, settings.alert_check_every)
    });
    stop.await;
    tracing::info!("shutting down: giving back unsent leads and finishing requests in flight");
    bulk_resends.stop().await;
    alerts.stop().await;
    worker.stop().await;
    retention.stop().await;
    Ok(())
}

/// `leadrelay serve`: the portal, the webhook and (unless `--no-worker`) the worker, until
/// `stop` resolves; then requests in flight are finished.
pub async fn serve(
    settings: Settings,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    tracing::info!(
        url = %app.state().public_url,
        database = %app.state().settings.database_url.backend_name(),
        "leadrelay is serving"
    );
    app.announce_setup_link()
        .context("while preparing the first-run setup link")?;
    let handle = app.handle();
    tokio::spawn(async move {
        stop.await;
        tracing::info!("shutting down: finishing requests in flight");
        handle.stop(true).await;
    });
    app.run_until_stopped()
        .await
        .context("while serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}

/// `leadrelay migrate`: applies pending migrations and says which.
pub async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let url = settings.database_url.clone();
    let applied = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
        let manager = crate::db::pool::ConnectionManager::new(url.clone());
        let mut conn = manager.establish().map_err(|err| {
            ConfigError::new(
                "LEADRELAY_DATABASE_URL",
                format!("cannot connect to {url}: {err}"),
            )
        })?;
        crate::db::migrations::run_pending(&mut conn)
    })
    .await??;
    if applied.is_empty() {
        println!("The database is up to date.");
    } else {
        println!(
            "Applied {} migration(s): {}",
            applied.len(),
            applied.join(", ")
        );
    }
    Ok(())
}

/// `leadrelay backup --to FILE`: copies the SQLite database while it is in use and says
/// what the copy holds; on PostgreSQL, explains `pg_dump`.
pub async fn backup(settings: Settings, to: std::path::PathBuf) -> anyhow::Result<()> {
    let source = match &settings.database_url {
        DatabaseUrl::Sqlite(path) => path.clone(),
        url @ DatabaseUrl::Postgres(_) => anyhow::bail!(backup::postgres_advice(url)),
    };
    let report = tokio::task::spawn_blocking(move || backup::backup_sqlite(&source, &to))
        .await
        .context("while taking the backup")??;
    println!(
        "Backed up {} lead(s), {} location(s) and {} company(ies) to {} ({} bytes).",
        report.leads,
        report.locations,
        report.companies,
        report.path.display(),
        report.bytes
    );
    let key = match &settings.master_key {
        MasterKeySource::File { path, .. } => format!("the master key file {}", path.display()),
        _ => "the master key (LEADRELAY_MASTER_KEY)".to_string(),
    };
    println!("Keep {key} with it: the AccuLynx keys in the backup can only be read with that key.");
    Ok(())
}

/// A database connection for a one-shot command (migrations applied).
pub async fn command_connection(
    settings: &Settings,
) -> anyhow::Result<crate::db::pool::PooledConn> {
    let mut single = settings.clone();
    single.pool_size = 1;
    let pool = open_database(&single).await?;
    Ok(pool.get()?)
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
