//! Census returns and their worker records on SQLite (`CensusStore`).

use crate::access::insert_audit;
use crate::{SqliteStore, backend, invalid, to_json};
use rusqlite::{OptionalExtension, params};
use swforce_domain::census::CensusWorker;
use swforce_store::{AuditOf, CensusOutcome, CensusReturn, CensusStore, StoreError};

impl CensusStore for SqliteStore {
    fn import_census_audited(
        &self,
        c: &CensusReturn,
        workers: &[CensusWorker],
        audit: Option<AuditOf<'_, CensusOutcome>>,
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
                let outcome = CensusOutcome::AlreadyImported { census: e.clone() };
                if let Some(audit) = audit {
                    insert_audit(&tx, &audit(&outcome))?;
                    tx.commit().map_err(backend)?;
                }
                return Ok(outcome);
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
        let outcome = CensusOutcome::Imported {
            census,
            replaced: existing.is_some(),
        };
        if let Some(audit) = audit {
            insert_audit(&tx, &audit(&outcome))?;
        }
        tx.commit().map_err(backend)?;
        Ok(outcome)
    }

    fn census_returns(&self) -> Result<Vec<CensusReturn>, StoreError> {
        self.select(
            &format!("SELECT {CENSUS_COLUMNS} FROM census_returns ORDER BY id DESC"),
            [],
            census_from,
        )
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
