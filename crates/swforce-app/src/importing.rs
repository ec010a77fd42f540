//! Importing published files, one or the shipped demo set.

use crate::{App, AppError};
use serde::Serialize;
use std::io::Read;
use swforce_domain::Dataset;
use swforce_import::{Diagnostic, read_ees_csv_against};
use swforce_store::{ImportOutcome, Provenance};

/// The published files shipped in the binary as demo data, as `(file name, bytes)`.
pub const DEMO_FILES: &[(&str, &[u8])] = &[
    (
        "csww_headline_measures_2017_to_2022.csv",
        include_bytes!("../data/csww_headline_measures_2017_to_2022.csv"),
    ),
    (
        "csww_role_by_ethnicity_2019_to_2022.csv",
        include_bytes!("../data/csww_role_by_ethnicity_2019_to_2022.csv"),
    ),
    (
        "children_in_need_2013_to_2022.csv",
        include_bytes!("../data/children_in_need_2013_to_2022.csv"),
    ),
    (
        "referrals_2013_to_2022.csv",
        include_bytes!("../data/referrals_2013_to_2022.csv"),
    ),
    (
        "ons_population_children_2012_to_2022.csv",
        include_bytes!("../data/ons_population_children_2012_to_2022.csv"),
    ),
    // The neighbour tables name authorities by DfE code: they come after the files that put
    // the authorities on record.
    (
        "statistical_neighbours_2021.csv",
        include_bytes!("../data/statistical_neighbours_2021.csv"),
    ),
    (
        "statistical_neighbours_2025.csv",
        include_bytes!("../data/statistical_neighbours_2025.csv"),
    ),
];

/// What importing one file did, for a summary line or an API answer.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub dataset: Dataset,
    pub dataset_title: &'static str,
    pub rows: usize,
    pub first_year: u16,
    pub last_year: u16,
    pub geographies: usize,
    pub warnings: Vec<Diagnostic>,
    #[serde(flatten)]
    pub outcome: ImportOutcome,
}

impl ImportReport {
    /// Whether the file was already on record, so nothing changed.
    pub fn already_imported(&self) -> bool {
        matches!(self.outcome, ImportOutcome::AlreadyImported { .. })
    }
}

impl App {
    /// Imports a file for a person who may import statistics (or the command line's operator),
    /// with its audit line written in the import's own transaction: both or neither.
    pub fn import_file_as(
        &self,
        who: &crate::access::Principal,
        file_name: &str,
        reader: impl Read,
        origin: &crate::access::Origin,
    ) -> Result<ImportReport, AppError> {
        who.require(swforce_domain::access::Permission::ImportStatistics)?;
        let line = |outcome: &ImportOutcome| {
            let what = match outcome {
                ImportOutcome::AlreadyImported { .. } => "already on record",
                ImportOutcome::Imported { .. } => "imported",
            };
            crate::access::audit_line(Some(who), "import_statistics", file_name, what, origin)
        };
        let report = self.import_file_audited(file_name, reader, Some(&line))?;
        // Where answers are being made from the statistics (a server), the new ones are built
        // now: the person who imported sees their figures on the next page, not a moment later.
        if self.answering_generation().is_some() {
            self.snapshot()?;
        }
        Ok(report)
    }

    /// Reads and stores one file, all or nothing. The same bytes a second time change nothing.
    pub fn import_file(
        &self,
        file_name: &str,
        reader: impl Read,
    ) -> Result<ImportReport, AppError> {
        self.import_file_audited(file_name, reader, None)
    }

    fn import_file_audited(
        &self,
        file_name: &str,
        reader: impl Read,
        audit: Option<swforce_store::AuditOf<'_, ImportOutcome>>,
    ) -> Result<ImportReport, AppError> {
        let known = self.store.geographies()?;
        let parsed = read_ees_csv_against(file_name, reader, &known)?;
        let this_year = crate::agency::today().year();
        if parsed.dataset == Dataset::StatisticalNeighbours
            && i32::from(parsed.first_year.get()) > this_year
        {
            return Err(AppError::Invalid {
                problem: format!(
                    "{file_name}: its name says a statistical neighbour model of {}, a year still to come",
                    parsed.first_year
                ),
                fix: "name the file with the year of the model, as published: statistical_neighbours_2025.csv".into(),
            });
        }
        // A neighbour table's rows are the authorities it lists (it also records the others as
        // not in the model).
        let rows = if parsed.dataset == Dataset::StatisticalNeighbours {
            parsed
                .rows
                .iter()
                .filter(|r| {
                    r.value(swforce_domain::measure::neighbour_measure(1))
                        .is_some()
                })
                .count()
        } else {
            parsed.rows.len()
        };
        let provenance = Provenance {
            file_name: parsed.file.clone(),
            sha256: parsed.sha256.clone(),
            bytes: parsed.bytes,
            dataset: parsed.dataset,
            publisher: parsed.dataset.publisher().to_string(),
            release: if parsed.dataset == Dataset::StatisticalNeighbours {
                format!("{}, {} model", parsed.dataset.title(), parsed.first_year)
            } else {
                format!(
                    "{}, {} to {}",
                    parsed.dataset.title(),
                    parsed.first_year,
                    parsed.last_year
                )
            },
            first_year: parsed.first_year,
            last_year: parsed.last_year,
            rows: rows as u64,
            warnings: parsed.warnings.iter().map(ToString::to_string).collect(),
            renamed: parsed
                .renamed
                .iter()
                .map(|m| (m.column.clone(), m.measure.to_string()))
                .collect(),
            imported_at: jiff::Timestamp::now()
                .round(jiff::Unit::Second)
                .unwrap_or_else(|_| jiff::Timestamp::now())
                .to_string(),
        };
        let outcome = self.store().import_batch_audited(
            &provenance,
            &parsed.geographies,
            &parsed.rows,
            audit,
        )?;
        tracing::debug!(file = file_name, dataset = %parsed.dataset, rows = parsed.rows.len(), "import finished");
        Ok(ImportReport {
            file: parsed.file,
            dataset: parsed.dataset,
            dataset_title: parsed.dataset.title(),
            rows,
            first_year: parsed.first_year.get(),
            last_year: parsed.last_year.get(),
            geographies: parsed.geographies.len(),
            warnings: parsed.warnings,
            outcome,
        })
    }

    /// Imports the shipped published files (each a no-op if already on record).
    /// On the audit log as "swforce" (the system), in each import's own transaction.
    pub fn load_demo(&self) -> Result<Vec<ImportReport>, AppError> {
        DEMO_FILES
            .iter()
            .map(|(name, bytes)| {
                let line = |outcome: &ImportOutcome| {
                    let what = match outcome {
                        ImportOutcome::AlreadyImported { .. } => "already on record",
                        ImportOutcome::Imported { .. } => "imported (shipped with swforce)",
                    };
                    let mut line = crate::access::audit_line(
                        None,
                        "import_statistics",
                        name,
                        what,
                        &crate::access::Origin::default(),
                    );
                    line.actor = "swforce".into();
                    line
                };
                self.import_file_audited(name, *bytes, Some(&line))
            })
            .collect()
    }

    /// Loads the demo data when nothing has been imported yet; `true` if this call imported it
    /// (of several servers starting together on one database, only one does).
    pub fn load_demo_if_empty(&self) -> Result<bool, AppError> {
        if self.store().generation()? == 0 {
            Ok(self.load_demo()?.iter().any(|r| !r.already_imported()))
        } else {
            Ok(false)
        }
    }
}
