//! Agency engagements, regional price caps and permanent costs on SQLite (`AgencyStore`).

use crate::{SqliteStore, backend, invalid, to_json};
use rusqlite::{OptionalExtension, params};
use swforce_domain::agency::{Engagement, JobType, Pence, PriceCap};
use swforce_store::{
    AgencyStore, AuditOf, NoteKind, ReturnNote, StoreError, StoredCap, StoredEngagement,
    UpsertOutcome,
};

impl AgencyStore for SqliteStore {
    fn upsert_engagements_audited(
        &self,
        org_id: i64,
        engagements: &[Engagement],
        at: &str,
        audit: Option<AuditOf<'_, UpsertOutcome>>,
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
        if let Some(audit) = audit {
            crate::access::insert_audit(&tx, &audit(&out))?;
        }
        tx.commit().map_err(backend)?;
        Ok(out)
    }

    fn engagements(&self, org_id: i64) -> Result<Vec<StoredEngagement>, StoreError> {
        self.select(&format!(
                "SELECT {ENGAGEMENT_COLUMNS} FROM agency_engagements WHERE org_id = ?1 ORDER BY reference"
            ), [org_id], engagement_from)
    }

    fn engagement(&self, org_id: i64, id: i64) -> Result<Option<StoredEngagement>, StoreError> {
        self.select_one(
            &format!(
                "SELECT {ENGAGEMENT_COLUMNS} FROM agency_engagements WHERE org_id = ?1 AND id = ?2"
            ),
            [org_id, id],
            engagement_from,
        )
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

    fn set_price_caps(
        &self,
        caps: &[PriceCap],
        set_by: &str,
        at: &str,
    ) -> Result<UpsertOutcome, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let mut out = UpsertOutcome::default();
        {
            let mut find = tx
                .prepare_cached(
                    "SELECT hourly_pence FROM agency_price_caps WHERE region = ?1 AND job_type = ?2 AND from_date = ?3",
                )
                .map_err(backend)?;
            let mut set = tx
                .prepare_cached(
                    "INSERT INTO agency_price_caps (region, job_type, from_date, hourly_pence, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (region, job_type, from_date) DO UPDATE SET hourly_pence = excluded.hourly_pence, set_by = excluded.set_by, set_at = excluded.set_at",
                )
                .map_err(backend)?;
            for cap in caps {
                let key = params![cap.region, cap.job_type.id(), cap.from.to_string()];
                let old: Option<i64> = find
                    .query_row(key, |r| r.get(0))
                    .optional()
                    .map_err(backend)?;
                match old {
                    Some(h) if h == cap.hourly.0 => out.unchanged += 1,
                    old => {
                        set.execute(params![
                            cap.region,
                            cap.job_type.id(),
                            cap.from.to_string(),
                            cap.hourly.0,
                            set_by,
                            at
                        ])
                        .map_err(backend)?;
                        if old.is_some() {
                            out.updated += 1;
                        } else {
                            out.added += 1;
                        }
                    }
                }
            }
        }
        tx.commit().map_err(backend)?;
        Ok(out)
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

    fn return_notes(&self, org_id: i64, quarter: &str) -> Result<Vec<ReturnNote>, StoreError> {
        self.select(
            "SELECT quarter, kind, subject, note, set_by, set_at FROM agency_return_notes
             WHERE org_id = ?1 AND quarter = ?2 ORDER BY kind = 'agency', subject",
            params![org_id, quarter],
            |r| {
                let kind: String = r.get(1)?;
                Ok(ReturnNote {
                    quarter: r.get(0)?,
                    kind: NoteKind::from_id(&kind)
                        .ok_or_else(|| invalid(format!("unknown kind of note {kind:?}")))?,
                    subject: r.get(2)?,
                    note: r.get(3)?,
                    set_by: r.get(4)?,
                    set_at: r.get(5)?,
                })
            },
        )
    }

    fn set_return_note(&self, org_id: i64, note: &ReturnNote) -> Result<(), StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let key = params![org_id, note.quarter, note.kind.id(), note.subject];
        if note.note.is_empty() {
            conn.execute(
                "DELETE FROM agency_return_notes WHERE org_id = ?1 AND quarter = ?2 AND kind = ?3 AND subject = ?4",
                key,
            )
        } else {
            conn.execute(
                "INSERT INTO agency_return_notes (org_id, quarter, kind, subject, note, set_by, set_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (org_id, quarter, kind, subject) DO UPDATE SET note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at",
                params![org_id, note.quarter, note.kind.id(), note.subject, note.note, note.set_by, note.set_at],
            )
        }
        .map_err(backend)?;
        Ok(())
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
