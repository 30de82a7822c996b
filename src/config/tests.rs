//! Tests of `config`.

use super::*;

fn args() -> SettingsArgs {
    SettingsArgs::default()
}

fn error_of(args: SettingsArgs) -> ConfigError {
    Settings::from_args(&args).expect_err("must be refused")
}

#[test]
fn the_defaults_are_those_of_the_spec() {
    let settings = Settings::from_args(&args()).unwrap();
    assert_eq!(
        settings.database_url,
        DatabaseUrl::Sqlite("leadrelay.db".into())
    );
    assert_eq!(settings.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(
        settings.acculynx_base_url.as_str(),
        "https://api.acculynx.com/"
    );
    assert_eq!((settings.rate_per_key, settings.rate_global), (10, 30));
    assert_eq!(settings.delivery_concurrency, 16);
    assert_eq!(settings.delivery_timeout, Duration::from_secs(15));
    assert_eq!(settings.retry_schedule.len(), 8);
    assert_eq!(settings.retry_schedule[7], Duration::from_secs(24 * 3600));
    assert_eq!((settings.intake_rate, settings.retention_days), (50, 90));
    match settings.master_key {
        MasterKeySource::File {
            path,
            create_if_missing,
            ..
        } => {
            assert_eq!(path, PathBuf::from("./leadrelay.key"));
            assert!(create_if_missing);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn each_bad_value_names_its_variable() {
    let cases: Vec<(SettingsArgs, &str)> = vec![
        (
            SettingsArgs {
                bind: Some("nonsense".into()),
                ..args()
            },
            "LEADRELAY_BIND",
        ),
        (
            SettingsArgs {
                database_url: Some("mysql://x".into()),
                ..args()
            },
            "LEADRELAY_DATABASE_URL",
        ),
        (
            SettingsArgs {
                master_key: Some("AAAAAAAAAAAAAA==".into()),
                ..args()
            },
            "LEADRELAY_MASTER_KEY",
        ),
        (
            SettingsArgs {
                public_url: Some("ftp://x".into()),
                ..args()
            },
            "LEADRELAY_PUBLIC_URL",
        ),
        (
            SettingsArgs {
                acculynx_base_url: Some("nope".into()),
                ..args()
            },
            "LEADRELAY_ACCULYNX_BASE_URL",
        ),
        (
            SettingsArgs {
                acculynx_rate_per_key: Some("0".into()),
                ..args()
            },
            "LEADRELAY_ACCULYNX_RATE_PER_KEY",
        ),
        (
            SettingsArgs {
                delivery_timeout: Some("soon".into()),
                ..args()
            },
            "LEADRELAY_DELIVERY_TIMEOUT",
        ),
        (
            SettingsArgs {
                retry_schedule: Some("10s,,1m".into()),
                ..args()
            },
            "LEADRELAY_RETRY_SCHEDULE",
        ),
        (
            SettingsArgs {
                log_format: Some("xml".into()),
                ..args()
            },
            "LEADRELAY_LOG_FORMAT",
        ),
        (
            SettingsArgs {
                log: Some("[[[".into()),
                ..args()
            },
            "LEADRELAY_LOG",
        ),
        (
            SettingsArgs {
                trusted_proxies: Some("127.0.0.1, caddy".into()),
                ..args()
            },
            "LEADRELAY_TRUSTED_PROXIES",
        ),
    ];
    for (args, variable) in cases {
        let err = error_of(args);
        assert_eq!(err.variable, variable);
        assert!(err.to_string().starts_with(variable), "{err}");
        assert!(!err.to_string().contains('\n'), "one line: {err}");
    }
}

#[test]
fn postgres_without_a_key_is_refused_when_the_key_is_needed() {
    let settings = Settings::from_args(&SettingsArgs {
        database_url: Some("postgres://postgres@127.0.0.1/x".into()),
        ..args()
    })
    .unwrap();
    let err = settings.master_key.load().unwrap_err();
    assert_eq!(err.variable, "LEADRELAY_MASTER_KEY");
    assert!(
        err.message.contains("head -c 32 /dev/urandom | base64"),
        "{err}"
    );
}
