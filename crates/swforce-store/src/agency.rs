//! What the store keeps about agency engagements, regional price caps and the permanent cost
//! an organisation compares agency charges with.

use crate::{AuditOf, StoreError};
use serde::{Deserialize, Serialize};
use swforce_domain::agency::{Engagement, JobType, Pence, PriceCap};

/// An engagement on record for an organisation (the council that engages the worker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEngagement {
    pub id: i64,
    pub org_id: i64,
    pub engagement: Engagement,
    pub created_at: String,
    pub updated_at: String,
}

/// What storing a batch of engagements did: each is matched by its reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpsertOutcome {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A price cap with who set it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCap {
    pub cap: PriceCap,
    pub set_by: String,
    pub set_at: String,
}

/// What a council's note in its quarterly return is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Why the council did not comply with a rule (the subject is the rule's id).
    Explanation,
    /// How an agency's behaviour affected compliance (the subject is the agency's name).
    Agency,
}

impl NoteKind {
    pub fn id(self) -> &'static str {
        match self {
            Self::Explanation => "explanation",
            Self::Agency => "agency",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        [Self::Explanation, Self::Agency]
            .into_iter()
            .find(|k| k.id() == id)
    }
}

/// A council's note for one quarter's return, with who wrote it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnNote {
    /// The quarter, such as `2025Q1`.
    pub quarter: String,
    pub kind: NoteKind,
    pub subject: String,
    pub note: String,
    pub set_by: String,
    pub set_at: String,
}

/// Agency engagements, regional price caps and permanent costs.
pub trait AgencyStore {
    /// Stores engagements for an organisation in one transaction, each matched by its
    /// reference: new ones are added, changed ones replaced, the same ones left alone.
    fn upsert_engagements(
        &self,
        org_id: i64,
        engagements: &[Engagement],
        at: &str,
    ) -> Result<UpsertOutcome, StoreError> {
        self.upsert_engagements_audited(org_id, engagements, at, None)
    }

    /// [`AgencyStore::upsert_engagements`], with the audit line of what it did written in the
    /// same transaction: both are kept, or neither.
    fn upsert_engagements_audited(
        &self,
        org_id: i64,
        engagements: &[Engagement],
        at: &str,
        audit: Option<AuditOf<'_, UpsertOutcome>>,
    ) -> Result<UpsertOutcome, StoreError>;

    /// An organisation's engagements, by reference.
    fn engagements(&self, org_id: i64) -> Result<Vec<StoredEngagement>, StoreError>;
    fn engagement(&self, org_id: i64, id: i64) -> Result<Option<StoredEngagement>, StoreError>;

    /// `false` when the organisation has no such engagement.
    fn delete_engagement(&self, org_id: i64, id: i64) -> Result<bool, StoreError>;

    /// Every price cap, by region, job type and date.
    fn price_caps(&self) -> Result<Vec<StoredCap>, StoreError>;

    /// Sets caps in one transaction, each for a region and job type from a date (replacing one
    /// from the same date): all or nothing. A cap already on record at the same amount is left
    /// alone, with who set it and when.
    fn set_price_caps(
        &self,
        caps: &[PriceCap],
        set_by: &str,
        at: &str,
    ) -> Result<UpsertOutcome, StoreError>;
    fn delete_price_cap(
        &self,
        region: &str,
        job: JobType,
        from: swforce_domain::Date,
    ) -> Result<bool, StoreError>;

    /// What a permanent worker costs the organisation an hour, by job type.
    fn permanent_costs(&self, org_id: i64) -> Result<Vec<(JobType, Pence)>, StoreError>;

    /// An organisation's notes for a quarter's return, by kind and subject.
    fn return_notes(&self, org_id: i64, quarter: &str) -> Result<Vec<ReturnNote>, StoreError>;

    /// Sets a note (replacing one of the same quarter, kind and subject), or with an empty
    /// note removes it.
    fn set_return_note(&self, org_id: i64, note: &ReturnNote) -> Result<(), StoreError>;

    /// Sets (or with `None` clears) one job type's permanent hourly cost.
    fn set_permanent_cost(
        &self,
        org_id: i64,
        job: JobType,
        hourly: Option<Pence>,
    ) -> Result<(), StoreError>;
}
