//! Imports with their provenance, every release's figures and the figures in use on SQLite
//! (`StatisticsStore`).

use crate::access::insert_audit;
use crate::{SqliteStore, backend, cell_from, code_from, invalid, level_from, year_from};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;
use swforce_domain::{Dataset, Geography, GeographyCode, Measure, OldLaCode, Row};
use swforce_store::{
    AuditOf, ImportOutcome, ImportRecord, Provenance, StatisticsStore, StoreError, Vintage,
};

impl StatisticsStore for SqliteStore {
    fn import_batch_audited(
        &self,
        p: &Provenance,
        geographies: &[Geography],
        rows: &[Row],
        audit: Option<AuditOf<'_, ImportOutcome>>,
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
            let outcome = ImportOutcome::AlreadyImported { import };
            if let Some(audit) = audit {
                insert_audit(&tx, &audit(&outcome))?;
                tx.commit().map_err(backend)?;
            }
            return Ok(outcome);
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
        let changed: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM observations o JOIN observations n
                   ON n.geography_code = o.geography_code AND n.measure = o.measure
                  AND n.breakdown = o.breakdown AND n.year = o.year
                 WHERE n.import_id = ?1 AND n.is_current = 1
                   AND o.dataset = ?2 AND o.is_current = 1 AND o.import_id <> ?1
                   AND (o.value IS NOT n.value OR o.symbol IS NOT n.symbol)",
                params![id, p.dataset.id()],
                |r| r.get(0),
            )
            .map_err(backend)?;
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
        let outcome = ImportOutcome::Imported {
            import,
            cells,
            superseded,
            changed: changed as u64,
            outranked,
        };
        if let Some(audit) = audit {
            insert_audit(&tx, &audit(&outcome))?;
        }
        tx.commit().map_err(backend)?;
        Ok(outcome)
    }

    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        self.select(
            &format!("SELECT {IMPORT_COLUMNS} FROM imports ORDER BY id DESC"),
            [],
            import_from,
        )
    }

    fn location(&self) -> String {
        format!("SQLite database {}", self.path().display())
    }

    fn known_schema_version(&self) -> i64 {
        crate::migrate::latest()
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
                        .map(|o| OldLaCode::parse_joint(o).map_err(|e| invalid(e.to_string())))
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
