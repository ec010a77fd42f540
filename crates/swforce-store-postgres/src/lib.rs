//! The `Store` on PostgreSQL, for when several app servers share one database: migrations
//! applied at start-up, and a small pool of connections opened as they are needed.
//!
//! All SQL for PostgreSQL lives in this crate, one file per part of the store, and it behaves as
//! the SQLite store does. A write is one transaction: a server stopped mid-import leaves the
//! database as it was before the import began. Imports of statistics and of census returns also
//! take a lock in the database, so two servers importing at once take turns, and the figures in use
//! come out as if one server had made both imports. One-time tokens are used in a single statement,
//! so a token works once even when two servers are asked for it at the same moment.
//!
//! Text is kept in the "C" collation, so names sort and timestamps (RFC 3339 in UTC) compare
//! byte by byte, as on SQLite, whatever the database's own collation.
//!
//! Connections are made without TLS, for a database on the same host or a private network.
//! Encrypting the link to the database is out of scope here: put the database beside the app
//! servers, or terminate TLS in front of it. A URL that asks for `sslmode=require` is refused
//! rather than sent in the clear.

mod access;
mod agency;
mod census;
mod db;
mod diary;
mod exchange;
mod healthcheck;
mod migrate;
mod pool;
mod scenario;
mod statistics;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::Limits;
use pool::{Conn, Pool};
use std::time::Duration;
use swforce_domain::{Cell, EesSymbol, GeographicLevel, GeographyCode, Year};
use swforce_store::StoreError;
use tokio_postgres::types::{FromSql, ToSql};

/// PostgreSQL-backed store.
pub struct PostgresStore {
    pool: Pool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let config = self.pool.config();
        let mut d = f.debug_struct("PostgresStore");
        d.field("user", &config.get_user())
            .field("hosts", &config.get_hosts())
            .field("ports", &config.get_ports())
            .field("dbname", &config.get_dbname());
        if config.get_password().is_some() {
            d.field("password", &"***");
        }
        d.field("idle_connections", &self.pool.idle()).finish()
    }
}

/// A database failure as a storage error: a database out of reach or out of time, out of
/// connections or out of disk is `Unavailable` (nothing changed, try again), in words.
fn backend(e: impl Into<db::DbError>) -> StoreError {
    use tokio_postgres::error::SqlState;
    let e = e.into();
    let unreachable = match &e {
        db::DbError::TimedOut { .. } | db::DbError::Broken => true,
        // Closed, or failed on the network (connecting, reading, writing).
        db::DbError::Postgres(p) => {
            p.is_closed() || std::error::Error::source(p).is_some_and(|s| s.is::<std::io::Error>())
        }
    };
    let full = [SqlState::DISK_FULL, SqlState::OUT_OF_MEMORY];
    let down = [
        SqlState::ADMIN_SHUTDOWN,
        SqlState::CRASH_SHUTDOWN,
        SqlState::CANNOT_CONNECT_NOW,
    ];
    match e.code() {
        Some(c) if full.contains(c) => StoreError::Unavailable(format!(
            "the database is out of room ({e}): nothing was changed; try again later"
        )),
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE || *c == SqlState::QUERY_CANCELED => {
            StoreError::Unavailable(format!(
                "the database is busy with another change and stayed busy for longer than a call may wait ({e}): nothing was changed; try again in a few seconds"
            ))
        }
        Some(c) if *c == SqlState::TOO_MANY_CONNECTIONS => StoreError::Unavailable(format!(
            "the database has no free connections ({e}): nothing was changed; try again in a few seconds, and if it lasts give PostgreSQL a larger max_connections or run fewer servers"
        )),
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => StoreError::Unavailable(format!(
            "the database named in the database URL does not exist ({e}): nothing was changed; make it (createdb) or correct the URL, then restart swforce"
        )),
        // The tables were there when the server started: the database was dropped and made
        // again, or restored from an empty copy, under a running server.
        Some(c) if *c == SqlState::UNDEFINED_TABLE => StoreError::Unavailable(format!(
            "the database has lost swforce's tables ({e}), as if it was dropped and made again under the running server: nothing was changed; restore it from a backup or restart swforce to set it up afresh"
        )),
        Some(c) if down.contains(c) => StoreError::Unavailable(format!(
            "the database is restarting ({e}): nothing was changed; try again in a few seconds"
        )),
        _ if unreachable => StoreError::Unavailable(format!(
            "the database cannot be reached ({e}): nothing was changed; try again in a few seconds"
        )),
        _ => StoreError::backend(e),
    }
}

/// Data in the database that this version cannot read.
#[derive(Debug)]
struct Invalid(String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

pub(crate) fn invalid(message: String) -> StoreError {
    StoreError::backend(Invalid(message))
}

/// One column of a row, with a storage error when its type is not the one expected.
pub(crate) fn get<'a, T: FromSql<'a>>(
    row: &'a tokio_postgres::Row,
    i: usize,
) -> Result<T, StoreError> {
    row.try_get(i).map_err(backend)
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:5432/swforce`, or the
    /// `host=... dbname=...` form) and brings its schema up to date, within the default
    /// [`Limits`]. Several servers may do so at once: migrations take turns.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, Limits::default())
    }

    /// [`PostgresStore::connect`] with the time limits given: a server that does not answer
    /// is given up after `limits.connect`; a call unanswered after `limits.call` breaks its
    /// connection, which is replaced; a caller waits at most `limits.wait` for a connection.
    pub fn connect_with(url: &str, limits: Limits) -> Result<Self, StoreError> {
        let mut config: tokio_postgres::Config = url.parse().map_err(StoreError::backend)?;
        if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
            return Err(invalid(
                "the database URL asks for sslmode=require, but swforce connects to PostgreSQL without TLS (keep the database on the same host or a private network, or put a TLS proxy beside swforce); take sslmode=require out of the URL".into(),
            ));
        }
        if config.get_application_name().is_none() {
            config.application_name("swforce");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(limits.connect);
        }
        // The system notices a peer that has gone (keepalives) and data left unacknowledged
        // (the user timeout); the call limit covers a peer that acknowledges and never answers.
        config
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(30))
            .tcp_user_timeout(limits.call);
        // On the server too: a statement waiting for a lock gives up within the call limit,
        // and a transaction left open by a client that has gone (a half-open connection)
        // releases its locks within a minute, rather than when the network notices.
        let idle_ms = limits.call.as_millis().saturating_mul(6).max(60_000);
        // (The lock wait is cut a little before the call limit, so the server's own clean
        // refusal comes first and the connection stays usable.)
        let session = format!(
            "-c lock_timeout={}ms -c idle_in_transaction_session_timeout={idle_ms}ms",
            (limits.call.as_millis() * 9 / 10).max(1)
        );
        let options = match config.get_options() {
            Some(given) => format!("{session} {given}"),
            None => session,
        };
        config.options(&options);
        let pool = Pool::new(config, limits)?;
        let mut conn = pool.open()?;
        migrate::apply(&mut conn.client)?;
        pool.give_back(conn);
        Ok(Self { pool })
    }

    /// Whether a database URL names PostgreSQL (rather than a SQLite data directory).
    pub fn url_is_postgres(url: &str) -> bool {
        let url = url.trim_start();
        ["postgres://", "postgresql://"].iter().any(|scheme| {
            url.get(..scheme.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.pool.with(f)
    }

    /// Every row of one query, each mapped by `map`: the select-map-collect behind every list
    /// the store returns.
    fn select<T>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        map: impl Fn(&tokio_postgres::Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        self.with(|c| {
            c.query(sql, params)
                .map_err(backend)?
                .iter()
                .map(map)
                .collect()
        })
    }

    /// The row of one query, mapped by `map`, if there is one.
    fn select_one<T>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        map: impl Fn(&tokio_postgres::Row) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        self.with(|c| {
            c.query_opt(sql, params)
                .map_err(backend)?
                .as_ref()
                .map(map)
                .transpose()
        })
    }
}

fn level_from(text: &str) -> Result<GeographicLevel, StoreError> {
    GeographicLevel::from_id(text)
        .ok_or_else(|| invalid(format!("unknown geographic level {text:?}")))
}

fn year_from(y: i32) -> Result<Year, StoreError> {
    u16::try_from(y)
        .ok()
        .and_then(|y| Year::try_from(y).ok())
        .ok_or_else(|| invalid(format!("year {y} out of range")))
}

fn cell_from(value: Option<f64>, symbol: Option<String>) -> Result<Cell<f64>, StoreError> {
    match (value, symbol) {
        (Some(v), None) => Ok(Cell::Value(v)),
        (None, Some(s)) => EesSymbol::parse(&s)
            .map(Cell::Symbol)
            .ok_or_else(|| invalid(format!("unknown symbol {s:?}"))),
        _ => Err(invalid(
            "a cell holds exactly one of a value or a symbol".into(),
        )),
    }
}

fn code_from(text: &str) -> Result<GeographyCode, StoreError> {
    GeographyCode::parse(text).map_err(|e| invalid(e.to_string()))
}

/// A count kept as `BIGINT`: the counts swforce stores are far below its limit.
fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// JSON for a stored column, with a storage error on failure.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::backend)
}
