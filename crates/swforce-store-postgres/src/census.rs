//! Census returns and their worker records on PostgreSQL (`CensusStore`).

use crate::access::insert_audit;
use crate::{PostgresStore, backend, count, get, invalid, to_json};
use swforce_domain::census::CensusWorker;
use swforce_store::{AuditOf, CensusOutcome, CensusReturn, CensusStore, StoreError};
use tokio_postgres::types::Type;

impl CensusStore for PostgresStore {
    fn import_census_audited(
        &self,
        c: &CensusReturn,
        workers: &[CensusWorker],
        audit: Option<AuditOf<'_, CensusOutcome>>,
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
                    let outcome = CensusOutcome::AlreadyImported { census: e.clone() };
                    if let Some(audit) = audit {
                        insert_audit(&mut tx, &audit(&outcome))?;
                        tx.commit().map_err(backend)?;
                    }
                    return Ok(outcome);
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
            let mut writer = tx
                .copy_in(
                    "COPY census_workers (return_id, record, data) FROM STDIN (FORMAT binary)",
                    &[Type::INT8, Type::INT8, Type::TEXT],
                )
                .map_err(backend)?;
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
            let outcome = CensusOutcome::Imported {
                census,
                replaced: existing.is_some(),
            };
            if let Some(audit) = audit {
                insert_audit(&mut tx, &audit(&outcome))?;
            }
            tx.commit().map_err(backend)?;
            Ok(outcome)
        })
    }

    fn census_returns(&self) -> Result<Vec<CensusReturn>, StoreError> {
        self.select(
            &format!("SELECT {CENSUS_COLUMNS} FROM census_returns ORDER BY id DESC"),
            &[],
            census_from,
        )
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
                .client.snapshot()
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
}

/// The advisory lock held while importing a census return ("swforce" and 3).
const CENSUS_LOCK: i64 = 0x7377_666f_7263_6503;

const CENSUS_COLUMNS: &str =
    "id, la_code, year, file_name, sha256, workers, header, vacancies, imported_at";

fn census_from(r: &tokio_postgres::Row) -> Result<CensusReturn, StoreError> {
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
