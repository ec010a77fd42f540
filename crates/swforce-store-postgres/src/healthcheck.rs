//! Health check rounds, tickets and responses on PostgreSQL (`HealthCheckStore`).

use crate::access::insert_audit;
use crate::db::Client;
use crate::{PostgresStore, backend, get, invalid, to_json};
use swforce_domain::healthcheck::Response;
use swforce_store::{AuditEvent, HealthCheckStore, Round, StoreError, Ticket, TicketCounts};

impl PostgresStore {
    /// Runs `f` and then writes `audit`, in one transaction.
    fn write_audited<T>(
        &self,
        audit: Option<&AuditEvent>,
        f: impl FnOnce(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.with(|conn| {
            let mut tx = conn.client.transaction().map_err(backend)?;
            let value = f(&mut tx)?;
            if let Some(audit) = audit {
                insert_audit(&mut tx, audit)?;
            }
            tx.commit().map_err(backend)?;
            Ok(value)
        })
    }
}

impl HealthCheckStore for PostgresStore {
    fn open_round(
        &self,
        round: &Round,
        invitations: &[String],
        audit: &AuditEvent,
    ) -> Result<Round, StoreError> {
        let body = to_json(&Round {
            id: 0,
            ..round.clone()
        })?;
        self.write_audited(Some(audit), |tx| {
            let id: i64 = tx
                .query_one(
                    "INSERT INTO healthcheck_rounds (org_id, body, opened_at, closed_at, benchmark) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[&round.org_id, &body, &round.opened_at, &round.closed_at, &round.benchmark],
                )
                .map_err(backend)?
                .get(0);
            insert_codes(tx, id, invitations, true)?;
            if round.synthetic {
                tx.execute("UPDATE organisations SET synthetic = TRUE WHERE id = $1", &[&round.org_id])
                    .map_err(backend)?;
            }
            Ok(Round {
                id,
                ..round.clone()
            })
        })
    }

    fn health_rounds(&self, org_id: i64) -> Result<Vec<Round>, StoreError> {
        self.select(
            &format!(
                "SELECT {ROUND_COLUMNS} FROM healthcheck_rounds WHERE org_id = $1 ORDER BY id DESC"
            ),
            &[&org_id],
            round_from,
        )
    }

    fn health_round(&self, id: i64) -> Result<Option<Round>, StoreError> {
        self.select_one(
            &format!("SELECT {ROUND_COLUMNS} FROM healthcheck_rounds WHERE id = $1"),
            &[&id],
            round_from,
        )
    }

    fn benchmark_rounds(&self, since: &str) -> Result<Vec<Round>, StoreError> {
        self.select(
            &format!(
                "SELECT {ROUND_COLUMNS} FROM healthcheck_rounds
                 WHERE benchmark AND closed_at IS NOT NULL AND closed_at >= $1 ORDER BY closed_at, id"
            ),
            &[&since],
            round_from,
        )
    }

    fn update_round(&self, round: &Round, audit: &AuditEvent) -> Result<(), StoreError> {
        self.write_audited(Some(audit), |tx| {
            let stored = tx
                .query_opt(
                    &format!(
                        "SELECT {ROUND_COLUMNS} FROM healthcheck_rounds WHERE id = $1 FOR UPDATE"
                    ),
                    &[&round.id],
                )
                .map_err(backend)?
                .as_ref()
                .map(round_from)
                .transpose()?
                .ok_or_else(|| StoreError::Conflict("that round is not on record".into()))?;
            let body = to_json(&Round {
                id: 0,
                closed_at: None,
                assessment: round.assessment.clone(),
                benchmark: round.benchmark,
                ..stored
            })?;
            tx.execute(
                "UPDATE healthcheck_rounds SET body = $2, benchmark = $3 WHERE id = $1",
                &[&round.id, &body, &round.benchmark],
            )
            .map_err(backend)?;
            Ok(())
        })
    }

    fn add_invitations(
        &self,
        round_id: i64,
        digests: &[String],
        audit: &AuditEvent,
    ) -> Result<bool, StoreError> {
        self.write_audited(None, |tx| {
            let Some(round) = tx
                .query_opt(
                    &format!("SELECT {ROUND_COLUMNS} FROM healthcheck_rounds WHERE id = $1 AND closed_at IS NULL FOR UPDATE"),
                    &[&round_id],
                )
                .map_err(backend)?
                .as_ref()
                .map(round_from)
                .transpose()?
            else {
                return Ok(false);
            };
            insert_codes(tx, round_id, digests, false)?;
            let body = to_json(&Round {
                id: 0,
                late_invitations: round.late_invitations + digests.len() as u32,
                ..round
            })?;
            tx.execute(
                "UPDATE healthcheck_rounds SET body = $2 WHERE id = $1",
                &[&round_id, &body],
            )
            .map_err(backend)?;
            insert_audit(tx, audit)?;
            Ok(true)
        })
    }

    fn close_round(&self, round_id: i64, at: &str, audit: &AuditEvent) -> Result<bool, StoreError> {
        self.write_audited(None, |tx| {
            let closed = tx
                .execute(
                    "UPDATE healthcheck_rounds SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL",
                    &[&round_id, &at],
                )
                .map_err(backend)?;
            if closed == 0 {
                return Ok(false);
            }
            tx.execute(
                "UPDATE healthcheck_tickets SET draft = NULL WHERE round_id = $1",
                &[&round_id],
            )
            .map_err(backend)?;
            insert_audit(tx, audit)?;
            Ok(true)
        })
    }

    fn ticket(&self, holder: &str) -> Result<Option<Ticket>, StoreError> {
        self.select_one(
            "SELECT round_id, counts, draft, submitted FROM healthcheck_tickets WHERE holder = $1",
            &[&holder],
            ticket_from,
        )
    }

    fn member_ticket(
        &self,
        holder: &str,
        round_id: i64,
        counts: bool,
    ) -> Result<Ticket, StoreError> {
        self.write_audited(None, |tx| {
            tx.execute(
                "INSERT INTO healthcheck_tickets (holder, round_id, counts) VALUES ($1, $2, $3) ON CONFLICT (holder) DO NOTHING",
                &[&holder, &round_id, &counts],
            )
            .map_err(backend)?;
            ticket_from(
                &tx.query_one(
                    "SELECT round_id, counts, draft, submitted FROM healthcheck_tickets WHERE holder = $1",
                    &[&holder],
                )
                .map_err(backend)?,
            )
        })
    }

    fn save_health_draft(&self, holder: &str, draft: &str) -> Result<bool, StoreError> {
        self.write_audited(None, |tx| {
            let n = tx
                .execute(
                    "UPDATE healthcheck_tickets SET draft = $2 WHERE holder = $1 AND NOT submitted
                     AND round_id IN (SELECT id FROM healthcheck_rounds WHERE closed_at IS NULL)",
                    &[&holder, &draft],
                )
                .map_err(backend)?;
            Ok(n == 1)
        })
    }

    fn submit_health_response(
        &self,
        holder: &str,
        response: &Response,
    ) -> Result<bool, StoreError> {
        let body = to_json(response)?;
        self.write_audited(None, |tx| {
            let Some(row) = tx
                .query_opt(
                    "UPDATE healthcheck_tickets SET submitted = TRUE, draft = NULL WHERE holder = $1 AND NOT submitted
                     AND round_id IN (SELECT id FROM healthcheck_rounds WHERE closed_at IS NULL)
                     RETURNING round_id",
                    &[&holder],
                )
                .map_err(backend)?
            else {
                return Ok(false);
            };
            let round: i64 = get(&row, 0)?;
            tx.execute(
                "INSERT INTO healthcheck_responses (round_id, body) VALUES ($1, $2)",
                &[&round, &body],
            )
            .map_err(backend)?;
            Ok(true)
        })
    }

    fn health_responses(&self, round_id: i64) -> Result<Vec<Response>, StoreError> {
        self.select(
            "SELECT body FROM healthcheck_responses WHERE round_id = $1 ORDER BY body",
            &[&round_id],
            |r| {
                let body: String = get(r, 0)?;
                serde_json::from_str(&body).map_err(|e| invalid(format!("a stored response: {e}")))
            },
        )
    }

    fn ticket_counts(&self, round_id: i64) -> Result<TicketCounts, StoreError> {
        let row = self.with(|c| {
            c.query_one(
                "SELECT COUNT(*) FILTER (WHERE draft IS NOT NULL OR submitted), COUNT(*) FILTER (WHERE submitted)
                 FROM healthcheck_tickets WHERE round_id = $1",
                &[&round_id],
            )
            .map_err(backend)
        })?;
        let (started, submitted): (i64, i64) = (get(&row, 0)?, get(&row, 1)?);
        Ok(TicketCounts {
            started: started as u64,
            submitted: submitted as u64,
        })
    }
}

fn insert_codes(
    tx: &mut Client,
    round_id: i64,
    digests: &[String],
    counts: bool,
) -> Result<(), StoreError> {
    let holders: Vec<String> = digests.iter().map(|d| format!("code:{d}")).collect();
    tx.execute(
        "INSERT INTO healthcheck_tickets (holder, round_id, counts) SELECT h, $2, $3 FROM UNNEST($1::TEXT[]) AS h",
        &[&holders, &round_id, &counts],
    )
    .map_err(|e| match backend(e) {
        StoreError::Backend(_) => StoreError::Conflict("an invitation code was made twice".into()),
        other => other,
    })?;
    Ok(())
}

const ROUND_COLUMNS: &str = "id, body, closed_at";

fn round_from(r: &tokio_postgres::Row) -> Result<Round, StoreError> {
    let body: String = get(r, 1)?;
    let round: Round =
        serde_json::from_str(&body).map_err(|e| invalid(format!("a stored round: {e}")))?;
    Ok(Round {
        id: get(r, 0)?,
        closed_at: get(r, 2)?,
        ..round
    })
}

fn ticket_from(r: &tokio_postgres::Row) -> Result<Ticket, StoreError> {
    Ok(Ticket {
        round_id: get(r, 0)?,
        counts: get(r, 1)?,
        draft: get(r, 2)?,
        submitted: get(r, 3)?,
    })
}
