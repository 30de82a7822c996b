//! `Settings`: every setting of SPEC §2, built once from the command line and environment,
//! validated, and passed down. Nothing reads the environment after this.
//!
//! A bad value is a [`ConfigError`] naming its variable; `main` prints it on one line and
//! exits with code 2.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::cli::SettingsArgs;
use crate::crypto::Secret;
use crate::crypto::master_key::{self, MasterKey};
use crate::db::DatabaseUrl;
use crate::domain::proxies::TrustedProxies;
pub use mail::MailSettings;
use mail::mail_settings;

/// A setting that cannot be used, named by its environment variable.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    /// The environment variable, e.g. `LEADRELAY_BIND`.
    pub variable: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl ConfigError {
    /// An error about `variable`.
    pub fn new(variable: &'static str, message: impl Into<String>) -> Self {
        Self {
            variable,
            message: message.into(),
        }
    }
}

/// The validated settings of one process.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Which database, and where.
    pub database_url: DatabaseUrl,
    /// Listen address of the portal and webhooks.
    pub bind: SocketAddr,
    /// Base of the webhook URLs; `None` means `http://` + the address actually bound.
    pub public_url: Option<Url>,
    /// Where the master key comes from; read by [`MasterKeySource::load`].
    pub master_key: MasterKeySource,
    /// Base URL of AccuLynx (or the sandbox).
    pub acculynx_base_url: Url,
    /// Requests per second to one AccuLynx key.
    pub rate_per_key: u32,
    /// Requests per second to AccuLynx from this process.
    pub rate_global: u32,
    /// Deliveries in flight at once.
    pub delivery_concurrency: usize,
    /// Time limit of one request to AccuLynx.
    pub delivery_timeout: Duration,
    /// Delays before retry 1..n.
    pub retry_schedule: Vec<Duration>,
    /// Accepted webhook requests per second per location.
    pub intake_rate: u32,
    /// Days after which lead payloads are purged.
    pub retention_days: u32,
    /// How long after start-up this process first applies the retention policy (not a
    /// setting: tests shorten it).
    pub purge_first_after: Duration,
    /// How often it applies it after that.
    pub purge_every: Duration,
    /// Longest sleep of the delivery worker when nothing is due and nobody woke it (not a
    /// setting: SPEC §7 wants ≤ 1 s so other instances see new leads; tests lengthen it to prove
    /// that wake-ups, not polls, start deliveries).
    pub worker_poll: Duration,
    /// Proxies whose `X-Forwarded-For` names the client (none unless set).
    pub trusted_proxies: TrustedProxies,
    /// Bearer token protecting `/metrics`, when set.
    pub metrics_token: Option<Secret<String>>,
    /// Alert email: the SMTP server and the sender (both needed to send email).
    pub mail: Option<MailSettings>,
    /// Whether alert webhooks may reach loopback and private networks.
    pub allow_private_webhooks: bool,
    /// How often alert conditions are checked.
    pub alert_check_every: Duration,
    /// Logging.
    pub log: LogSettings,
    /// HTTP worker threads; defaults to the number of cores.
    pub http_workers: usize,
    /// Database connections in the pool.
    pub pool_size: u32,
    /// Sign-in attempts allowed per client IP per minute.
    pub login_attempts_per_minute: u32,
    /// Whether this process runs the delivery worker (`serve --no-worker` turns it off).
    pub run_worker: bool,
}

/// Logging settings.
#[derive(Debug, Clone)]
pub struct LogSettings {
    /// A `tracing` filter directive such as `info` or `leadrelay=debug`.
    pub filter: String,
    /// Output format.
    pub format: LogFormat,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Where the master key comes from (SPEC §2).
#[derive(Debug, Clone)]
pub enum MasterKeySource {
    /// Given in `LEADRELAY_MASTER_KEY`.
    Inline(MasterKey),
    /// A key file; created on first start when `create_if_missing` (SQLite only).
    File {
        /// Path of the file.
        path: PathBuf,
        /// Whether a missing file is created with a new key.
        create_if_missing: bool,
        /// Which variable named it (for messages).
        variable: &'static str,
    },
    /// PostgreSQL without any key: refused when the key is needed.
    Missing,
}

impl MasterKeySource {
    /// Reads (or, for a new SQLite instance, creates) the master key. Returns the key and,
    /// when a new file was written, its path.
    pub fn load(&self) -> Result<(MasterKey, Option<PathBuf>), ConfigError> {
        match self {
            Self::Inline(key) => Ok((key.clone(), None)),
            Self::File {
                path,
                create_if_missing,
                variable,
            } => {
                if *create_if_missing && !path.exists() {
                    let key = MasterKey::create_file(path)
                        .map_err(|msg| ConfigError::new(variable, msg))?;
                    return Ok((key, Some(path.clone())));
                }
                let key = MasterKey::read_file(path).map_err(|msg| {
                    ConfigError::new(variable, format!("{msg}; {}", master_key::HOW_TO_CREATE))
                })?;
                Ok((key, None))
            }
            Self::Missing => Err(ConfigError::new(
                "LEADRELAY_MASTER_KEY",
                format!(
                    "PostgreSQL needs a master key and none is set; {} and set \
                     LEADRELAY_MASTER_KEY to it (or write it to a file with mode 0600 and set \
                     LEADRELAY_MASTER_KEY_FILE)",
                    master_key::HOW_TO_CREATE
                ),
            )),
        }
    }
}

impl Settings {
    /// Builds and validates the settings from the command line / environment.
    pub fn from_args(args: &SettingsArgs) -> Result<Self, ConfigError> {
        let database_url = DatabaseUrl::parse(or(&args.database_url, "sqlite://leadrelay.db"))
            .map_err(|msg| ConfigError::new("LEADRELAY_DATABASE_URL", msg))?;
        let bind = parse_bind(
            "LEADRELAY_BIND",
            or(&args.bind, "127.0.0.1:8080"),
            "127.0.0.1:8080",
        )?;
        let public_url = args
            .public_url
            .as_deref()
            .map(|text| parse_http_url("LEADRELAY_PUBLIC_URL", text))
            .transpose()?;
        let master_key = master_key_source(args, &database_url)?;
        let acculynx_base_url = parse_http_url(
            "LEADRELAY_ACCULYNX_BASE_URL",
            or(&args.acculynx_base_url, "https://api.acculynx.com"),
        )?;
        let log = LogSettings {
            filter: parse_log_filter(or(&args.log, "info"))?,
            format: match or(&args.log_format, "pretty").trim() {
                "pretty" => LogFormat::Pretty,
                "json" => LogFormat::Json,
                other => {
                    return Err(ConfigError::new(
                        "LEADRELAY_LOG_FORMAT",
                        format!("{other:?} is not a log format; use pretty or json"),
                    ));
                }
            },
        };
        let retry_schedule = or(&args.retry_schedule, "10s,1m,5m,30m,2h,6h,12h,24h")
            .split(',')
            .map(|step| parse_duration("LEADRELAY_RETRY_SCHEDULE", step))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            database_url,
            bind,
            public_url,
            master_key,
            acculynx_base_url,
            rate_per_key: parse_count(
                "LEADRELAY_ACCULYNX_RATE_PER_KEY",
                &args.acculynx_rate_per_key,
                10,
            )?,
            rate_global: parse_count(
                "LEADRELAY_ACCULYNX_RATE_GLOBAL",
                &args.acculynx_rate_global,
                30,
            )?,
            delivery_concurrency: parse_count(
                "LEADRELAY_DELIVERY_CONCURRENCY",
                &args.delivery_concurrency,
                16,
            )? as usize,
            delivery_timeout: parse_duration(
                "LEADRELAY_DELIVERY_TIMEOUT",
                or(&args.delivery_timeout, "15s"),
            )?,
            retry_schedule,
            intake_rate: parse_count("LEADRELAY_INTAKE_RATE", &args.intake_rate, 50)?,
            retention_days: parse_count("LEADRELAY_RETENTION_DAYS", &args.retention_days, 90)?,
            purge_first_after: Duration::from_secs(60),
            purge_every: Duration::from_secs(24 * 3600),
            worker_poll: Duration::from_secs(1),
            trusted_proxies: TrustedProxies::parse(or(&args.trusted_proxies, ""))
                .map_err(|msg| ConfigError::new("LEADRELAY_TRUSTED_PROXIES", msg))?,
            metrics_token: args
                .metrics_token
                .as_deref()
                .map(str::trim)
                .filter(|token| !token.is_empty())
                .map(|token| Secret::new(token.to_string())),
            mail: mail_settings(args)?,
            allow_private_webhooks: match or(&args.allow_private_webhooks, "false").trim() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" | "" => false,
                other => {
                    return Err(ConfigError::new(
                        "LEADRELAY_ALLOW_PRIVATE_WEBHOOKS",
                        format!("{other:?} is not true or false"),
                    ));
                }
            },
            alert_check_every: Duration::from_secs(60),
            log,
            http_workers: std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            pool_size: 10,
            login_attempts_per_minute: 10,
            run_worker: true,
        })
    }

    /// Settings for tests and embedded use: every default, this database and master key.
    pub fn for_database(database_url: DatabaseUrl, master_key: MasterKey) -> Self {
        let mut settings = Self::from_args(&SettingsArgs::default())
            .unwrap_or_else(|err| unreachable!("the defaults are valid: {err}"));
        settings.database_url = database_url;
        settings.master_key = MasterKeySource::Inline(master_key);
        settings
    }
}

fn or<'a>(value: &'a Option<String>, default: &'a str) -> &'a str {
    value.as_deref().unwrap_or(default)
}

/// Reads a listen address (`HOST:PORT`; a host name is resolved once, here); the error names
/// `variable` (a setting or a flag) and gives `example`.
pub fn parse_bind(
    variable: &'static str,
    text: &str,
    example: &str,
) -> Result<SocketAddr, ConfigError> {
    let invalid = || {
        ConfigError::new(
            variable,
            format!("{text:?} is not an address to listen on; use HOST:PORT, e.g. {example}"),
        )
    };
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    // Host names such as localhost:8080 are resolved once, here.
    text.to_socket_addrs()
        .map_err(|_| invalid())?
        .next()
        .ok_or_else(invalid)
}

fn parse_http_url(variable: &'static str, text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text.trim())
        .map_err(|err| ConfigError::new(variable, format!("{text:?} is not a URL ({err})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ConfigError::new(
            variable,
            format!("{text:?} must be an http:// or https:// URL with a host"),
        ));
    }
    Ok(url)
}

fn parse_count(
    variable: &'static str,
    value: &Option<String>,
    default: u32,
) -> Result<u32, ConfigError> {
    let Some(text) = value else {
        return Ok(default);
    };
    match text.trim().parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(ConfigError::new(
            variable,
            format!("{text:?} is not a whole number greater than 0"),
        )),
    }
}

fn parse_duration(variable: &'static str, text: &str) -> Result<Duration, ConfigError> {
    match humantime::parse_duration(text.trim()) {
        Ok(duration) if !duration.is_zero() => Ok(duration),
        _ => Err(ConfigError::new(
            variable,
            format!("{text:?} is not a duration greater than 0; use e.g. 500ms, 15s, 5m, 2h"),
        )),
    }
}

fn parse_log_filter(text: &str) -> Result<String, ConfigError> {
    tracing_subscriber::EnvFilter::try_new(text.trim())
        .map(|_| text.trim().to_string())
        .map_err(|err| {
            ConfigError::new(
                "LEADRELAY_LOG",
                format!("{text:?} is not a log filter ({err})"),
            )
        })
}

fn master_key_source(
    args: &SettingsArgs,
    database_url: &DatabaseUrl,
) -> Result<MasterKeySource, ConfigError> {
    if let Some(text) = &args.master_key {
        let key = MasterKey::from_base64(text)
            .map_err(|msg| ConfigError::new("LEADRELAY_MASTER_KEY", msg))?;
        return Ok(MasterKeySource::Inline(key));
    }
    let sqlite = matches!(database_url, DatabaseUrl::Sqlite(_));
    if let Some(path) = &args.master_key_file {
        return Ok(MasterKeySource::File {
            path: PathBuf::from(path.trim()),
            create_if_missing: sqlite,
            variable: "LEADRELAY_MASTER_KEY_FILE",
        });
    }
    match database_url {
        DatabaseUrl::Sqlite(db_path) => {
            let dir = db_path
                .parent()
                .filter(|dir| !dir.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), PathBuf::from);
            Ok(MasterKeySource::File {
                path: dir.join("leadrelay.key"),
                create_if_missing: true,
                variable: "LEADRELAY_MASTER_KEY_FILE",
            })
        }
        DatabaseUrl::Postgres(_) => Ok(MasterKeySource::Missing),
    }
}

mod mail;
#[cfg(test)]
mod tests;
