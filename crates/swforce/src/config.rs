//! Settings: every one is a flag, an environment variable and a default that works on a laptop.
//! This is the only module that reads the environment. Each command has the settings it uses:
//! logging everywhere, the database where data is read or written, the address and email where
//! links are printed or email sent, and the server's own on `serve`.

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Logging: on every command.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Logging")]
pub struct LogArgs {
    /// Log filter: error, warn, info, debug or trace (or a tracing filter such as swforce_web=debug).
    #[arg(
        long,
        global = true,
        env = "SWFORCE_LOG",
        default_value = "info",
        value_name = "FILTER"
    )]
    pub log: String,

    /// How log lines are written to standard error: text (for people) or json (one object a
    /// line, for a log collector).
    #[arg(
        long,
        global = true,
        env = "SWFORCE_LOG_FORMAT",
        default_value = "text",
        value_parser = ["text", "json"],
        value_name = "FORMAT"
    )]
    pub log_format: String,
}

/// Where the data is: on the commands that read or write it.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Database")]
pub struct StoreArgs {
    /// Folder holding swforce's data (the SQLite database, and the email outbox without SMTP).
    #[arg(
        long,
        env = "SWFORCE_DATA_DIR",
        default_value = "swforce-data",
        value_name = "DIR"
    )]
    pub data_dir: PathBuf,

    /// The database: a PostgreSQL URL (postgres://user:password@host:5432/swforce) for several
    /// servers sharing one database. Without it, SQLite in the data folder.
    #[arg(
        long,
        env = "SWFORCE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// PostgreSQL: seconds to open a connection (a server that accepts and never answers is
    /// given up after this).
    #[arg(
        long,
        env = "SWFORCE_DATABASE_CONNECT_TIMEOUT",
        default_value_t = 5,
        value_parser = clap::value_parser!(u64).range(1..=600),
        value_name = "SECONDS"
    )]
    pub database_connect_timeout: u64,

    /// PostgreSQL: seconds one call (a query, a statement) may take before its connection is
    /// closed and replaced (how a connection left half-open by a network fault is noticed).
    #[arg(
        long,
        env = "SWFORCE_DATABASE_CALL_TIMEOUT",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=3600),
        value_name = "SECONDS"
    )]
    pub database_call_timeout: u64,

    /// Seconds to wait for the database to be free: on PostgreSQL for a connection when all
    /// are in use (default 5), on SQLite for another process's write to finish (default 30 for a
    /// command, 10 for the server, whose requests are answered within 30).
    /// After that the call is refused as busy ("try again"; 503 on the web), never half done.
    #[arg(
        long,
        env = "SWFORCE_DATABASE_WAIT_TIMEOUT",
        value_parser = clap::value_parser!(u64).range(1..=3600),
        value_name = "SECONDS"
    )]
    pub database_wait_timeout: Option<u64>,
}

/// How long a server's SQLite call waits for another process's write, by default.
pub const SERVER_SQLITE_WAIT_SECS: u64 = 10;

impl StoreArgs {
    /// The time limits for a PostgreSQL database.
    pub fn limits(&self) -> swforce_store_postgres::Limits {
        let s = std::time::Duration::from_secs;
        swforce_store_postgres::Limits {
            connect: s(self.database_connect_timeout),
            call: s(self.database_call_timeout),
            wait: s(self.database_wait_timeout.unwrap_or(5)),
        }
    }

    /// The settings for a server: on SQLite, a call waits at most 10 s for another process's
    /// write unless told otherwise, so that a busy database is answered with "busy, try again"
    /// well within the 30 s a request may take (a command waits 30 s, as nobody is waiting on
    /// it but its user).
    pub fn serving(&self) -> StoreArgs {
        let mut serving = self.clone();
        if serving.database_url.is_none() {
            serving
                .database_wait_timeout
                .get_or_insert(SERVER_SQLITE_WAIT_SECS);
        }
        serving
    }

    /// How long a SQLite call waits for another process's write.
    pub fn sqlite_wait(&self) -> std::time::Duration {
        self.database_wait_timeout.map_or(
            swforce_store_sqlite::DEFAULT_WAIT,
            std::time::Duration::from_secs,
        )
    }

    /// Whether the settings name a store that is already there: a database URL, or a SQLite
    /// database in the data folder.
    pub fn exists(&self) -> bool {
        self.database_url.is_some() || self.data_dir.join(swforce_store_sqlite::FILE_NAME).exists()
    }
}

/// The service's address: on `serve`, and on the commands that print links to it.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Address")]
pub struct LinkArgs {
    /// Address and port the web service listens on [default: 127.0.0.1:8080].
    #[arg(long, env = "SWFORCE_ADDR", value_name = "HOST:PORT")]
    pub addr: Option<SocketAddr>,

    /// The address people reach the service at (for links in emails and single sign-on); an
    /// https:// address also marks cookies Secure and turns on HSTS. Default: http://ADDR.
    #[arg(
        long,
        env = "SWFORCE_PUBLIC_URL",
        value_name = "URL",
        value_parser = public_url
    )]
    pub public_url: Option<String>,
}

/// The service's address and its email: on `serve`, and on the commands that send email.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Email")]
pub struct MailArgs {
    #[command(flatten)]
    pub link: LinkArgs,

    /// Where to send email (invitations, password resets): smtp://user:password@host:587
    /// (STARTTLS) or smtps://user:password@host:465. Without it, emails are written to the
    /// outbox folder in the data folder.
    #[arg(
        long,
        env = "SWFORCE_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,

    /// The sender of swforce's emails.
    #[arg(
        long,
        env = "SWFORCE_MAIL_FROM",
        default_value = "swforce <no-reply@localhost>",
        value_name = "ADDRESS"
    )]
    pub mail_from: String,
}

impl LinkArgs {
    /// The address the service listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)))
    }

    /// The service's public address, without a trailing slash: the one given, else the
    /// listening address.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| link_to(self.addr()))
            .trim_end_matches('/')
            .to_string()
    }

    /// Where links printed on the command line point: the public address or listening address
    /// given, else the address the server last started with on this data folder said it serves
    /// at, else the default listening address.
    pub fn link_base(&self, store: &StoreArgs) -> String {
        if self
            .public_url
            .as_ref()
            .is_some_and(|u| !u.trim().is_empty())
            || self.addr.is_some()
        {
            return self.public_url();
        }
        std::fs::read_to_string(store.data_dir.join(SERVING_AT))
            .ok()
            .map(|s| s.trim().trim_end_matches('/').to_string())
            .filter(|s| s.starts_with("http://") || s.starts_with("https://"))
            .unwrap_or_else(|| self.public_url())
    }
}

/// Reads a public address: `http://` or `https://`, a host, and nothing a link cannot hold
/// (empty means none, as an empty environment variable does).
fn public_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    let fine = |c: char| c.is_ascii_graphic() && !"\"<>\\^`{|}".contains(c);
    match host {
        Some(h) if !h.is_empty() && !h.starts_with(':') && text.chars().all(fine) => {
            Ok(text.trim_end_matches('/').to_string())
        }
        _ => Err(format!(
            "{text:?} is not a web address people can reach the service at\n  fix: give http:// or https:// and the host, such as https://swforce.example.org"
        )),
    }
}

/// A link to a listening address: one on every interface (0.0.0.0) is reached on this machine
/// as localhost.
pub fn link_to(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://localhost:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
}

/// The file in the data folder where `serve` writes the address it serves at, for the links
/// other commands print.
pub const SERVING_AT: &str = "serving-at";

/// The web service's settings.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    #[command(flatten)]
    pub mail: MailArgs,

    /// Refuse imports over the web (the import page and POST /api/v1/imports).
    #[arg(
        long,
        env = "SWFORCE_READ_ONLY",
        default_value_t = false,
        help_heading = "Server"
    )]
    pub read_only: bool,

    /// Proxies trusted to say who the client is: addresses or networks, comma separated (such
    /// as 10.0.0.0/8). From them, the client's address (for the audit log and the per-address
    /// limits) is taken from X-Forwarded-For; from anyone else the header is ignored.
    #[arg(
        long,
        env = "SWFORCE_TRUST_PROXY",
        value_name = "CIDR[,CIDR]",
        default_value = "",
        value_parser = swforce_web::TrustedProxies::parse,
        help_heading = "Server"
    )]
    pub trust_proxy: swforce_web::TrustedProxies,

    /// Serve Prometheus metrics (requests and their latency by route, database connections in
    /// use, imports) at http://ADDR/metrics on this separate address, such as 127.0.0.1:9100.
    /// Off when not given.
    #[arg(
        long,
        env = "SWFORCE_METRICS_ADDR",
        value_name = "HOST:PORT",
        help_heading = "Server"
    )]
    pub metrics_addr: Option<SocketAddr>,

    /// Make no demo organisation of invented people on first start (with --database-url none
    /// is made anyway): the published statistics are still loaded into an empty database.
    #[arg(
        long,
        env = "SWFORCE_NO_DEMO",
        default_value_t = false,
        help_heading = "Server"
    )]
    pub no_demo: bool,

    /// Let single sign-on use providers at plain-http addresses on this machine (127.0.0.1,
    /// localhost), for testing against a local provider. Never for real use: without it, every
    /// provider address must be https.
    #[arg(
        long,
        env = "SWFORCE_ALLOW_INSECURE_SSO_FOR_TESTING",
        default_value_t = false,
        help_heading = "Server"
    )]
    pub allow_insecure_sso_for_testing: bool,
}

/// Every setting this version knows, as `(environment variable, flag)`.
pub const SETTINGS: &[(&str, &str)] = &[
    ("SWFORCE_DATA_DIR", "--data-dir"),
    ("SWFORCE_DATABASE_URL", "--database-url"),
    (
        "SWFORCE_DATABASE_CONNECT_TIMEOUT",
        "--database-connect-timeout",
    ),
    ("SWFORCE_DATABASE_CALL_TIMEOUT", "--database-call-timeout"),
    ("SWFORCE_DATABASE_WAIT_TIMEOUT", "--database-wait-timeout"),
    ("SWFORCE_LOG", "--log"),
    ("SWFORCE_LOG_FORMAT", "--log-format"),
    ("SWFORCE_ADDR", "--addr"),
    ("SWFORCE_READ_ONLY", "--read-only"),
    ("SWFORCE_NO_DEMO", "--no-demo"),
    ("SWFORCE_TRUST_PROXY", "--trust-proxy"),
    ("SWFORCE_METRICS_ADDR", "--metrics-addr"),
    ("SWFORCE_PUBLIC_URL", "--public-url"),
    ("SWFORCE_SMTP_URL", "--smtp-url"),
    ("SWFORCE_MAIL_FROM", "--mail-from"),
    (
        "SWFORCE_ALLOW_INSECURE_SSO_FOR_TESTING",
        "--allow-insecure-sso-for-testing",
    ),
];

/// `SWFORCE_*` variables that match no setting: probably a typing mistake.
#[allow(clippy::disallowed_methods)] // the config module is where the environment is read
pub fn unknown_variables() -> Vec<String> {
    std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| k.starts_with("SWFORCE_") && !SETTINGS.iter().any(|(v, _)| v == k))
        // Test-only settings read by the test suites, not by this binary.
        .filter(|k| k != "SWFORCE_TEST_DATABASE_URL")
        .collect()
}

/// Where a setting's value came from, in words.
pub fn source(matches: &ArgMatches, id: &str) -> &'static str {
    match matches.value_source(id) {
        Some(ValueSource::CommandLine) => "flag",
        Some(ValueSource::EnvVariable) => "environment",
        Some(ValueSource::DefaultValue) => "default",
        _ => "default",
    }
}
