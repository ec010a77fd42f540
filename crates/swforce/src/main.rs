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
#[command(
    name = "swforce",
    version,
    about,
    long_about = None,
    after_help = EXAMPLES,
)]
struct Cli {
    #[command(flatten)]
    log: config::LogArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

const EXAMPLES: &str = "\
Examples:
  swforce serve                                   the web service on http://127.0.0.1:8080
  swforce indicators --geography Kent             a place's workforce indicators
  swforce project --geography England --years 5   the workforce five years ahead
  swforce census validate return.xml              check a census return before sending it
  swforce agency check engagements.csv            check agency engagements against the rules
  swforce admin create --email you@example.org    the first site admin

Each command's settings are its flags, or SWFORCE_* environment variables (swforce config shows
them); `swforce COMMAND --help` lists a command's own.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Import published statistics files (Explore Education Statistics CSV), each all or nothing.
    #[command(
        after_help = "Examples:\n  swforce import csww_headline_measures_2017_to_2022.csv\n  swforce import --data-dir /srv/swforce *.csv"
    )]
    Import(commands::import::Args),
    /// Print the canonical workforce indicators of a place.
    #[command(
        after_help = "Examples:\n  swforce indicators --geography Camden\n  swforce indicators --geography E06000058 --year 2022 --format json"
    )]
    Indicators(commands::indicators::Args),
    /// Find places by name or code.
    Places(commands::places::Args),
    /// A local authority's statistical neighbours in the Department for Education's model.
    #[command(
        after_help = "Examples:\n  swforce neighbours E10000016\n  swforce neighbours Kent --model 2021 --format json\n  swforce indicators --geography Kent --benchmark neighbours"
    )]
    Neighbours(commands::neighbours::Args),
    /// Recompute every published rate from the published counts and report any that differ.
    Reconcile(commands::reconcile::Args),
    /// Project the workforce 1 to 15 years ahead, with a scenario's levers beside the baseline.
    #[command(
        after_help = "Examples:\n  swforce project --geography England --years 5\n  swforce project --geography \"South West\" --scenario docs/examples/levers.toml --years 10"
    )]
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
    /// The employer standards health check: invented responses, and a round's published
    /// results as the web shows them.
    #[command(subcommand)]
    Healthcheck(commands::healthcheck::Command),
    /// Load the shipped published files (a no-op if already loaded) and, on the embedded
    /// default (SQLite), the demo organisation of invented people; or remove the organisations
    /// of invented people (`demo remove`).
    Demo(commands::import::DemoArgs),
    /// Serve the web pages and the JSON API (loads the demo data into an empty data folder).
    /// The default command.
    #[command(
        after_help = "Examples:\n  swforce serve\n  swforce serve --addr 0.0.0.0:8080 --public-url https://swforce.example.org \\\n    --database-url postgres://swforce@db/swforce --metrics-addr 127.0.0.1:9100"
    )]
    Serve(config::ServeArgs),
    /// Show the effective settings of `serve` and where each came from.
    Config(config::ServeArgs),
    /// Make the database, or bring its schema up to date, and say which version it is at (every
    /// command and the server do so as they start; this does only that).
    Migrate(config::StoreArgs),
    /// Copy the database, while it is in use, to a file.
    Backup(commands::admin::BackupArgs),
    /// Site administration from the server's command line.
    #[command(subcommand)]
    Admin(commands::admin::Command),
    /// Print a shell's completion script: swforce completions bash > /etc/bash_completion.d/swforce
    Completions(CompletionsArgs),
}

#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

impl Command {
    /// Where the command's data is, for the commands that have any.
    fn store_args(&self) -> Option<&config::StoreArgs> {
        match self {
            Command::Import(a) => Some(&a.store),
            Command::Indicators(a) => Some(&a.store),
            Command::Places(a) => Some(&a.store),
            Command::Neighbours(a) => Some(&a.store),
            Command::Reconcile(a) => Some(&a.store),
            Command::Project(a) => Some(&a.store),
            Command::Backtest(a) => Some(&a.store),
            Command::Census(c) => c.store_args(),
            Command::Agency(c) => c.store_args(),
            Command::Diary(c) => Some(c.store_args()),
            Command::Healthcheck(c) => Some(c.store_args()),
            Command::Demo(a) => Some(a.store_args()),
            Command::Migrate(s) => Some(s),
            Command::Serve(a) | Command::Config(a) => Some(&a.store),
            Command::Backup(a) => Some(&a.store),
            Command::Admin(c) => Some(c.store_args()),
            Command::Completions(_) => None,
        }
    }
}

/// What a command does where its data folder holds no database yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fresh {
    /// Makes the database (it writes, or sets up).
    Make,
    /// Reads only a file it is given: works on an empty store of its own, made and removed
    /// outside the data folder.
    Scratch,
    /// Reads only what is stored: says there is nothing yet, and makes nothing.
    Refuse,
}

impl Command {
    fn on_a_fresh_folder(&self) -> Fresh {
        use commands::{admin, census, diary, healthcheck};
        match self {
            Command::Indicators(_)
            | Command::Places(_)
            | Command::Neighbours(_)
            | Command::Reconcile(_)
            | Command::Project(_)
            | Command::Backtest(_)
            | Command::Census(census::Command::Export(_))
            | Command::Diary(diary::Command::Summary(_))
            | Command::Healthcheck(healthcheck::Command::Summary(_))
            | Command::Admin(
                admin::Command::Org(admin::OrgCommand::List(_))
                | admin::Command::User(_)
                | admin::Command::Invite(_),
            ) => Fresh::Refuse,
            Command::Demo(a) if a.removes() => Fresh::Refuse,
            Command::Census(census::Command::Validate(_) | census::Command::Indicators(_)) => {
                Fresh::Scratch
            }
            _ => Fresh::Make,
        }
    }
}

/// A command's own store where its data folder holds no database: `None` to use the folder
/// (a database is there, or the command makes one), an empty store in a temporary folder for
/// a command that reads only a file, a refusal for one that reads only what is stored.
fn fresh_store(
    command: &Command,
) -> Result<Option<(tempfile::TempDir, config::StoreArgs)>, Failure> {
    let Some(store) = command.store_args().filter(|s| !s.exists()) else {
        return Ok(None);
    };
    match command.on_a_fresh_folder() {
        Fresh::Make => Ok(None),
        Fresh::Refuse => {
            commands::report_error(&anyhow::anyhow!(
                "there is no swforce data in {} yet (no {}), so nothing to read, and nothing was made; load the published statistics with `swforce demo` or `swforce import FILE`, or point --data-dir (or --database-url) at your data",
                store.data_dir.display(),
                swforce_store_sqlite::FILE_NAME
            ));
            Err(Failure::Refused)
        }
        Fresh::Scratch => {
            let dir = tempfile::Builder::new()
                .prefix("swforce-check-")
                .tempdir()
                .map_err(|e| {
                    commands::report_error(
                        &anyhow::Error::new(e).context("making a temporary folder to check in"),
                    );
                    Failure::Refused
                })?;
            let mut scratch = store.clone();
            scratch.data_dir = dir.path().to_path_buf();
            Ok(Some((dir, scratch)))
        }
    }
}

/// A command that did not succeed: exit code 1. (Bad usage exits with 2, from the argument
/// parser, before any command runs.)
#[derive(Debug)]
pub enum Failure {
    Refused,
}

/// The arguments, with `serve` when no command is named (`swforce`, `swforce --addr ...`).
fn parse() -> (Cli, clap::ArgMatches) {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = match Cli::command().try_get_matches_from(&args) {
        Ok(m) if m.subcommand().is_some() => m,
        first => {
            let mut serve = args.clone();
            serve.insert(1.min(serve.len()), "serve".into());
            match (Cli::command().try_get_matches_from(&serve), first) {
                (Ok(m), _) => m,
                (Err(_), Err(e)) => e.exit(),
                (Err(e), Ok(_)) => e.exit(),
            }
        }
    };
    match Cli::from_arg_matches(&matches) {
        Ok(c) => (c, matches),
        Err(e) => e.exit(),
    }
}

fn main() -> ExitCode {
    end_quietly_on_a_closed_pipe();
    let (cli, matches) = parse();
    init_logging(&cli.log.log, cli.log.log_format == "json");
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
    // A command that reads only what is stored, on a folder with nothing stored, is refused
    // before anything is made; one that checks a file gets a store of its own.
    let scratch = match fresh_store(&command) {
        Ok(scratch) => scratch,
        Err(_) => return ExitCode::FAILURE,
    };
    let result = match command {
        Command::Completions(a) => {
            clap_complete::generate(
                a.shell,
                &mut Cli::command(),
                "swforce",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Config(settings) => {
            let sub = matches.subcommand_matches("config").unwrap_or(&matches);
            commands::config::run(&settings, (&cli.log.log, &cli.log.log_format), sub);
            Ok(())
        }
        Command::Migrate(store) => commands::admin::migrate(&store),
        Command::Backup(args) => commands::admin::backup(&args),
        // Writing an invented return reads no data: it makes no data folder.
        Command::Census(commands::census::Command::Generate(a)) => {
            commands::census::generate_file(&a)
        }
        // Checking agency engagements needs no store: on a fresh data folder it makes none.
        Command::Agency(c) if c.needs_no_store() && !c.store_args().is_some_and(|s| s.exists()) => {
            commands::agency::run_alone(&c)
        }
        // On a fresh data folder, what would be refused is refused before any database is made.
        Command::Agency(c) if !c.store_args().is_some_and(|s| s.exists()) => {
            commands::agency::precheck(&c)
                .and_then(|()| with_store(c.store_args(), None, false))
                .and_then(|app| commands::agency::run(&app, &c))
        }
        Command::Serve(settings) => with_store(
            Some(&settings.store.serving()),
            Some(&settings.mail),
            settings.allow_insecure_sso_for_testing,
        )
        .and_then(|app| commands::serve::run(app, &settings)),
        Command::Admin(c) => with_store(Some(c.store_args()), c.mail(), false)
            .and_then(|app| commands::admin::run(&app, &c)),
        command => with_store(
            scratch.as_ref().map(|(_, s)| s).or(command.store_args()),
            None,
            false,
        )
        .and_then(|app| match command {
            Command::Import(args) => commands::import::run(&app, &args),
            Command::Indicators(args) => commands::indicators::run(&app, &args),
            Command::Places(args) => commands::places::run(&app, &args),
            Command::Neighbours(args) => commands::neighbours::run(&app, &args),
            Command::Reconcile(args) => commands::reconcile::run(&app, &args),
            Command::Project(args) => commands::project::run(&app, &args),
            Command::Backtest(args) => commands::project::backtest(&app, &args),
            Command::Census(c) => commands::census::run(&app, &c),
            Command::Agency(c) => commands::agency::run(&app, &c),
            Command::Diary(c) => commands::diary::run(&app, &c),
            Command::Healthcheck(c) => commands::healthcheck::run(&app, &c),
            Command::Demo(a) => commands::import::demo(&app, &a),
            Command::Serve(_)
            | Command::Config(_)
            | Command::Migrate(_)
            | Command::Backup(_)
            | Command::Admin(_)
            | Command::Completions(_) => Ok(()),
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
pub fn open_store(global: &config::StoreArgs) -> Result<Arc<dyn Store>, Failure> {
    let opened: Result<Arc<dyn Store>, anyhow::Error> = match &global.database_url {
        Some(url) if PostgresStore::url_is_postgres(url) => {
            PostgresStore::connect_with(url, global.limits())
                .map(|s| Arc::new(s) as Arc<dyn Store>)
                .map_err(|e| {
                    anyhow::Error::new(e)
                        .context(format!("connecting to the database {}", mail::redact(url)))
                })
        }
        Some(url) => Err(anyhow::anyhow!(
            "--database-url {} is not a PostgreSQL address; give postgres://user:password@host:5432/swforce, or leave it out to use SQLite in the data folder",
            mail::redact(url)
        )),
        None => SqliteStore::open_in_dir_with(&global.data_dir, global.sqlite_wait())
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

/// The application on the store the settings name, sending email as `mail` says (to the
/// outbox folder when a command has no email settings).
fn with_store(
    store: Option<&config::StoreArgs>,
    mail: Option<&config::MailArgs>,
    insecure_sso_for_testing: bool,
) -> Result<App, Failure> {
    let Some(store) = store else {
        commands::report_error(&anyhow::anyhow!("this command reads no data"));
        return Err(Failure::Refused);
    };
    let mailer = mail::mailer(store, mail).map_err(|e| {
        commands::report_error(&e);
        Failure::Refused
    })?;
    Ok(App::new(open_store(store)?)
        .with_mailer(mailer)
        .with_insecure_sso_for_testing(insecure_sso_for_testing))
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every command at the end of a path (`swforce census validate`), with its path.
    fn leaves(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        let here = format!("{path} {}", cmd.get_name()).trim().to_string();
        let subs: Vec<_> = cmd
            .get_subcommands()
            .filter(|s| s.get_name() != "help")
            .collect();
        if subs.is_empty() {
            out.push((here.clone(), cmd.clone()));
        }
        for s in subs {
            leaves(s, &here, out);
        }
    }

    fn every_leaf() -> Vec<(String, clap::Command)> {
        let mut cmd = Cli::command();
        cmd.build();
        let mut out = Vec::new();
        leaves(&cmd, "", &mut out);
        out
    }

    fn has(cmd: &clap::Command, long: &str) -> bool {
        cmd.get_arguments().any(|a| a.get_long() == Some(long))
    }

    #[test]
    fn every_option_and_argument_is_described() {
        Cli::command().debug_assert();
        let mut missing = Vec::new();
        for (path, cmd) in every_leaf() {
            for arg in cmd.get_arguments() {
                if arg.is_hide_set() || ["help", "version"].contains(&arg.get_id().as_str()) {
                    continue;
                }
                if arg
                    .get_help()
                    .is_none_or(|h| h.to_string().trim().is_empty())
                {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            if cmd.get_about().is_none() {
                missing.push(path);
            }
        }
        assert!(missing.is_empty(), "without a description: {missing:#?}");
    }

    #[test]
    fn each_command_shows_only_the_settings_it_uses() {
        let server_only = [
            "read-only",
            "trust-proxy",
            "no-demo",
            "metrics-addr",
            "allow-insecure-sso-for-testing",
        ];
        let no_data = [
            "swforce census generate",
            "swforce agency example",
            "swforce completions",
        ];
        for (path, cmd) in every_leaf() {
            let serving = ["swforce serve", "swforce config"].contains(&path.as_str());
            let mailing = serving || path == "swforce admin invite";
            let linking = mailing || path == "swforce admin create";
            for long in server_only {
                assert_eq!(has(&cmd, long), serving, "`{path}` and --{long}");
            }
            for long in ["addr", "public-url"] {
                assert_eq!(has(&cmd, long), linking, "`{path}` and --{long}");
            }
            for long in ["smtp-url", "mail-from"] {
                assert_eq!(has(&cmd, long), mailing, "`{path}` and --{long}");
            }
            let data = !no_data.contains(&path.as_str());
            for long in ["data-dir", "database-url"] {
                assert_eq!(has(&cmd, long), data, "`{path}` and --{long}");
            }
            assert!(has(&cmd, "log"), "`{path}` has --log");
        }
    }
}
