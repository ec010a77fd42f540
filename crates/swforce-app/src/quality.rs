//! Figures to check: the rules of `swforce_stats::quality` run over every place's workforce
//! figures once per snapshot, so a page or an API answer only looks a flag up.
//!
//! The figures judged are a place's own, as the pages show them (`Snapshot::figure`): published,
//! computed from the counts, or a jointly reported unit's figure published under a member or
//! added up from its members. Years continued from a reorganised authority's predecessors are
//! neither judged nor used to judge the place's own years: they are other authorities' figures,
//! judged on those authorities' pages, and adding them up can make a real change look like a
//! jump (Bournemouth, Christchurch and Poole's turnover in 2021). A flag never changes a figure.

use crate::{Origin, Snapshot};
use serde::Serialize;
use std::collections::HashMap;
use swforce_domain::{Dataset, GeographyCode, Measure, Year};
use swforce_stats::quality::{History, check};

/// Why a figure should be checked before it is relied on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The rule's id: `fte_headcount`, `too_few` or `jump`.
    pub rule: &'static str,
    /// Plain English with the numbers.
    pub reason: String,
}

/// Every flag of one snapshot, by place, measure and year.
#[derive(Debug, Default)]
pub struct Checks {
    by_figure: HashMap<(GeographyCode, &'static str, Year), Check>,
}

impl Checks {
    fn build(snap: &Snapshot) -> Self {
        let dataset = Dataset::CswwHeadline;
        let years = snap.years(dataset);
        let mut by_figure = HashMap::new();
        for place in snap.geographies() {
            let mut history = History::new();
            for year in &years {
                for m in Measure::of(dataset) {
                    if let Some(v) = snap
                        .figure(&place.code, m, "", *year)
                        .filter(|f| !matches!(f.origin, Origin::Continued { .. }))
                        .and_then(|f| f.value())
                    {
                        history.entry(*year).or_default().insert(m.name, v);
                    }
                }
            }
            for flag in check(&history) {
                by_figure.insert(
                    (place.code.clone(), flag.measure, flag.year),
                    Check {
                        rule: flag.rule.id(),
                        reason: flag.reason,
                    },
                );
            }
        }
        Self { by_figure }
    }

    /// How many figures are flagged.
    pub fn len(&self) -> usize {
        self.by_figure.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_figure.is_empty()
    }

    /// Every flag, in no particular order: the place, the measure's name, the year and why.
    pub fn iter(&self) -> impl Iterator<Item = (&GeographyCode, &'static str, Year, &Check)> {
        self.by_figure
            .iter()
            .map(|((code, measure, year), check)| (code, *measure, *year, check))
    }
}

impl Snapshot {
    /// Every flag, worked out on first use and kept with the snapshot.
    pub fn checks(&self) -> &Checks {
        self.checks.get_or_init(|| Checks::build(self))
    }

    /// The flag on one figure of a place, if it should be checked. Only workforce figures
    /// without a breakdown are judged.
    pub fn check(&self, code: &GeographyCode, measure: &Measure, year: Year) -> Option<&Check> {
        if measure.dataset != Dataset::CswwHeadline {
            return None;
        }
        self.checks()
            .by_figure
            .get(&(code.clone(), measure.name, year))
    }
}
