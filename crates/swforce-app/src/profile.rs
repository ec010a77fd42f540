//! What a place's page shows: every indicator over time beside its region and England,
//! benchmarks for authorities, demand context, the workforce by role and ethnicity, and the
//! places inside it. Also the comparison of several authorities.

use crate::neighbours::{NeighbourBenchmark, Neighbours};
use crate::{AppError, Figure, Snapshot};
use serde::Serialize;
use swforce_domain::{Dataset, GeographicLevel, Geography, Measure, Reorganisation, Year};
use swforce_stats::{Benchmark, benchmark};

/// Most places one comparison shows: more stops a chart being readable.
pub const MAX_COMPARED: usize = 6;

/// Demand measures shown beside the workforce, from children in need and referrals.
pub const DEMAND_MEASURES: &[&str] = &[
    "At31_episodes",
    "At31_episodes_rate",
    "Referrals",
    "Referrals_rate",
    "Re_referrals_percent",
];

/// One year of a measure: the place, its region and England.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesRow {
    pub year: Year,
    pub this: Option<Figure>,
    pub region: Option<Figure>,
    pub england: Option<Figure>,
    /// The median of the statistical neighbours' figures, for an authority.
    pub neighbours: Option<Figure>,
}

/// A measure over time for a place, and its benchmark in the latest year.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    pub measure: &'static Measure,
    pub rows: Vec<SeriesRow>,
    pub benchmark: Option<Benchmark>,
    /// The measure against the statistical neighbours in the latest year, for an authority.
    pub neighbour_benchmark: Option<NeighbourBenchmark>,
    /// The latest year with a figure for the place.
    pub latest: Option<Figure>,
}

/// The latest headline figures of a place inside the one shown.
#[derive(Debug, Clone, Serialize)]
pub struct ChildSummary {
    pub place: Geography,
    /// Aligned with [`Profile::headline_measures`].
    pub figures: Vec<Option<Figure>>,
}

/// Social workers by role and ethnic group, for one year.
#[derive(Debug, Clone, Serialize)]
pub struct EthnicityTable {
    pub year: Year,
    pub groups: Vec<&'static Measure>,
    /// `(role, known headcount, share per group)`.
    pub rows: Vec<(String, Option<Figure>, Vec<Option<Figure>>)>,
}

/// Everything one place's page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub place: Geography,
    /// The region an authority (or Inner/Outer London) is in.
    pub region: Option<Geography>,
    /// Inner or Outer London, for a London borough.
    pub sub_region: Option<Geography>,
    pub latest_year: Option<Year>,
    pub workforce: Vec<IndicatorView>,
    pub demand: Vec<IndicatorView>,
    pub ethnicity: Option<EthnicityTable>,
    pub headline_measures: Vec<&'static Measure>,
    pub children: Vec<ChildSummary>,
    /// The authority's statistical neighbours in the model chosen (the newest by default).
    pub neighbours: Option<Neighbours>,
    #[serde(skip)]
    pub formed_by: Option<&'static Reorganisation>,
    #[serde(skip)]
    pub ended_by: Option<&'static Reorganisation>,
}

/// The England page: England's profile, whose children are the regions.
pub type Overview = Profile;

/// Several authorities side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub places: Vec<Geography>,
    pub years: Vec<Year>,
    /// Per measure, per place (in `places` order), the figure for each of `years`.
    pub measures: Vec<(&'static Measure, Vec<Vec<Option<Figure>>>)>,
}

impl Snapshot {
    /// The page of one place, with the newest statistical neighbour model. A former authority
    /// is not set against neighbours: it has no figures for the years they do.
    pub fn profile(&self, place: &Geography) -> Profile {
        let neighbours = self
            .neighbours(place, None)
            .ok()
            .flatten()
            .filter(|_| self.has_own_figures(place));
        self.profile_beside(place, neighbours)
    }

    /// The page of one place, with a chosen neighbour model (the newest when `None`).
    pub fn profile_with_model(
        &self,
        place: &Geography,
        model: Option<u16>,
    ) -> Result<Profile, AppError> {
        let neighbours = self
            .neighbours(place, model)?
            .filter(|_| self.has_own_figures(place));
        Ok(self.profile_beside(place, neighbours))
    }

    /// Whether a place is set against neighbours: not a former authority (it has no figures
    /// for the years they do), nor a shared service's partner whose workforce another council
    /// reports.
    fn has_own_figures(&self, place: &Geography) -> bool {
        !self.is_former(place) && self.shared_with(&place.code).is_none()
    }

    fn profile_beside(&self, place: &Geography, neighbours: Option<Neighbours>) -> Profile {
        let region = self.region_of(place).cloned();
        let sub_region = place
            .parent
            .as_ref()
            .and_then(|p| self.geography(p))
            .filter(|p| p.is_london_part() && place.level == GeographicLevel::LocalAuthority)
            .cloned();
        let headline_measures: Vec<&'static Measure> = Measure::of(Dataset::CswwHeadline)
            .filter(|m| m.headline)
            .collect();
        let workforce = Measure::of(Dataset::CswwHeadline)
            .map(|m| self.indicator_view(place, region.as_ref(), neighbours.as_ref(), m))
            .collect();
        let demand = DEMAND_MEASURES
            .iter()
            .filter_map(|n| Measure::named(n))
            .map(|m| self.indicator_view(place, region.as_ref(), neighbours.as_ref(), m))
            .collect();
        let children = self
            .children(&place.code)
            .into_iter()
            .map(|child| ChildSummary {
                place: child.clone(),
                figures: headline_measures
                    .iter()
                    .map(|m| {
                        self.latest_year(m.dataset)
                            .and_then(|y| self.figure(&child.code, m, "", y))
                    })
                    .collect(),
            })
            .collect();
        Profile {
            place: place.clone(),
            region,
            sub_region,
            latest_year: self.latest_year(Dataset::CswwHeadline),
            workforce,
            demand,
            ethnicity: self.ethnicity(place),
            headline_measures,
            children,
            neighbours,
            formed_by: self.formed_by(&place.code),
            ended_by: self.ended_by(&place.code),
        }
    }

    fn indicator_view(
        &self,
        place: &Geography,
        region: Option<&Geography>,
        neighbours: Option<&Neighbours>,
        measure: &'static Measure,
    ) -> IndicatorView {
        let england = self.england().filter(|e| e.code != place.code);
        let rows: Vec<SeriesRow> = self
            .years(measure.dataset)
            .into_iter()
            .map(|year| SeriesRow {
                year,
                this: self.figure(&place.code, measure, "", year),
                region: region.and_then(|r| self.figure(&r.code, measure, "", year)),
                england: england.and_then(|e| self.figure(&e.code, measure, "", year)),
                neighbours: neighbours.and_then(|n| {
                    let b = self.neighbour_benchmark(n, measure, year);
                    b.median.map(|m| Figure {
                        year,
                        cell: swforce_domain::Cell::Value(m),
                        origin: crate::Origin::NeighbourMedian {
                            with: b.with_figures,
                            of: b.of,
                        },
                    })
                }),
            })
            .filter(|r| r.this.is_some() || r.region.is_some() || r.england.is_some())
            .collect();
        let latest = rows.iter().rev().find_map(|r| r.this.clone());
        let neighbour_benchmark = neighbours
            .zip(self.latest_year(measure.dataset))
            .map(|(n, year)| self.neighbour_benchmark(n, measure, year));
        let benchmark = (place.level == GeographicLevel::LocalAuthority)
            .then(|| self.latest_year(measure.dataset))
            .flatten()
            .map(|year| {
                let this_year = rows.iter().find(|r| r.year == year);
                let previous = year
                    .previous()
                    .and_then(|p| rows.iter().find(|r| r.year == p));
                let peers: Vec<f64> = self
                    .authority_rows(measure.dataset, "", year)
                    .into_iter()
                    .filter_map(|row| Snapshot::figure_in(row, measure).and_then(|f| f.value()))
                    .collect();
                let value_of = |r: Option<&SeriesRow>, pick: fn(&SeriesRow) -> &Option<Figure>| {
                    r.and_then(|r| pick(r).as_ref()).and_then(Figure::value)
                };
                benchmark(
                    measure,
                    value_of(this_year, |r| &r.this),
                    value_of(previous, |r| &r.this),
                    value_of(this_year, |r| &r.region),
                    value_of(this_year, |r| &r.england),
                    &peers,
                )
            });
        IndicatorView {
            measure,
            rows,
            benchmark,
            neighbour_benchmark,
            latest,
        }
    }

    fn ethnicity(&self, place: &Geography) -> Option<EthnicityTable> {
        let dataset = Dataset::CswwRoleByEthnicity;
        let year = self.latest_year(dataset)?;
        let groups: Vec<&'static Measure> = Measure::of(dataset)
            .filter(|m| m.formula.is_some())
            .collect();
        let known = Measure::named("known_headcount")?;
        let mut roles = self.breakdowns(dataset);
        // "All children and family social workers" first, then roles in publication order.
        roles.sort_by_key(|r| {
            (
                !r.starts_with("All"),
                ROLE_ORDER.iter().position(|o| o == r),
            )
        });
        let rows: Vec<_> = roles
            .into_iter()
            .filter_map(|role| {
                let total = self.figure(&place.code, known, &role, year)?;
                let shares = groups
                    .iter()
                    .map(|g| self.figure(&place.code, g, &role, year))
                    .collect();
                Some((role, Some(total), shares))
            })
            .collect();
        (!rows.is_empty()).then_some(EthnicityTable { year, groups, rows })
    }

    /// Several authorities (or any places) side by side over every workforce measure.
    pub fn compare(&self, places: &[&Geography]) -> Result<Comparison, AppError> {
        if places.is_empty() {
            return Err(AppError::Invalid {
                problem: "choose at least one authority to compare".into(),
                fix: "tick up to six authorities and select Compare".into(),
            });
        }
        if places.len() > MAX_COMPARED {
            return Err(AppError::Invalid {
                problem: format!(
                    "you chose {} places; a comparison shows up to {MAX_COMPARED}",
                    places.len()
                ),
                fix: format!("untick some so that at most {MAX_COMPARED} remain"),
            });
        }
        Ok(self.compare_any(places))
    }

    /// An authority beside its statistical neighbours, in the model's order (the newest model
    /// when `model` is `None`): eleven places, more than a chosen comparison holds.
    pub fn compare_with_neighbours(
        &self,
        place: &Geography,
        model: Option<u16>,
    ) -> Result<(Neighbours, Comparison), AppError> {
        let Some(neighbours) = self.neighbours(place, model)? else {
            return Err(AppError::Invalid {
                problem: if self.neighbour_models().is_empty() {
                    "no statistical neighbour model is on record".into()
                } else {
                    format!("{} has no statistical neighbours in this model", place.name)
                },
                fix: if self.neighbour_models().is_empty() {
                    "import the Department's statistical neighbour table (swforce demo loads the 2021 and 2025 models)".into()
                } else {
                    "choose a local authority; regions and England have no neighbours, and a model lists the authorities of its year".into()
                },
            });
        };
        let mut places: Vec<Geography> = vec![place.clone()];
        for n in &neighbours.neighbours {
            places.push(
                self.geography(&n.code)
                    .cloned()
                    .unwrap_or_else(|| Geography {
                        code: n.code.clone(),
                        name: n.name.clone(),
                        level: GeographicLevel::LocalAuthority,
                        parent: None,
                        old_la_code: swforce_domain::OldLaCode::parse(&n.dfe_code).ok(),
                    }),
            );
        }
        let refs: Vec<&Geography> = places.iter().collect();
        Ok((neighbours, self.compare_any(&refs)))
    }

    fn compare_any(&self, places: &[&Geography]) -> Comparison {
        let years = self.years(Dataset::CswwHeadline);
        let measures = Measure::of(Dataset::CswwHeadline)
            .map(|m| {
                let per_place = places
                    .iter()
                    .map(|p| {
                        years
                            .iter()
                            .map(|y| self.figure(&p.code, m, "", *y))
                            .collect()
                    })
                    .collect();
                (m, per_place)
            })
            .collect();
        Comparison {
            places: places.iter().map(|p| (*p).clone()).collect(),
            years,
            measures,
        }
    }
}

/// Organisational roles from most senior, as the publisher lists them.
const ROLE_ORDER: &[&str] = &[
    "All children and family social workers",
    "Senior manager",
    "Middle manager",
    "First line manager",
    "Senior practitioner",
    "Case holder",
    "Qualified without cases",
];
