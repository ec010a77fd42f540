//! The employer standards health check as stored: each organisation's rounds, the tickets that
//! stop anyone answering twice (an invitation link's digest, or a member of the organisation),
//! and the responses, which name nobody.

use crate::{AuditEvent, StoreError};
use serde::{Deserialize, Serialize};
use swforce_domain::healthcheck::{OrgAnswer, PractitionerRole, Response};

/// A health check round an organisation runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Round {
    /// 0 until stored.
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    /// The question set's version.
    pub version: String,
    /// Who it asks.
    pub audience: Vec<PractitionerRole>,
    /// The organisation's own agreement statements (at most ten).
    pub own_questions: Vec<String>,
    /// When it opened (RFC 3339, UTC).
    pub opened_at: String,
    /// The last day it takes answers (YYYY-MM-DD).
    pub closes_on: String,
    /// When it closed and its results were published; `None` while open.
    pub closed_at: Option<String>,
    /// Invitation links handed out when it opened (their answers count towards five).
    pub invitations: u32,
    /// Invitation links handed out later (answers count in the figures, not towards five).
    pub late_invitations: u32,
    /// The principal social worker's self-assessment, one per standard.
    pub assessment: Vec<OrgAnswer>,
    /// Whether its results may join its region's and England's benchmarks.
    pub benchmark: bool,
    /// Whether its responses are invented (`swforce healthcheck generate`): opening it marks
    /// the organisation synthetic, so it is labelled so and never joins a benchmark.
    #[serde(default)]
    pub synthetic: bool,
}

impl Round {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

/// Where a person is in answering a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub round_id: i64,
    /// Whether the answers will count towards the five a group needs.
    pub counts: bool,
    /// Answers saved to return to (the app's own encoding), until sent.
    pub draft: Option<String>,
    pub submitted: bool,
}

/// How far a round has got, without saying who.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TicketCounts {
    /// People who have started (saved or sent answers).
    pub started: u64,
    /// Responses sent.
    pub submitted: u64,
}

/// Health check rounds, tickets and responses.
///
/// A ticket is found by its holder key: `code:` and an invitation link's digest, or `user:`,
/// the round's id and a member's id. The response a ticket sends is stored apart from it, with
/// nothing that joins the two: no key, no time, and responses are read back in an order that
/// is not the order they came in.
pub trait HealthCheckStore {
    /// Stores a new round with the digests of its opening invitations and the audit line, in
    /// one transaction; returns it with its id. A synthetic round marks its organisation
    /// synthetic.
    fn open_round(
        &self,
        round: &Round,
        invitations: &[String],
        audit: &AuditEvent,
    ) -> Result<Round, StoreError>;

    /// An organisation's rounds, newest first.
    fn health_rounds(&self, org_id: i64) -> Result<Vec<Round>, StoreError>;

    fn health_round(&self, id: i64) -> Result<Option<Round>, StoreError>;

    /// Every closed round whose organisation opted it in to benchmarks, closed on or after
    /// `since` (RFC 3339), oldest first.
    fn benchmark_rounds(&self, since: &str) -> Result<Vec<Round>, StoreError>;

    /// Replaces a round's assessment and benchmark choice (nothing else), with its audit line.
    fn update_round(&self, round: &Round, audit: &AuditEvent) -> Result<(), StoreError>;

    /// Hands out more invitations for an open round; `false` (nothing written) when it is
    /// closed.
    fn add_invitations(
        &self,
        round_id: i64,
        digests: &[String],
        audit: &AuditEvent,
    ) -> Result<bool, StoreError>;

    /// Closes a round at `at`; `false` when it was already closed. Drafts not sent are deleted.
    fn close_round(&self, round_id: i64, at: &str, audit: &AuditEvent) -> Result<bool, StoreError>;

    fn ticket(&self, holder: &str) -> Result<Option<Ticket>, StoreError>;

    /// A member's ticket for a round, made (with `counts`) if they have none.
    fn member_ticket(
        &self,
        holder: &str,
        round_id: i64,
        counts: bool,
    ) -> Result<Ticket, StoreError>;

    /// Keeps a draft on a ticket not yet sent, while its round is open; `false` otherwise.
    fn save_health_draft(&self, holder: &str, draft: &str) -> Result<bool, StoreError>;

    /// Sends a ticket's response: marks the ticket sent (its draft gone) and stores the
    /// response, in one transaction, while its round is open; `false` (nothing written) when
    /// the ticket was already sent, is unknown or its round has closed.
    fn submit_health_response(&self, holder: &str, response: &Response)
    -> Result<bool, StoreError>;

    /// A round's responses, in an order that does not follow when they were sent.
    fn health_responses(&self, round_id: i64) -> Result<Vec<Response>, StoreError>;

    fn ticket_counts(&self, round_id: i64) -> Result<TicketCounts, StoreError>;
}
