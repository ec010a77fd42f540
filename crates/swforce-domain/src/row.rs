//! A published row: one geography, one year, one breakdown, its cells by measure.

use crate::{Cell, Dataset, GeographyCode, Measure, Year};
use std::collections::BTreeMap;

/// Cells of one published row, keyed by canonical measure name, in stored units (a percentage
/// is held as a fraction). A measure the release did not publish has no entry at all, which is
/// different from a cell holding a symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub dataset: Dataset,
    pub geography: GeographyCode,
    pub year: Year,
    /// The breakdown value (`OrgRole` for role by ethnicity); empty when the dataset has none.
    pub breakdown: String,
    pub cells: BTreeMap<&'static str, Cell<f64>>,
}

impl Row {
    pub fn new(dataset: Dataset, geography: GeographyCode, year: Year, breakdown: &str) -> Self {
        Self {
            dataset,
            geography,
            year,
            breakdown: breakdown.to_string(),
            cells: BTreeMap::new(),
        }
    }

    /// The cell for a canonical measure name, if the release published it.
    pub fn cell(&self, measure: &str) -> Option<Cell<f64>> {
        self.cells.get(measure).copied()
    }

    /// The value for a measure, if published and not suppressed.
    pub fn value(&self, measure: &str) -> Option<f64> {
        self.cell(measure).and_then(|c| c.value())
    }

    /// Sets a cell; the measure must belong to the row's dataset.
    pub fn set(&mut self, measure: &'static Measure, cell: Cell<f64>) {
        debug_assert_eq!(measure.dataset, self.dataset);
        self.cells.insert(measure.name, cell);
    }
}
