//! The canonical workforce indicators of one place, year by year: what the CLI prints and the
//! API returns.

use crate::display::origin_note_of;
use crate::{AppError, Snapshot};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::borrow::Cow;
use swforce_domain::number::round_half_away;
use swforce_domain::{Cell, Dataset, Geography, Measure, Row, Year};
use swforce_stats::compute;

/// One place and year: every canonical measure in published units (a rate as a percentage,
/// 17.1), and, where swforce's own computation from the counts differs at the published
/// precision, the computed figure beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub geography_code: String,
    pub geography_name: String,
    pub geographic_level: &'static str,
    pub year: Year,
    /// In canonical order; `None` when the release did not publish the measure.
    pub values: Vec<(&'static Measure, Option<Cell<f64>>)>,
    /// Derived measures whose computed value differs from the published one (or fills a gap).
    pub computed: Vec<(&'static Measure, f64)>,
    /// Figures of the year to check before relying on them, and why (see `quality`).
    pub checks: Vec<(&'static Measure, crate::Check)>,
    /// Where the year's figures come from when they are not the place's own published row:
    /// "before the reorganisation: ...", "published under ... alone", "the sum of ...".
    pub source: Option<String>,
}

/// A published-units number rounded as the publisher rounds it.
pub fn published_number(measure: &Measure, stored: f64) -> f64 {
    round_half_away(measure.unit.to_published(stored), measure.unit.decimals())
}

/// The same number as JSON: a whole number for counts (94, not 94.0), a decimal otherwise.
pub fn published_json(measure: &Measure, stored: f64) -> serde_json::Value {
    let n = published_number(measure, stored);
    if measure.unit.decimals() == 0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Value::from(n)
    }
}

impl Serialize for IndicatorRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.values.len() + 7))?;
        map.serialize_entry("geography_code", &self.geography_code)?;
        map.serialize_entry("geography_name", &self.geography_name)?;
        map.serialize_entry("geographic_level", self.geographic_level)?;
        map.serialize_entry("year", &self.year.get())?;
        for (measure, cell) in &self.values {
            match cell {
                Some(Cell::Value(v)) => {
                    map.serialize_entry(measure.name, &published_json(measure, *v))?
                }
                Some(Cell::Symbol(sym)) => map.serialize_entry(measure.name, sym.as_str())?,
                None => map.serialize_entry(measure.name, &())?,
            }
        }
        let computed: serde_json::Map<String, serde_json::Value> = self
            .computed
            .iter()
            .map(|(m, v)| (m.name.to_string(), published_json(m, *v)))
            .collect();
        map.serialize_entry("computed", &computed)?;
        let checks: serde_json::Map<String, serde_json::Value> = self
            .checks
            .iter()
            .map(|(m, c)| {
                (
                    m.name.to_string(),
                    serde_json::json!({ "rule": c.rule, "reason": c.reason }),
                )
            })
            .collect();
        map.serialize_entry("checks", &checks)?;
        map.serialize_entry("source", &self.source)?;
        map.end()
    }
}

impl Snapshot {
    /// The canonical workforce indicators of `place` for every published year, or one year.
    pub fn indicators(
        &self,
        place: &Geography,
        year: Option<Year>,
    ) -> Result<Vec<IndicatorRow>, AppError> {
        let dataset = Dataset::CswwHeadline;
        if let Some(y) = year {
            if !self.years(dataset).contains(&y) {
                let years = self.years(dataset);
                return Err(AppError::Invalid {
                    problem: format!("there are no workforce figures for {y}"),
                    fix: match (years.first(), years.last()) {
                        (Some(a), Some(b)) => format!("choose a year from {a} to {b}"),
                        _ => "import the workforce statistics first (swforce demo)".into(),
                    },
                });
            }
        }
        // The place's own rows, or what stands in for them (a unit's member reporting for
        // both, a merged authority's predecessors), as its pages show them.
        let rows: Vec<(Cow<'_, Row>, Option<String>)> = self
            .years(dataset)
            .into_iter()
            .filter(|y| year.is_none_or(|want| want == *y))
            .filter(|y| !self.belongs_to_unit(dataset, &place.code, "", *y))
            .filter_map(|y| match self.row(dataset, &place.code, "", y) {
                Some(row) => Some((Cow::Borrowed(row), None)),
                None => self
                    .stand_in_row(dataset, &place.code, "", y)
                    .map(|(row, origin)| (Cow::Owned(row), origin_note_of(&origin))),
            })
            .collect();
        Ok(rows
            .into_iter()
            .map(|(row, source)| {
                // A measure no release publishes is given as computed, in its place.
                let values: Vec<_> = Measure::of(dataset)
                    .map(|m| {
                        let cell = if m.always_computed() {
                            compute(m, row.year, |n| row.cell(n))
                        } else {
                            row.cell(m.name)
                        };
                        (m, cell)
                    })
                    .collect();
                let computed = Measure::of(dataset)
                    .filter(|m| !m.always_computed())
                    .filter_map(|m| {
                        let Some(Cell::Value(c)) = compute(m, row.year, |n| row.cell(n)) else {
                            return None;
                        };
                        let differs = match row.cell(m.name) {
                            Some(Cell::Value(p)) => {
                                published_number(m, p) != published_number(m, c)
                            }
                            _ => true,
                        };
                        differs.then_some((m, c))
                    })
                    .collect();
                IndicatorRow {
                    source,
                    geography_code: place.code.to_string(),
                    geography_name: place.name.clone(),
                    geographic_level: place.level.as_str(),
                    year: row.year,
                    checks: Measure::of(dataset)
                        .filter_map(|m| Some((m, self.check(&place.code, m, row.year)?.clone())))
                        .collect(),
                    values,
                    computed,
                }
            })
            .collect())
    }
}
