//! Agency engagements, regional price caps and permanent costs on PostgreSQL (`AgencyStore`).

use crate::{PostgresStore, backend, get, invalid, to_json};
use swforce_domain::agency::{Engagement, JobType, Pence, PriceCap};
use swforce_store::{
    AgencyStore, AuditOf, NoteKind, ReturnNote, StoreError, StoredCap, StoredEngagement,
    UpsertOutcome,
};

impl AgencyStore for PostgresStore {
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
            if let Some(audit) = audit {
                crate::access::insert_audit(&mut tx, &audit(&out))?;
            }
            tx.commit().map_err(backend)?;
            Ok(out)
        })
    }

    fn engagements(&self, org_id: i64) -> Result<Vec<StoredEngagement>, StoreError> {
        self.select(&format!("SELECT {ENGAGEMENT_COLUMNS} FROM agency_engagements WHERE org_id = $1 ORDER BY reference"), &[&org_id], engagement_from)
    }

    fn engagement(&self, org_id: i64, id: i64) -> Result<Option<StoredEngagement>, StoreError> {
        self.select_one(
            &format!(
                "SELECT {ENGAGEMENT_COLUMNS} FROM agency_engagements WHERE org_id = $1 AND id = $2"
            ),
            &[&org_id, &id],
            engagement_from,
        )
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
        self.select("SELECT region, job_type, from_date, hourly_pence, set_by, set_at FROM agency_price_caps ORDER BY region, job_type, from_date", &[], |r| {
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
    }

    fn set_price_caps(
        &self,
        caps: &[PriceCap],
        set_by: &str,
        at: &str,
    ) -> Result<UpsertOutcome, StoreError> {
        self.with(|conn| {
            let mut tx = conn.client.transaction().map_err(backend)?;
            let find = tx
                .prepare("SELECT hourly_pence FROM agency_price_caps WHERE region = $1 AND job_type = $2 AND from_date = $3 FOR UPDATE")
                .map_err(backend)?;
            let mut out = UpsertOutcome::default();
            for cap in caps {
                let (job, from) = (cap.job_type.id(), cap.from.to_string());
                let old: Option<i64> = tx
                    .query_opt(&find, &[&cap.region, &job, &from])
                    .map_err(backend)?
                    .map(|r| get(&r, 0))
                    .transpose()?;
                match old {
                    Some(h) if h == cap.hourly.0 => out.unchanged += 1,
                    old => {
                        tx.execute(
                            "INSERT INTO agency_price_caps (region, job_type, from_date, hourly_pence, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)
                             ON CONFLICT (region, job_type, from_date) DO UPDATE SET hourly_pence = excluded.hourly_pence, set_by = excluded.set_by, set_at = excluded.set_at",
                            &[&cap.region, &job, &from, &cap.hourly.0, &set_by, &at],
                        )
                        .map_err(backend)?;
                        if old.is_some() {
                            out.updated += 1;
                        } else {
                            out.added += 1;
                        }
                    }
                }
            }
            tx.commit().map_err(backend)?;
            Ok(out)
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

    fn return_notes(&self, org_id: i64, quarter: &str) -> Result<Vec<ReturnNote>, StoreError> {
        self.select(
            "SELECT quarter, kind, subject, note, set_by, set_at FROM agency_return_notes
             WHERE org_id = $1 AND quarter = $2 ORDER BY kind = 'agency', subject",
            &[&org_id, &quarter],
            |r| {
                let kind: String = get(r, 1)?;
                Ok(ReturnNote {
                    quarter: get(r, 0)?,
                    kind: NoteKind::from_id(&kind)
                        .ok_or_else(|| invalid(format!("unknown kind of note {kind:?}")))?,
                    subject: get(r, 2)?,
                    note: get(r, 3)?,
                    set_by: get(r, 4)?,
                    set_at: get(r, 5)?,
                })
            },
        )
    }

    fn set_return_note(&self, org_id: i64, note: &ReturnNote) -> Result<(), StoreError> {
        self.with(|c| {
            if note.note.is_empty() {
                c.execute(
                    "DELETE FROM agency_return_notes WHERE org_id = $1 AND quarter = $2 AND kind = $3 AND subject = $4",
                    &[&org_id, &note.quarter, &note.kind.id(), &note.subject],
                )
            } else {
                c.execute(
                    "INSERT INTO agency_return_notes (org_id, quarter, kind, subject, note, set_by, set_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (org_id, quarter, kind, subject) DO UPDATE SET note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at",
                    &[&org_id, &note.quarter, &note.kind.id(), &note.subject, &note.note, &note.set_by, &note.set_at],
                )
            }
            .map_err(backend)?;
            Ok(())
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
}

const ENGAGEMENT_COLUMNS: &str = "id, org_id, body, created_at, updated_at";

fn engagement_from(r: &tokio_postgres::Row) -> Result<StoredEngagement, StoreError> {
    let body: String = get(r, 2)?;
    Ok(StoredEngagement {
        id: get(r, 0)?,
        org_id: get(r, 1)?,
        engagement: serde_json::from_str(&body).map_err(|e| invalid(e.to_string()))?,
        created_at: get(r, 3)?,
        updated_at: get(r, 4)?,
    })
}
