//! Imports with their provenance, every release's figures and the figures in use on PostgreSQL
//! (`StatisticsStore`).

use crate::access::insert_audit;
use crate::{
    PostgresStore, backend, cell_from, code_from, count, get, invalid, level_from, to_json,
    year_from,
};
use std::collections::{BTreeMap, HashMap};
use swforce_domain::{Dataset, Geography, GeographyCode, Measure, OldLaCode, Row};
use swforce_store::{
    AuditOf, ImportOutcome, ImportRecord, Provenance, StatisticsStore, StoreError, Vintage,
};
use tokio_postgres::types::Type;

impl StatisticsStore for PostgresStore {
    fn import_batch_audited(
        &self,
        p: &Provenance,
        geographies: &[Geography],
        rows: &[Row],
        audit: Option<AuditOf<'_, ImportOutcome>>,
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
                let outcome = ImportOutcome::AlreadyImported {
                    import: import_from(&row)?,
                };
                if let Some(audit) = audit {
                    insert_audit(&mut tx, &audit(&outcome))?;
                    tx.commit().map_err(backend)?;
                }
                return Ok(outcome);
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
            let mut writer = tx
                .copy_in(
                    "COPY observations (geography_code, measure, breakdown, year, import_id, dataset, value, symbol, is_current)
                     FROM STDIN (FORMAT binary)",
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
                )
                .map_err(backend)?;
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
            let changed: i64 = get(
                &tx.query_one(
                    "SELECT COUNT(*) FROM observations o JOIN observations n
                       ON n.geography_code = o.geography_code AND n.measure = o.measure
                      AND n.breakdown = o.breakdown AND n.year = o.year
                     WHERE n.import_id = $1 AND n.is_current
                       AND o.dataset = $2 AND o.is_current AND o.import_id <> $1
                       AND (o.value IS DISTINCT FROM n.value OR o.symbol IS DISTINCT FROM n.symbol)",
                    &[&id, &p.dataset.id()],
                )
                .map_err(backend)?,
                0,
            )?;
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
            let outcome = ImportOutcome::Imported {
                import,
                cells,
                superseded,
                changed: changed as u64,
                outranked,
            };
            if let Some(audit) = audit {
                insert_audit(&mut tx, &audit(&outcome))?;
            }
            tx.commit().map_err(backend)?;
            Ok(outcome)
        })
    }

    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        self.select(
            &format!("SELECT {IMPORT_COLUMNS} FROM imports ORDER BY id DESC"),
            &[],
            import_from,
        )
    }

    fn known_schema_version(&self) -> i64 {
        crate::migrate::latest()
    }

    fn connections(&self) -> Option<swforce_store::Connections> {
        Some(self.pool.usage())
    }

    fn location(&self) -> String {
        let config = self.pool.config();
        let hosts: Vec<String> = config
            .get_hosts()
            .iter()
            .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
            .map(|(host, port)| match host {
                tokio_postgres::config::Host::Tcp(h) => format!("{h}:{port}"),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
            })
            .collect();
        format!(
            "PostgreSQL database {} at {}",
            config.get_dbname().unwrap_or("(the user's)"),
            hosts.join(",")
        )
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
        self.select(
            "SELECT code, name, level, parent_code, old_la_code FROM geographies ORDER BY code",
            &[],
            |r| {
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
                        .map(|o| OldLaCode::parse_joint(o).map_err(|e| invalid(e.to_string())))
                        .transpose()?,
                })
            },
        )
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
        self.select("SELECT o.year, o.breakdown, o.value, o.symbol, o.is_current, i.id, i.release_title, i.file_name
                 FROM observations o JOIN imports i ON i.id = o.import_id
                 WHERE o.geography_code = $1 AND o.measure = $2
                 ORDER BY o.year, o.breakdown, i.last_year, i.id", &[&geography.as_str(), &measure], |r| {
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
    }
}

/// The advisory lock held while importing statistics ("swforce" and 2).
const IMPORT_LOCK: i64 = 0x7377_666f_7263_6502;

const IMPORT_COLUMNS: &str = "id, file_name, sha256, bytes, dataset, publisher, release_title, first_year, last_year, row_count, warnings, renamed, imported_at";

fn import_from(row: &tokio_postgres::Row) -> Result<ImportRecord, StoreError> {
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
