//! The real application, started in this process for a scenario that posts leads to it.

use crate::bench::support::BenchDatabase;
use crate::config::Settings;
use crate::crypto::master_key::MasterKey;
use crate::sandbox::Sandbox;
use crate::startup::Application;

/// An application serving on a free port, with one location whose webhook URL is known.
pub struct RunningApp {
    /// The location's webhook URL.
    pub webhook: url::Url,
    handle: actix_web::dev::ServerHandle,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningApp {
    /// Starts the application on `database`, sending to `sandbox` with every limit out of
    /// the way; `worker` says whether the delivery worker runs.
    pub async fn start(
        database: &BenchDatabase,
        sandbox: &Sandbox,
        key: &str,
        worker: bool,
    ) -> anyhow::Result<Self> {
        let master_key = MasterKey::generate();
        let mut settings = Settings::for_database(database.url.clone(), master_key.clone());
        settings.bind = "127.0.0.1:0".parse()?;
        settings.intake_rate = 1_000_000;
        settings.run_worker = worker;
        settings.rate_per_key = 1_000_000;
        settings.rate_global = 1_000_000;
        settings.pool_size = 16;
        settings.acculynx_base_url = url::Url::parse(&sandbox.url())?;
        let app = Application::build(settings).await?;
        let webhook = crate::bench::intake::webhook_url_with_key(&app, &master_key, key).await?;
        let handle = app.handle();
        let server = tokio::spawn(app.run_until_stopped());
        Ok(Self {
            webhook: url::Url::parse(&webhook)?,
            handle,
            server,
        })
    }

    /// Stops the server (and its worker) gracefully.
    pub async fn stop(self) {
        self.handle.stop(true).await;
        let _ = self.server.await;
    }
}

/// The request of lead `n` (a unique ClientTether-style form post) to `webhook`.
pub fn lead_request(webhook: &url::Url) -> impl Fn(usize) -> Vec<u8> + Send + Sync + 'static {
    let target = webhook.clone();
    move |n| crate::bench::load::form_post(&target, &crate::bench::intake::form_body(n))
}
