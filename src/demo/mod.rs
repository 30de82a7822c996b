//! `leadrelay demo` (SPEC §2): a throw-away leadrelay to try in one minute. It makes a
//! temporary directory with a fresh SQLite database and master key, starts the AccuLynx
//! sandbox (§9) on a free port and the real application pointed at it, seeds a platform
//! admin, the company "Demo Roofing" and its location "North Denver" (whose AccuLynx key is
//! the sandbox's), posts a few sample leads to the location's webhook URL as ClientTether
//! would, and prints how to sign in, the webhook URL and a `curl` line that sends one more.
//! On Ctrl-C it stops and deletes the directory.
//!
//! Everything goes through the product's own paths: the command-line functions that create
//! users, companies and locations, HTTP to the webhook, the delivery worker to the sandbox.

mod samples;

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::cli::DemoArgs;
use crate::config::{ConfigError, MasterKeySource, Settings};
use crate::crypto::master_key::MasterKey;
use crate::crypto::secret_box::SecretBox;
use crate::db::{DatabaseUrl, DbConn};
use crate::domain::scope::CompanyScope;
use crate::leads::filter::LeadFilter;
use crate::leads::{LeadRow, LeadStatus};
use crate::sandbox::{Sandbox, SandboxConfig, SandboxKey};
use crate::startup::{Application, load_master_key};
use crate::state::AppState;
use crate::tenants::cli::CommandSecrets;
use crate::tenants::model::KeyStatus;

/// The demo's platform admin.
pub const ADMIN_EMAIL: &str = "admin@demo-roofing.example";

/// The demo's company and location.
const COMPANY: &str = "Demo Roofing";
const LOCATION: &str = "North Denver";

/// How long the sample leads get to reach the sandbox before the summary is printed.
const DELIVERY_WAIT: Duration = Duration::from_secs(10);

/// Runs the demo until `stop` resolves (Ctrl-C); the temporary directory is gone when this
/// returns, whatever happened.
pub async fn run(
    args: &DemoArgs,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let stopping = CancellationToken::new();
    // Listening from the start, so Ctrl-C during start-up still cleans up.
    tokio::spawn({
        let stopping = stopping.clone();
        async move {
            stop.await;
            stopping.cancel();
        }
    });
    let bind = parse_bind(&args.bind)?;
    let dir = DemoDirectory::create()?;
    let result = serve(&dir, bind, &stopping).await;
    drop(dir);
    result
}

async fn serve(
    dir: &DemoDirectory,
    bind: SocketAddr,
    stopping: &CancellationToken,
) -> anyhow::Result<()> {
    crate::acculynx::client::install_tls_provider();
    let sandbox_key = format!("demo-{}", uuid::Uuid::new_v4().simple());
    let sandbox = Sandbox::start(
        SandboxConfig {
            keys: vec![SandboxKey::new(&sandbox_key, LOCATION)],
            ..SandboxConfig::default()
        },
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let settings = settings(dir.path(), bind, &sandbox)?;
    let master_key = load_master_key(&settings)?;
    let app = Application::build(settings).await.map_err(bind_error)?;
    let state = app.state().clone();
    let handle = app.handle();
    let mut server = tokio::spawn(app.run_until_stopped());
    let seeded = tokio::select! {
        seeded = seed_and_show(&state, &master_key, &sandbox, &sandbox_key, dir.path()) => seeded,
        () = stopping.cancelled() => Ok(()),
    };
    if seeded.is_ok() {
        tokio::select! {
            () = stopping.cancelled() => {}
            served = &mut server => {
                served.context("while serving the demo")??;
                anyhow::bail!("the demo's server stopped on its own");
            }
        }
    }
    handle.stop(true).await;
    server.await.context("while stopping the demo")??;
    drop(state);
    drop(sandbox);
    seeded
}

/// The demo's settings: the defaults, its own database and key file, the sandbox.
fn settings(dir: &Path, bind: SocketAddr, sandbox: &Sandbox) -> anyhow::Result<Settings> {
    let mut settings = Settings::for_database(
        DatabaseUrl::Sqlite(dir.join("leadrelay.db")),
        MasterKey::generate(),
    );
    settings.master_key = MasterKeySource::File {
        path: dir.join("leadrelay.key"),
        create_if_missing: true,
        variable: "LEADRELAY_MASTER_KEY_FILE",
    };
    settings.bind = bind;
    settings.acculynx_base_url = url::Url::parse(&sandbox.url())?;
    settings.run_worker = true;
    Ok(settings)
}

fn parse_bind(text: &str) -> Result<SocketAddr, ConfigError> {
    text.trim()
        .to_socket_addrs()
        .ok()
        .and_then(|mut addresses| addresses.next())
        .ok_or_else(|| {
            ConfigError::new(
                "--bind",
                format!(
                    "{text:?} is not an address to listen on; use HOST:PORT, e.g. 127.0.0.1:8080"
                ),
            )
        })
}

/// The address the demo was told to listen on is the `--bind` flag, not the variable.
fn bind_error(err: anyhow::Error) -> anyhow::Error {
    match err.downcast::<ConfigError>() {
        Ok(config) if config.variable == "LEADRELAY_BIND" => {
            ConfigError::new("--bind", config.message).into()
        }
        Ok(config) => config.into(),
        Err(other) => other,
    }
}

/// What was seeded.
struct Seeded {
    password: String,
    company_id: String,
    location_id: String,
    webhook_url: String,
}

async fn seed_and_show(
    state: &AppState,
    master_key: &MasterKey,
    sandbox: &Sandbox,
    sandbox_key: &str,
    dir: &Path,
) -> anyhow::Result<()> {
    let secrets = CommandSecrets {
        secret_box: SecretBox::new(master_key),
        url_signer: state.url_signer.clone(),
        public_url: state.public_url.clone(),
    };
    let key =
        crate::tenants::secrets::parse_acculynx_key(sandbox_key).map_err(anyhow::Error::msg)?;
    let check = state.acculynx.check_key(&key).await;
    let (db, key_text) = (state.db.clone(), sandbox_key.to_string());
    let seeded = tokio::task::spawn_blocking(move || -> anyhow::Result<Seeded> {
        let mut conn = db.get()?;
        seed(
            &mut conn,
            &secrets,
            &key_text,
            check.works().then(|| check.message()),
        )
    })
    .await??;
    let http = reqwest::Client::new();
    let mut sent = Vec::new();
    for sample in &samples::SAMPLES {
        let lead_id = samples::post(&http, &seeded.webhook_url, sample).await?;
        sent.push((lead_id, sample.shows));
    }
    let leads = wait_for_deliveries(state, &seeded).await?;
    println!(
        "{}",
        summary(state, &seeded, &sandbox.url(), dir, &sent, &leads)
    );
    Ok(())
}

/// The admin, the company, its location with the sandbox's key (tested, as "Test key" would).
fn seed(
    conn: &mut DbConn,
    secrets: &CommandSecrets,
    sandbox_key: &str,
    key_works: Option<String>,
) -> anyhow::Result<Seeded> {
    let password = crate::accounts::cli::add_user(conn, ADMIN_EMAIL, "platform-admin", None, None)?
        .context("a password was generated for the demo's admin")?;
    let slug = crate::tenants::cli::add_company(conn, COMPANY, None, "America/Denver")?;
    let webhook_url =
        crate::tenants::cli::add_location(conn, secrets, &slug, LOCATION, Some(sandbox_key), "v1")?;
    let company = crate::tenants::queries::find_company_by_slug(conn, &CompanyScope::All, &slug)?;
    let location = crate::tenants::queries::list_locations(conn, &company.id)?
        .into_iter()
        .next()
        .context("the demo's location was just created")?;
    if let Some(message) = key_works {
        crate::tenants::queries::record_key_check(
            conn,
            &location.id,
            Some(KeyStatus::Valid),
            &message,
        )?;
    }
    Ok(Seeded {
        password,
        company_id: company.id,
        location_id: location.id,
        webhook_url,
    })
}

/// The location's leads once none is waiting to be sent (or after [`DELIVERY_WAIT`]).
async fn wait_for_deliveries(state: &AppState, seeded: &Seeded) -> anyhow::Result<Vec<LeadRow>> {
    let deadline = Instant::now() + DELIVERY_WAIT;
    loop {
        let (db, company_id, location_id) = (
            state.db.clone(),
            seeded.company_id.clone(),
            seeded.location_id.clone(),
        );
        let leads = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<LeadRow>> {
            let filter = LeadFilter {
                location_id: Some(location_id),
                ..LeadFilter::default()
            };
            let mut conn = db.get()?;
            Ok(crate::leads::lists::list_leads(
                &mut conn,
                &CompanyScope::All,
                &company_id,
                &filter,
                None,
                100,
            )?)
        })
        .await??;
        let waiting = leads
            .iter()
            .any(|lead| matches!(lead.status(), LeadStatus::Queued | LeadStatus::Retrying));
        if !waiting || Instant::now() >= deadline {
            return Ok(leads);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the demo prints: where to go, how to sign in, and how to send a lead.
fn summary(
    state: &AppState,
    seeded: &Seeded,
    sandbox_url: &str,
    dir: &Path,
    sent: &[(String, &str)],
    leads: &[LeadRow],
) -> String {
    let portal = state.public_url.as_str();
    let base = portal.trim_end_matches('/');
    let mut out = String::new();
    out.push_str("leadrelay demo is running: a throw-away leadrelay, with the AccuLynx sandbox standing in for AccuLynx.\n\n");
    out.push_str(&format!("Portal            {portal}\n"));
    out.push_str(&format!("Sign in as        {ADMIN_EMAIL}\n"));
    out.push_str(&format!("Password          {}\n", seeded.password));
    out.push_str(&format!(
        "Location          {COMPANY} › {LOCATION}: {base}/locations/{}\n",
        seeded.location_id
    ));
    out.push_str(&format!("Webhook URL       {}\n", seeded.webhook_url));
    out.push_str(&format!(
        "Sandbox leads     {sandbox_url}/sandbox/leads (what the sandbox accepted, as AccuLynx would)\n"
    ));
    out.push_str(&format!(
        "Data              {} (deleted when the demo stops)\n\n",
        dir.display()
    ));
    out.push_str(
        "Sample leads posted to the webhook URL, as a ClientTether Action Plan posts them:\n",
    );
    for (lead_id, shows) in sent {
        let (name, status) = leads
            .iter()
            .find(|lead| &lead.id == lead_id)
            .map_or(("(not found)".to_string(), "Unknown"), |lead| {
                (lead.display_name(), lead.status().label())
            });
        out.push_str(&format!("  {name:<14} {status:<10} {shows}\n"));
    }
    out.push_str(
        "\nSign in, open Leads and click a lead to see its timeline: what came in, what was sent \
         to AccuLynx, and AccuLynx's answer.\n\nSend another lead (run it twice to see a duplicate):\n\n",
    );
    out.push_str(&samples::curl_line(&seeded.webhook_url, samples::CURL_LEAD));
    out.push_str("\n\nPress Ctrl-C to stop.");
    out
}

/// The demo's temporary directory (mode 0700: it holds the master key), deleted on drop.
struct DemoDirectory {
    path: PathBuf,
}

impl DemoDirectory {
    fn create() -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!(
            "leadrelay-demo-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        ));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&path)
            .with_context(|| format!("while creating the demo's directory {}", path.display()))?;
        Ok(Self { path })
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DemoDirectory {
    fn drop(&mut self) {
        if let Err(err) = std::fs::remove_dir_all(&self.path) {
            eprintln!(
                "warning: could not delete the demo's directory {}: {err}",
                self.path.display()
            );
        }
    }
}
