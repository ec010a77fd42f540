//! The published statistics as stored: imports with their provenance, the figures of every
//! release, and which release's figure is in use for each cell.

use crate::{AuditOf, StoreError};
use serde::{Deserialize, Serialize};
use swforce_domain::{Cell, Dataset, Geography, GeographyCode, Row, Year};

/// Where an import came from, recorded with it for good.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The file's display name, as given by the person importing it.
    pub file_name: String,
    pub sha256: String,
    pub bytes: u64,
    pub dataset: Dataset,
    pub publisher: String,
    /// The release, in words ("Children's social work workforce, 2017 to 2022").
    pub release: String,
    pub first_year: Year,
    pub last_year: Year,
    pub rows: u64,
    /// Warnings found while reading, one line each.
    pub warnings: Vec<String>,
    /// Older column names read as canonical measures: `(column, measure)`.
    pub renamed: Vec<(String, String)>,
    /// When the import was made, RFC 3339 in UTC.
    pub imported_at: String,
}

/// A connection pool's use at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Connections {
    /// Connections open, idle or in use.
    pub open: usize,
    /// Connections lent to a request now.
    pub in_use: usize,
    /// Callers waiting for a connection.
    pub waiting: usize,
    /// The most the pool opens.
    pub max: usize,
}

/// An import on record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRecord {
    pub id: i64,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// New data stored.
    Imported {
        import: ImportRecord,
        /// Cells stored.
        cells: u64,
        /// Cells of earlier releases that this release replaced (they stay as vintages).
        superseded: u64,
        /// Of those, the cells whose figure or symbol this release changes (a release that
        /// repeats the figures, in another order or layout, replaces without changing).
        changed: u64,
        /// Cells of this release that a later release already on record outranks.
        outranked: u64,
    },
    /// The same bytes were imported before: nothing changed.
    AlreadyImported { import: ImportRecord },
}

/// One release's figure for a cell, with whether it is the one in use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vintage {
    pub year: Year,
    pub breakdown: String,
    pub cell: Cell<f64>,
    pub current: bool,
    pub import_id: i64,
    pub release: String,
    pub file_name: String,
}

/// The published statistics: imports with their provenance, every release's figures, and the
/// figures in use.
///
/// Releases overlap and revise earlier years: when two imports cover the same cell, the one
/// whose release reaches the later year wins (ties go to the later import), and the other is
/// kept as a vintage.
pub trait StatisticsStore {
    /// Stores one parsed file, all or nothing. A file whose SHA-256 is already on record
    /// changes nothing and says so.
    fn import_batch(
        &self,
        provenance: &Provenance,
        geographies: &[Geography],
        rows: &[Row],
    ) -> Result<ImportOutcome, StoreError> {
        self.import_batch_audited(provenance, geographies, rows, None)
    }

    /// [`StatisticsStore::import_batch`], with the audit line of what it did written in the
    /// same transaction (also when the file was already on record).
    fn import_batch_audited(
        &self,
        provenance: &Provenance,
        geographies: &[Geography],
        rows: &[Row],
        audit: Option<AuditOf<'_, ImportOutcome>>,
    ) -> Result<ImportOutcome, StoreError>;

    /// The version of the database schema: the last migration applied.
    fn schema_version(&self) -> Result<i64, StoreError>;

    /// How the store's database connections are used now, for an operator's metrics: `None`
    /// for a store that keeps no pool (SQLite, with its one writer).
    fn connections(&self) -> Option<Connections> {
        None
    }

    /// Which database this is, for an operator's logs: its kind and where it is, never a
    /// password.
    fn location(&self) -> String {
        "the database".into()
    }

    /// The last migration this program knows (what `schema_version` is once it has migrated
    /// the database), without asking the database.
    fn known_schema_version(&self) -> i64;

    /// Every import, newest first.
    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError>;

    /// A number that changes whenever the statistics change (0 when none are stored), so
    /// readers can cache what they derive from them.
    fn generation(&self) -> Result<i64, StoreError>;

    /// Every geography named by any import.
    fn geographies(&self) -> Result<Vec<Geography>, StoreError>;

    /// The figures in use for one dataset: for every cell, the winning release's.
    fn current_rows(&self, dataset: Dataset) -> Result<Vec<Row>, StoreError>;

    /// Every release's figure for one measure of one geography, oldest year first.
    fn vintages(
        &self,
        geography: &GeographyCode,
        measure: &str,
    ) -> Result<Vec<Vintage>, StoreError>;
}
