//! For test suites (behind the `testing` feature): a fresh database on the test server for every
//! test. The server comes from `SWFORCE_TEST_DATABASE_URL` (default: the local server, as
//! `postgres` with trust authentication). Without a server the tests say so once and pass, except
//! under CI, where they fail.

use crate::PostgresStore;
use postgres::{Client, NoTls};
use std::hash::{BuildHasher, RandomState};
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, Once, OnceLock, PoisonError};
use std::time::Duration;
use swforce_store::Store;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// Every test database's name starts so (then the process id, a counter and a random part).
const PREFIX: &str = "swforce_t_";

#[allow(
    clippy::disallowed_methods,
    reason = "the test suite's own setting, read only here"
)]
fn setting(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub fn admin_url() -> String {
    setting("SWFORCE_TEST_DATABASE_URL").unwrap_or_else(|| DEFAULT_URL.to_string())
}

/// The server's administrative connection, opened once; `None` when it cannot be reached.
fn admin() -> Option<&'static Mutex<Client>> {
    static ADMIN: OnceLock<Result<Mutex<Client>, String>> = OnceLock::new();
    let admin = ADMIN.get_or_init(|| {
        let mut config: postgres::Config = admin_url().parse().map_err(|e| chain(&e))?;
        config.connect_timeout(Duration::from_secs(5));
        let mut client = config.connect(NoTls).map_err(|e| chain(&e))?;
        drop_old_databases(&mut client);
        Ok(Mutex::new(client))
    });
    match admin {
        Ok(client) => Some(client),
        Err(e) => {
            let url = admin_url();
            if setting("CI").is_some() {
                panic!(
                    "PostgreSQL not reachable at {url} ({e}): CI must run the PostgreSQL storage suite; start the server or set SWFORCE_TEST_DATABASE_URL"
                );
            }
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                // Straight to the process's stderr: the test harness hides what passing tests
                // print with `eprintln!`.
                let _ = writeln!(
                    std::io::stderr(),
                    "PostgreSQL not reachable at {url}: skipping the PostgreSQL storage suite (set SWFORCE_TEST_DATABASE_URL)"
                );
            });
            None
        }
    }
}

/// An error with its causes, on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    text
}

/// Drops the test databases of earlier runs whose process has ended, as far as it can.
fn drop_old_databases(client: &mut Client) {
    let Ok(rows) = client.query(
        "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
        &[&PREFIX],
    ) else {
        return;
    };
    let me = std::process::id();
    for row in rows {
        let name: String = row.get(0);
        let pid = name[PREFIX.len()..]
            .split('_')
            .next()
            .and_then(|p| p.parse::<u32>().ok());
        let alive =
            pid.is_some_and(|p| p == me || std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\""));
        }
    }
}

/// `url` with its database name changed to `dbname`.
pub fn with_dbname(url: &str, dbname: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let after = &rest[authority_end..];
        let query = after.find('?').map_or("", |q| &after[q..]);
        format!("{}/{dbname}{query}", &url[..scheme_end + 3 + authority_end])
    } else {
        // The `key=value` form: a later key wins.
        format!("{url} dbname={dbname}")
    }
}

/// Creates a new, empty database and returns its URL; `None` without a server.
pub fn fresh_database() -> Option<String> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let admin = admin()?;
    let name = format!(
        "{PREFIX}{}_{}_{:08x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        RandomState::new().hash_one(0u8) as u32
    );
    admin
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .expect("the test server creates a database");
    Some(with_dbname(&admin_url(), &name))
}

/// A store on a new, empty database; `None` without a server.
pub fn fresh_store() -> Option<PostgresStore> {
    let url = fresh_database()?;
    Some(PostgresStore::connect(&url).expect("a fresh database takes the schema"))
}

pub fn fresh() -> Option<Box<dyn Store>> {
    fresh_store().map(|s| Box::new(s) as Box<dyn Store>)
}

/// A plain connection to a test database, to look at or tamper with it directly.
pub fn raw(url: &str) -> Client {
    Client::connect(url, NoTls).expect("the test database is reachable")
}
