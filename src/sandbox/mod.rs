//! The AccuLynx sandbox (SPEC §9): a faithful stand-in for AccuLynx's lead API, used by the
//! tests, the demo and the benchmarks, and run on its own by `leadrelay sandbox`. It imports
//! nothing of `intake` or `delivery`, so it stays an independent judge of what they send.
//!
//! What it answers, per `reference/acculynx-v1-leads.md`:
//! - `POST /api/v1/leads`: the Bearer key (401 ProblemDetails), `Content-Type:
//!   application/json` (415), a body of at most 1 MiB (413), the lead schema of
//!   [`schema`] (400 ValidationProblemDetails), else **202 with an empty body**;
//! - `GET /api/v2/company-settings`: the key's location, or 401;
//! - rate limits: over 10 requests per key or 30 per client IP within any second → 429 with
//!   `Retry-After`; an IP that went over is refused for 30 s;
//! - faults: `fail_rate` (empty 500s), `latency`, and per-key [`Fault`]s programmed by tests;
//! - `GET /sandbox/leads` / `DELETE /sandbox/leads`: what it accepted, newest last.
//!
//! And the v2 contact → job flow of [`v2`], per `reference/acculynx-v2-contact-job.md`, with
//! data held per key (another key's contact or job is a 404), all under `/api/v2`:
//! - lookups, paged (416 on a bad page range), seeded alike for every key with stable ids
//!   ([`seed`]): `GET /contacts/contact-types`,
//!   `/company-settings/job-file-settings/{job-categories,work-types,trade-types}`,
//!   `/company-settings/leads/lead-sources`, `/company-settings/location-settings/countries`
//!   and `…/countries/{countryId}/states`, `/users` (Active by default);
//! - contacts: `POST /contacts` (201 `{id,_link}`; 400 ProblemDetails naming each bad field
//!   by JSON path), `POST /contacts/search`, `GET /contacts/{id}` and its
//!   `email-addresses`, `phone-numbers` and `jobs`;
//! - jobs: `POST /jobs` (201; 404 for an unknown contact or lookup id), `GET /jobs/{id}`
//!   (always 404 without a body: every job is an unassigned Lead),
//!   `GET`/`POST /jobs/external-references`, `PUT /jobs/{id}/initial-appointment`,
//!   `POST /jobs/{id}/representatives/sales-owner`, `POST /jobs/{id}/messages`;
//! - optional per-key hourly and daily write quotas
//!   ([`SandboxConfig::v2_hourly_writes`], [`SandboxConfig::v2_daily_writes`]): a text/plain
//!   429 with `RateLimit-*` and `Retry-After`, and `RateLimit-*` on successful writes;
//! - faults per step ([`Sandbox::program_step`] with a [`V2Step`]), including
//!   [`Fault::StatusAfterAction`] and [`Fault::DelayAfterAction`] (the write is done, the
//!   answer is lost or late) and [`Fault::V2RateLimited`];
//! - `GET`/`DELETE /sandbox/contacts` and `/sandbox/jobs`: what it holds, oldest first.
//!
//! It never logs a key, a lead or a body.

mod answers;
pub mod config;
mod faults;
mod handlers;
mod limits;
pub mod schema;
mod server;
mod store;
pub mod v2;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use anyhow::Context;

pub use config::{SandboxConfig, SandboxKey};
pub use faults::{Fault, V2Step};
pub use handlers::MAX_BODY_BYTES;
pub use schema::{ValidationErrors, validate_lead};
pub use store::{AcceptedLead, RequestRecord};
pub use v2::{
    V2Appointment, V2Contact, V2ContactAddress, V2Email, V2ExternalReference, V2Job, V2JobAddress,
    V2Message, V2Phone, V2Seed, seed,
};

use crate::config::ConfigError;
use server::SandboxState;

/// A running sandbox. Dropping it stops its server.
pub struct Sandbox {
    state: Arc<SandboxState>,
    address: SocketAddr,
    handle: ServerHandle,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Sandbox {
    /// Binds `bind` (port 0 picks a free port) and serves on the current tokio runtime;
    /// returns once it is listening.
    pub async fn start(config: SandboxConfig, bind: SocketAddr) -> anyhow::Result<Sandbox> {
        let listener = TcpListener::bind(bind)
            .map_err(|err| ConfigError::new("--bind", format!("cannot listen on {bind}: {err}")))?;
        let address = listener
            .local_addr()
            .context("while reading the sandbox's bound address")?;
        let state = Arc::new(SandboxState::new(&config));
        let server = server::build(state.clone(), listener)
            .context("while starting the sandbox's HTTP server")?;
        let handle = server.handle();
        Ok(Sandbox {
            state,
            address,
            handle,
            server: Some(tokio::spawn(server)),
        })
    }

    /// Its base URL, e.g. `http://127.0.0.1:9090` (no trailing slash), for
    /// `LEADRELAY_ACCULYNX_BASE_URL`.
    pub fn url(&self) -> String {
        let ip = match self.address.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.address.port()))
    }

    /// Makes the next answers to `key` (after its key check) these faults, in order, then
    /// normal again. Adds to any faults still waiting for that key.
    pub fn program(&self, key: &str, faults: impl IntoIterator<Item = Fault>) {
        self.state.faults.program(key, faults);
    }

    /// Makes the next v2 requests of `step` of `key` (after its key check) these faults, in
    /// order, then normal again. They are used before any faults of [`Sandbox::program`].
    pub fn program_step(&self, key: &str, step: V2Step, faults: impl IntoIterator<Item = Fault>) {
        self.state.faults.program_step(key, step, faults);
    }

    /// The v2 contacts created so far, of every key, oldest first.
    pub fn contacts(&self) -> Vec<V2Contact> {
        self.state.v2.contacts()
    }

    /// The v2 jobs created so far, of every key, oldest first, with what later calls added.
    pub fn jobs(&self) -> Vec<V2Job> {
        self.state.v2.jobs()
    }

    /// The leads accepted so far, oldest first.
    pub fn accepted(&self) -> Vec<AcceptedLead> {
        self.state.store.accepted()
    }

    /// How many leads were accepted so far (without copying them).
    pub fn accepted_count(&self) -> usize {
        self.state.store.accepted_count()
    }

    /// Every request to `POST /api/v1/leads` so far, whatever its answer, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.store.requests()
    }

    /// Forgets the accepted leads, the requests and the v2 contacts and jobs (programmed
    /// faults, rate-limit windows and write quotas stay).
    pub fn clear(&self) {
        self.state.store.clear();
        self.state.v2.clear_contacts();
        self.state.v2.clear_jobs();
    }

    /// A handle that stops the server.
    pub fn handle(&self) -> ServerHandle {
        self.handle.clone()
    }

    /// Serves until stopped through [`Sandbox::handle`].
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        match self.server.take() {
            Some(server) => server.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // The stop command is sent at once; nothing needs to wait for it here.
        drop(self.handle.stop(false));
    }
}

/// `leadrelay sandbox`: serves the stand-in until `stop` resolves; prints its URL alone on
/// standard output.
pub async fn serve_command(
    bind: SocketAddr,
    config: SandboxConfig,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let keys = match config.keys.len() {
        0 => "any".to_string(),
        count => count.to_string(),
    };
    let sandbox = Sandbox::start(config, bind).await?;
    // The URL alone on standard output, for scripts; the explanation goes to the log.
    println!("{}", sandbox.url());
    tracing::info!(
        url = %sandbox.url(),
        %keys,
        "the AccuLynx sandbox is listening; set LEADRELAY_ACCULYNX_BASE_URL to its url and \
         list what it accepted at /sandbox/leads"
    );
    let handle = sandbox.handle();
    tokio::spawn(async move {
        stop.await;
        tracing::info!("shutting down the sandbox");
        handle.stop(true).await;
    });
    sandbox
        .run_until_stopped()
        .await
        .context("while serving the sandbox")?;
    tracing::info!("stopped");
    Ok(())
}
