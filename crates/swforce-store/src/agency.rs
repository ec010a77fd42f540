//! What the store keeps about agency engagements, regional price caps and the permanent cost
//! an organisation compares agency charges with.

use serde::{Deserialize, Serialize};
use swforce_domain::agency::{Engagement, PriceCap};

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
