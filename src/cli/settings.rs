//! The settings every command shares (SPEC §2), as text: environment variables and flags.

use clap::Args;

/// Every setting of SPEC §2, as text. Defaults are applied in `config.rs`.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Settings")]
pub struct SettingsArgs {
    /// Database: sqlite://PATH (one instance) or postgres://USER:PASSWORD@HOST:PORT/DB (many
    /// instances) [default: sqlite://leadrelay.db]
    #[arg(
        long,
        env = "LEADRELAY_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Address the portal and the webhooks listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "LEADRELAY_BIND", value_name = "HOST:PORT")]
    pub bind: Option<String>,

    /// Public base URL of this service, used in the webhook URLs shown to users
    /// [default: http:// + the bind address]
    #[arg(long, env = "LEADRELAY_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Base64 of 32 random bytes that encrypts every secret at rest. Make one with
    /// `head -c 32 /dev/urandom | base64`
    #[arg(
        long,
        env = "LEADRELAY_MASTER_KEY",
        value_name = "BASE64",
        hide_env_values = true
    )]
    pub master_key: Option<String>,

    /// File holding the master key [default with SQLite: leadrelay.key beside the database,
    /// created with mode 0600 on first start]
    #[arg(long, env = "LEADRELAY_MASTER_KEY_FILE", value_name = "PATH")]
    pub master_key_file: Option<String>,

    /// Where leads are sent [default: https://api.acculynx.com]
    #[arg(long, env = "LEADRELAY_ACCULYNX_BASE_URL", value_name = "URL")]
    pub acculynx_base_url: Option<String>,

    /// Requests per second to one AccuLynx API key [default: 10]
    #[arg(long, env = "LEADRELAY_ACCULYNX_RATE_PER_KEY", value_name = "N")]
    pub acculynx_rate_per_key: Option<String>,

    /// Requests per second to AccuLynx from this process [default: 30]
    #[arg(long, env = "LEADRELAY_ACCULYNX_RATE_GLOBAL", value_name = "N")]
    pub acculynx_rate_global: Option<String>,

    /// Deliveries in flight at once in this process [default: 16]
    #[arg(long, env = "LEADRELAY_DELIVERY_CONCURRENCY", value_name = "N")]
    pub delivery_concurrency: Option<String>,

    /// Time limit of one request to AccuLynx, e.g. 15s [default: 15s]
    #[arg(long, env = "LEADRELAY_DELIVERY_TIMEOUT", value_name = "DURATION")]
    pub delivery_timeout: Option<String>,

    /// Delays before retry 1..n, comma-separated; after the last the lead is failed
    /// [default: 10s,1m,5m,30m,2h,6h,12h,24h]
    #[arg(long, env = "LEADRELAY_RETRY_SCHEDULE", value_name = "DURATIONS")]
    pub retry_schedule: Option<String>,

    /// Webhook requests accepted per second per location (burst 5x), then 429 [default: 50]
    #[arg(long, env = "LEADRELAY_INTAKE_RATE", value_name = "N")]
    pub intake_rate: Option<String>,

    /// Lead payloads older than this many days are purged [default: 90]
    #[arg(long, env = "LEADRELAY_RETENTION_DAYS", value_name = "DAYS")]
    pub retention_days: Option<String>,

    /// Reverse proxies whose X-Forwarded-For is believed, comma-separated addresses or
    /// networks, e.g. 127.0.0.1 behind a local Caddy or nginx [default: none]
    #[arg(long, env = "LEADRELAY_TRUSTED_PROXIES", value_name = "ADDRESSES")]
    pub trusted_proxies: Option<String>,

    /// Bearer token required by /metrics when set
    #[arg(
        long,
        env = "LEADRELAY_METRICS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,

    /// SMTP server for alert emails: smtp://user:pass@host:587?tls=required (STARTTLS),
    /// smtps://… (TLS) or smtp://host:25 (plain, a local relay) [default: no email]
    #[arg(
        long,
        env = "LEADRELAY_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,

    /// Sender of alert emails, e.g. "leadrelay <alerts@example.com>"
    #[arg(long, env = "LEADRELAY_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,

    /// Let alert webhooks reach loopback and private addresses (tests, a private Slack
    /// relay): true or false [default: false]
    #[arg(long, env = "LEADRELAY_ALLOW_PRIVATE_WEBHOOKS", value_name = "BOOL")]
    pub allow_private_webhooks: Option<String>,

    /// Log filter, e.g. info or leadrelay=debug [default: info]
    #[arg(long, env = "LEADRELAY_LOG", value_name = "FILTER")]
    pub log: Option<String>,

    /// Log format: pretty or json [default: pretty]
    #[arg(long, env = "LEADRELAY_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<String>,
}
