//! Health check rounds, tickets and responses on SQLite (`HealthCheckStore`).

use crate::access::insert_audit;
use crate::{SqliteStore, backend, invalid, to_json};
use rusqlite::{OptionalExtension, params};
use swforce_domain::healthcheck::Response;
use swforce_store::{AuditEvent, HealthCheckStore, Round, StoreError, Ticket, TicketCounts};

impl SqliteStore {
    /// Runs `f` and then writes `audit`, in one immediate transaction.
    fn write_audited<T>(
        &self,
        audit: Option<&AuditEvent>,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let value = f(&tx)?;
        if let Some(audit) = audit {
            insert_audit(&tx, audit)?;
        }
        tx.commit().map_err(backend)?;
        Ok(value)
    }
}

impl HealthCheckStore for SqliteStore {
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
            tx.execute(
                "INSERT INTO healthcheck_rounds (org_id, body, opened_at, closed_at, benchmark) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![round.org_id, body, round.opened_at, round.closed_at, round.benchmark],
            )
            .map_err(backend)?;
            let id = tx.last_insert_rowid();
            insert_codes(tx, id, invitations, true)?;
            if round.synthetic {
                tx.execute("UPDATE organisations SET synthetic = TRUE WHERE id = ?1", [round.org_id])
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
                "SELECT {ROUND_COLUMNS} FROM healthcheck_rounds WHERE org_id = ?1 ORDER BY id DESC"
            ),
            [org_id],
            round_from,
        )
    }

    fn health_round(&self, id: i64) -> Result<Option<Round>, StoreError> {
        self.select_one(
            &format!("SELECT {ROUND_COLUMNS} FROM healthcheck_rounds WHERE id = ?1"),
            [id],
            round_from,
        )
    }

    fn benchmark_rounds(&self, since: &str) -> Result<Vec<Round>, StoreError> {
        self.select(
            &format!(
                "SELECT {ROUND_COLUMNS} FROM healthcheck_rounds
                 WHERE benchmark = 1 AND closed_at IS NOT NULL AND closed_at >= ?1 ORDER BY closed_at, id"
            ),
            [since],
            round_from,
        )
    }

    fn update_round(&self, round: &Round, audit: &AuditEvent) -> Result<(), StoreError> {
        self.write_audited(Some(audit), |tx| {
            let stored = tx
                .query_row(
                    &format!("SELECT {ROUND_COLUMNS} FROM healthcheck_rounds WHERE id = ?1"),
                    [round.id],
                    round_from,
                )
                .optional()
                .map_err(backend)?
                .ok_or_else(|| StoreError::Conflict("that round is not on record".into()))?;
            let body = to_json(&Round {
                id: 0,
                closed_at: None,
                assessment: round.assessment.clone(),
                benchmark: round.benchmark,
                ..stored
            })?;
            tx.execute(
                "UPDATE healthcheck_rounds SET body = ?2, benchmark = ?3 WHERE id = ?1",
                params![round.id, body, round.benchmark],
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
                .query_row(
                    &format!("SELECT {ROUND_COLUMNS} FROM healthcheck_rounds WHERE id = ?1 AND closed_at IS NULL"),
                    [round_id],
                    round_from,
                )
                .optional()
                .map_err(backend)?
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
                "UPDATE healthcheck_rounds SET body = ?2 WHERE id = ?1",
                params![round_id, body],
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
                    "UPDATE healthcheck_rounds SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL",
                    params![round_id, at],
                )
                .map_err(backend)?;
            if closed == 0 {
                return Ok(false);
            }
            tx.execute(
                "UPDATE healthcheck_tickets SET draft = NULL WHERE round_id = ?1",
                [round_id],
            )
            .map_err(backend)?;
            insert_audit(tx, audit)?;
            Ok(true)
        })
    }

    fn ticket(&self, holder: &str) -> Result<Option<Ticket>, StoreError> {
        self.select_one(
            "SELECT round_id, counts, draft, submitted FROM healthcheck_tickets WHERE holder = ?1",
            [holder],
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
                "INSERT INTO healthcheck_tickets (holder, round_id, counts) VALUES (?1, ?2, ?3) ON CONFLICT (holder) DO NOTHING",
                params![holder, round_id, counts],
            )
            .map_err(backend)?;
            tx.query_row(
                "SELECT round_id, counts, draft, submitted FROM healthcheck_tickets WHERE holder = ?1",
                [holder],
                ticket_from,
            )
            .map_err(backend)
        })
    }

    fn save_health_draft(&self, holder: &str, draft: &str) -> Result<bool, StoreError> {
        self.write_audited(None, |tx| {
            let n = tx
                .execute(
                    "UPDATE healthcheck_tickets SET draft = ?2 WHERE holder = ?1 AND submitted = 0
                     AND round_id IN (SELECT id FROM healthcheck_rounds WHERE closed_at IS NULL)",
                    params![holder, draft],
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
            let round: Option<i64> = tx
                .query_row(
                    "UPDATE healthcheck_tickets SET submitted = 1, draft = NULL WHERE holder = ?1 AND submitted = 0
                     AND round_id IN (SELECT id FROM healthcheck_rounds WHERE closed_at IS NULL)
                     RETURNING round_id",
                    [holder],
                    |r| r.get(0),
                )
                .optional()
                .map_err(backend)?;
            let Some(round) = round else {
                return Ok(false);
            };
            tx.execute(
                "INSERT INTO healthcheck_responses (round_id, body) VALUES (?1, ?2)",
                params![round, body],
            )
            .map_err(backend)?;
            Ok(true)
        })
    }

    fn health_responses(&self, round_id: i64) -> Result<Vec<Response>, StoreError> {
        self.select(
            "SELECT body FROM healthcheck_responses WHERE round_id = ?1 ORDER BY body",
            [round_id],
            |r| {
                let body: String = r.get(0)?;
                serde_json::from_str(&body).map_err(|e| invalid(format!("a stored response: {e}")))
            },
        )
    }

    fn ticket_counts(&self, round_id: i64) -> Result<TicketCounts, StoreError> {
        let (started, submitted): (i64, i64) = self.read(|c| {
            c.query_row(
                "SELECT COUNT(*) FILTER (WHERE draft IS NOT NULL OR submitted = 1), COUNT(*) FILTER (WHERE submitted = 1)
                 FROM healthcheck_tickets WHERE round_id = ?1",
                [round_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })?;
        Ok(TicketCounts {
            started: started as u64,
            submitted: submitted as u64,
        })
    }
}

fn insert_codes(
    tx: &rusqlite::Transaction<'_>,
    round_id: i64,
    digests: &[String],
    counts: bool,
) -> Result<(), StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO healthcheck_tickets (holder, round_id, counts) VALUES (?1, ?2, ?3)",
        )
        .map_err(backend)?;
    for d in digests {
        stmt.execute(params![format!("code:{d}"), round_id, counts])
            .map_err(|_| StoreError::Conflict("an invitation code was made twice".into()))?;
    }
    Ok(())
}

const ROUND_COLUMNS: &str = "id, body, closed_at";

fn round_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Round> {
    let body: String = r.get(1)?;
    let round: Round =
        serde_json::from_str(&body).map_err(|e| invalid(format!("a stored round: {e}")))?;
    Ok(Round {
        id: r.get(0)?,
        closed_at: r.get(2)?,
        ..round
    })
}

fn ticket_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        round_id: r.get(0)?,
        counts: r.get(1)?,
        draft: r.get(2)?,
        submitted: r.get(3)?,
    })
}
