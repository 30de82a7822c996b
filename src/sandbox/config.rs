//! What a sandbox is started with: its keys, fault knobs and rate limits, built in-process
//! with [`SandboxConfig::default`] or from the flags of `leadrelay sandbox`.
//!
//! A bad flag is a [`ConfigError`] named after the flag (`--fail-rate: …`), so `main` prints
//! it on one line and exits with code 2. Error messages never repeat a key.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use crate::cli::SandboxArgs;
use crate::config::ConfigError;

/// Where `leadrelay sandbox` listens when `--bind` is not given.
pub const DEFAULT_BIND: &str = "127.0.0.1:9090";

/// Location name reported for a key that was given without one.
pub const DEFAULT_LOCATION_NAME: &str = "Sandbox location";

/// How a sandbox behaves.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The API keys it accepts; when empty, any non-empty key is accepted.
    pub keys: Vec<SandboxKey>,
    /// Fraction (0.0–1.0) of lead answers that are an empty-bodied 500.
    pub fail_rate: f64,
    /// Added before every API answer.
    pub latency: Duration,
    /// Whether AccuLynx's rate limits are enforced.
    pub rate_limits: bool,
    /// Requests allowed per API key within any 1000 ms (AccuLynx: 10).
    pub per_key_per_second: u32,
    /// Requests allowed per client IP within any 1000 ms (AccuLynx: 30).
    pub per_ip_per_second: u32,
    /// How long a client IP that exceeded its limit is refused (AccuLynx: about 30 s).
    pub ip_ban: Duration,
    /// v2 writes allowed per key within any hour; `None` is unlimited (AccuLynx publishes
    /// no number).
    pub v2_hourly_writes: Option<u32>,
    /// v2 writes allowed per key within any 24 hours; `None` is unlimited.
    pub v2_daily_writes: Option<u32>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            fail_rate: 0.0,
            latency: Duration::ZERO,
            rate_limits: true,
            per_key_per_second: 10,
            per_ip_per_second: 30,
            ip_ban: Duration::from_secs(30),
            v2_hourly_writes: None,
            v2_daily_writes: None,
        }
    }
}

/// An API key the sandbox accepts, and the AccuLynx location it stands for.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxKey {
    /// The key, as sent in `Authorization: Bearer <key>`.
    pub key: String,
    /// The location name `GET /api/v2/company-settings` reports for it.
    pub location_name: String,
}

impl SandboxKey {
    /// A key standing for the location `location_name`.
    pub fn new(key: impl Into<String>, location_name: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            location_name: location_name.into(),
        }
    }
}

impl fmt::Debug for SandboxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxKey")
            .field("key", &"***")
            .field("location_name", &self.location_name)
            .finish()
    }
}

/// Reads the flags of `leadrelay sandbox`: the address to listen on and the configuration.
pub fn from_args(args: &SandboxArgs) -> Result<(SocketAddr, SandboxConfig), ConfigError> {
    let bind = crate::config::parse_bind(
        "--bind",
        args.bind.as_deref().unwrap_or(DEFAULT_BIND),
        DEFAULT_BIND,
    )?;
    let mut keys: Vec<SandboxKey> = Vec::with_capacity(args.keys.len());
    for (index, text) in args.keys.iter().enumerate() {
        let key = parse_key(text, index + 1)?;
        if let Some(first) = keys.iter().position(|known| known.key == key.key) {
            return Err(ConfigError::new(
                "--key",
                format!(
                    "--key number {} repeats the key of --key number {}; give each key once",
                    index + 1,
                    first + 1
                ),
            ));
        }
        keys.push(key);
    }
    let mut config = SandboxConfig {
        keys,
        ..SandboxConfig::default()
    };
    if let Some(text) = &args.fail_rate {
        config.fail_rate = parse_fail_rate(text)?;
    }
    if let Some(text) = &args.latency {
        config.latency = parse_latency(text)?;
    }
    if let Some(text) = &args.rate_limits {
        config.rate_limits = parse_on_off(text)?;
    }
    Ok((bind, config))
}

/// `KEY` or `KEY=LOCATION NAME`. The name starts after the first `=` that is followed by
/// something other than `=`, so a base64 key ending in `=` can be given whole.
fn parse_key(text: &str, number: usize) -> Result<SandboxKey, ConfigError> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let split = (0..bytes.len())
        .find(|&i| bytes[i] == b'=' && bytes.get(i + 1).is_some_and(|&next| next != b'='));
    let (key, name) = match split {
        Some(i) => (text[..i].trim(), text[i + 1..].trim()),
        None => (text, ""),
    };
    if key.is_empty() {
        return Err(ConfigError::new(
            "--key",
            format!(
                "--key number {number} has no key; use --key KEY or --key \"KEY=LOCATION NAME\""
            ),
        ));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ConfigError::new(
            "--key",
            format!(
                "--key number {number} contains a space or control character, which an \
                 Authorization header cannot carry"
            ),
        ));
    }
    let location_name = if name.is_empty() {
        DEFAULT_LOCATION_NAME.to_string()
    } else {
        name.to_string()
    };
    Ok(SandboxKey::new(key, location_name))
}

fn parse_fail_rate(text: &str) -> Result<f64, ConfigError> {
    match text.trim().parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(ConfigError::new(
            "--fail-rate",
            format!(
                "{text:?} is not a fraction between 0 and 1; use e.g. 0.2 to answer 20% of \
                 leads with a 500"
            ),
        )),
    }
}

fn parse_latency(text: &str) -> Result<Duration, ConfigError> {
    text.trim()
        .parse::<u64>()
        .map(Duration::from_millis)
        .map_err(|_| {
            ConfigError::new(
                "--latency",
                format!("{text:?} is not a whole number of milliseconds; use e.g. 250"),
            )
        })
}

fn parse_on_off(text: &str) -> Result<bool, ConfigError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(ConfigError::new(
            "--rate-limits",
            format!("{text:?} is neither on nor off"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> SandboxArgs {
        SandboxArgs::default()
    }

    #[test]
    fn the_defaults_are_acculynxs_published_limits() {
        let (bind, config) = from_args(&args()).unwrap();
        assert_eq!(bind.to_string(), DEFAULT_BIND);
        assert!(config.keys.is_empty());
        assert_eq!(config.fail_rate, 0.0);
        assert_eq!(config.latency, Duration::ZERO);
        assert!(config.rate_limits);
        assert_eq!(
            (config.per_key_per_second, config.per_ip_per_second),
            (10, 30)
        );
        assert_eq!(config.ip_ban, Duration::from_secs(30));
    }

    #[test]
    fn keys_take_an_optional_location_name() {
        let (_, config) = from_args(&SandboxArgs {
            keys: vec![
                "k-denver=Denver Office".into(),
                "plain".into(),
                "YWJjZA==".into(),
                "ZWZnaA===Boulder".into(),
            ],
            ..args()
        })
        .unwrap();
        let pairs: Vec<(&str, &str)> = config
            .keys
            .iter()
            .map(|k| (k.key.as_str(), k.location_name.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("k-denver", "Denver Office"),
                ("plain", DEFAULT_LOCATION_NAME),
                ("YWJjZA==", DEFAULT_LOCATION_NAME),
                ("ZWZnaA==", "Boulder"),
            ]
        );
    }

    #[test]
    fn bad_flags_name_the_flag_and_never_repeat_a_key() {
        let cases: Vec<(SandboxArgs, &str)> = vec![
            (
                SandboxArgs {
                    fail_rate: Some("1.5".into()),
                    ..args()
                },
                "--fail-rate",
            ),
            (
                SandboxArgs {
                    fail_rate: Some("NaN".into()),
                    ..args()
                },
                "--fail-rate",
            ),
            (
                SandboxArgs {
                    latency: Some("-3".into()),
                    ..args()
                },
                "--latency",
            ),
            (
                SandboxArgs {
                    rate_limits: Some("maybe".into()),
                    ..args()
                },
                "--rate-limits",
            ),
            (
                SandboxArgs {
                    bind: Some("nowhere".into()),
                    ..args()
                },
                "--bind",
            ),
            (
                SandboxArgs {
                    keys: vec!["=Denver".into()],
                    ..args()
                },
                "--key",
            ),
            (
                SandboxArgs {
                    keys: vec!["secret-one".into(), "secret-one=Again".into()],
                    ..args()
                },
                "--key",
            ),
            (
                SandboxArgs {
                    keys: vec!["secret two".into()],
                    ..args()
                },
                "--key",
            ),
        ];
        for (args, flag) in cases {
            let err = from_args(&args).unwrap_err();
            assert_eq!(err.variable, flag);
            let text = err.to_string();
            assert!(text.starts_with(flag), "{text}");
            assert!(!text.contains("secret"), "no key in {text}");
        }
    }

    #[test]
    fn a_key_never_shows_in_debug_output() {
        let key = SandboxKey::new("k-very-secret", "Denver");
        let shown = format!("{key:?}");
        assert!(!shown.contains("k-very-secret") && shown.contains("Denver"));
    }
}
