//! What every handler can reach: the state shared by the HTTP workers of one process. It sits
//! below the features' handlers and above nothing but the services it holds, so `http` and the
//! handlers import it without importing `startup` (which wires everything).

use std::sync::Arc;

use url::Url;

use crate::accounts::throttle::LoginThrottle;
use crate::acculynx::client::AccuLynxClient;
use crate::config::Settings;
use crate::crypto::secret_box::SecretBox;
use crate::crypto::url_token::UrlSigner;
use crate::db::DbPool;
use crate::db::group_commit::GroupCommit;
use crate::telemetry::metrics::Metrics;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DbPool,
    /// The settings of this process.
    pub settings: Arc<Settings>,
    /// Base of the webhook URLs shown to users.
    pub public_url: Url,
    /// Key of the CSRF tokens (derived from the master key, so all instances agree).
    pub csrf_key: [u8; 32],
    /// Whether cookies are marked `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// Per-IP throttle of the login form.
    pub login_throttle: Arc<LoginThrottle>,
    /// Seals and opens the AccuLynx keys of locations.
    pub secret_box: SecretBox,
    /// Makes and checks webhook URL tokens.
    pub url_signer: UrlSigner,
    /// Talks to AccuLynx (or the sandbox).
    pub acculynx: AccuLynxClient,
    /// The per-location intake rate.
    pub intake_limiter: Arc<crate::intake::limits::IntakeLimiter>,
    /// Locations as the webhook needs them; invalidate an entry after changing a location.
    pub intake_locations: Arc<crate::intake::cache::LocationCache>,
    /// Where the webhook notes the calls it refuses (a bounded queue, written in the
    /// background).
    pub refused_log: crate::intake::refused::RefusedLog,
    /// The group-commit writer every hot write path goes through.
    pub writer: GroupCommit,
    /// Wakes this process's delivery worker when leads become due (intake, replays,
    /// resumed locations), so the first attempt starts at once instead of at the next poll.
    pub wake_worker: Arc<tokio::sync::Notify>,
    /// This application's name in the logs.
    pub instance: crate::telemetry::Instance,
    /// This process's counters, shown at `/metrics` (the worker adds to them too).
    pub metrics: Arc<Metrics>,
    /// Wakes this process's bulk-resend runner when a job is confirmed.
    pub wake_bulk_resend: Arc<tokio::sync::Notify>,
    /// Sends alerts (email, webhooks).
    pub notifier: crate::alerts::send::Notifier,
}
