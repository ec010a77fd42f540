//! The `Store` on embedded SQLite: one file in the data directory, migrations applied at
//! start-up, one writer and a small pool of readers (write-ahead logging lets them overlap).
//!
//! All SQL for SQLite lives in this crate, one file per part of the store. A write is one
//! transaction: a process killed mid-import leaves the database as it was before the import began.

mod access;
mod agency;
mod census;
mod diary;
mod exchange;
mod healthcheck;
mod migrate;
mod scenario;
mod statistics;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use swforce_domain::{Cell, EesSymbol, GeographicLevel, GeographyCode, Year};
use swforce_store::StoreError;

/// Reader connections kept open between requests.
const MAX_IDLE_READERS: usize = 32;

/// The database file's name inside the data directory.
pub const FILE_NAME: &str = "swforce.sqlite3";

/// SQLite-backed store.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    /// How long a call waits for another process's write to finish.
    busy: Duration,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

/// How long a call waits for another process's write to finish, unless told otherwise: ten
/// imports started together from the command line each get their turn.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

const BUSY: &str = "the database is busy with another change (another swforce command, or the server, is writing to it) and stayed busy for longer than the wait allowed: nothing was changed; try again, or allow a longer wait with --database-wait-timeout";

/// A SQLite failure as a storage error: contention and a full or failing disk are
/// `Unavailable` (nothing changed, try again), in words; anything else is the backend's own.
fn backend(e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    let code = match &e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Unavailable(BUSY.into())
        }
        Some(ErrorCode::DiskFull) => StoreError::Unavailable(
            "the disk holding the data folder is full: nothing was changed; free some space and try again".into(),
        ),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Unavailable(
            format!("the database file is not a swforce database, or it is damaged ({e}): nothing was changed; check that --data-dir names the right folder, or restore the database from a backup (swforce backup makes one)"),
        ),
        Some(ErrorCode::ReadOnly) => StoreError::Unavailable(format!(
            "the data folder cannot be written ({e}): nothing was changed; give swforce a folder it may write to, or make this one writable"
        )),
        Some(ErrorCode::SystemIoFailure | ErrorCode::CannotOpen) => StoreError::Unavailable(
            format!("the data folder cannot be read or written ({e}): nothing was changed; check the disk and the folder's permissions, then try again"),
        ),
        _ => StoreError::backend(e),
    }
}

fn open_connection(path: &Path, busy: Duration) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(backend)?;
    // A writer finding another process writing (a command beside the server) waits its turn;
    // set first, so that switching a new database to WAL waits too.
    conn.busy_timeout(busy).map_err(backend)?;
    // WAL lets readers run beside the writer; NORMAL sync keeps every committed transaction
    // across a process crash (only a power cut can lose the last ones).
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;",
    )
    .map_err(backend)?;
    Ok(conn)
}

/// Whether the disk holding `path` has no room (SQLite says only "disk I/O error" when it
/// cannot make its journal files): tries to write a little beside it.
fn disk_is_full(path: &Path) -> bool {
    let probe = path.with_file_name(".swforce-room-check");
    let written = std::fs::write(&probe, [0u8; 16 * 1024]);
    let _ = std::fs::remove_file(&probe);
    matches!(written, Err(e) if e.kind() == std::io::ErrorKind::StorageFull)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, DEFAULT_WAIT)
    }

    /// [`SqliteStore::open`], with how long a call waits for another process's write.
    pub fn open_with(path: &Path, busy: Duration) -> Result<Self, StoreError> {
        // SQLite answers "busy" at once, without waiting, where waiting could deadlock: while
        // another process switches a new database to WAL or migrates it. Opening tries again
        // until the wait allowed is over.
        let started = std::time::Instant::now();
        let writer = loop {
            let opened = open_connection(path, busy).and_then(|mut c| {
                migrate::apply(&mut c)?;
                Ok(c)
            });
            match opened {
                Err(StoreError::Unavailable(m)) if m == BUSY && started.elapsed() < busy => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(StoreError::Unavailable(m)) if disk_is_full(path) => {
                    return Err(StoreError::Unavailable(format!(
                        "the disk holding {} is full ({m}): nothing was changed; free some space and try again",
                        path.parent().unwrap_or(path).display()
                    )));
                }
                other => break other?,
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            busy,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Writes a consistent copy of the database to `out` while it stays in use (readers and
    /// writers carry on; the copy is of one moment). Refuses to overwrite a file.
    pub fn backup(&self, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Conflict(format!(
                "{} already exists; give a new file name",
                out.display()
            )));
        }
        // Written beside the target and renamed when whole: a failure (a full disk) leaves no
        // partial file to mistake for a backup, and nothing that blocks a retry.
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "backup".into());
        let folder = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !folder.is_dir() {
            return Err(StoreError::Unavailable(format!(
                "the folder {} does not exist: nothing was backed up; make it, or give --out a file in a folder that exists",
                folder.display()
            )));
        }
        let partial = out.with_file_name(format!(".{name}.partial"));
        // SQLite writes the copy with a journal beside it: both go on failure.
        let leftovers = [
            partial.clone(),
            out.with_file_name(format!(".{name}.partial-journal")),
        ];
        let clean = || {
            for f in &leftovers {
                let _ = std::fs::remove_file(f);
            }
        };
        clean();
        let conn = open_connection(&self.path, self.busy)?;
        // Failures here are the backup's folder's, not the data folder's: said so.
        let at_out = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::Unavailable(format!(
                "the disk holding {} is full: no backup was written, and nothing is left behind; free some space there, or give --out a file on another disk",
                folder.display()
            )),
            Some(
                rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::PermissionDenied
                | rusqlite::ErrorCode::SystemIoFailure,
            ) => StoreError::Unavailable(format!(
                "the backup cannot be written in {} ({e}): nothing was backed up; check that folder's permissions and disk, or give --out a file elsewhere",
                folder.display()
            )),
            _ => backend(e),
        };
        let written = conn
            .execute("VACUUM INTO ?1", [partial.to_string_lossy()])
            .map_err(at_out)
            .and_then(|_| {
                std::fs::rename(&partial, out).map_err(|e| {
                    StoreError::Unavailable(format!(
                        "the finished backup could not be named {} ({e}): nothing was backed up",
                        out.display()
                    ))
                })
            });
        if written.is_err() {
            clean();
        }
        written
    }

    /// Opens the database inside a data directory, creating the directory if needed.
    pub fn open_in_dir(dir: &Path) -> Result<Self, StoreError> {
        Self::open_in_dir_with(dir, DEFAULT_WAIT)
    }

    /// [`SqliteStore::open_in_dir`], with how long a call waits for another process's write.
    pub fn open_in_dir_with(dir: &Path, busy: Duration) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(format!(
                "the data folder {} cannot be made ({e}): nothing was changed; give --data-dir a folder (not a file) in a place swforce may write to",
                dir.display()
            ))
        })?;
        Self::open_with(&dir.join(FILE_NAME), busy)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one immediate transaction on the writer: all of it is kept, or none.
    fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let value = f(&tx).map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(value)
    }

    /// Every row of one query on a reader, each mapped by `map`: the select-map-collect behind
    /// every list the store returns.
    fn select<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        self.read(|c| c.prepare_cached(sql)?.query_map(params, map)?.collect())
    }

    /// The first row of one query on a reader, mapped by `map`, if there is one.
    fn select_one<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, StoreError> {
        self.read(|c| c.prepare_cached(sql)?.query_row(params, map).optional())
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let conn = {
            let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            pool.pop()
        };
        let conn = match conn {
            Some(c) => c,
            None => open_connection(&self.path, self.busy)?,
        };
        let result = f(&conn).map_err(backend);
        // Keep enough for every request a busy server runs at once: a page that reads a dozen
        // times (the time diary's views) would otherwise open and close a connection per read
        // whenever more requests run than connections are kept.
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < MAX_IDLE_READERS {
            pool.push(conn);
        }
        result
    }
}

fn level_from(text: &str) -> rusqlite::Result<GeographicLevel> {
    GeographicLevel::from_id(text)
        .ok_or_else(|| invalid(format!("unknown geographic level {text:?}")))
}

pub(crate) fn invalid(message: String) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(message.into())
}

fn year_from(y: i64) -> rusqlite::Result<Year> {
    u16::try_from(y)
        .ok()
        .and_then(|y| Year::try_from(y).ok())
        .ok_or_else(|| invalid(format!("year {y} out of range")))
}

fn cell_from(value: Option<f64>, symbol: Option<String>) -> rusqlite::Result<Cell<f64>> {
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

fn code_from(text: &str) -> rusqlite::Result<GeographyCode> {
    GeographyCode::parse(text).map_err(|e| invalid(e.to_string()))
}

/// JSON for a stored column, with a storage error on failure.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::backend)
}
