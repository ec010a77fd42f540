//! Census returns as stored: one per authority and year, with its worker records (personal
//! data, kept inside the organisation).

use crate::{AuditOf, StoreError};
use serde::{Deserialize, Serialize};
use swforce_domain::census::{CensusHeader, CensusWorker, LaVacancies};

/// A census return on record: which authority and year, from which file (no personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CensusReturn {
    pub id: i64,
    pub la_code: String,
    pub year: i32,
    pub file_name: String,
    pub sha256: String,
    pub workers: u32,
    pub header: CensusHeader,
    pub vacancies: LaVacancies,
    pub imported_at: String,
}

/// What importing a census return did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CensusOutcome {
    /// Stored; `replaced` when it took the place of an earlier return for the same authority
    /// and year.
    Imported {
        census: CensusReturn,
        replaced: bool,
    },
    /// The same file is already the authority's return for the year: nothing changed.
    AlreadyImported { census: CensusReturn },
}

/// Census returns: each authority's return for a year, with its worker records.
pub trait CensusStore {
    /// Stores an authority's census return for a year, all or nothing, in place of any earlier
    /// one; the same file again changes nothing. `census.id` is ignored.
    fn import_census(
        &self,
        census: &CensusReturn,
        workers: &[CensusWorker],
    ) -> Result<CensusOutcome, StoreError> {
        self.import_census_audited(census, workers, None)
    }

    /// [`CensusStore::import_census`], with the audit line of what it did written in the same
    /// transaction (also when the return was already on record).
    fn import_census_audited(
        &self,
        census: &CensusReturn,
        workers: &[CensusWorker],
        audit: Option<AuditOf<'_, CensusOutcome>>,
    ) -> Result<CensusOutcome, StoreError>;

    /// Census returns on record (without their worker records), newest first.
    fn census_returns(&self) -> Result<Vec<CensusReturn>, StoreError>;

    /// One authority's return for a year, with its worker records (personal data).
    fn census_return(
        &self,
        la_code: &str,
        year: i32,
    ) -> Result<Option<(CensusReturn, Vec<CensusWorker>)>, StoreError>;
}
