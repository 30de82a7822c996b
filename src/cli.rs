//! The command line (SPEC §2): `serve` (the default), `worker`, `migrate` and the admin
//! commands. Every setting is an environment variable and a flag; values are kept as text
//! here and validated by [`crate::config::Settings::from_args`], so a bad value is reported
//! with the name of its variable.

use clap::{Args, Parser, Subcommand};

mod settings;
mod tools;

pub use settings::SettingsArgs;
pub use tools::{BenchArgs, DemoArgs, SandboxArgs};

/// leadrelay relays leads from ClientTether to AccuLynx.
///
/// Run with no command to serve the portal, the webhook intake and the delivery worker on
/// http://127.0.0.1:8080 with a SQLite database `leadrelay.db` in the current directory.
/// Every setting can be given as an environment variable (shown in brackets) or as a flag.
#[derive(Debug, Parser)]
#[command(
    name = "leadrelay",
    version,
    about,
    long_about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to run; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Settings for the default `serve` command.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The commands of SPEC §2.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal, the webhook intake and (unless --no-worker) the delivery worker.
    Serve(ServeArgs),
    /// Run only the delivery worker (extra instances on PostgreSQL; pair with `serve --no-worker`).
    Worker(SettingsArgs),
    /// Apply pending database migrations and exit (start-up applies them too).
    Migrate(SettingsArgs),
    /// Manage portal users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage companies (tenants).
    #[command(subcommand)]
    Company(CompanyCommand),
    /// Manage locations: their webhook URLs and AccuLynx API keys.
    #[command(subcommand)]
    Location(LocationCommand),
    /// Re-encrypt every stored secret under a new master key; webhook URLs do not change.
    RotateMasterKey(RotateMasterKeyArgs),
    /// Copy the SQLite database to FILE while leadrelay runs (PostgreSQL: use pg_dump).
    ///
    /// The copy holds every lead acknowledged before the backup started. It is checked before
    /// it is kept, written with mode 0600, and never overwrites a file. Keep the master key
    /// with it: without the key the AccuLynx keys in the copy cannot be read.
    Backup(BackupArgs),
    /// Apply the retention policy now: purge the payloads of old finished leads.
    ///
    /// Purges the payloads (bodies received, AccuLynx leads, AccuLynx's answers) of finished
    /// leads received more than LEADRELAY_RETENTION_DAYS days ago and prints how many. The
    /// leads stay listed with their status and counts; leads still waiting to be sent keep
    /// their payload. `serve` and `worker` also do this once a day.
    Purge(SettingsArgs),
    /// Run the AccuLynx sandbox: a stand-in for AccuLynx to try leadrelay without an account.
    ///
    /// The sandbox answers like AccuLynx's lead API: `POST /api/v1/leads` checks the
    /// `Authorization: Bearer KEY` header (401), `Content-Type: application/json` (415), the
    /// body size (413 over 1 MiB) and every field of AccuLynx's lead schema (400 with
    /// `{"errors":{"Field":["message"]}}`), and answers 202 with an empty body to a valid
    /// lead. `GET /api/v2/company-settings` answers the location a key belongs to. It enforces
    /// AccuLynx's rate limits (10 requests per second per key, 30 per client IP, then 429 with
    /// Retry-After; an IP that goes over is refused for 30 s).
    ///
    /// Point leadrelay at it with LEADRELAY_ACCULYNX_BASE_URL=http://127.0.0.1:9090 and list
    /// what it accepted with `curl http://127.0.0.1:9090/sandbox/leads` (`curl -X DELETE` on
    /// the same URL forgets them). The sandbox prints its URL on standard output; stop it with
    /// Ctrl-C.
    Sandbox(SandboxArgs),
    /// Try leadrelay in one minute: a throw-away instance with the AccuLynx sandbox.
    ///
    /// Starts leadrelay on a fresh SQLite database in a temporary directory, with the
    /// sandbox standing in for AccuLynx, a platform admin, the company "Demo Roofing" and its
    /// location "North Denver", and posts a few sample leads to the location's webhook URL.
    /// Prints the portal's address, the admin's email and password, the webhook URL and a
    /// `curl` line that sends another lead. Ctrl-C stops it and deletes the directory.
    Demo(DemoArgs),
    /// Measure leadrelay's speed against a baseline measured in the same run; prints
    /// Markdown. Build with --release first: `cargo run --release -- bench`.
    Bench(BenchArgs),
    /// Work on many leads at once.
    #[command(subcommand)]
    Leads(LeadsCommand),
}

/// `leadrelay leads …`
#[derive(Debug, Subcommand)]
pub enum LeadsCommand {
    /// Send a company's failed (or held) leads to AccuLynx again and print how many were
    /// queued.
    ///
    /// The leads are decided now: leads that arrive or fail later are not included, and each
    /// is sent once. A running `leadrelay serve` or `worker` sends them in the background at
    /// the normal delivery pace; the job shows its progress in the portal. Recorded in the
    /// audit log as one entry.
    Resend(LeadsResendArgs),
}

/// `leadrelay leads resend`
#[derive(Debug, Args)]
pub struct LeadsResendArgs {
    /// Short name (slug) of the company.
    #[arg(long, value_name = "SLUG")]
    pub company: String,
    /// Only this location's leads (its id, as `location list` prints it).
    #[arg(long, value_name = "ID")]
    pub location: Option<String>,
    /// Which leads: failed or held.
    #[arg(long, value_name = "failed|held")]
    pub status: String,
    /// Only leads received on or after this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only leads received up to this day, included (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Database settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `leadrelay user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. Without --password-stdin a password is generated and printed once.
    Add(UserAddArgs),
}

/// `leadrelay user add`
#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// The user's email (their login name).
    #[arg(long)]
    pub email: String,
    /// platform-admin (all companies), company-admin (one company) or viewer (read-only).
    #[arg(long)]
    pub role: String,
    /// Short name (slug) of the user's company; required for company-admin and viewer.
    #[arg(long, value_name = "SLUG")]
    pub company: Option<String>,
    /// Read the password from standard input instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
    /// Database settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `leadrelay company …`
#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// Create a company and print its short name (slug).
    Add(CompanyAddArgs),
}

/// `leadrelay company add`
#[derive(Debug, Args)]
pub struct CompanyAddArgs {
    /// The company's name, e.g. "Peak Roofing".
    #[arg(long)]
    pub name: String,
    /// Short name used in URLs; made from the name when left out.
    #[arg(long)]
    pub slug: Option<String>,
    /// IANA time zone times are shown in.
    #[arg(long, default_value = "America/Chicago", value_name = "ZONE")]
    pub time_zone: String,
    /// Database settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `leadrelay location …`
#[derive(Debug, Subcommand)]
pub enum LocationCommand {
    /// Create a location and print its webhook URL (alone, on standard output).
    Add(LocationAddArgs),
    /// List a company's locations: id, name, status and webhook URL.
    List(LocationListArgs),
    /// Give a location a new webhook URL and print it; the old URL stops working after the
    /// grace period.
    RotateUrl(RotateUrlArgs),
    /// Choose the AccuLynx API a location delivers through: v1 (leads) or v2 (contact and job).
    SetApi(SetApiArgs),
}

impl LocationCommand {
    /// The settings the command was given.
    pub fn settings(&self) -> &SettingsArgs {
        match self {
            LocationCommand::Add(args) => &args.settings,
            LocationCommand::List(args) => &args.settings,
            LocationCommand::RotateUrl(args) => &args.settings,
            LocationCommand::SetApi(args) => &args.settings,
        }
    }
}

/// `leadrelay location add`
#[derive(Debug, Args)]
pub struct LocationAddArgs {
    /// Short name (slug) of the company.
    #[arg(long, value_name = "SLUG")]
    pub company: String,
    /// The location's name, e.g. "North Denver".
    #[arg(long)]
    pub name: String,
    /// Read the location's AccuLynx API key from standard input (a trailing newline is
    /// removed). It is stored encrypted, whatever AccuLynx would say about it.
    #[arg(long)]
    pub acculynx_key_stdin: bool,
    /// The AccuLynx API its leads go to: v2 (a contact and a job; the default) or v1 (the
    /// deprecated `POST /api/v1/leads`).
    #[arg(long, default_value = "v2", value_name = "v1|v2")]
    pub api: String,
    /// Database and master-key settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `leadrelay location list`
#[derive(Debug, Args)]
pub struct LocationListArgs {
    /// Short name (slug) of the company.
    #[arg(long, value_name = "SLUG")]
    pub company: String,
    /// Database and master-key settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `leadrelay location set-api`
#[derive(Debug, Args)]
pub struct SetApiArgs {
    /// The location's id (see `leadrelay location list`).
    pub id: String,
    /// `v1` (leads) or `v2` (contact and job).
    #[arg(value_name = "v1|v2")]
    pub api: String,
    /// Database and master-key settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `leadrelay location rotate-url`
#[derive(Debug, Args)]
pub struct RotateUrlArgs {
    /// The location's id (see `leadrelay location list`).
    pub id: String,
    /// How long the old URL keeps working: 0 (stops at once), 1h, 24h or 7d.
    #[arg(long, default_value = "0", value_name = "DURATION")]
    pub grace: String,
    /// Database and master-key settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `leadrelay backup`
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to create (it must not exist yet).
    #[arg(long, value_name = "FILE")]
    pub to: std::path::PathBuf,
    /// Database settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// `leadrelay rotate-master-key`
#[derive(Debug, Args)]
pub struct RotateMasterKeyArgs {
    /// File holding the new key (base64 of 32 random bytes; make one with
    /// `head -c 32 /dev/urandom | base64 > new.key`). The current key comes from
    /// LEADRELAY_MASTER_KEY or LEADRELAY_MASTER_KEY_FILE as usual.
    #[arg(long, value_name = "FILE")]
    pub new_key_file: std::path::PathBuf,
    /// Database and current master-key settings.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// Flags of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Do not run the delivery worker in this process (run `leadrelay worker` elsewhere).
    #[arg(long)]
    pub no_worker: bool,

    /// The settings shared by every command.
    #[command(flatten)]
    pub settings: SettingsArgs,
}
