//! The statistics in memory: every current row of every dataset, indexed for pages and the API.
//!
//! The published data is small (about 10,000 rows) and changes only on import, so it is read
//! once per change and every page is then answered from memory.

use crate::AppError;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use swforce_domain::lineage::{continuity_for, succeeded_by};
use swforce_domain::{
    Cell, Dataset, GeographicLevel, Geography, GeographyCode, Measure, Reorganisation, Row, Year,
};
use swforce_stats::{combine, compute};
use swforce_store::{ImportRecord, Store};

/// Where a figure comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "origin", rename_all = "snake_case")]
pub enum Origin {
    /// As published.
    Published,
    /// Not in the release; computed by swforce from the published counts.
    Computed,
    /// Before the place existed: its predecessors' figures, combined.
    Continued { predecessors: Vec<String> },
    /// A jointly reported unit's figure published under one of its members alone (the other
    /// member shown as not applicable, or absent), as releases did before naming the unit.
    ReportedBy { authority: String },
    /// A jointly reported unit's figure added up from its members, published separately.
    Combined { members: Vec<String> },
    /// The median of an authority's statistical neighbours' figures: `with` of its `of`
    /// neighbours had one.
    NeighbourMedian { with: usize, of: usize },
}

/// One figure for one year, in stored units (a rate as a fraction).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub year: Year,
    pub cell: Cell<f64>,
    #[serde(flatten)]
    pub origin: Origin,
}

impl Figure {
    pub fn value(&self) -> Option<f64> {
        self.cell.value()
    }
}

type Key = (Dataset, GeographyCode, String);

/// Each authority's neighbours, by the model asked for (`None`: the newest listing it).
type NeighbourLists = HashMap<(GeographyCode, Option<u16>), Option<crate::neighbours::Neighbours>>;

/// Everything derived from one state of the store.
#[derive(Debug)]
pub struct Snapshot {
    /// The store generation this was built from.
    pub generation: i64,
    geographies: BTreeMap<GeographyCode, Geography>,
    /// Each member of a jointly reported unit, with the unit's code.
    joint: HashMap<GeographyCode, GeographyCode>,
    rows: HashMap<Key, BTreeMap<Year, Row>>,
    years: BTreeMap<Dataset, BTreeSet<Year>>,
    breakdowns: BTreeMap<Dataset, BTreeSet<String>>,
    imports: Vec<ImportRecord>,
    /// Projection baselines already estimated, by origin year.
    pub(crate) baselines: std::sync::Mutex<HashMap<Year, std::sync::Arc<swforce_engine::Baseline>>>,
    /// How many published rates each dataset reproduces, worked out once.
    pub(crate) reconciled: std::sync::Mutex<HashMap<Dataset, crate::reconciliation::Reproduced>>,
    /// Figures to check, worked out once on first use.
    pub(crate) checks: std::sync::OnceLock<crate::quality::Checks>,
    /// Each authority's neighbours by model asked for, worked out once per snapshot.
    pub(crate) neighbour_lists: std::sync::Mutex<NeighbourLists>,
    /// The rolling evaluation the method page shows, worked out once on first use.
    pub(crate) rolling: std::sync::Mutex<Option<std::sync::Arc<swforce_engine::Rolling>>>,
}

impl Snapshot {
    pub fn load(store: &dyn Store, generation: i64) -> Result<Self, AppError> {
        let geographies: BTreeMap<GeographyCode, Geography> = store
            .geographies()?
            .into_iter()
            .map(|g| (g.code.clone(), g))
            .collect();
        let joint = geographies
            .keys()
            .filter(|c| c.is_joint())
            .flat_map(|unit| unit.members().into_iter().map(|m| (m, unit.clone())))
            .collect();
        let mut rows: HashMap<Key, BTreeMap<Year, Row>> = HashMap::new();
        let mut years: BTreeMap<Dataset, BTreeSet<Year>> = BTreeMap::new();
        let mut breakdowns: BTreeMap<Dataset, BTreeSet<String>> = BTreeMap::new();
        for dataset in Dataset::ALL {
            for row in store.current_rows(dataset)? {
                years.entry(dataset).or_default().insert(row.year);
                if !row.breakdown.is_empty() {
                    breakdowns
                        .entry(dataset)
                        .or_default()
                        .insert(row.breakdown.clone());
                }
                rows.entry((dataset, row.geography.clone(), row.breakdown.clone()))
                    .or_default()
                    .insert(row.year, row);
            }
        }
        join_children(&mut rows);
        Ok(Self {
            generation,
            geographies,
            joint,
            rows,
            years,
            breakdowns,
            imports: store.imports()?,
            baselines: Default::default(),
            reconciled: Default::default(),
            checks: Default::default(),
            rolling: Default::default(),
            neighbour_lists: Default::default(),
        })
    }

    /// Imports on record, newest first.
    pub fn imports(&self) -> &[ImportRecord] {
        &self.imports
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn geography(&self, code: &GeographyCode) -> Option<&Geography> {
        self.geographies.get(code)
    }

    pub fn geographies(&self) -> impl Iterator<Item = &Geography> + Clone {
        self.geographies.values()
    }

    /// Places inside `code`, sorted by name: the nine regions in England, the current
    /// authorities of a region (for London, the boroughs of Inner and Outer London), the
    /// boroughs of Inner or Outer London. Former authorities are left out, and so are the
    /// members of a jointly reported unit, which stands in their place.
    pub fn children(&self, code: &GeographyCode) -> Vec<&Geography> {
        let Some(parent) = self.geographies.get(code) else {
            return Vec::new();
        };
        let mut out: Vec<&Geography> = match parent.level {
            GeographicLevel::National => self
                .geographies
                .values()
                .filter(|g| g.level == GeographicLevel::Regional && !g.is_london_part())
                .collect(),
            GeographicLevel::Regional => self
                .geographies
                .values()
                .filter(|g| g.level == GeographicLevel::LocalAuthority && !self.is_former(g))
                .filter(|g| self.unit_of(&g.code).is_none())
                .filter(|g| {
                    g.parent.as_ref() == Some(code)
                        || self.region_of(g).is_some_and(|r| r.code == *code)
                })
                .collect(),
            GeographicLevel::LocalAuthority => Vec::new(),
        };
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Whether an authority has been replaced in a reorganisation: one of its successors has
    /// figures on record. (Cumbria stays current until a release names Cumberland.)
    pub fn is_former(&self, g: &Geography) -> bool {
        self.ended_by(&g.code).is_some()
    }

    /// The region (E12) an authority or sub-region belongs to; `None` for England and regions.
    pub fn region_of(&self, g: &Geography) -> Option<&Geography> {
        if g.level == GeographicLevel::National
            || (g.level == GeographicLevel::Regional && !g.is_london_part())
        {
            return None;
        }
        let mut cur = g.parent.as_ref().and_then(|p| self.geographies.get(p))?;
        while cur.is_london_part() {
            cur = cur.parent.as_ref().and_then(|p| self.geographies.get(p))?;
        }
        Some(cur)
    }

    /// The jointly reported unit an authority belongs to, once a release has named the unit.
    pub fn unit_of(&self, code: &GeographyCode) -> Option<&Geography> {
        self.joint.get(code).and_then(|u| self.geographies.get(u))
    }

    /// Whether an authority's published row for a year gives way to its unit's own row: the
    /// unit is the one place with that year's figures, so they count once.
    fn reported_by_unit(
        &self,
        dataset: Dataset,
        code: &GeographyCode,
        breakdown: &str,
        year: Year,
    ) -> bool {
        self.joint
            .get(code)
            .is_some_and(|unit| self.row(dataset, unit, breakdown, year).is_some())
    }

    /// Whether a member's figures of a year belong to its unit rather than to itself: the unit
    /// has its own row that year, or at most one member published figures (the other `z` or
    /// absent), so the one that did reported for both. Members that each published their own
    /// (children in need, referrals) keep them.
    pub fn belongs_to_unit(
        &self,
        dataset: Dataset,
        code: &GeographyCode,
        breakdown: &str,
        year: Year,
    ) -> bool {
        let Some(unit) = self.joint.get(code) else {
            return false;
        };
        self.reported_by_unit(dataset, code, breakdown, year)
            || unit
                .members()
                .iter()
                .filter(|m| {
                    self.row(dataset, m, breakdown, year)
                        .is_some_and(has_figures)
                })
                .count()
                < 2
    }

    pub fn england(&self) -> Option<&Geography> {
        self.geographies.get(&GeographyCode::england())
    }

    /// Years with data for a dataset, oldest first.
    pub fn years(&self, dataset: Dataset) -> Vec<Year> {
        self.years
            .get(&dataset)
            .map(|y| y.iter().copied().collect())
            .unwrap_or_default()
    }

    pub fn latest_year(&self, dataset: Dataset) -> Option<Year> {
        self.years.get(&dataset).and_then(|y| y.last().copied())
    }

    pub fn breakdowns(&self, dataset: Dataset) -> Vec<String> {
        self.breakdowns
            .get(&dataset)
            .map(|b| b.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The published row, if any.
    pub fn row(
        &self,
        dataset: Dataset,
        code: &GeographyCode,
        breakdown: &str,
        year: Year,
    ) -> Option<&Row> {
        self.rows
            .get(&(dataset, code.clone(), breakdown.to_string()))?
            .get(&year)
    }

    /// Published rows of one place, oldest first.
    pub fn rows_of(&self, dataset: Dataset, code: &GeographyCode, breakdown: &str) -> Vec<&Row> {
        self.rows
            .get(&(dataset, code.clone(), breakdown.to_string()))
            .map(|m| m.values().collect())
            .unwrap_or_default()
    }

    /// Every current authority row of a dataset for one year, each place once: a member of a
    /// jointly reported unit gives way to the unit's row where the unit has one.
    pub fn authority_rows(&self, dataset: Dataset, breakdown: &str, year: Year) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|((d, code, b), _)| {
                *d == dataset
                    && b == breakdown
                    && self
                        .geographies
                        .get(code)
                        .is_some_and(|g| g.level == GeographicLevel::LocalAuthority)
                    && !self.reported_by_unit(dataset, code, breakdown, year)
            })
            .filter_map(|(_, years)| years.get(&year))
            .collect()
    }

    /// The figure for one measure from one row: as published, or computed from the row's counts
    /// when the release did not publish it.
    pub fn figure_in(row: &Row, measure: &Measure) -> Option<Figure> {
        if let Some(cell) = row.cell(measure.name) {
            return Some(Figure {
                year: row.year,
                cell,
                origin: Origin::Published,
            });
        }
        compute(measure, row.year, |m| row.cell(m)).map(|cell| Figure {
            year: row.year,
            cell,
            origin: Origin::Computed,
        })
    }

    /// One figure of one place and year, continuing across a reorganisation when the place did
    /// not yet exist, and across joint reporting (see [`Snapshot::stand_in_row`]).
    pub fn figure(
        &self,
        code: &GeographyCode,
        measure: &Measure,
        breakdown: &str,
        year: Year,
    ) -> Option<Figure> {
        if self.belongs_to_unit(measure.dataset, code, breakdown, year) {
            return None;
        }
        if let Some(row) = self.row(measure.dataset, code, breakdown, year) {
            return Self::figure_in(row, measure);
        }
        let (row, origin) = self.stand_in_row(measure.dataset, code, breakdown, year)?;
        Self::figure_in(&row, measure).map(|f| Figure { origin, ..f })
    }

    /// The row that stands for a place in a year it has no row of its own, and where it comes
    /// from:
    /// - a jointly reported unit: the one member's row that holds figures, the other member being
    ///   `z` or absent (as releases did before naming the unit); both members' rows added up,
    ///   where each published its own; before the members existed, their predecessors';
    /// - a member of a unit: none (the unit carries the pair's lineage);
    /// - any other place: its predecessors', combined, before a reorganisation made it.
    pub fn stand_in_row(
        &self,
        dataset: Dataset,
        code: &GeographyCode,
        breakdown: &str,
        year: Year,
    ) -> Option<(Row, Origin)> {
        if code.is_joint() {
            return self.unit_row(dataset, code, breakdown, year);
        }
        if self.joint.contains_key(code) {
            return None;
        }
        self.continued_row(dataset, code, breakdown, year)
    }

    fn name_of(&self, code: &GeographyCode) -> String {
        self.geographies
            .get(code)
            .map_or(code.to_string(), |g| g.name.clone())
    }

    fn continued_row(
        &self,
        dataset: Dataset,
        code: &GeographyCode,
        breakdown: &str,
        year: Year,
    ) -> Option<(Row, Origin)> {
        let (_, predecessors) = continuity_for(code.as_str())?;
        let codes: Vec<GeographyCode> = predecessors
            .iter()
            .filter_map(|p| GeographyCode::parse(p).ok())
            .collect();
        let rows: Vec<&Row> = codes
            .iter()
            .filter_map(|p| self.row(dataset, p, breakdown, year))
            .collect();
        if rows.is_empty() || rows.len() != predecessors.len() {
            return None;
        }
        let row = match rows.as_slice() {
            [only] => (*only).clone(),
            _ => combine(dataset, year, code.clone(), breakdown, &rows).row,
        };
        let predecessors = codes.iter().map(|c| self.name_of(c)).collect();
        Some((row, Origin::Continued { predecessors }))
    }

    fn unit_row(
        &self,
        dataset: Dataset,
        unit: &GeographyCode,
        breakdown: &str,
        year: Year,
    ) -> Option<(Row, Origin)> {
        let members = unit.members();
        let published: Vec<(&GeographyCode, &Row)> = members
            .iter()
            .filter_map(|m| Some((m, self.row(dataset, m, breakdown, year)?)))
            .filter(|(_, row)| has_figures(row))
            .collect();
        match published.as_slice() {
            [] => members
                .iter()
                .find_map(|m| self.continued_row(dataset, m, breakdown, year)),
            [(member, row)] => Some((
                (*row).clone(),
                Origin::ReportedBy {
                    authority: self.name_of(member),
                },
            )),
            both => {
                let rows: Vec<&Row> = both.iter().map(|(_, r)| *r).collect();
                let combined = combine(dataset, year, unit.clone(), breakdown, &rows);
                Some((
                    combined.row,
                    Origin::Combined {
                        members: both.iter().map(|(m, _)| self.name_of(m)).collect(),
                    },
                ))
            }
        }
    }

    /// A measure of a place for every year of its dataset that has a figure.
    pub fn series(&self, code: &GeographyCode, measure: &Measure, breakdown: &str) -> Vec<Figure> {
        self.years(measure.dataset)
            .into_iter()
            .filter_map(|y| self.figure(code, measure, breakdown, y))
            .collect()
    }

    /// The reorganisation a place came from, if its series is continued from predecessors: for
    /// a jointly reported unit, its members'; for a member of a unit, none (the unit continues
    /// the pair's series).
    pub fn formed_by(&self, code: &GeographyCode) -> Option<&'static Reorganisation> {
        if self.joint.contains_key(code) {
            return None;
        }
        code.members()
            .iter()
            .find_map(|m| continuity_for(m.as_str()).map(|(r, _)| r))
    }

    /// The reorganisation that ended a former authority, once a successor has figures.
    pub fn ended_by(&self, code: &GeographyCode) -> Option<&'static Reorganisation> {
        succeeded_by(code.as_str()).filter(|r| {
            r.successors
                .iter()
                .filter_map(|(c, _, _)| GeographyCode::parse(c).ok())
                .any(|c| self.geographies.contains_key(&c))
        })
    }
}

/// Puts the children of each area (the population estimates) into the workforce, children in
/// need and referrals rows, as the joined measure each has (see
/// [`swforce_domain::measure::population_year`]): rates per 10,000 children are then computed,
/// continued and added up from counts like every other rate. A jointly reported unit, which
/// the estimates do not name, has its members' children added up.
fn join_children(rows: &mut HashMap<Key, BTreeMap<Year, Row>>) {
    use swforce_domain::measure::{children_measure, population_year};
    let Some(estimate) = Measure::named("population_estimate") else {
        return;
    };
    let children = |rows: &HashMap<Key, BTreeMap<Year, Row>>, code: &GeographyCode, year: u16| {
        let of = |c: &GeographyCode| {
            let y = Year::try_from(year).ok()?;
            rows.get(&(Dataset::ChildPopulation, c.clone(), String::new()))?
                .get(&y)?
                .cell(estimate.name)
        };
        if let Some(cell) = of(code) {
            return Some(cell);
        }
        let mut members = code.members();
        if members.len() < 2 {
            // A council on the boundary of the one it replaced, whose figures the publisher
            // gives under its own code before it existed (Buckinghamshire's 825): the
            // estimates give those years to its predecessors.
            let (_, predecessors) = continuity_for(code.as_str())?;
            members = predecessors
                .iter()
                .filter_map(|p| GeographyCode::parse(p).ok())
                .collect();
        }
        let mut total = 0.0;
        for m in &members {
            match of(m)? {
                Cell::Value(v) => total += v,
                symbol => return Some(symbol),
            }
        }
        Some(Cell::Value(total))
    };
    let mut found = Vec::new();
    for ((dataset, code, breakdown), years) in rows.iter() {
        let Some(measure) = children_measure(*dataset) else {
            continue;
        };
        if !breakdown.is_empty() {
            continue;
        }
        // A council reporting for a shared service's pair, its partner shown as not applicable
        // that year: the figures are the pair's, and so are the children.
        let partner = swforce_domain::lineage::reports_for(code.as_str())
            .and_then(|p| GeographyCode::parse(p).ok());
        for year in years.keys() {
            let Some(y) = population_year(*dataset, year.get()) else {
                continue;
            };
            let for_both = partner.as_ref().filter(|p| {
                rows.get(&(*dataset, (*p).clone(), String::new()))
                    .and_then(|r| r.get(year))
                    .is_none_or(|r| !has_figures(r))
            });
            let cell = match (children(rows, code, y), for_both) {
                (Some(Cell::Value(own)), Some(p)) => match children(rows, p, y) {
                    Some(Cell::Value(other)) => Some(Cell::Value(own + other)),
                    other => other,
                },
                (cell, _) => cell,
            };
            if let Some(cell) = cell {
                found.push(((*dataset, code.clone()), *year, measure.name, cell));
            }
        }
    }
    for ((dataset, code), year, name, cell) in found {
        if let Some(row) = rows
            .get_mut(&(dataset, code, String::new()))
            .and_then(|y| y.get_mut(&year))
        {
            row.cells.insert(name, cell);
        }
    }
}

/// Whether a row holds anything but "not applicable": a member shown as `z` throughout is
/// reported by its partner.
pub(crate) fn has_figures(row: &Row) -> bool {
    row.cells.iter().any(|(name, c)| {
        !matches!(c, Cell::Symbol(swforce_domain::EesSymbol::Z))
            && Measure::named(name).is_none_or(|m| m.joined.is_none())
    })
}
