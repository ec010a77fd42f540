//! The `swforce` command: imports published statistics, prints indicators, reconciles them with
//! the publisher, and serves the web service. Reads flags and environment once, in `config`,
//! picks the store and hands plain values inward.

mod commands;
mod config;
mod mail;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;
use std::sync::Arc;
use swforce_app::App;
use swforce_store::Store;
use swforce_store_postgres::PostgresStore;
use swforce_store_sqlite::SqliteStore;

/// swforce: England's social work workforce statistics, indicators and benchmarks.
#[derive(Debug, Parser)]
#[command(name = "swforce", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: config::GlobalArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import published statistics files (Explore Education Statistics CSV), each all or nothing.
    Import(commands::import::Args),
    /// Print the canonical workforce indicators of a place.
    Indicators(commands::indicators::Args),
    /// Find places by name or code.
    Places(commands::places::Args),
    /// Recompute every published rate from the published counts and report any that differ.
    Reconcile(commands::reconcile::Args),
    /// Project the workforce 1 to 15 years ahead, with a scenario's levers beside the baseline.
    Project(commands::project::Args),
    /// Fit on history up to a year, project forward and score against what followed.
    Backtest(commands::project::BacktestArgs),
    /// Census returns: validate, import, indicators, export, generate.
    #[command(subcommand)]
    Census(commands::census::Command),
    /// Agency social workers: check engagements against the national rules, keep the register,
    /// write the quarterly return.
    #[command(subcommand)]
    Agency(commands::agency::Command),
    /// Time for social work: synthetic diaries, and a group's balance as the web shows it.
    #[command(subcommand)]
    Diary(commands::diary::Command),
    /// Load the shipped demo data (the published files; a no-op if already loaded).
    Demo,
    /// Serve the web pages and the JSON API (loads the demo data into an empty data folder).
    Serve,
    /// Show the effective settings and where each came from.
    Config,
    /// Bring the database schema up to date (done at every start; this only reports it).
    Migrate,
    /// Copy the database, while it is in use, to a file.
    Backup(commands::admin::BackupArgs),
    /// Site administration from the server's command line.
    #[command(subcommand)]
    Admin(commands::admin::Command),
}

/// A command that did not succeed: exit code 1. (Bad usage exits with 2, from the argument
/// parser, before any command runs.)
#[derive(Debug)]
pub enum Failure {
    Refused,
}

fn main() -> ExitCode {
    end_quietly_on_a_closed_pipe();
    let mut matches = Cli::command().get_matches();
    if matches.subcommand().is_none() {
        // No subcommand means `serve`, with every serve setting still read from its flag or
        // environment variable.
        matches = Cli::command().get_matches_from(std::env::args_os().chain(["serve".into()]));
    }
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    init_logging(&cli.global.log, cli.global.log_format == "json");
    for var in config::unknown_variables() {
        tracing::warn!(
            "environment variable {var} matches no swforce setting; known: {}",
            config::SETTINGS
                .iter()
                .map(|(v, _)| *v)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let Some(command) = cli.command else {
        return ExitCode::from(2);
    };
    let result = match command {
        Command::Config => {
            commands::config::run(&cli.global, &matches);
            Ok(())
        }
        Command::Migrate => commands::admin::migrate(&cli.global),
        Command::Backup(args) => commands::admin::backup(&cli.global, &args),
        // Checking agency engagements needs no store: on a fresh data folder it makes none.
        Command::Agency(c) if c.needs_no_store() && !has_store(&cli.global) => {
            commands::agency::run_alone(&c)
        }
        // On a fresh data folder, what would be refused is refused before any database is made.
        Command::Agency(c) if !has_store(&cli.global) => commands::agency::precheck(&c)
            .and_then(|()| open_app(&cli.global))
            .and_then(|app| commands::agency::run(&app, &c)),
        command => open_app(&cli.global).and_then(|app| match command {
            Command::Import(args) => commands::import::run(&app, &args),
            Command::Indicators(args) => commands::indicators::run(&app, &args),
            Command::Places(args) => commands::places::run(&app, &args),
            Command::Reconcile(args) => commands::reconcile::run(&app, &args),
            Command::Project(args) => commands::project::run(&app, &args),
            Command::Backtest(args) => commands::project::backtest(&app, &args),
            Command::Census(c) => commands::census::run(&app, &c),
            Command::Agency(c) => commands::agency::run(&app, &c),
            Command::Diary(c) => commands::diary::run(&app, &c),
            Command::Demo => commands::import::demo(&app),
            Command::Serve => commands::serve::run(app, &cli.global),
            Command::Config | Command::Migrate | Command::Backup(_) => Ok(()),
            Command::Admin(c) => commands::admin::run(&app, &c, &cli.global),
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Refused) => ExitCode::from(1),
    }
}

/// Output piped into a command that stops reading early (`swforce places | head`) ends the
/// program quietly, as other command-line tools do, instead of with a panic: printing to a
/// closed pipe is the only panic this turns into a plain exit.
fn end_quietly_on_a_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if text.starts_with("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn init_logging(filter: &str, json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|e| {
        eprintln!("swforce: --log {filter:?} is not a log filter ({e}); using info");
        tracing_subscriber::EnvFilter::new("info")
    });
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    if json {
        log.json().init();
    } else {
        log.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init();
    }
}

/// The store the settings name: PostgreSQL for a database URL, else SQLite in the data folder.
pub fn open_store(global: &config::GlobalArgs) -> Result<Arc<dyn Store>, Failure> {
    let opened: Result<Arc<dyn Store>, anyhow::Error> = match &global.database_url {
        Some(url) if PostgresStore::url_is_postgres(url) => PostgresStore::connect(url)
            .map(|s| Arc::new(s) as Arc<dyn Store>)
            .map_err(|e| {
                anyhow::Error::new(e)
                    .context(format!("connecting to the database {}", mail::redact(url)))
            }),
        Some(url) => Err(anyhow::anyhow!(
            "--database-url {} is not a PostgreSQL address; give postgres://user:password@host:5432/swforce, or leave it out to use SQLite in the data folder",
            mail::redact(url)
        )),
        None => SqliteStore::open_in_dir(&global.data_dir)
            .map(|s| Arc::new(s) as Arc<dyn Store>)
            .map_err(|e| {
                anyhow::Error::new(e).context(format!(
                    "opening the data folder {}",
                    global.data_dir.display()
                ))
            }),
    };
    opened.map_err(|e| {
        commands::report_error(&e);
        Failure::Refused
    })
}

/// Whether the settings name a store that is already there: a database URL, or a SQLite
/// database in the data folder.
fn has_store(global: &config::GlobalArgs) -> bool {
    global.database_url.is_some()
        || global
            .data_dir
            .join(swforce_store_sqlite::FILE_NAME)
            .exists()
}

fn open_app(global: &config::GlobalArgs) -> Result<App, Failure> {
    let mailer = mail::mailer(global).map_err(|e| {
        commands::report_error(&e);
        Failure::Refused
    })?;
    Ok(App::new(open_store(global)?)
        .with_mailer(mailer)
        .with_insecure_sso_for_testing(global.allow_insecure_sso_for_testing))
}
