//! The `leadrelay` binary: parse the command line, set up logging, dispatch, and turn errors
//! into one line and an exit code (2 for a bad setting, 1 for anything else). Each command's
//! body lives beside its feature.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use leadrelay::cli::{Cli, Command, CompanyCommand, LeadsCommand, ServeArgs, UserCommand};
use leadrelay::config::{ConfigError, LogFormat, LogSettings, Settings};
use leadrelay::history::retention;
use leadrelay::startup::{self, shutdown_signal};
use leadrelay::tenants::key_rotation::Resealer;
use leadrelay::{accounts, bench, one_line_error, sandbox, telemetry, tenants};

/// Values other features seal with the master key, re-sealed by `rotate-master-key` in the
/// same transaction as the AccuLynx keys.
const RESEALERS: &[Resealer] = &[accounts::two_factor::RESEALER, leadrelay::alerts::RESEALER];

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
            runtime()?.block_on(startup::serve(settings, shutdown_signal()))
        }
        Command::Worker(settings) => {
            let settings = Settings::from_args(&settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(startup::run_worker_only(settings, shutdown_signal()))
        }
        Command::Migrate(settings) => {
            let settings = Settings::from_args(&settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(startup::migrate(settings))
        }
        Command::Backup(args) => {
            let settings = Settings::from_args(&args.settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(startup::backup(settings, args.to))
        }
        Command::Purge(settings) => {
            let settings = Settings::from_args(&settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(retention::purge_command(settings))
        }
        Command::User(UserCommand::Add(args)) => {
            let settings = Settings::from_args(&args.settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(accounts::cli::user_add_command(settings, args))
        }
        Command::Company(CompanyCommand::Add(args)) => {
            let settings = Settings::from_args(&args.settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(tenants::cli::company_add_command(settings, args))
        }
        Command::Bench(args) => {
            telemetry::init(&LogSettings {
                filter: "warn".to_string(),
                format: LogFormat::Pretty,
            });
            runtime()?.block_on(bench::run(args))
        }
        Command::Location(command) => {
            let settings = Settings::from_args(command.settings())?;
            telemetry::init(&settings.log);
            runtime()?.block_on(tenants::cli::location_command(settings, command))
        }
        Command::RotateMasterKey(args) => {
            let settings = Settings::from_args(&args.settings)?;
            telemetry::init(&settings.log);
            runtime()?.block_on(tenants::key_rotation::rotate_command(
                settings, args, RESEALERS,
            ))
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
            runtime()?.block_on(sandbox::serve_command(bind, config, shutdown_signal()))
        }
        Command::Leads(LeadsCommand::Resend(args)) => {
            let settings = Settings::from_args(&args.settings)?;
            telemetry::init(&settings.log);
            let printed =
                runtime()?.block_on(leadrelay::bulk::cli::leads_resend_command(settings, args))?;
            println!("{printed}");
            Ok(())
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("while starting the async runtime")
}
