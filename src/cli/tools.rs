//! Arguments of the tools around the product: the AccuLynx sandbox, the demo, the benchmarks.

use clap::Args;

/// `leadrelay demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address the demo's portal and webhooks listen on; 127.0.0.1:0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub bind: String,
    /// Log filter; info shows every request and delivery [default: warn]
    #[arg(long, env = "LEADRELAY_LOG", value_name = "FILTER")]
    pub log: Option<String>,
}

/// `leadrelay bench`
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmarks: all, intake, sustained, soak, delivery, intake_while_delivering,
    /// history, csv_export, idle_rss; intake and delivery when left out.
    #[arg(value_name = "NAME")]
    pub which: Vec<String>,
    /// Print one JSON object per benchmark, one per line, instead of a Markdown table.
    #[arg(long)]
    pub json: bool,
    /// Leads per benchmark (intake, delivery, and the short run of sustained).
    #[arg(long, default_value_t = 20_000)]
    pub leads: usize,
    /// Deliveries in flight.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Concurrent webhook senders (intake).
    #[arg(long, default_value_t = 64)]
    pub senders: usize,
    /// Seconds of the soak [default: 300 for `bench soak`, 20 within `bench all`].
    #[arg(long, value_name = "N")]
    pub seconds: Option<u64>,
    /// Seconds of the timed runs of sustained and intake_while_delivering.
    #[arg(long, default_value_t = 15, value_name = "N")]
    pub sustained_seconds: u64,
    /// Leads seeded for the history benchmark.
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub history_leads: usize,
    /// Leads exported by the csv_export benchmark.
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub export_leads: usize,
    /// Also run on PostgreSQL: a server URL where a throw-away database may be created,
    /// e.g. postgres://postgres@127.0.0.1:5432/postgres.
    #[arg(long, value_name = "URL")]
    pub postgres: Option<String>,
}

/// Flags of `sandbox`, as text; validated by [`crate::sandbox::config::from_args`] so a bad
/// value is reported on one line naming its flag.
#[derive(Clone, Default, Args)]
pub struct SandboxArgs {
    /// Address to listen on. Use 127.0.0.1:0 for any free port (the URL printed on start-up
    /// shows which) [default: 127.0.0.1:9090]
    #[arg(long, value_name = "HOST:PORT")]
    pub bind: Option<String>,

    /// An API key to accept, optionally with the AccuLynx location name it stands for, e.g.
    /// --key demo-key="Denver Office". Repeat for several locations. Without any --key, every
    /// non-empty key is accepted (and called "Sandbox location"). Requests with any other key
    /// get 401. The name starts after the first "=" that is followed by other text, so a key
    /// ending in "=" can be given whole (add one more "=" before its name)
    #[arg(long = "key", value_name = "KEY[=LOCATION NAME]")]
    pub keys: Vec<String>,

    /// Share of lead requests answered with an empty 500 (AccuLynx having trouble), from 0
    /// (never) to 1 (always), e.g. 0.2 for one in five. Checked after the key, before the body
    /// [default: 0]
    #[arg(long, value_name = "P")]
    pub fail_rate: Option<String>,

    /// Milliseconds to wait before every answer of the AccuLynx endpoints (not
    /// /sandbox/leads), to try a slow AccuLynx or leadrelay's delivery timeout, e.g. 250
    /// [default: 0]
    #[arg(long, value_name = "MS")]
    pub latency: Option<String>,

    /// Whether AccuLynx's rate limits are enforced: more than 10 requests per key or 30 per
    /// client IP within one second get 429 with Retry-After, and an IP that went over is
    /// refused for 30 s. Use off for benchmarks [default: on]
    #[arg(long, value_name = "on|off")]
    pub rate_limits: Option<String>,
}

impl std::fmt::Debug for SandboxArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys are secrets even in a sandbox: show how many, never which.
        f.debug_struct("SandboxArgs")
            .field("bind", &self.bind)
            .field("keys", &format_args!("[{} key(s)]", self.keys.len()))
            .field("fail_rate", &self.fail_rate)
            .field("latency", &self.latency)
            .field("rate_limits", &self.rate_limits)
            .finish()
    }
}
