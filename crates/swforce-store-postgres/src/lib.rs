//! The `Store` on PostgreSQL, for when several app servers share one database: migrations
//! applied at start-up, and a small pool of connections opened as they are needed.
//!
//! All SQL for PostgreSQL lives here, and it behaves as the SQLite store does. A write is one
//! transaction: a server stopped mid-import leaves the database as it was before the import
//! began. Imports of statistics and of census returns also take a lock in the database, so two
//! servers importing at once take turns, and the figures in use come out as if one server had
//! made both imports. One-time tokens are used in a single statement, so a token works once
//! even when two servers are asked for it at the same moment.
//!
//! Text is kept in the "C" collation, so names sort and timestamps (RFC 3339 in UTC) compare
//! byte by byte, as on SQLite, whatever the database's own collation.
//!
//! Connections are made without TLS, for a database on the same host or a private network.
//! Encrypting the link to the database is out of scope here: put the database beside the app
//! servers, or terminate TLS in front of it. A URL that asks for `sslmode=require` is refused
//! rather than sent in the clear.

mod access;
mod diary;
mod migrate;
mod pool;
#[cfg(feature = "testing")]
pub mod testing;

use access::*;
use pool::{Conn, Pool};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{FromSql, ToSql, Type};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
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
    Team, TokenKind, UpsertOutcome, User, Vintage,
};
use swforce_store::{DiaryCategory, DiaryScope, DiarySums, StoredDiary, SyntheticPerson};

/// The advisory lock held while importing statistics ("swforce" and 2).
const IMPORT_LOCK: i64 = 0x7377_666f_7263_6502;
/// The advisory lock held while importing a census return ("swforce" and 3).
const CENSUS_LOCK: i64 = 0x7377_666f_7263_6503;

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

fn backend(e: postgres::Error) -> StoreError {
    StoreError::backend(e)
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
pub(crate) fn get<'a, T: FromSql<'a>>(row: &'a postgres::Row, i: usize) -> Result<T, StoreError> {
    row.try_get(i).map_err(backend)
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:5432/swforce`, or the
    /// `host=... dbname=...` form) and brings its schema up to date. Several servers may do so
    /// at once: migrations take turns. Unless the URL sets `connect_timeout`, a server that
    /// does not answer is given up after ten seconds.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let mut config: postgres::Config = url.parse().map_err(backend)?;
        if config.get_application_name().is_none() {
            config.application_name("swforce");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let pool = Pool::new(config);
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

const IMPORT_COLUMNS: &str = "id, file_name, sha256, bytes, dataset, publisher, release_title, first_year, last_year, row_count, warnings, renamed, imported_at";

fn import_from(row: &postgres::Row) -> Result<ImportRecord, StoreError> {
    let dataset: String = get(row, 4)?;
    let warnings: String = get(row, 10)?;
    let renamed: String = get(row, 11)?;
    Ok(ImportRecord {
        id: get(row, 0)?,
        provenance: Provenance {
            file_name: get(row, 1)?,
            sha256: get(row, 2)?,
            bytes: get::<i64>(row, 3)?.max(0) as u64,
            dataset: Dataset::from_id(&dataset)
                .ok_or_else(|| invalid(format!("unknown dataset {dataset:?}")))?,
            publisher: get(row, 5)?,
            release: get(row, 6)?,
            first_year: year_from(get(row, 7)?)?,
            last_year: year_from(get(row, 8)?)?,
            rows: get::<i64>(row, 9)?.max(0) as u64,
            warnings: serde_json::from_str(&warnings).map_err(|e| invalid(e.to_string()))?,
            renamed: serde_json::from_str(&renamed).map_err(|e| invalid(e.to_string()))?,
            imported_at: get(row, 12)?,
        },
    })
}

/// One row per geography code, as storing them one after another would leave it: the last
/// name and level, and the last parent and old code that were given.
fn merged_geographies(geographies: &[Geography]) -> Vec<Geography> {
    let mut merged: Vec<Geography> = Vec::with_capacity(geographies.len());
    let mut at: HashMap<&str, usize> = HashMap::with_capacity(geographies.len());
    for g in geographies {
        match at.get(g.code.as_str()) {
            Some(&i) => {
                let m = &mut merged[i];
                m.name.clone_from(&g.name);
                m.level = g.level;
                if g.parent.is_some() {
                    m.parent.clone_from(&g.parent);
                }
                if g.old_la_code.is_some() {
                    m.old_la_code = g.old_la_code;
                }
            }
            None => {
                at.insert(g.code.as_str(), merged.len());
                merged.push(g.clone());
            }
        }
    }
    merged
}

impl Store for PostgresStore {
    fn import_batch(
        &self,
        p: &Provenance,
        geographies: &[Geography],
        rows: &[Row],
    ) -> Result<ImportOutcome, StoreError> {
        self.with(|conn| {
            let mut tx = conn.client.transaction().map_err(backend)?;
            // Imports take turns, across every server on this database: each sees the releases
            // before it, as the outranking and superseding below need.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&IMPORT_LOCK])
                .map_err(backend)?;
            let existing = tx
                .query_opt(
                    &format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE sha256 = $1"),
                    &[&p.sha256],
                )
                .map_err(backend)?;
            if let Some(row) = existing {
                return Ok(ImportOutcome::AlreadyImported {
                    import: import_from(&row)?,
                });
            }
            let warnings = to_json(&p.warnings)?;
            let renamed = to_json(&p.renamed)?;
            let last_year = i32::from(p.last_year.get());
            let id: i64 = tx
                .query_one(
                    "INSERT INTO imports (file_name, sha256, bytes, dataset, publisher, release_title, first_year, last_year, row_count, warnings, renamed, imported_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                    &[
                        &p.file_name, &p.sha256, &count(p.bytes), &p.dataset.id(), &p.publisher,
                        &p.release, &i32::from(p.first_year.get()), &last_year, &count(p.rows),
                        &warnings, &renamed, &p.imported_at,
                    ],
                )
                .map_err(backend)?
                .get(0);

            let merged = merged_geographies(geographies);
            let codes: Vec<&str> = merged.iter().map(|g| g.code.as_str()).collect();
            let names: Vec<&str> = merged.iter().map(|g| g.name.as_str()).collect();
            let levels: Vec<&str> = merged.iter().map(|g| g.level.id()).collect();
            let parents: Vec<Option<&str>> = merged
                .iter()
                .map(|g| g.parent.as_ref().map(GeographyCode::as_str))
                .collect();
            let olds: Vec<Option<String>> = merged
                .iter()
                .map(|g| g.old_la_code.map(|c| c.to_string()))
                .collect();
            tx.execute(
                "INSERT INTO geographies (code, name, level, parent_code, old_la_code, name_year)
                 SELECT g.code, g.name, g.level, g.parent_code, g.old_la_code, $6
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                     AS g (code, name, level, parent_code, old_la_code)
                 ON CONFLICT (code) DO UPDATE SET
                     name = excluded.name,
                     level = excluded.level,
                     parent_code = COALESCE(excluded.parent_code, geographies.parent_code),
                     old_la_code = COALESCE(excluded.old_la_code, geographies.old_la_code),
                     name_year = excluded.name_year
                 WHERE excluded.name_year >= geographies.name_year",
                &[&codes, &names, &levels, &parents, &olds, &last_year],
            )
            .map_err(backend)?;

            // Every cell in one stream, rather than a round trip each.
            let sink = tx
                .copy_in(
                    "COPY observations (geography_code, measure, breakdown, year, import_id, dataset, value, symbol, is_current)
                     FROM STDIN (FORMAT binary)",
                )
                .map_err(backend)?;
            let mut writer = BinaryCopyInWriter::new(
                sink,
                &[
                    Type::TEXT,
                    Type::TEXT,
                    Type::TEXT,
                    Type::INT4,
                    Type::INT8,
                    Type::TEXT,
                    Type::FLOAT8,
                    Type::TEXT,
                    Type::BOOL,
                ],
            );
            for row in rows {
                let year = i32::from(row.year.get());
                let dataset = row.dataset.id();
                for (measure, cell) in &row.cells {
                    writer
                        .write(&[
                            &row.geography.as_str(),
                            measure,
                            &row.breakdown,
                            &year,
                            &id,
                            &dataset,
                            &cell.value(),
                            &cell.symbol().map(|s| s.as_str()),
                            &true,
                        ])
                        .map_err(backend)?;
                }
            }
            writer.finish().map_err(backend)?;
            let cells = rows.iter().map(|r| r.cells.len() as u64).sum();

            // A release that reaches a later year outranks this one for the cells both cover.
            let outranked = tx
                .execute(
                    "UPDATE observations SET is_current = FALSE
                     WHERE import_id = $1 AND EXISTS (
                         SELECT 1 FROM observations o JOIN imports i ON i.id = o.import_id
                         WHERE o.geography_code = observations.geography_code AND o.measure = observations.measure
                           AND o.breakdown = observations.breakdown AND o.year = observations.year
                           AND o.import_id <> $1 AND o.is_current AND i.last_year > $2)",
                    &[&id, &last_year],
                )
                .map_err(backend)?;
            let superseded = tx
                .execute(
                    "UPDATE observations SET is_current = FALSE
                     WHERE dataset = $2 AND is_current AND import_id <> $1 AND EXISTS (
                         SELECT 1 FROM observations n
                         WHERE n.import_id = $1 AND n.is_current
                           AND n.geography_code = observations.geography_code AND n.measure = observations.measure
                           AND n.breakdown = observations.breakdown AND n.year = observations.year)",
                    &[&id, &p.dataset.id()],
                )
                .map_err(backend)?;
            let import = tx
                .query_one(
                    &format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE id = $1"),
                    &[&id],
                )
                .map_err(backend)?;
            let import = import_from(&import)?;
            tx.commit().map_err(backend)?;
            Ok(ImportOutcome::Imported {
                import,
                cells,
                superseded,
                outranked,
            })
        })
    }

    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        self.with(|c| {
            c.query(
                &format!("SELECT {IMPORT_COLUMNS} FROM imports ORDER BY id DESC"),
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(import_from)
            .collect()
        })
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
                    &[],
                )
                .map_err(backend)?;
            get(&row, 0)
        })
    }

    fn generation(&self) -> Result<i64, StoreError> {
        self.with(|c| {
            let row = c
                .query_one("SELECT COALESCE(MAX(id), 0)::BIGINT FROM imports", &[])
                .map_err(backend)?;
            get(&row, 0)
        })
    }

    fn geographies(&self) -> Result<Vec<Geography>, StoreError> {
        self.with(|c| {
            c.query(
                "SELECT code, name, level, parent_code, old_la_code FROM geographies ORDER BY code",
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(|r| {
                let code: String = get(r, 0)?;
                let level: String = get(r, 2)?;
                let parent: Option<String> = get(r, 3)?;
                let old: Option<String> = get(r, 4)?;
                Ok(Geography {
                    code: code_from(&code)?,
                    name: get(r, 1)?,
                    level: level_from(&level)?,
                    parent: parent.as_deref().map(code_from).transpose()?,
                    old_la_code: old
                        .as_deref()
                        .map(|o| OldLaCode::parse(o).map_err(|e| invalid(e.to_string())))
                        .transpose()?,
                })
            })
            .collect()
        })
    }

    fn current_rows(&self, dataset: Dataset) -> Result<Vec<Row>, StoreError> {
        self.with(|c| {
            let mut rows: Vec<Row> = Vec::new();
            c.for_each_row(
                "SELECT geography_code, year, breakdown, measure, value, symbol FROM observations
                 WHERE dataset = $1 AND is_current
                 ORDER BY geography_code, year, breakdown",
                &[&dataset.id()],
                |r| {
                    let code: &str = get(r, 0)?;
                    let year = year_from(get(r, 1)?)?;
                    let breakdown: &str = get(r, 2)?;
                    let measure: &str = get(r, 3)?;
                    let cell = cell_from(get(r, 4)?, get(r, 5)?)?;
                    // A measure this version does not know (written by a newer one) is left out.
                    let Some(m) = Measure::find(dataset, measure) else {
                        return Ok(());
                    };
                    let same = rows.last().is_some_and(|last| {
                        last.geography.as_str() == code
                            && last.year == year
                            && last.breakdown == breakdown
                    });
                    if !same {
                        rows.push(Row {
                            dataset,
                            geography: code_from(code)?,
                            year,
                            breakdown: breakdown.to_string(),
                            cells: BTreeMap::new(),
                        });
                    }
                    if let Some(last) = rows.last_mut() {
                        last.cells.insert(m.name, cell);
                    }
                    Ok(())
                },
            )?;
            Ok(rows)
        })
    }

    fn vintages(
        &self,
        geography: &GeographyCode,
        measure: &str,
    ) -> Result<Vec<Vintage>, StoreError> {
        self.with(|c| {
            c.query(
                "SELECT o.year, o.breakdown, o.value, o.symbol, o.is_current, i.id, i.release_title, i.file_name
                 FROM observations o JOIN imports i ON i.id = o.import_id
                 WHERE o.geography_code = $1 AND o.measure = $2
                 ORDER BY o.year, o.breakdown, i.last_year, i.id",
                &[&geography.as_str(), &measure],
            )
            .map_err(backend)?
            .iter()
            .map(|r| {
                Ok(Vintage {
                    year: year_from(get(r, 0)?)?,
                    breakdown: get(r, 1)?,
                    cell: cell_from(get(r, 2)?, get(r, 3)?)?,
                    current: get(r, 4)?,
                    import_id: get(r, 5)?,
                    release: get(r, 6)?,
                    file_name: get(r, 7)?,
                })
            })
            .collect()
        })
    }

    fn save_scenario(&self, s: &NewScenario<'_>) -> Result<SavedScenario, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    "INSERT INTO scenarios (name, geography_code, query, toml, created_at, org_id, user_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &[&s.name, &s.geography_code, &s.query, &s.toml, &s.created_at, &s.org_id, &s.user_id],
                )
                .map_err(backend)?;
            Ok(SavedScenario {
                id: get(&row, 0)?,
                name: s.name.to_string(),
                geography_code: s.geography_code.to_string(),
                query: s.query.to_string(),
                toml: s.toml.to_string(),
                created_at: s.created_at.to_string(),
                org_id: s.org_id,
                user_id: s.user_id,
            })
        })
    }

    fn scenarios(&self, org_id: Option<i64>) -> Result<Vec<SavedScenario>, StoreError> {
        self.with(|c| {
            c.query(
                &format!(
                    "SELECT {SCENARIO_COLUMNS} FROM scenarios WHERE org_id IS NULL OR org_id = $1 ORDER BY id DESC"
                ),
                &[&org_id],
            )
            .map_err(backend)?
            .iter()
            .map(scenario_from)
            .collect()
        })
    }

    fn scenario(&self, id: i64) -> Result<Option<SavedScenario>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {SCENARIO_COLUMNS} FROM scenarios WHERE id = $1"),
                &[&id],
            )
            .map_err(backend)?
            .as_ref()
            .map(scenario_from)
            .transpose()
        })
    }

    fn import_census(
        &self,
        c: &CensusReturn,
        workers: &[CensusWorker],
    ) -> Result<CensusOutcome, StoreError> {
        self.with(|conn| {
            let mut tx = conn.client.transaction().map_err(backend)?;
            // Census imports take turns, across every server on this database.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CENSUS_LOCK])
                .map_err(backend)?;
            let existing = tx
                .query_opt(
                    &format!(
                        "SELECT {CENSUS_COLUMNS} FROM census_returns WHERE la_code = $1 AND year = $2"
                    ),
                    &[&c.la_code, &c.year],
                )
                .map_err(backend)?
                .as_ref()
                .map(census_from)
                .transpose()?;
            if let Some(e) = &existing {
                if e.sha256 == c.sha256 {
                    return Ok(CensusOutcome::AlreadyImported { census: e.clone() });
                }
                tx.execute("DELETE FROM census_workers WHERE return_id = $1", &[&e.id])
                    .map_err(backend)?;
                tx.execute("DELETE FROM census_returns WHERE id = $1", &[&e.id])
                    .map_err(backend)?;
            }
            let id: i64 = tx
                .query_one(
                    "INSERT INTO census_returns (la_code, year, file_name, sha256, workers, header, vacancies, imported_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[
                        &c.la_code, &c.year, &c.file_name, &c.sha256, &count(workers.len() as u64),
                        &to_json(&c.header)?, &to_json(&c.vacancies)?, &c.imported_at,
                    ],
                )
                .map_err(backend)?
                .get(0);
            let sink = tx
                .copy_in("COPY census_workers (return_id, record, data) FROM STDIN (FORMAT binary)")
                .map_err(backend)?;
            let mut writer = BinaryCopyInWriter::new(sink, &[Type::INT8, Type::INT8, Type::TEXT]);
            for w in workers {
                writer
                    .write(&[&id, &i64::from(w.record), &to_json(w)?])
                    .map_err(backend)?;
            }
            writer.finish().map_err(backend)?;
            let census = tx
                .query_one(
                    &format!("SELECT {CENSUS_COLUMNS} FROM census_returns WHERE id = $1"),
                    &[&id],
                )
                .map_err(backend)?;
            let census = census_from(&census)?;
            tx.commit().map_err(backend)?;
            Ok(CensusOutcome::Imported {
                census,
                replaced: existing.is_some(),
            })
        })
    }

    fn census_returns(&self) -> Result<Vec<CensusReturn>, StoreError> {
        self.with(|c| {
            c.query(
                &format!("SELECT {CENSUS_COLUMNS} FROM census_returns ORDER BY id DESC"),
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(census_from)
            .collect()
        })
    }

    fn census_return(
        &self,
        la_code: &str,
        year: i32,
    ) -> Result<Option<(CensusReturn, Vec<CensusWorker>)>, StoreError> {
        self.with(|c| {
            // One snapshot for the return and its records, so a replacement made meanwhile by
            // another server is seen whole or not at all.
            let mut tx = c
                .client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(backend)?;
            let Some(r) = tx
                .query_opt(
                    &format!(
                        "SELECT {CENSUS_COLUMNS} FROM census_returns WHERE la_code = $1 AND year = $2"
                    ),
                    &[&la_code, &year],
                )
                .map_err(backend)?
            else {
                return Ok(None);
            };
            let r = census_from(&r)?;
            let workers = tx
                .query(
                    "SELECT data FROM census_workers WHERE return_id = $1 ORDER BY record",
                    &[&r.id],
                )
                .map_err(backend)?
                .iter()
                .map(|row| {
                    let data: &str = get(row, 0)?;
                    serde_json::from_str::<CensusWorker>(data).map_err(|e| invalid(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit().map_err(backend)?;
            Ok(Some((r, workers)))
        })
    }

    fn create_organisation(&self, o: &NewOrganisation<'_>) -> Result<Organisation, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    &format!("INSERT INTO organisations (name, kind, la_code, email_domain, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING {ORG_COLUMNS}"),
                    &[&o.name, &o.kind.id(), &o.la_code, &o.email_domain.map(str::to_lowercase), &o.created_at],
                )
                .map_err(conflict("an organisation with that name, authority or email domain already exists"))?;
            org_from(&row)
        })
    }

    fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        self.with(|c| {
            c.query(
                &format!("SELECT {ORG_COLUMNS} FROM organisations ORDER BY name"),
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(org_from)
            .collect()
        })
    }

    fn organisation(&self, id: i64) -> Result<Option<Organisation>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"),
                &[&id],
            )
            .map_err(backend)?
            .as_ref()
            .map(org_from)
            .transpose()
        })
    }

    fn organisation_by_domain(&self, domain: &str) -> Result<Option<Organisation>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE email_domain = $1"),
                &[&domain.to_lowercase()],
            )
            .map_err(backend)?
            .as_ref()
            .map(org_from)
            .transpose()
        })
    }

    fn set_sso(
        &self,
        org_id: i64,
        sso: Option<&SsoConfig>,
        email_domain: Option<&str>,
    ) -> Result<(), StoreError> {
        let sso = sso.map(to_json).transpose()?;
        self.with(|c| {
            c.execute(
                "UPDATE organisations SET sso = $2, email_domain = $3 WHERE id = $1",
                &[&org_id, &sso, &email_domain.map(str::to_lowercase)],
            )
            .map_err(conflict(
                "another organisation already uses that email domain",
            ))?;
            Ok(())
        })
    }

    fn create_team(&self, org_id: i64, name: &str) -> Result<Team, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    "INSERT INTO teams (org_id, name) VALUES ($1, $2) RETURNING id, org_id, name",
                    &[&org_id, &name],
                )
                .map_err(conflict(
                    "the organisation already has a team with that name",
                ))?;
            team_from(&row)
        })
    }

    fn teams(&self, org_id: i64) -> Result<Vec<Team>, StoreError> {
        self.with(|c| {
            c.query(
                "SELECT id, org_id, name FROM teams WHERE org_id = $1 ORDER BY name",
                &[&org_id],
            )
            .map_err(backend)?
            .iter()
            .map(team_from)
            .collect()
        })
    }

    fn create_user(&self, u: &NewUser<'_>) -> Result<User, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    &format!("INSERT INTO users (org_id, team_id, email, name, roles, password_hash, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7) RETURNING {USER_COLUMNS}"),
                    &[&u.org_id, &u.team_id, &u.email.to_lowercase(), &u.name, &roles_to_text(u.roles), &u.password_hash, &u.created_at],
                )
                .map_err(conflict("someone already has an account with that email address"))?;
            user_from(&row)
        })
    }

    fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
                &[&id],
            )
            .map_err(backend)?
            .as_ref()
            .map(user_from)
            .transpose()
        })
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"),
                &[&email.trim().to_lowercase()],
            )
            .map_err(backend)?
            .as_ref()
            .map(user_from)
            .transpose()
        })
    }

    fn users(&self, org_id: i64) -> Result<Vec<User>, StoreError> {
        self.with(|c| {
            c.query(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 ORDER BY name, email"),
                &[&org_id],
            )
            .map_err(backend)?
            .iter()
            .map(user_from)
            .collect()
        })
    }

    fn count_users(&self) -> Result<u64, StoreError> {
        self.with(|c| {
            let row = c
                .query_one("SELECT COUNT(*) FROM users", &[])
                .map_err(backend)?;
            Ok(get::<i64>(&row, 0)?.max(0) as u64)
        })
    }

    fn update_user(&self, u: &User) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE users SET team_id = $2, name = $3, roles = $4, password_hash = $5, status = $6, failed_sign_ins = $7, locked_until = $8, last_sign_in = $9, email = $10, created_at = $11 WHERE id = $1",
                &[&u.id, &u.team_id, &u.name, &roles_to_text(&u.roles), &u.password_hash, &status_id(u.status), &i64::from(u.failed_sign_ins), &u.locked_until, &u.last_sign_in, &u.email.to_lowercase(), &u.created_at],
            )
            .map_err(conflict("someone already has an account with that email address"))?;
            Ok(())
        })
    }

    fn create_session(&self, s: &Session) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[&s.id_hash, &s.user_id, &s.csrf_token, &s.created_at, &s.expires_at],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn session(&self, id_hash: &str, now: &str) -> Result<Option<Session>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions WHERE id_hash = $1 AND expires_at > $2"
                ),
                &[&id_hash, &now],
            )
            .map_err(backend)?
            .as_ref()
            .map(session_from)
            .transpose()
        })
    }

    fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM sessions WHERE id_hash = $1", &[&id_hash])
                .map_err(backend)?;
            Ok(())
        })
    }

    fn delete_sessions_of(&self, user_id: i64) -> Result<u64, StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM sessions WHERE user_id = $1", &[&user_id])
                .map_err(backend)
        })
    }

    fn create_token(&self, t: &OneTimeToken) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO one_time_tokens (kind, hash, org_id, user_id, email, payload, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&t.kind.id(), &t.hash, &t.org_id, &t.user_id, &t.email, &t.payload, &t.expires_at],
            )
            .map_err(conflict("that token is already on record"))?;
            Ok(())
        })
    }

    fn take_token(
        &self,
        kind: TokenKind,
        hash: &str,
        now: &str,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        // One statement finds and marks the token: of two servers asked at once, the second
        // waits for the first and then finds the token used.
        self.with(|c| {
            c.query_opt(
                &format!(
                    "UPDATE one_time_tokens SET used_at = $3
                     WHERE kind = $1 AND hash = $2 AND used_at IS NULL AND expires_at > $3
                     RETURNING {TOKEN_COLUMNS}"
                ),
                &[&kind.id(), &hash, &now],
            )
            .map_err(backend)?
            .map(|r| token_from(kind, &r))
            .transpose()
        })
    }

    fn record_failed_sign_in(&self, key: &str, at: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO failed_sign_ins (key, at) VALUES ($1, $2)",
                &[&key, &at],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn failed_sign_ins(&self, key: &str, since: &str) -> Result<u64, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    "SELECT COUNT(*) FROM failed_sign_ins WHERE key = $1 AND at >= $2",
                    &[&key, &since],
                )
                .map_err(backend)?;
            Ok(get::<i64>(&row, 0)?.max(0) as u64)
        })
    }

    fn create_api_token(&self, t: &ApiToken) -> Result<ApiToken, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    &format!("INSERT INTO api_tokens (user_id, name, hash, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {API_TOKEN_COLUMNS}"),
                    &[&t.user_id, &t.name, &t.hash, &t.scopes.join(","), &t.created_at, &t.expires_at],
                )
                .map_err(conflict("that token is already on record"))?;
            api_token_from(&row)
        })
    }

    fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        self.with(|c| {
            c.query(
                &format!(
                    "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC"
                ),
                &[&user_id],
            )
            .map_err(backend)?
            .iter()
            .map(api_token_from)
            .collect()
        })
    }

    fn api_token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE hash = $1"),
                &[&hash],
            )
            .map_err(backend)?
            .as_ref()
            .map(api_token_from)
            .transpose()
        })
    }

    fn revoke_api_token(&self, user_id: i64, id: i64, at: &str) -> Result<bool, StoreError> {
        self.with(|c| {
            let n = c
                .execute(
                    "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND user_id = $2",
                    &[&id, &user_id, &at],
                )
                .map_err(backend)?;
            Ok(n == 1)
        })
    }

    fn touch_api_token(&self, id: i64, at: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE api_tokens SET last_used = $2 WHERE id = $1",
                &[&id, &at],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn append_audit(&self, e: &AuditEvent) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO audit_log (at, org_id, user_id, actor, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[&e.at, &e.org_id, &e.user_id, &e.actor, &e.action, &e.target, &e.detail, &e.ip],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn audit(&self, org_id: Option<i64>, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        let limit = i64::from(limit);
        self.with(|c| {
            let rows = match org_id {
                Some(org) => c.query(
                    &format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE org_id = $1 ORDER BY id DESC LIMIT $2"),
                    &[&org, &limit],
                ),
                None => c.query(
                    &format!("SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT $1"),
                    &[&limit],
                ),
            }
            .map_err(backend)?;
            rows.iter().map(audit_from).collect()
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
        self.with(|conn| {
            let mut tx = conn.client.transaction().map_err(backend)?;
            let find = tx
                .prepare("SELECT body FROM agency_engagements WHERE org_id = $1 AND reference = $2 FOR UPDATE")
                .map_err(backend)?;
            let mut out = UpsertOutcome::default();
            for (reference, body) in &bodies {
                let old: Option<String> = tx
                    .query_opt(&find, &[&org_id, reference])
                    .map_err(backend)?
                    .map(|r| get(&r, 0))
                    .transpose()?;
                match old {
                    None => {
                        tx.execute(
                            "INSERT INTO agency_engagements (org_id, reference, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
                            &[&org_id, reference, body, &at],
                        )
                        .map_err(backend)?;
                        out.added += 1;
                    }
                    Some(old) if old == *body => out.unchanged += 1,
                    Some(_) => {
                        tx.execute(
                            "UPDATE agency_engagements SET body = $3, updated_at = $4 WHERE org_id = $1 AND reference = $2",
                            &[&org_id, reference, body, &at],
                        )
                        .map_err(backend)?;
                        out.updated += 1;
                    }
                }
            }
            tx.commit().map_err(backend)?;
            Ok(out)
        })
    }

    fn engagements(&self, org_id: i64) -> Result<Vec<StoredEngagement>, StoreError> {
        self.with(|c| {
            c.query(
                &format!("SELECT {ENGAGEMENT_COLUMNS} FROM agency_engagements WHERE org_id = $1 ORDER BY reference"),
                &[&org_id],
            )
            .map_err(backend)?
            .iter()
            .map(engagement_from)
            .collect()
        })
    }

    fn engagement(&self, org_id: i64, id: i64) -> Result<Option<StoredEngagement>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {ENGAGEMENT_COLUMNS} FROM agency_engagements WHERE org_id = $1 AND id = $2"),
                &[&org_id, &id],
            )
            .map_err(backend)?
            .as_ref()
            .map(engagement_from)
            .transpose()
        })
    }

    fn delete_engagement(&self, org_id: i64, id: i64) -> Result<bool, StoreError> {
        self.with(|c| {
            let n = c
                .execute(
                    "DELETE FROM agency_engagements WHERE org_id = $1 AND id = $2",
                    &[&org_id, &id],
                )
                .map_err(backend)?;
            Ok(n > 0)
        })
    }

    fn price_caps(&self) -> Result<Vec<StoredCap>, StoreError> {
        self.with(|c| {
            c.query(
                "SELECT region, job_type, from_date, hourly_pence, set_by, set_at FROM agency_price_caps ORDER BY region, job_type, from_date",
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(|r| {
                let job: String = get(r, 1)?;
                let from: String = get(r, 2)?;
                Ok(StoredCap {
                    cap: PriceCap {
                        region: get(r, 0)?,
                        job_type: JobType::from_id(&job)
                            .ok_or_else(|| invalid(format!("unknown job type {job:?}")))?,
                        from: swforce_domain::Date::parse(&from)
                            .map_err(|e| invalid(e.to_string()))?,
                        hourly: Pence(get(r, 3)?),
                    },
                    set_by: get(r, 4)?,
                    set_at: get(r, 5)?,
                })
            })
            .collect()
        })
    }

    fn set_price_cap(&self, cap: &PriceCap, set_by: &str, at: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO agency_price_caps (region, job_type, from_date, hourly_pence, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (region, job_type, from_date) DO UPDATE SET hourly_pence = excluded.hourly_pence, set_by = excluded.set_by, set_at = excluded.set_at",
                &[&cap.region, &cap.job_type.id(), &cap.from.to_string(), &cap.hourly.0, &set_by, &at],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn delete_price_cap(
        &self,
        region: &str,
        job: JobType,
        from: swforce_domain::Date,
    ) -> Result<bool, StoreError> {
        self.with(|c| {
            let n = c
                .execute(
                    "DELETE FROM agency_price_caps WHERE region = $1 AND job_type = $2 AND from_date = $3",
                    &[&region, &job.id(), &from.to_string()],
                )
                .map_err(backend)?;
            Ok(n > 0)
        })
    }

    fn permanent_costs(&self, org_id: i64) -> Result<Vec<(JobType, Pence)>, StoreError> {
        let mut costs = self.with(|c| {
            c.query(
                "SELECT job_type, hourly_pence FROM agency_permanent_costs WHERE org_id = $1",
                &[&org_id],
            )
            .map_err(backend)?
            .iter()
            .map(|r| {
                let job: String = get(r, 0)?;
                Ok((
                    JobType::from_id(&job)
                        .ok_or_else(|| invalid(format!("unknown job type {job:?}")))?,
                    Pence(get(r, 1)?),
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()
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
        self.with(|c| {
            match hourly {
                Some(h) => c.execute(
                    "INSERT INTO agency_permanent_costs (org_id, job_type, hourly_pence) VALUES ($1, $2, $3)
                     ON CONFLICT (org_id, job_type) DO UPDATE SET hourly_pence = excluded.hourly_pence",
                    &[&org_id, &job.id(), &h.0],
                ),
                None => c.execute(
                    "DELETE FROM agency_permanent_costs WHERE org_id = $1 AND job_type = $2",
                    &[&org_id, &job.id()],
                ),
            }
            .map_err(backend)?;
            Ok(())
        })
    }

    fn themes(&self) -> Result<Vec<Theme>, StoreError> {
        let mut themes = self.with(|c| {
            c.query(
                "SELECT id, label, audience, active FROM exchange_themes",
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(|r| {
                let audience: String = get(r, 2)?;
                Ok(Theme {
                    id: get(r, 0)?,
                    label: get(r, 1)?,
                    audience: Audience::from_id(&audience)
                        .ok_or_else(|| invalid(format!("unknown audience {audience:?}")))?,
                    active: get(r, 3)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()
        })?;
        // By audience in the campaign's order (government first), not the ids' spelling.
        themes.sort_by(|a, b| (a.audience, &a.label).cmp(&(b.audience, &b.label)));
        Ok(themes)
    }

    fn save_theme(&self, theme: &Theme) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO exchange_themes (id, label, audience, active) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET label = excluded.label, audience = excluded.audience, active = excluded.active",
                &[&theme.id, &theme.label, &theme.audience.id(), &theme.active],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn save_example(&self, e: &Example) -> Result<Example, StoreError> {
        let body = to_json(&Example {
            id: 0,
            helped: 0,
            ..e.clone()
        })?;
        let fingerprint = Some(e.fingerprint.as_str()).filter(|f| !f.is_empty());
        let search = search_text(e);
        self.with(|conn| {
            let mut tx = conn.client.transaction().map_err(backend)?;
            let duplicate = conflict("that example has already been sent");
            // The count of "this helped me" is `mark_helped`'s to keep: saving never changes it.
            let (id, helped): (i64, i64) = if e.id == 0 {
                let row = tx
                    .query_one(
                        "INSERT INTO examples (status, body, setting, region, hours_saved, measured, author_user, fingerprint, updated_at, published_at, search)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_tsvector('simple', $11)) RETURNING id, helped",
                        &[
                            &e.status.id(), &body, &e.setting.id(), &e.region, &e.hours_saved,
                            &e.measured(), &e.author_user, &fingerprint, &e.updated_at,
                            &e.published_at, &search,
                        ],
                    )
                    .map_err(&duplicate)?;
                (get(&row, 0)?, get(&row, 1)?)
            } else {
                let row = tx
                    .query_opt(
                        "UPDATE examples SET status = $2, body = $3, setting = $4, region = $5, hours_saved = $6, measured = $7,
                             author_user = $8, fingerprint = $9, updated_at = $10, published_at = $11, search = to_tsvector('simple', $12)
                         WHERE id = $1 RETURNING helped",
                        &[
                            &e.id, &e.status.id(), &body, &e.setting.id(), &e.region,
                            &e.hours_saved, &e.measured(), &e.author_user, &fingerprint,
                            &e.updated_at, &e.published_at, &search,
                        ],
                    )
                    .map_err(&duplicate)?
                    .ok_or_else(|| invalid(format!("no example {} to replace", e.id)))?;
                tx.execute("DELETE FROM example_themes WHERE example_id = $1", &[&e.id])
                    .map_err(backend)?;
                (e.id, get(&row, 0)?)
            };
            tx.execute(
                "INSERT INTO example_themes (example_id, theme_id)
                 SELECT DISTINCT $1::BIGINT, theme_id FROM unnest($2::text[]) AS t (theme_id)",
                &[&id, &e.themes],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(Example {
                id,
                helped: helped.max(0) as u64,
                ..e.clone()
            })
        })
    }

    fn example(&self, id: i64) -> Result<Option<Example>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {EXAMPLE_COLUMNS} FROM examples WHERE id = $1"),
                &[&id],
            )
            .map_err(backend)?
            .as_ref()
            .map(example_from)
            .transpose()
        })
    }

    fn examples_in(&self, status: ExampleStatus, limit: u32) -> Result<Vec<Example>, StoreError> {
        self.with(|c| {
            c.query(
                &format!("SELECT {EXAMPLE_COLUMNS} FROM examples WHERE status = $1 ORDER BY updated_at, id LIMIT $2"),
                &[&status.id(), &i64::from(limit)],
            )
            .map_err(backend)?
            .iter()
            .map(example_from)
            .collect()
        })
    }

    fn examples_of(&self, user_id: i64) -> Result<Vec<Example>, StoreError> {
        self.with(|c| {
            c.query(
                &format!(
                    "SELECT {EXAMPLE_COLUMNS} FROM examples WHERE author_user = $1 ORDER BY id DESC"
                ),
                &[&user_id],
            )
            .map_err(backend)?
            .iter()
            .map(example_from)
            .collect()
        })
    }

    fn search_examples(&self, q: &ExampleQuery) -> Result<ExamplePage, StoreError> {
        // A filter left out is NULL (or false) and drops out of the plan.
        let found = "FROM examples
             WHERE status = $1
               AND ($2::text IS NULL OR setting = $2)
               AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM example_themes t WHERE t.example_id = examples.id AND t.theme_id = $3))
               AND ($4::text IS NULL OR region = $4)
               AND (NOT $5 OR measured)
               AND ($6::text IS NULL OR search @@ to_tsquery('simple', $6))";
        let order = match q.sort {
            ExampleSort::Newest => "published_at DESC NULLS LAST, id DESC",
            ExampleSort::MostHelpful => "helped DESC, published_at DESC NULLS LAST, id DESC",
            ExampleSort::MostHours => {
                "hours_saved DESC NULLS LAST, published_at DESC NULLS LAST, id DESC"
            }
        };
        let text = prefix_query(&swforce_store::search_words(&q.text));
        let limit = i64::from(if q.limit == 0 { 20 } else { q.limit });
        let offset = i64::from(q.offset);
        self.with(|c| {
            // One snapshot for the count and the page.
            let mut tx = c
                .client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(backend)?;
            // The filters ($1 to $6), then the page ($7 and $8).
            let params: [&(dyn ToSql + Sync); 8] = [
                &ExampleStatus::Published.id(),
                &q.setting.map(|s| s.id()),
                &q.theme,
                &q.region,
                &q.measured,
                &text,
                &limit,
                &offset,
            ];
            let total = tx
                .query_one(&format!("SELECT COUNT(*) {found}"), &params[..6])
                .map_err(backend)?;
            let total = get::<i64>(&total, 0)?.max(0) as u64;
            let examples = tx
                .query(
                    &format!(
                        "SELECT {EXAMPLE_COLUMNS} {found} ORDER BY {order} LIMIT $7 OFFSET $8"
                    ),
                    &params,
                )
                .map_err(backend)?
                .iter()
                .map(example_from)
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit().map_err(backend)?;
            Ok(ExamplePage { examples, total })
        })
    }

    fn mark_helped(&self, example_id: i64, person: &str, at: &str) -> Result<bool, StoreError> {
        self.with(|conn| {
            let mut tx = conn.client.transaction().map_err(backend)?;
            // Once per person: of two marks at once, the second waits for the first, then
            // finds it there and adds nothing.
            let added = tx
                .execute(
                    "INSERT INTO example_helped (example_id, person, at)
                     SELECT id, $2, $3 FROM examples WHERE id = $1
                     ON CONFLICT (example_id, person) DO NOTHING",
                    &[&example_id, &person, &at],
                )
                .map_err(backend)?
                == 1;
            if added {
                tx.execute(
                    "UPDATE examples SET helped = helped + 1 WHERE id = $1",
                    &[&example_id],
                )
                .map_err(backend)?;
            }
            tx.commit().map_err(backend)?;
            Ok(added)
        })
    }

    fn save_form(&self, form: &FeedbackForm) -> Result<FeedbackForm, StoreError> {
        let body = to_json(&FeedbackForm {
            id: 0,
            ..form.clone()
        })?;
        self.with(|c| {
            let id = if form.id == 0 {
                let row = c
                    .query_one(
                        "INSERT INTO feedback_forms (body, created_at) VALUES ($1, $2) RETURNING id",
                        &[&body, &form.created_at],
                    )
                    .map_err(backend)?;
                get(&row, 0)?
            } else {
                let n = c
                    .execute(
                        "UPDATE feedback_forms SET body = $2, created_at = $3 WHERE id = $1",
                        &[&form.id, &body, &form.created_at],
                    )
                    .map_err(backend)?;
                if n == 0 {
                    return Err(invalid(format!("no feedback form {} to replace", form.id)));
                }
                form.id
            };
            Ok(FeedbackForm {
                id,
                ..form.clone()
            })
        })
    }

    fn forms(&self) -> Result<Vec<FeedbackForm>, StoreError> {
        self.with(|c| {
            c.query("SELECT id, body FROM feedback_forms ORDER BY id DESC", &[])
                .map_err(backend)?
                .iter()
                .map(form_from)
                .collect()
        })
    }

    fn form(&self, id: i64) -> Result<Option<FeedbackForm>, StoreError> {
        self.with(|c| {
            c.query_opt("SELECT id, body FROM feedback_forms WHERE id = $1", &[&id])
                .map_err(backend)?
                .as_ref()
                .map(form_from)
                .transpose()
        })
    }

    fn save_response(&self, response: &Response) -> Result<i64, StoreError> {
        let body = to_json(&Response {
            id: 0,
            ..response.clone()
        })?;
        self.with(|c| {
            let row = c
                .query_one(
                    "INSERT INTO responses (form_id, body, delete_on) VALUES ($1, $2, $3) RETURNING id",
                    &[&response.form_id, &body, &response.delete_on],
                )
                .map_err(backend)?;
            get(&row, 0)
        })
    }

    fn responses(&self, form_id: i64) -> Result<Vec<Response>, StoreError> {
        self.with(|c| {
            c.query(
                "SELECT id, body FROM responses WHERE form_id = $1 ORDER BY id",
                &[&form_id],
            )
            .map_err(backend)?
            .iter()
            .map(|r| {
                let body: &str = get(r, 1)?;
                Ok(Response {
                    id: get(r, 0)?,
                    ..serde_json::from_str(body).map_err(|e| invalid(e.to_string()))?
                })
            })
            .collect()
        })
    }

    fn purge_responses(&self, today: &str) -> Result<u64, StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM responses WHERE delete_on <= $1", &[&today])
                .map_err(backend)
        })
    }

    fn save_page(&self, page: &ResourcePage) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO resource_pages (slug, title, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (slug) DO UPDATE SET title = excluded.title, body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                &[&page.slug, &page.title, &page.body, &page.updated_by, &page.updated_at],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn pages(&self) -> Result<Vec<ResourcePage>, StoreError> {
        self.with(|c| {
            c.query(
                &format!("SELECT {PAGE_COLUMNS} FROM resource_pages ORDER BY title, slug"),
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(page_from)
            .collect()
        })
    }

    fn page(&self, slug: &str) -> Result<Option<ResourcePage>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {PAGE_COLUMNS} FROM resource_pages WHERE slug = $1"),
                &[&slug],
            )
            .map_err(backend)?
            .as_ref()
            .map(page_from)
            .transpose()
        })
    }

    fn diary_categories(&self, org_id: i64) -> Result<Vec<DiaryCategory>, StoreError> {
        self.with(|c| diary::categories(c, org_id))
    }

    fn save_diary_category(&self, category: &DiaryCategory) -> Result<DiaryCategory, StoreError> {
        let id = self.with(|c| c.in_transaction(|c| diary::save_category(c, category)))?;
        Ok(DiaryCategory {
            id,
            ..category.clone()
        })
    }

    fn sso_user(&self, issuer: &str, subject: &str) -> Result<Option<i64>, StoreError> {
        self.with(|c| {
            c.query_opt(
                "SELECT user_id FROM sso_links WHERE issuer = $1 AND subject = $2",
                &[&issuer, &subject],
            )
            .map_err(backend)?
            .map(|r| get(&r, 0))
            .transpose()
        })
    }

    fn sso_subject(&self, issuer: &str, user_id: i64) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            c.query_opt(
                "SELECT subject FROM sso_links WHERE issuer = $1 AND user_id = $2",
                &[&issuer, &user_id],
            )
            .map_err(backend)?
            .map(|r| get(&r, 0))
            .transpose()
        })
    }

    fn link_sso(
        &self,
        issuer: &str,
        subject: &str,
        user_id: i64,
        at: &str,
    ) -> Result<(), StoreError> {
        self.with(|c| {
            let added = c
                .execute(
                    "INSERT INTO sso_links (issuer, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT DO NOTHING",
                    &[&issuer, &subject, &user_id, &at],
                )
                .map_err(backend)?;
            if added == 0 {
                return Err(StoreError::Conflict(
                    "that account or that sign-on identity is linked already".into(),
                ));
            }
            Ok(())
        })
    }

    fn verified_domain(&self, org_id: i64) -> Result<Option<(String, String)>, StoreError> {
        self.with(|c| {
            c.query_opt(
                "SELECT domain, verified_at FROM verified_domains WHERE org_id = $1",
                &[&org_id],
            )
            .map_err(backend)?
            .map(|r| Ok((get(&r, 0)?, get(&r, 1)?)))
            .transpose()
        })
    }

    fn forget_verified_domain(&self, org_id: i64) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM verified_domains WHERE org_id = $1", &[&org_id])
                .map_err(backend)?;
            Ok(())
        })
    }

    fn set_verified_domain(
        &self,
        org_id: i64,
        domain: &str,
        at: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO verified_domains (org_id, domain, verified_at, verified_by)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (org_id) DO UPDATE SET domain = excluded.domain,
                     verified_at = excluded.verified_at, verified_by = excluded.verified_by",
                &[&org_id, &domain, &at, &by],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn site_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO site_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &fresh],
            )
            .map_err(backend)?;
            let row = c
                .query_one("SELECT value FROM site_secrets WHERE name = $1", &[&name])
                .map_err(backend)?;
            get(&row, 0)
        })
    }

    fn legacy_ids(&self) -> Result<Vec<(String, i64)>, StoreError> {
        self.with(|c| {
            c.query("SELECT kind, last_id FROM legacy_ids ORDER BY kind", &[])
                .map_err(backend)?
                .iter()
                .map(|r| Ok((get(r, 0)?, get(r, 1)?)))
                .collect()
        })
    }

    fn diary_opt_in(&self, org_id: i64) -> Result<bool, StoreError> {
        self.with(|c| {
            c.query_opt(
                "SELECT national_opt_in FROM diary_settings WHERE org_id = $1",
                &[&org_id],
            )
            .map_err(backend)?
            .map(|r| get(&r, 0))
            .transpose()
            .map(|v| v.unwrap_or(false))
        })
    }

    fn set_diary_opt_in(&self, org_id: i64, opt_in: bool) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO diary_settings (org_id, national_opt_in) VALUES ($1, $2)
                 ON CONFLICT (org_id) DO UPDATE SET national_opt_in = excluded.national_opt_in",
                &[&org_id, &opt_in],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn diary_opted_in(&self) -> Result<Vec<i64>, StoreError> {
        self.with(|c| {
            c.query(
                "SELECT org_id FROM diary_settings WHERE national_opt_in ORDER BY org_id",
                &[],
            )
            .map_err(backend)?
            .iter()
            .map(|r| get(r, 0))
            .collect()
        })
    }

    fn save_diary(&self, d: &StoredDiary) -> Result<(), StoreError> {
        self.with(|c| c.in_transaction(|c| diary::save(c, d)))
    }

    fn publish_diaries(
        &self,
        through: Week,
        batch: u32,
        only: Option<(i64, Week)>,
    ) -> Result<swforce_store::diary::Published, StoreError> {
        // One organisation-week per transaction: a week's first release is whole, and saves
        // wait for one organisation's week at most.
        let groups = self.with(|c| diary::pending_groups(c, through, only))?;
        let mut done = swforce_store::diary::Published::default();
        for (org, week) in groups {
            let part =
                self.with(|c| c.in_transaction(|c| diary::publish_group(c, org, week, batch)))?;
            done += part;
        }
        Ok(done)
    }

    fn diaries_of(
        &self,
        person_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<StoredDiary>, StoreError> {
        self.with(|c| diary::diaries_of(c, person_id, from, to))
    }

    fn last_diary_before(
        &self,
        person_id: i64,
        before: Week,
    ) -> Result<Option<StoredDiary>, StoreError> {
        self.with(|c| diary::last_before(c, person_id, before))
    }

    fn diary_sums(
        &self,
        scope: &DiaryScope,
        from: Week,
        to: Week,
    ) -> Result<DiarySums, StoreError> {
        self.with(|c| diary::sums(c, scope, from, to))
    }

    fn diary_week_counts(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
    ) -> Result<Vec<(i64, Week, u64)>, StoreError> {
        self.with(|c| diary::week_counts(c, org_id, from, to))
    }

    fn shared_diary_notes(
        &self,
        org_id: i64,
        from: Week,
        to: Week,
        limit: u32,
    ) -> Result<Vec<(Week, String)>, StoreError> {
        self.with(|c| diary::shared_notes(c, org_id, from, to, limit))
    }

    fn add_synthetic_diaries(
        &self,
        org_id: i64,
        people: &[SyntheticPerson],
        at: &str,
        through: Week,
    ) -> Result<u64, StoreError> {
        self.with(|c| c.in_transaction(|c| diary::add_synthetic(c, org_id, people, at, through)))
    }

    fn synthetic_people(&self, org_id: i64) -> Result<Vec<(i64, Option<i64>, Week)>, StoreError> {
        self.with(|c| {
            c.query(
                "SELECT person_id, MIN(team_id), MAX(week) FROM diaries
                 WHERE org_id = $1 AND person_id < 0 GROUP BY person_id ORDER BY person_id DESC",
                &[&org_id],
            )
            .map_err(backend)?
            .iter()
            .map(|r| Ok((get(r, 0)?, get(r, 1)?, Week::from_number(get(r, 2)?))))
            .collect()
        })
    }
}

const ENGAGEMENT_COLUMNS: &str = "id, org_id, body, created_at, updated_at";

fn engagement_from(r: &postgres::Row) -> Result<StoredEngagement, StoreError> {
    let body: String = get(r, 2)?;
    Ok(StoredEngagement {
        id: get(r, 0)?,
        org_id: get(r, 1)?,
        engagement: serde_json::from_str(&body).map_err(|e| invalid(e.to_string()))?,
        created_at: get(r, 3)?,
        updated_at: get(r, 4)?,
    })
}

const EXAMPLE_COLUMNS: &str = "id, body, hours_saved, helped";

fn example_from(r: &postgres::Row) -> Result<Example, StoreError> {
    let body: &str = get(r, 1)?;
    Ok(Example {
        id: get(r, 0)?,
        // From its column, exactly: a number read back from JSON may differ in the last digit.
        hours_saved: get(r, 2)?,
        helped: get::<i64>(r, 3)?.max(0) as u64,
        ..serde_json::from_str(body).map_err(|e| invalid(e.to_string()))?
    })
}

/// The text an example is found by: the words of its title, problem and change, split and
/// lower-cased as [`swforce_store::search_words`] reads a search (and as SQLite's tokenizer
/// does), so that PostgreSQL's parser finds no e-mail addresses, hyphenated words or numbers
/// with points in it, only the words themselves.
fn search_text(e: &Example) -> String {
    [&e.title, &e.problem, &e.change]
        .into_iter()
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A text search query in which every word must match, whole or as the start of a word;
/// `None` for no words.
fn prefix_query(words: &[String]) -> Option<String> {
    // Words are letters and digits only; quoting them anyway keeps the query well formed.
    let terms: Vec<String> = words
        .iter()
        .map(|w| format!("'{}':*", w.replace('\\', "\\\\").replace('\'', "''")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" & "))
}

fn form_from(r: &postgres::Row) -> Result<FeedbackForm, StoreError> {
    let body: &str = get(r, 1)?;
    Ok(FeedbackForm {
        id: get(r, 0)?,
        ..serde_json::from_str(body).map_err(|e| invalid(e.to_string()))?
    })
}

const PAGE_COLUMNS: &str = "slug, title, body, updated_by, updated_at";

fn page_from(r: &postgres::Row) -> Result<ResourcePage, StoreError> {
    Ok(ResourcePage {
        slug: get(r, 0)?,
        title: get(r, 1)?,
        body: get(r, 2)?,
        updated_by: get(r, 3)?,
        updated_at: get(r, 4)?,
    })
}

/// JSON for a stored column, with a storage error on failure.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::backend)
}

const CENSUS_COLUMNS: &str =
    "id, la_code, year, file_name, sha256, workers, header, vacancies, imported_at";

fn census_from(r: &postgres::Row) -> Result<CensusReturn, StoreError> {
    let header: &str = get(r, 6)?;
    let vacancies: &str = get(r, 7)?;
    Ok(CensusReturn {
        id: get(r, 0)?,
        la_code: get(r, 1)?,
        year: get(r, 2)?,
        file_name: get(r, 3)?,
        sha256: get(r, 4)?,
        workers: get::<i64>(r, 5)?.clamp(0, i64::from(u32::MAX)) as u32,
        header: serde_json::from_str(header).map_err(|e| invalid(e.to_string()))?,
        vacancies: serde_json::from_str(vacancies).map_err(|e| invalid(e.to_string()))?,
        imported_at: get(r, 8)?,
    })
}

const SCENARIO_COLUMNS: &str = "id, name, geography_code, query, toml, created_at, org_id, user_id";

fn scenario_from(r: &postgres::Row) -> Result<SavedScenario, StoreError> {
    Ok(SavedScenario {
        id: get(r, 0)?,
        name: get(r, 1)?,
        geography_code: get(r, 2)?,
        query: get(r, 3)?,
        toml: get(r, 4)?,
        created_at: get(r, 5)?,
        org_id: get(r, 6)?,
        user_id: get(r, 7)?,
    })
}
