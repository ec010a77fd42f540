//! The `Store` on embedded SQLite: one file in the data directory, migrations applied at
//! start-up, one writer and a small pool of readers (write-ahead logging lets them overlap).
//!
//! All SQL for SQLite lives here. A write is one transaction: a process killed mid-import
//! leaves the database as it was before the import began.

mod access;
mod diary;
mod migrate;

use access::*;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use swforce_domain::agency::{Engagement, JobType, Pence, PriceCap};
use swforce_domain::census::CensusWorker;
use swforce_domain::diary::Week;
use swforce_domain::exchange::{
    Audience, Example, FeedbackForm, ResourcePage, Response, Status as ExampleStatus, Theme,
};
use swforce_domain::{
    Cell, Dataset, EesSymbol, GeographicLevel, Geography, GeographyCode, Measure, OldLaCode, Row,
    Year,
};
use swforce_store::{
    ApiToken, AuditEvent, CensusOutcome, CensusReturn, ExamplePage, ExampleQuery, ExampleSort,
    ImportOutcome, ImportRecord, NewOrganisation, NewScenario, NewUser, OneTimeToken, Organisation,
    Provenance, SavedScenario, Session, SsoConfig, Store, StoreError, StoredCap, StoredEngagement,
    Team, TokenKind, UpsertOutcome, User, Vintage, search_words,
};
use swforce_store::{DiaryCategory, DiaryScope, DiarySums, StoredDiary, SyntheticPerson};

/// Reader connections kept open between requests.
const MAX_IDLE_READERS: usize = 32;

/// The database file's name inside the data directory.
pub const FILE_NAME: &str = "swforce.sqlite3";

/// SQLite-backed store.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::backend(e)
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(backend)?;
    // WAL lets readers run beside the writer; NORMAL sync keeps every committed transaction
    // across a process crash (only a power cut can lose the last ones).
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000;",
    )
    .map_err(backend)?;
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut writer = open_connection(path)?;
        migrate::apply(&mut writer)?;
        Ok(Self {
            path: path.to_path_buf(),
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
        let conn = open_connection(&self.path)?;
        conn.execute("VACUUM INTO ?1", [out.to_string_lossy()])
            .map_err(backend)?;
        Ok(())
    }

    /// Opens the database inside a data directory, creating the directory if needed.
    pub fn open_in_dir(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(StoreError::backend)?;
        Self::open(&dir.join(FILE_NAME))
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

    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let conn = {
            let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            pool.pop()
        };
        let conn = match conn {
            Some(c) => c,
            None => open_connection(&self.path)?,
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

const IMPORT_COLUMNS: &str = "id, file_name, sha256, bytes, dataset, publisher, release_title, first_year, last_year, row_count, warnings, renamed, imported_at";

fn import_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<ImportRecord> {
    let dataset: String = row.get(4)?;
    let warnings: String = row.get(10)?;
    let renamed: String = row.get(11)?;
    Ok(ImportRecord {
        id: row.get(0)?,
        provenance: Provenance {
            file_name: row.get(1)?,
            sha256: row.get(2)?,
            bytes: row.get::<_, i64>(3)?.max(0) as u64,
            dataset: Dataset::from_id(&dataset)
                .ok_or_else(|| invalid(format!("unknown dataset {dataset:?}")))?,
            publisher: row.get(5)?,
            release: row.get(6)?,
            first_year: year_from(row.get(7)?)?,
            last_year: year_from(row.get(8)?)?,
            rows: row.get::<_, i64>(9)?.max(0) as u64,
            warnings: serde_json::from_str(&warnings).map_err(|e| invalid(e.to_string()))?,
            renamed: serde_json::from_str(&renamed).map_err(|e| invalid(e.to_string()))?,
            imported_at: row.get(12)?,
        },
    })
}

impl Store for SqliteStore {
    fn import_batch(
        &self,
        p: &Provenance,
        geographies: &[Geography],
        rows: &[Row],
    ) -> Result<ImportOutcome, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let existing = tx
            .query_row(
                &format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE sha256 = ?1"),
                [&p.sha256],
                import_from,
            )
            .optional()
            .map_err(backend)?;
        if let Some(import) = existing {
            return Ok(ImportOutcome::AlreadyImported { import });
        }
        let warnings = serde_json::to_string(&p.warnings).map_err(StoreError::backend)?;
        let renamed = serde_json::to_string(&p.renamed).map_err(StoreError::backend)?;
        tx.execute(
            "INSERT INTO imports (file_name, sha256, bytes, dataset, publisher, release_title, first_year, last_year, row_count, warnings, renamed, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                p.file_name, p.sha256, p.bytes as i64, p.dataset.id(), p.publisher, p.release,
                p.first_year.get(), p.last_year.get(), p.rows as i64, warnings, renamed, p.imported_at
            ],
        )
        .map_err(backend)?;
        let id = tx.last_insert_rowid();
        {
            let mut upsert = tx
                .prepare(
                    "INSERT INTO geographies (code, name, level, parent_code, old_la_code, name_year)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (code) DO UPDATE SET
                         name = excluded.name,
                         level = excluded.level,
                         parent_code = COALESCE(excluded.parent_code, geographies.parent_code),
                         old_la_code = COALESCE(excluded.old_la_code, geographies.old_la_code),
                         name_year = excluded.name_year
                     WHERE excluded.name_year >= geographies.name_year",
                )
                .map_err(backend)?;
            for g in geographies {
                upsert
                    .execute(params![
                        g.code.as_str(),
                        g.name,
                        g.level.id(),
                        g.parent.as_ref().map(|c| c.as_str()),
                        g.old_la_code.map(|c| c.to_string()),
                        p.last_year.get()
                    ])
                    .map_err(backend)?;
            }
            let mut insert = tx
                .prepare(
                    "INSERT INTO observations (geography_code, measure, breakdown, year, import_id, dataset, value, symbol, is_current)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)",
                )
                .map_err(backend)?;
            for row in rows {
                for (measure, cell) in &row.cells {
                    insert
                        .execute(params![
                            row.geography.as_str(),
                            measure,
                            row.breakdown,
                            row.year.get(),
                            id,
                            row.dataset.id(),
                            cell.value(),
                            cell.symbol().map(|s| s.as_str())
                        ])
                        .map_err(backend)?;
                }
            }
        }
        let cells = rows.iter().map(|r| r.cells.len() as u64).sum();
        // A release that reaches a later year outranks this one for the cells both cover.
        let outranked = tx
            .execute(
                "UPDATE observations SET is_current = 0
                 WHERE import_id = ?1 AND EXISTS (
                     SELECT 1 FROM observations o JOIN imports i ON i.id = o.import_id
                     WHERE o.geography_code = observations.geography_code AND o.measure = observations.measure
                       AND o.breakdown = observations.breakdown AND o.year = observations.year
                       AND o.import_id <> ?1 AND o.is_current = 1 AND i.last_year > ?2)",
                params![id, p.last_year.get()],
            )
            .map_err(backend)? as u64;
        let superseded = tx
            .execute(
                "UPDATE observations SET is_current = 0
                 WHERE dataset = ?2 AND is_current = 1 AND import_id <> ?1 AND EXISTS (
                     SELECT 1 FROM observations n
                     WHERE n.import_id = ?1 AND n.is_current = 1
                       AND n.geography_code = observations.geography_code AND n.measure = observations.measure
                       AND n.breakdown = observations.breakdown AND n.year = observations.year)",
                params![id, p.dataset.id()],
            )
            .map_err(backend)? as u64;
        let import = tx
            .query_row(
                &format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE id = ?1"),
                [id],
                import_from,
            )
            .map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(ImportOutcome::Imported {
            import,
            cells,
            superseded,
            outranked,
        })
    }

    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {IMPORT_COLUMNS} FROM imports ORDER BY id DESC"
            ))?;
            stmt.query_map([], import_from)?.collect()
        })
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
        })
    }

    fn generation(&self) -> Result<i64, StoreError> {
        self.read(|c| c.query_row("SELECT COALESCE(MAX(id), 0) FROM imports", [], |r| r.get(0)))
    }

    fn geographies(&self) -> Result<Vec<Geography>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT code, name, level, parent_code, old_la_code FROM geographies ORDER BY code",
            )?;
            stmt.query_map([], |r| {
                let parent: Option<String> = r.get(3)?;
                let old: Option<String> = r.get(4)?;
                Ok(Geography {
                    code: code_from(&r.get::<_, String>(0)?)?,
                    name: r.get(1)?,
                    level: level_from(&r.get::<_, String>(2)?)?,
                    parent: parent.as_deref().map(code_from).transpose()?,
                    old_la_code: old
                        .as_deref()
                        .map(|o| OldLaCode::parse(o).map_err(|e| invalid(e.to_string())))
                        .transpose()?,
                })
            })?
            .collect()
        })
    }

    fn current_rows(&self, dataset: Dataset) -> Result<Vec<Row>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT geography_code, year, breakdown, measure, value, symbol FROM observations
                 WHERE dataset = ?1 AND is_current = 1
                 ORDER BY geography_code, year, breakdown",
            )?;
            let mut rows: Vec<Row> = Vec::new();
            let mut q = stmt.query([dataset.id()])?;
            while let Some(r) = q.next()? {
                let code: String = r.get(0)?;
                let year = year_from(r.get(1)?)?;
                let breakdown: String = r.get(2)?;
                let measure: String = r.get(3)?;
                let cell = cell_from(r.get(4)?, r.get(5)?)?;
                // A measure this version does not know (written by a newer one) is left out.
                let Some(m) = Measure::find(dataset, &measure) else {
                    continue;
                };
                let same = rows.last().is_some_and(|last| {
                    last.geography.as_str() == code
                        && last.year == year
                        && last.breakdown == breakdown
                });
                if !same {
                    rows.push(Row {
                        dataset,
                        geography: code_from(&code)?,
                        year,
                        breakdown,
                        cells: BTreeMap::new(),
                    });
                }
                if let Some(last) = rows.last_mut() {
                    last.cells.insert(m.name, cell);
                }
            }
            Ok(rows)
        })
    }

    fn vintages(
        &self,
        geography: &GeographyCode,
        measure: &str,
    ) -> Result<Vec<Vintage>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT o.year, o.breakdown, o.value, o.symbol, o.is_current, i.id, i.release_title, i.file_name
                 FROM observations o JOIN imports i ON i.id = o.import_id
                 WHERE o.geography_code = ?1 AND o.measure = ?2
                 ORDER BY o.year, o.breakdown, i.last_year, i.id",
            )?;
            stmt.query_map(params![geography.as_str(), measure], |r| {
                Ok(Vintage {
                    year: year_from(r.get(0)?)?,
                    breakdown: r.get(1)?,
                    cell: cell_from(r.get(2)?, r.get(3)?)?,
                    current: r.get::<_, i64>(4)? == 1,
                    import_id: r.get(5)?,
                    release: r.get(6)?,
                    file_name: r.get(7)?,
                })
            })?
            .collect()
        })
    }

    fn save_scenario(&self, s: &NewScenario<'_>) -> Result<SavedScenario, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO scenarios (name, geography_code, query, toml, created_at, org_id, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![s.name, s.geography_code, s.query, s.toml, s.created_at, s.org_id, s.user_id],
        )
        .map_err(backend)?;
        Ok(SavedScenario {
            id: conn.last_insert_rowid(),
            name: s.name.to_string(),
            geography_code: s.geography_code.to_string(),
            query: s.query.to_string(),
            toml: s.toml.to_string(),
            created_at: s.created_at.to_string(),
            org_id: s.org_id,
            user_id: s.user_id,
        })
    }

    fn scenarios(&self, org_id: Option<i64>) -> Result<Vec<SavedScenario>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {SCENARIO_COLUMNS} FROM scenarios WHERE org_id IS NULL OR org_id = ?1 ORDER BY id DESC"
            ))?;
            stmt.query_map([org_id], scenario_from)?.collect()
        })
    }

    fn scenario(&self, id: i64) -> Result<Option<SavedScenario>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {SCENARIO_COLUMNS} FROM scenarios WHERE id = ?1"),
                [id],
                scenario_from,
            )
            .optional()
        })
    }

    fn import_census(
        &self,
        c: &CensusReturn,
        workers: &[CensusWorker],
    ) -> Result<CensusOutcome, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let existing = tx
            .query_row(
                &format!(
                    "SELECT {CENSUS_COLUMNS} FROM census_returns WHERE la_code = ?1 AND year = ?2"
                ),
                params![c.la_code, c.year],
                census_from,
            )
            .optional()
            .map_err(backend)?;
        if let Some(e) = &existing {
            if e.sha256 == c.sha256 {
                return Ok(CensusOutcome::AlreadyImported { census: e.clone() });
            }
            tx.execute("DELETE FROM census_workers WHERE return_id = ?1", [e.id])
                .map_err(backend)?;
            tx.execute("DELETE FROM census_returns WHERE id = ?1", [e.id])
                .map_err(backend)?;
        }
        tx.execute(
            "INSERT INTO census_returns (la_code, year, file_name, sha256, workers, header, vacancies, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![c.la_code, c.year, c.file_name, c.sha256, workers.len() as i64, to_json(&c.header)?, to_json(&c.vacancies)?, c.imported_at],
        )
        .map_err(backend)?;
        let id = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare("INSERT INTO census_workers (return_id, record, data) VALUES (?1, ?2, ?3)")
                .map_err(backend)?;
            for w in workers {
                insert
                    .execute(params![id, w.record, to_json(w)?])
                    .map_err(backend)?;
            }
        }
        let census = tx
            .query_row(
                &format!("SELECT {CENSUS_COLUMNS} FROM census_returns WHERE id = ?1"),
                [id],
                census_from,
            )
            .map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(CensusOutcome::Imported {
            census,
            replaced: existing.is_some(),
        })
    }

    fn census_returns(&self) -> Result<Vec<CensusReturn>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {CENSUS_COLUMNS} FROM census_returns ORDER BY id DESC"
            ))?;
            stmt.query_map([], census_from)?.collect()
        })
    }

    fn census_return(
        &self,
        la_code: &str,
        year: i32,
    ) -> Result<Option<(CensusReturn, Vec<CensusWorker>)>, StoreError> {
        self.read(|c| {
            let Some(r) = c
                .query_row(&format!("SELECT {CENSUS_COLUMNS} FROM census_returns WHERE la_code = ?1 AND year = ?2"), params![la_code, year], census_from)
                .optional()?
            else {
                return Ok(None);
            };
            let mut stmt = c.prepare_cached("SELECT data FROM census_workers WHERE return_id = ?1 ORDER BY record")?;
            let workers = stmt
                .query_map([r.id], |row| {
                    let data: String = row.get(0)?;
                    serde_json::from_str::<CensusWorker>(&data).map_err(|e| invalid(e.to_string()))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some((r, workers)))
        })
    }

    fn create_organisation(&self, o: &NewOrganisation<'_>) -> Result<Organisation, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO organisations (name, kind, la_code, email_domain, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![o.name, o.kind.id(), o.la_code, o.email_domain.map(str::to_lowercase), o.created_at],
        )
        .map_err(conflict("an organisation with that name, authority or email domain already exists"))?;
        let id = conn.last_insert_rowid();
        conn.query_row(
            &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = ?1"),
            [id],
            org_from,
        )
        .map_err(backend)
    }

    fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations ORDER BY name"
            ))?;
            stmt.query_map([], org_from)?.collect()
        })
    }

    fn organisation(&self, id: i64) -> Result<Option<Organisation>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = ?1"),
                [id],
                org_from,
            )
            .optional()
        })
    }

    fn organisation_by_domain(&self, domain: &str) -> Result<Option<Organisation>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE email_domain = ?1"),
                [domain.to_lowercase()],
                org_from,
            )
            .optional()
        })
    }

    fn set_sso(
        &self,
        org_id: i64,
        sso: Option<&SsoConfig>,
        email_domain: Option<&str>,
    ) -> Result<(), StoreError> {
        let sso = sso.map(to_json).transpose()?;
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "UPDATE organisations SET sso = ?2, email_domain = ?3 WHERE id = ?1",
            params![org_id, sso, email_domain.map(str::to_lowercase)],
        )
        .map_err(conflict(
            "another organisation already uses that email domain",
        ))?;
        Ok(())
    }

    fn create_team(&self, org_id: i64, name: &str) -> Result<Team, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO teams (org_id, name) VALUES (?1, ?2)",
            params![org_id, name],
        )
        .map_err(conflict(
            "the organisation already has a team with that name",
        ))?;
        Ok(Team {
            id: conn.last_insert_rowid(),
            org_id,
            name: name.to_string(),
        })
    }

    fn teams(&self, org_id: i64) -> Result<Vec<Team>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, org_id, name FROM teams WHERE org_id = ?1 ORDER BY name",
            )?;
            stmt.query_map([org_id], team_from)?.collect()
        })
    }

    fn create_user(&self, u: &NewUser<'_>) -> Result<User, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO users (org_id, team_id, email, name, roles, password_hash, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7)",
            params![u.org_id, u.team_id, u.email.to_lowercase(), u.name, roles_to_text(u.roles), u.password_hash, u.created_at],
        )
        .map_err(conflict("someone already has an account with that email address"))?;
        let id = conn.last_insert_rowid();
        conn.query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
            [id],
            user_from,
        )
        .map_err(backend)
    }

    fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                [id],
                user_from,
            )
            .optional()
        })
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"),
                [email.trim().to_lowercase()],
                user_from,
            )
            .optional()
        })
    }

    fn users(&self, org_id: i64) -> Result<Vec<User>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE org_id = ?1 ORDER BY name, email"
            ))?;
            stmt.query_map([org_id], user_from)?.collect()
        })
    }

    fn count_users(&self) -> Result<u64, StoreError> {
        self.read(|c| c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0)))
            .map(|n| n.max(0) as u64)
    }

    fn update_user(&self, u: &User) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "UPDATE users SET team_id = ?2, name = ?3, roles = ?4, password_hash = ?5, status = ?6, failed_sign_ins = ?7, locked_until = ?8, last_sign_in = ?9, email = ?10, created_at = ?11 WHERE id = ?1",
            params![u.id, u.team_id, u.name, roles_to_text(&u.roles), u.password_hash, status_id(u.status), i64::from(u.failed_sign_ins), u.locked_until, u.last_sign_in, u.email.to_lowercase(), u.created_at],
        )
        .map_err(conflict("someone already has an account with that email address"))?;
        Ok(())
    }

    fn create_session(&self, s: &Session) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![s.id_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn session(&self, id_hash: &str, now: &str) -> Result<Option<Session>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions WHERE id_hash = ?1 AND expires_at > ?2"
                ),
                [id_hash, now],
                session_from,
            )
            .optional()
        })
    }

    fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])
            .map_err(backend)?;
        Ok(())
    }

    fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = conn
            .execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])
            .map_err(backend)?;
        Ok(n as u64)
    }

    fn create_token(&self, t: &OneTimeToken) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO one_time_tokens (kind, hash, org_id, user_id, email, payload, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![t.kind.id(), t.hash, t.org_id, t.user_id, t.email, t.payload, t.expires_at],
        )
        .map_err(conflict("that token is already on record"))?;
        Ok(())
    }

    fn take_token(
        &self,
        kind: TokenKind,
        hash: &str,
        now: &str,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let token = tx
            .query_row(
                "SELECT hash, org_id, user_id, email, payload, expires_at FROM one_time_tokens
                 WHERE kind = ?1 AND hash = ?2 AND used_at IS NULL AND expires_at > ?3",
                params![kind.id(), hash, now],
                |r| token_from(kind, r),
            )
            .optional()
            .map_err(backend)?;
        if token.is_some() {
            tx.execute(
                "UPDATE one_time_tokens SET used_at = ?3 WHERE kind = ?1 AND hash = ?2",
                params![kind.id(), hash, now],
            )
            .map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
        Ok(token)
    }

    fn record_failed_sign_in(&self, key: &str, at: &str) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO failed_sign_ins (key, at) VALUES (?1, ?2)",
            [key, at],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn failed_sign_ins(&self, key: &str, since: &str) -> Result<u64, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM failed_sign_ins WHERE key = ?1 AND at >= ?2",
                [key, since],
                |r| r.get::<_, i64>(0),
            )
        })
        .map(|n| n.max(0) as u64)
    }

    fn create_api_token(&self, t: &ApiToken) -> Result<ApiToken, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO api_tokens (user_id, name, hash, scopes, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![t.user_id, t.name, t.hash, t.scopes.join(","), t.created_at, t.expires_at],
        )
        .map_err(conflict("that token is already on record"))?;
        let id = conn.last_insert_rowid();
        conn.query_row(
            &format!("SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE id = ?1"),
            [id],
            api_token_from,
        )
        .map_err(backend)
    }

    fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ?1 ORDER BY id DESC"
            ))?;
            stmt.query_map([user_id], api_token_from)?.collect()
        })
    }

    fn api_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE hash = ?1"),
                [hash],
                api_token_from,
            )
            .optional()
        })
    }

    fn revoke_api_token(&self, user_id: i64, id: i64, at: &str) -> Result<bool, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = conn
            .execute(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?3) WHERE id = ?1 AND user_id = ?2",
                params![id, user_id, at],
            )
            .map_err(backend)?;
        Ok(n == 1)
    }

    fn touch_api_token(&self, id: i64, at: &str) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1",
            params![id, at],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn append_audit(&self, e: &AuditEvent) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO audit_log (at, org_id, user_id, actor, action, target, detail, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![e.at, e.org_id, e.user_id, e.actor, e.action, e.target, e.detail, e.ip],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn audit(&self, org_id: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        self.read(|c| match org_id {
            Some(org) => {
                let mut stmt = c.prepare_cached(&format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE org_id = ?1 ORDER BY id DESC LIMIT ?2"))?;
                stmt.query_map(params![org, limit], audit_from)?.collect()
            }
            None => {
                let mut stmt = c.prepare_cached(&format!("SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?1"))?;
                stmt.query_map([limit], audit_from)?.collect()
            }
        })
    }

    fn upsert_engagements(
        &self,
        org_id: i64,
        engagements: &[Engagement],
        at: &str,
    ) -> Result<UpsertOutcome, StoreError> {
        let bodies = engagements
            .iter()
            .map(|e| Ok((e.reference.as_str(), to_json(e)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let mut out = UpsertOutcome::default();
        {
            let mut find = tx
                .prepare_cached(
                    "SELECT body FROM agency_engagements WHERE org_id = ?1 AND reference = ?2",
                )
                .map_err(backend)?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO agency_engagements (org_id, reference, body, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                )
                .map_err(backend)?;
            let mut update = tx
                .prepare_cached(
                    "UPDATE agency_engagements SET body = ?3, updated_at = ?4 WHERE org_id = ?1 AND reference = ?2",
                )
                .map_err(backend)?;
            for (reference, body) in &bodies {
                let old: Option<String> = find
                    .query_row(params![org_id, reference], |r| r.get(0))
                    .optional()
                    .map_err(backend)?;
                match old {
                    None => {
                        insert
                            .execute(params![org_id, reference, body, at])
                            .map_err(backend)?;
                        out.added += 1;
                    }
                    Some(old) if old == *body => out.unchanged += 1,
                    Some(_) => {
                        update
                            .execute(params![org_id, reference, body, at])
                            .map_err(backend)?;
                        out.updated += 1;
                    }
                }
            }
        }
        tx.commit().map_err(backend)?;
        Ok(out)
    }

    fn engagements(&self, org_id: i64) -> Result<Vec<StoredEngagement>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {ENGAGEMENT_COLUMNS} FROM agency_engagements WHERE org_id = ?1 ORDER BY reference"
            ))?;
            stmt.query_map([org_id], engagement_from)?.collect()
        })
    }

    fn engagement(&self, org_id: i64, id: i64) -> Result<Option<StoredEngagement>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!(
                    "SELECT {ENGAGEMENT_COLUMNS} FROM agency_engagements WHERE org_id = ?1 AND id = ?2"
                ),
                [org_id, id],
                engagement_from,
            )
            .optional()
        })
    }

    fn delete_engagement(&self, org_id: i64, id: i64) -> Result<bool, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = conn
            .execute(
                "DELETE FROM agency_engagements WHERE org_id = ?1 AND id = ?2",
                [org_id, id],
            )
            .map_err(backend)?;
        Ok(n > 0)
    }

    fn price_caps(&self) -> Result<Vec<StoredCap>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT region, job_type, from_date, hourly_pence, set_by, set_at FROM agency_price_caps ORDER BY region, job_type, from_date",
            )?;
            stmt.query_map([], |r| {
                let job: String = r.get(1)?;
                let from: String = r.get(2)?;
                Ok(StoredCap {
                    cap: PriceCap {
                        region: r.get(0)?,
                        job_type: JobType::from_id(&job)
                            .ok_or_else(|| invalid(format!("unknown job type {job:?}")))?,
                        from: swforce_domain::Date::parse(&from)
                            .map_err(|e| invalid(e.to_string()))?,
                        hourly: Pence(r.get(3)?),
                    },
                    set_by: r.get(4)?,
                    set_at: r.get(5)?,
                })
            })?
            .collect()
        })
    }

    fn set_price_cap(&self, cap: &PriceCap, set_by: &str, at: &str) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO agency_price_caps (region, job_type, from_date, hourly_pence, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (region, job_type, from_date) DO UPDATE SET hourly_pence = excluded.hourly_pence, set_by = excluded.set_by, set_at = excluded.set_at",
            params![cap.region, cap.job_type.id(), cap.from.to_string(), cap.hourly.0, set_by, at],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn delete_price_cap(
        &self,
        region: &str,
        job: JobType,
        from: swforce_domain::Date,
    ) -> Result<bool, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = conn
            .execute(
                "DELETE FROM agency_price_caps WHERE region = ?1 AND job_type = ?2 AND from_date = ?3",
                params![region, job.id(), from.to_string()],
            )
            .map_err(backend)?;
        Ok(n > 0)
    }

    fn permanent_costs(&self, org_id: i64) -> Result<Vec<(JobType, Pence)>, StoreError> {
        let mut costs = self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT job_type, hourly_pence FROM agency_permanent_costs WHERE org_id = ?1",
            )?;
            stmt.query_map([org_id], |r| {
                let job: String = r.get(0)?;
                Ok((
                    JobType::from_id(&job)
                        .ok_or_else(|| invalid(format!("unknown job type {job:?}")))?,
                    Pence(r.get(1)?),
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        costs.sort();
        Ok(costs)
    }

    fn set_permanent_cost(
        &self,
        org_id: i64,
        job: JobType,
        hourly: Option<Pence>,
    ) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        match hourly {
            Some(h) => conn.execute(
                "INSERT INTO agency_permanent_costs (org_id, job_type, hourly_pence) VALUES (?1, ?2, ?3)
                 ON CONFLICT (org_id, job_type) DO UPDATE SET hourly_pence = excluded.hourly_pence",
                params![org_id, job.id(), h.0],
            ),
            None => conn.execute(
                "DELETE FROM agency_permanent_costs WHERE org_id = ?1 AND job_type = ?2",
                params![org_id, job.id()],
            ),
        }
        .map_err(backend)?;
        Ok(())
    }

    fn themes(&self) -> Result<Vec<Theme>, StoreError> {
        let mut themes = self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id, label, audience, active FROM exchange_themes")?;
            stmt.query_map([], |r| {
                let audience: String = r.get(2)?;
                Ok(Theme {
                    id: r.get(0)?,
                    label: r.get(1)?,
                    audience: Audience::from_id(&audience)
                        .ok_or_else(|| invalid(format!("unknown audience {audience:?}")))?,
                    active: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        themes.sort_by(|a, b| (a.audience, &a.label).cmp(&(b.audience, &b.label)));
        Ok(themes)
    }

    fn save_theme(&self, t: &Theme) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO exchange_themes (id, label, audience, active) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET label = excluded.label, audience = excluded.audience, active = excluded.active",
            params![t.id, t.label, t.audience.id(), t.active],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn save_example(&self, e: &Example) -> Result<Example, StoreError> {
        let body = to_json(&Example {
            id: 0,
            helped: 0,
            ..e.clone()
        })?;
        let fingerprint = Some(e.fingerprint.as_str()).filter(|f| !f.is_empty());
        let refused = conflict("that example has already been sent");
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let values = params![
            e.status.id(),
            body,
            e.setting.id(),
            e.region,
            e.hours_saved,
            e.measured(),
            e.author_user,
            fingerprint,
            e.updated_at,
            e.published_at
        ];
        let (id, helped) = if e.id == 0 {
            tx.execute(
                "INSERT INTO examples (status, body, setting, region, hours_saved, measured, author_user, fingerprint, updated_at, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                values,
            )
            .map_err(&refused)?;
            (tx.last_insert_rowid(), 0)
        } else {
            let mut with_id = values.to_vec();
            with_id.push(&e.id);
            let helped: i64 = tx
                .query_row(
                    "UPDATE examples SET status = ?1, body = ?2, setting = ?3, region = ?4, hours_saved = ?5, measured = ?6,
                         author_user = ?7, fingerprint = ?8, updated_at = ?9, published_at = ?10
                     WHERE id = ?11 RETURNING helped",
                    with_id.as_slice(),
                    |r| r.get(0),
                )
                .map_err(&refused)?;
            tx.execute("DELETE FROM example_themes WHERE example_id = ?1", [e.id])
                .map_err(backend)?;
            tx.execute("DELETE FROM examples_fts WHERE rowid = ?1", [e.id])
                .map_err(backend)?;
            (e.id, helped)
        };
        {
            let mut theme = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO example_themes (example_id, theme_id) VALUES (?1, ?2)",
                )
                .map_err(backend)?;
            for t in &e.themes {
                theme.execute(params![id, t]).map_err(backend)?;
            }
        }
        tx.execute(
            "INSERT INTO examples_fts (rowid, title, problem, change) VALUES (?1, ?2, ?3, ?4)",
            params![id, e.title, e.problem, e.change],
        )
        .map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(Example {
            id,
            helped: helped.max(0) as u64,
            ..e.clone()
        })
    }

    fn example(&self, id: i64) -> Result<Option<Example>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {EXAMPLE_COLUMNS} FROM examples WHERE id = ?1"),
                [id],
                example_from,
            )
            .optional()
        })
    }

    fn examples_in(&self, status: ExampleStatus, limit: u32) -> Result<Vec<Example>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {EXAMPLE_COLUMNS} FROM examples WHERE status = ?1 ORDER BY updated_at, id LIMIT ?2"
            ))?;
            stmt.query_map(params![status.id(), limit], example_from)?
                .collect()
        })
    }

    fn examples_of(&self, user_id: i64) -> Result<Vec<Example>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {EXAMPLE_COLUMNS} FROM examples WHERE author_user = ?1 ORDER BY id DESC"
            ))?;
            stmt.query_map([user_id], example_from)?.collect()
        })
    }

    fn search_examples(&self, q: &ExampleQuery) -> Result<ExamplePage, StoreError> {
        use rusqlite::types::Value;
        let mut conditions = vec!["e.status = ?".to_string()];
        let mut values = vec![Value::Text(ExampleStatus::Published.id().into())];
        let words = search_words(&q.text);
        if !words.is_empty() {
            // Each word quoted, so nothing in it is read as an FTS operator; `*` makes it a
            // prefix, and words side by side must all match.
            let terms: Vec<String> = words
                .iter()
                .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
                .collect();
            conditions
                .push("e.id IN (SELECT rowid FROM examples_fts WHERE examples_fts MATCH ?)".into());
            values.push(Value::Text(terms.join(" ")));
        }
        if let Some(setting) = q.setting {
            conditions.push("e.setting = ?".into());
            values.push(Value::Text(setting.id().into()));
        }
        if let Some(theme) = &q.theme {
            conditions.push(
                "EXISTS (SELECT 1 FROM example_themes t WHERE t.example_id = e.id AND t.theme_id = ?)"
                    .into(),
            );
            values.push(Value::Text(theme.clone()));
        }
        if let Some(region) = &q.region {
            conditions.push("e.region = ?".into());
            values.push(Value::Text(region.clone()));
        }
        if q.measured {
            conditions.push("e.measured = 1".into());
        }
        let filter = conditions.join(" AND ");
        let order = match q.sort {
            ExampleSort::Newest => "e.published_at DESC, e.id DESC",
            ExampleSort::MostHelpful => "e.helped DESC, e.published_at DESC, e.id DESC",
            ExampleSort::MostHours => {
                "e.hours_saved IS NULL, e.hours_saved DESC, e.published_at DESC, e.id DESC"
            }
        };
        let limit = if q.limit == 0 { 20 } else { q.limit };
        self.read(|c| {
            // One snapshot for the count and the page.
            let tx = c.unchecked_transaction()?;
            let total: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM examples e WHERE {filter}"),
                rusqlite::params_from_iter(&values),
                |r| r.get(0),
            )?;
            let mut stmt = tx.prepare(&format!(
                "SELECT {EXAMPLE_COLUMNS} FROM examples e WHERE {filter} ORDER BY {order} LIMIT ? OFFSET ?"
            ))?;
            let page = values
                .iter()
                .cloned()
                .chain([Value::Integer(limit.into()), Value::Integer(q.offset.into())]);
            let examples = stmt
                .query_map(rusqlite::params_from_iter(page), example_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ExamplePage {
                examples,
                total: total.max(0) as u64,
            })
        })
    }

    fn mark_helped(&self, example_id: i64, person: &str, at: &str) -> Result<bool, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let new = tx
            .execute(
                "INSERT INTO example_helped (example_id, person, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![example_id, person, at],
            )
            .map_err(backend)?
            == 1;
        if new {
            tx.execute(
                "UPDATE examples SET helped = helped + 1 WHERE id = ?1",
                [example_id],
            )
            .map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
        Ok(new)
    }

    fn save_form(&self, f: &FeedbackForm) -> Result<FeedbackForm, StoreError> {
        let body = to_json(&FeedbackForm { id: 0, ..f.clone() })?;
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let id = if f.id == 0 {
            conn.execute(
                "INSERT INTO feedback_forms (body, created_at) VALUES (?1, ?2)",
                params![body, f.created_at],
            )
            .map_err(backend)?;
            conn.last_insert_rowid()
        } else {
            conn.query_row(
                "UPDATE feedback_forms SET body = ?2, created_at = ?3 WHERE id = ?1 RETURNING id",
                params![f.id, body, f.created_at],
                |r| r.get(0),
            )
            .map_err(backend)?
        };
        Ok(FeedbackForm { id, ..f.clone() })
    }

    fn forms(&self) -> Result<Vec<FeedbackForm>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id, body FROM feedback_forms ORDER BY id DESC")?;
            stmt.query_map([], form_from)?.collect()
        })
    }

    fn form(&self, id: i64) -> Result<Option<FeedbackForm>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT id, body FROM feedback_forms WHERE id = ?1",
                [id],
                form_from,
            )
            .optional()
        })
    }

    fn save_response(&self, response: &Response) -> Result<i64, StoreError> {
        let body = to_json(&Response {
            id: 0,
            ..response.clone()
        })?;
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO responses (form_id, body, delete_on) VALUES (?1, ?2, ?3)",
            params![response.form_id, body, response.delete_on],
        )
        .map_err(backend)?;
        Ok(conn.last_insert_rowid())
    }

    fn responses(&self, form_id: i64) -> Result<Vec<Response>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id, body FROM responses WHERE form_id = ?1 ORDER BY id")?;
            stmt.query_map([form_id], response_from)?.collect()
        })
    }

    fn purge_responses(&self, today: &str) -> Result<u64, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = conn
            .execute("DELETE FROM responses WHERE delete_on <= ?1", [today])
            .map_err(backend)?;
        Ok(n as u64)
    }

    fn save_page(&self, p: &ResourcePage) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO resource_pages (slug, title, body, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            params![p.slug, p.title, p.body, p.updated_by, p.updated_at],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn pages(&self) -> Result<Vec<ResourcePage>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {PAGE_COLUMNS} FROM resource_pages ORDER BY title, slug"
            ))?;
            stmt.query_map([], page_from)?.collect()
        })
    }

    fn page(&self, slug: &str) -> Result<Option<ResourcePage>, StoreError> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {PAGE_COLUMNS} FROM resource_pages WHERE slug = ?1"),
                [slug],
                page_from,
            )
            .optional()
        })
    }

    fn diary_categories(&self, org_id: i64) -> Result<Vec<DiaryCategory>, StoreError> {
        self.read(|c| diary::categories(c, org_id))
    }

    fn save_diary_category(&self, category: &DiaryCategory) -> Result<DiaryCategory, StoreError> {
        let refused = format!("there is already a category called \"{}\"", category.label);
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction().map_err(backend)?;
        let id = diary::save_category(&tx, category).map_err(conflict(&refused))?;
        tx.commit().map_err(backend)?;
        Ok(DiaryCategory {
            id,
            ..category.clone()
        })
    }

    fn sso_user(&self, issuer: &str, subject: &str) -> Result<Option<i64>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT user_id FROM sso_links WHERE issuer = ?1 AND subject = ?2",
                params![issuer, subject],
                |r| r.get(0),
            )
            .optional()
        })
    }

    fn sso_subject(&self, issuer: &str, user_id: i64) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT subject FROM sso_links WHERE issuer = ?1 AND user_id = ?2",
                params![issuer, user_id],
                |r| r.get(0),
            )
            .optional()
        })
    }

    fn link_sso(
        &self,
        issuer: &str,
        subject: &str,
        user_id: i64,
        at: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let added = tx
            .execute(
                "INSERT INTO sso_links (issuer, subject, user_id, linked_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
                params![issuer, subject, user_id, at],
            )
            .map_err(backend)?;
        tx.commit().map_err(backend)?;
        if added == 0 {
            return Err(StoreError::Conflict(
                "that account or that sign-on identity is linked already".into(),
            ));
        }
        Ok(())
    }

    fn verified_domain(&self, org_id: i64) -> Result<Option<(String, String)>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT domain, verified_at FROM verified_domains WHERE org_id = ?1",
                [org_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
    }

    fn forget_verified_domain(&self, org_id: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM verified_domains WHERE org_id = ?1", [org_id])
                .map(|_| ())
        })
    }

    fn set_verified_domain(
        &self,
        org_id: i64,
        domain: &str,
        at: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO verified_domains (org_id, domain, verified_at, verified_by)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (org_id) DO UPDATE SET domain = excluded.domain,
                     verified_at = excluded.verified_at, verified_by = excluded.verified_by",
                params![org_id, domain, at, by],
            )
            .map(|_| ())
        })
    }

    fn site_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO site_secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                params![name, fresh],
            )?;
            tx.query_row(
                "SELECT value FROM site_secrets WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
        })
    }

    fn legacy_ids(&self) -> Result<Vec<(String, i64)>, StoreError> {
        self.read(|c| {
            c.prepare_cached("SELECT kind, last_id FROM legacy_ids ORDER BY kind")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
    }

    fn diary_opt_in(&self, org_id: i64) -> Result<bool, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT national_opt_in FROM diary_settings WHERE org_id = ?1",
                [org_id],
                |r| r.get(0),
            )
            .optional()
            .map(|v| v.unwrap_or(false))
        })
    }

    fn set_diary_opt_in(&self, org_id: i64, opt_in: bool) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO diary_settings (org_id, national_opt_in) VALUES (?1, ?2)
                 ON CONFLICT (org_id) DO UPDATE SET national_opt_in = excluded.national_opt_in",
                params![org_id, opt_in],
            )
            .map(|_| ())
        })
    }

    fn diary_opted_in(&self) -> Result<Vec<i64>, StoreError> {
        self.read(|c| {
            c.prepare_cached(
                "SELECT org_id FROM diary_settings WHERE national_opt_in = 1 ORDER BY org_id",
            )?
            .query_map([], |r| r.get(0))?
            .collect()
        })
    }

    fn save_diary(&self, d: &StoredDiary) -> Result<(), StoreError> {
        self.write(|tx| diary::save(tx, d))
    }

    fn publish_diaries(
        &self,
        through: Week,
        batch: u32,
        only: Option<(i64, Week)>,
    ) -> Result<swforce_store::diary::Published, StoreError> {
        // One organisation-week per transaction: a week's first release is whole, and saves
        // wait for one organisation's week at most, never for all of England's.
        let groups = self.read(|c| diary::pending_groups(c, through, only))?;
        let mut done = swforce_store::diary::Published::default();
        for (org, week) in groups {
            done += self.write(|tx| diary::publish_group(tx, org, week, batch))?;
        }
        Ok(done)
    }

    fn diaries_of(
        &self,
        person_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<StoredDiary>, StoreError> {
        self.read(|c| diary::diaries_of(c, person_id, from, to))
    }

    fn last_diary_before(
        &self,
        person_id: i64,
        before: Week,
    ) -> Result<Option<StoredDiary>, StoreError> {
        self.read(|c| diary::last_before(c, person_id, before))
    }

    fn diary_sums(
        &self,
        scope: &DiaryScope,
        from: Week,
        to: Week,
    ) -> Result<DiarySums, StoreError> {
        self.read(|c| diary::sums(c, scope, from, to))
    }

    fn diary_week_counts(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<(i64, Week, u64)>, StoreError> {
        self.read(|c| diary::week_counts(c, org_id, from, to))
    }

    fn shared_diary_notes(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
        limit: u32,
    ) -> Result<Vec<(Week, String)>, StoreError> {
        self.read(|c| diary::shared_notes(c, org_id, from, to, limit))
    }

    fn add_synthetic_diaries(
        &self,
        org_id: i64,
        people: &[SyntheticPerson],
        at: &str,
        through: Week,
    ) -> Result<u64, StoreError> {
        self.write(|tx| diary::add_synthetic(tx, org_id, people, at, through))
    }

    fn synthetic_people(&self, org_id: i64) -> Result<Vec<(i64, Option<i64>, Week)>, StoreError> {
        self.read(|c| {
            c.prepare_cached(
                "SELECT person_id, MIN(team_id), MAX(week) FROM diaries
                 WHERE org_id = ?1 AND person_id < 0 GROUP BY person_id ORDER BY person_id DESC",
            )?
            .query_map([org_id], |r| {
                Ok((r.get(0)?, r.get(1)?, Week::from_number(r.get(2)?)))
            })?
            .collect()
        })
    }
}

const ENGAGEMENT_COLUMNS: &str = "id, org_id, body, created_at, updated_at";

fn engagement_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEngagement> {
    let body: String = r.get(2)?;
    Ok(StoredEngagement {
        id: r.get(0)?,
        org_id: r.get(1)?,
        engagement: serde_json::from_str(&body).map_err(|e| invalid(e.to_string()))?,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

/// JSON for a stored column, with a storage error on failure.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::backend)
}

const EXAMPLE_COLUMNS: &str = "id, body, helped";

fn example_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Example> {
    let body: String = r.get(1)?;
    Ok(Example {
        id: r.get(0)?,
        helped: r.get::<_, i64>(2)?.max(0) as u64,
        ..serde_json::from_str(&body).map_err(|e| invalid(e.to_string()))?
    })
}

fn form_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedbackForm> {
    let body: String = r.get(1)?;
    Ok(FeedbackForm {
        id: r.get(0)?,
        ..serde_json::from_str(&body).map_err(|e| invalid(e.to_string()))?
    })
}

fn response_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Response> {
    let body: String = r.get(1)?;
    Ok(Response {
        id: r.get(0)?,
        ..serde_json::from_str(&body).map_err(|e| invalid(e.to_string()))?
    })
}

const PAGE_COLUMNS: &str = "slug, title, body, updated_by, updated_at";

fn page_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResourcePage> {
    Ok(ResourcePage {
        slug: r.get(0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        updated_by: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

const CENSUS_COLUMNS: &str =
    "id, la_code, year, file_name, sha256, workers, header, vacancies, imported_at";

fn census_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<CensusReturn> {
    let header: String = r.get(6)?;
    let vacancies: String = r.get(7)?;
    Ok(CensusReturn {
        id: r.get(0)?,
        la_code: r.get(1)?,
        year: r.get(2)?,
        file_name: r.get(3)?,
        sha256: r.get(4)?,
        workers: r.get::<_, i64>(5)?.max(0) as u32,
        header: serde_json::from_str(&header).map_err(|e| invalid(e.to_string()))?,
        vacancies: serde_json::from_str(&vacancies).map_err(|e| invalid(e.to_string()))?,
        imported_at: r.get(8)?,
    })
}

const SCENARIO_COLUMNS: &str = "id, name, geography_code, query, toml, created_at, org_id, user_id";

fn scenario_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<SavedScenario> {
    Ok(SavedScenario {
        id: r.get(0)?,
        name: r.get(1)?,
        geography_code: r.get(2)?,
        query: r.get(3)?,
        toml: r.get(4)?,
        created_at: r.get(5)?,
        org_id: r.get(6)?,
        user_id: r.get(7)?,
    })
}
