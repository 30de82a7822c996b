//! The `leadrelay` binary: parse the command line, set up logging, dispatch, and turn errors
//! into one line and an exit code (2 for a bad setting, 1 for anything else).

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use leadrelay::cli::{
    Cli, Command, CompanyAddArgs, CompanyCommand, LocationCommand, RotateMasterKeyArgs, ServeArgs,
    UserAddArgs, UserCommand,
};
use leadrelay::config::{ConfigError, LogFormat, LogSettings, Settings};
use leadrelay::crypto::Secret;
use leadrelay::crypto::master_key::MasterKey;
use leadrelay::crypto::secret_box::SecretBox;
use leadrelay::history::retention;
use leadrelay::sandbox::{Sandbox, SandboxConfig};
use leadrelay::startup::{Application, load_master_key};
use leadrelay::tenants::cli::CommandSecrets;
use leadrelay::tenants::{key_rotation, secrets};
use leadrelay::{db, one_line_error, sandbox, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", one_line_error(&err));
            if err.downcast_ref::<ConfigError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(ServeArgs {
            settings,
            no_worker,
        }) => {
            let mut settings = Settings::from_args(&settings)?;
            settings.run_worker = !no_worker;
            telemetry::init(&settings.log);
            runtime()?.block_on(serve(settings))
        }
        Command::Worker(settings) => {
            let settings = Settings::from_args(&settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(leadrelay::startup::run_worker_only(
                settings,
                shutdown_signal(),
            ))
        }
        Command::Migrate(settings) => {
            let settings = Settings::from_args(&settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(migrate(settings))
        }
        Command::Purge(settings) => {
            let settings = Settings::from_args(&settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(purge(settings))
        }
        Command::User(UserCommand::Add(args)) => {
            let settings = Settings::from_args(&args.settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(user_add(settings, args))
        }
        Command::Company(CompanyCommand::Add(args)) => {
            let settings = Settings::from_args(&args.settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(company_add(settings, args))
        }
        Command::Bench(args) => {
            telemetry::init(&LogSettings {
                filter: "warn".to_string(),
                format: LogFormat::Pretty,
            });
            runtime()?.block_on(bench(args))
        }
        Command::Location(command) => {
            let settings = Settings::from_args(command.settings())?;
            telemetry::init(&settings.log);
            runtime()?.block_on(location(settings, command))
        }
        Command::RotateMasterKey(args) => {
            let settings = Settings::from_args(&args.settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(rotate_master_key(settings, args))
        }
        Command::Demo(args) => {
            telemetry::init(&LogSettings {
                filter: args.log.clone().unwrap_or_else(|| "warn".to_string()),
                format: LogFormat::Pretty,
            });
            runtime()?.block_on(leadrelay::demo::run(&args, shutdown_signal()))
        }
        Command::Sandbox(args) => {
            let (bind, config) = sandbox::config::from_args(&args)?;
            telemetry::init(&LogSettings {
                filter: "info".to_string(),
                format: LogFormat::Pretty,
            });
            runtime()?.block_on(run_sandbox(bind, config))
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("while starting the async runtime")
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    tracing::info!(
        url = %app.state().public_url,
        database = %app.state().settings.database_url.backend_name(),
        "leadrelay is serving"
    );
    app.announce_setup_link()
        .context("while preparing the first-run setup link")?;
    let handle = app.handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        handle.stop(true).await;
    });
    app.run_until_stopped()
        .await
        .context("while serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let url = settings.database_url.clone();
    let applied = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
        let manager = db::pool::ConnectionManager::new(url.clone());
        let mut conn = manager.establish().map_err(|err| {
            ConfigError::new(
                "LEADRELAY_DATABASE_URL",
                format!("cannot connect to {url}: {err}"),
            )
        })?;
        db::migrations::run_pending(&mut conn)
    })
    .await??;
    if applied.is_empty() {
        println!("The database is up to date.");
    } else {
        println!(
            "Applied {} migration(s): {}",
            applied.len(),
            applied.join(", ")
        );
    }
    Ok(())
}

async fn purge(settings: Settings) -> anyhow::Result<()> {
    let mut conn = command_connection(&settings).await?;
    let days = settings.retention_days;
    let report = tokio::task::spawn_blocking(move || {
        let now = leadrelay::db::now();
        retention::purge(&mut conn, days, now, || true)
            .context("while purging the payloads of old leads")
    })
    .await??;
    println!("{}", report.summary());
    Ok(())
}

async fn run_sandbox(bind: SocketAddr, config: SandboxConfig) -> anyhow::Result<()> {
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
        shutdown_signal().await;
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

/// A database connection for a one-shot command (migrations applied).
async fn command_connection(settings: &Settings) -> anyhow::Result<db::pool::PooledConn> {
    let mut single = settings.clone();
    single.pool_size = 1;
    let pool = leadrelay::startup::open_database(&single).await?;
    Ok(pool.get()?)
}

async fn user_add(settings: Settings, args: UserAddArgs) -> anyhow::Result<()> {
    let mut conn = command_connection(&settings).await?;
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("while reading the password from standard input")?;
        Some(line)
    } else {
        None
    };
    let generated = tokio::task::spawn_blocking(move || {
        leadrelay::accounts::cli::add_user(
            &mut conn,
            &args.email,
            &args.role,
            args.company.as_deref(),
            password,
        )
    })
    .await??;
    if let Some(password) = generated {
        println!("{password}");
    }
    Ok(())
}

async fn company_add(settings: Settings, args: CompanyAddArgs) -> anyhow::Result<()> {
    let mut conn = command_connection(&settings).await?;
    let slug = tokio::task::spawn_blocking(move || {
        leadrelay::tenants::cli::add_company(
            &mut conn,
            &args.name,
            args.slug.as_deref(),
            &args.time_zone,
        )
    })
    .await??;
    println!("{slug}");
    Ok(())
}

async fn bench(args: leadrelay::cli::BenchArgs) -> anyhow::Result<()> {
    let all = args.which.is_empty();
    let wants = |name: &str| all || args.which.iter().any(|w| w == name);
    if let Some(unknown) = args
        .which
        .iter()
        .find(|w| !["intake", "delivery"].contains(&w.as_str()))
    {
        anyhow::bail!("unknown benchmark {unknown:?}; choose intake or delivery");
    }
    println!("| benchmark | load | baseline (same run) | leadrelay |\n|---|---|---|---|");
    let databases: Vec<Option<&str>> = std::iter::once(None)
        .chain(args.postgres.as_deref().map(Some))
        .collect();
    for database in databases {
        if wants("intake") {
            let report = leadrelay::bench::intake::run(args.leads, args.senders, database).await?;
            println!("{}", report.markdown());
        }
        if wants("delivery") {
            let report =
                leadrelay::bench::delivery::run(args.leads, args.concurrency, database).await?;
            println!("{}", report.markdown());
        }
    }
    Ok(())
}

async fn location(settings: Settings, command: LocationCommand) -> anyhow::Result<()> {
    let master_key = load_master_key(&settings)?;
    let key = match &command {
        LocationCommand::Add(args) if args.acculynx_key_stdin => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("while reading the AccuLynx API key from standard input")?;
            Some(Secret::new(text))
        }
        _ => None,
    };
    let mut conn = command_connection(&settings).await?;
    let printed = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let secrets = CommandSecrets::open(&mut conn, &settings, &master_key)?;
        let conn = &mut conn;
        match command {
            LocationCommand::Add(args) => leadrelay::tenants::cli::add_location(
                conn,
                &secrets,
                &args.company,
                &args.name,
                key.as_ref().map(|key| key.expose().as_str()),
            )
            .map(|url| format!("{url}\n")),
            LocationCommand::List(args) => {
                leadrelay::tenants::cli::list_locations(conn, &secrets, &args.company)
            }
            LocationCommand::RotateUrl(args) => {
                let (url, until) =
                    leadrelay::tenants::cli::rotate_url(conn, &secrets, &args.id, &args.grace)?;
                match until {
                    Some(until) => eprintln!(
                        "The old URL keeps working until {} UTC.",
                        until.format("%Y-%m-%d %H:%M")
                    ),
                    None => eprintln!("The old URL no longer works."),
                }
                Ok(format!("{url}\n"))
            }
        }
    })
    .await??;
    print!("{printed}");
    Ok(())
}

async fn rotate_master_key(settings: Settings, args: RotateMasterKeyArgs) -> anyhow::Result<()> {
    let old_key = load_master_key(&settings)?;
    let new_key = MasterKey::read_file(&args.new_key_file)
        .map_err(|msg| anyhow::anyhow!("--new-key-file: {msg}"))?;
    let variable = secrets::master_key_variable(&settings.master_key);
    let mut conn = command_connection(&settings).await?;
    let report = tokio::task::spawn_blocking(move || {
        let old = SecretBox::new(&old_key);
        secrets::open_instance_secrets(&mut conn, &old, variable)?;
        key_rotation::rotate_master_key(&mut conn, &old, &SecretBox::new(&new_key))
    })
    .await??;
    println!("{}", report.summary());
    println!(
        "{}",
        key_rotation::restart_advice(&settings.master_key, &args.new_key_file)
    );
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
