//! The `Store` trait: everything swforce keeps, spoken in domain terms, one part per noun, with
//! its error type and (behind the `testing` feature) the conformance suite every backend runs.
//!
//! No SQL and no row types cross this boundary; backends live in their own crates, each part in
//! its own file there too.

pub mod access;
pub mod agency;
pub mod census;
#[cfg(feature = "testing")]
pub mod conformance;
pub mod diary;
pub mod exchange;
pub mod healthcheck;
pub mod scenario;
pub mod statistics;

pub use access::{
    AccessStore, ApiToken, AuditEvent, AuditOf, NewOrganisation, NewUser, OneTimeToken,
    Organisation, REMOVE_SYNTHETIC, Session, SsoConfig, Team, TokenKind, User, UserStatus,
};
pub use agency::{AgencyStore, NoteKind, ReturnNote, StoredCap, StoredEngagement, UpsertOutcome};
pub use census::{CensusOutcome, CensusReturn, CensusStore};
pub use diary::{
    DiaryCategory, DiaryScope, DiaryStore, DiarySums, StoredDiary, SyntheticPerson, WeekSums,
};
pub use exchange::{
    ExamplePage, ExampleQuery, ExampleSort, ExchangeStore, search_entry, search_words, stem,
};
pub use healthcheck::{HealthCheckStore, Round, Ticket, TicketCounts};
pub use scenario::{NewScenario, SavedScenario, ScenarioStore};
pub use statistics::{
    Connections, ImportOutcome, ImportRecord, Provenance, StatisticsStore, Vintage,
};

/// The store's parts, to bring their methods into scope wherever a `Store` is used.
pub mod prelude {
    pub use crate::{
        AccessStore, AgencyStore, CensusStore, DiaryStore, ExchangeStore, HealthCheckStore,
        ScenarioStore, StatisticsStore, Store,
    };
}

/// What a caller may do differently about a storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database is in use by a newer swforce (database schema {found}, this version knows up to {known}); upgrade swforce"
    )]
    NewerSchema { found: i64, known: i64 },
    /// A write that would break a uniqueness rule (an email or name already in use).
    #[error("{0}")]
    Conflict(String),
    /// The database cannot take the call now: busy with another writer, unreachable or out of
    /// time, or its disk is full. Nothing was changed; trying again later may work.
    #[error("{0}")]
    Unavailable(String),
    #[error("storage failure")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

/// Everything swforce stores, one part per noun. One transaction per write; a backend may be
/// shared by threads. The app holds one `Arc<dyn Store>`; bring the parts' methods into scope
/// with `use swforce_store::prelude::*`.
pub trait Store:
    StatisticsStore
    + ScenarioStore
    + CensusStore
    + AccessStore
    + AgencyStore
    + ExchangeStore
    + DiaryStore
    + HealthCheckStore
    + Send
    + Sync
    + std::fmt::Debug
{
}

impl<T> Store for T where
    T: StatisticsStore
        + ScenarioStore
        + CensusStore
        + AccessStore
        + AgencyStore
        + ExchangeStore
        + DiaryStore
        + HealthCheckStore
        + Send
        + Sync
        + std::fmt::Debug
{
}
