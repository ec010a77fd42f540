//! Statistical neighbours: an authority's ten most similar authorities in the Department's
//! model (2021 or 2025), found among the places on record, and the neighbours' median of any
//! measure beside the authority's own figure.

use crate::{AppError, Snapshot};
use serde::Serialize;
use swforce_domain::geography::ENGLAND;
use swforce_domain::lineage::continuity_for;
use swforce_domain::measure::{NEIGHBOURS, closeness_measure, neighbour_measure};
use swforce_domain::neighbours::{Closeness, place_of_dfe_code, place_of_dfe_code_among};
use swforce_domain::{
    Dataset, GeographicLevel, Geography, GeographyCode, Measure, OldLaCode, Row, Year,
};

/// One of an authority's neighbours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighbour {
    /// 1 (most similar) to 10.
    pub rank: usize,
    /// The place whose figures stand for the neighbour: the authority, or the jointly reported
    /// unit it belongs to, or (for a council made after the figures on record) itself, its
    /// figures continued from its predecessor's.
    pub code: GeographyCode,
    pub name: String,
    /// The neighbour's DfE code in the model.
    pub dfe_code: String,
    pub closeness: Closeness,
    /// What a reader should know about its figures, if anything.
    pub note: Option<String>,
}

/// An authority's neighbours in one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighbours {
    pub place: GeographyCode,
    pub place_name: String,
    /// The model's year.
    pub model: Year,
    /// Every model on record, oldest first.
    pub models: Vec<Year>,
    /// The DfE code the model lists the authority under.
    pub listed_as: String,
    /// In the model's order, most similar first.
    pub neighbours: Vec<Neighbour>,
}

impl Neighbours {
    /// The neighbours' codes, in order.
    pub fn codes(&self) -> impl Iterator<Item = &GeographyCode> {
        self.neighbours.iter().map(|n| &n.code)
    }
}

/// A measure of an authority against its neighbours in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeighbourBenchmark {
    pub model: Year,
    pub year: Year,
    /// The median of the neighbours' figures (stored units: a rate as a fraction).
    pub median: Option<f64>,
    /// Neighbours with a figure that year, of how many.
    pub with_figures: usize,
    pub of: usize,
    /// The authority's place from the highest among itself and its neighbours with figures
    /// (1 is the highest), and of how many.
    pub rank_from_highest: Option<usize>,
    pub ranked: usize,
}

/// The median of some numbers (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

impl Snapshot {
    /// An authority by code or name, as [`Snapshot::find`] finds it, or else a council a
    /// reorganisation made after the figures on record (Cumberland, by its ONS or DfE code or
    /// name), which a neighbour model may list though no release names it yet.
    pub fn find_for_neighbours(&self, query: &str) -> Result<Geography, AppError> {
        match self.find(query) {
            Ok(g) => Ok(g.clone()),
            Err(e) => {
                let known: Vec<Geography> = self.geographies().cloned().collect();
                let by_dfe = OldLaCode::parse(query)
                    .ok()
                    .and_then(|c| place_of_dfe_code(c, &known));
                let by_name = swforce_domain::lineage::successor(query).and_then(|(code, _)| {
                    let code = GeographyCode::parse(code).ok()?;
                    swforce_domain::lineage::LINEAGE
                        .iter()
                        .flat_map(|r| r.successors.iter())
                        .find(|(c, _, _)| *c == code.as_str())
                        .and_then(|(_, dfe, _)| OldLaCode::parse(dfe).ok())
                        .and_then(|c| place_of_dfe_code(c, &known))
                });
                match by_dfe.or(by_name).filter(|p| !p.on_record) {
                    Some(p) => {
                        let dfe = swforce_domain::lineage::LINEAGE
                            .iter()
                            .flat_map(|r| r.successors.iter())
                            .find(|(c, _, _)| *c == p.code.as_str())
                            .and_then(|(_, dfe, _)| OldLaCode::parse(dfe).ok());
                        Ok(Geography {
                            code: p.code,
                            name: p.name,
                            level: GeographicLevel::LocalAuthority,
                            parent: None,
                            old_la_code: dfe,
                        })
                    }
                    None => Err(e),
                }
            }
        }
    }

    /// The council a shared service's partner is reported with, when the releases on record
    /// show the partner's workforce as not applicable (no unit named for the pair), and the
    /// service's name.
    pub fn shared_with(&self, partner: &GeographyCode) -> Option<(&Geography, &'static str)> {
        let (with, service) = swforce_domain::lineage::reported_with(partner.as_str())?;
        let with = self.geography(&GeographyCode::parse(with).ok()?)?;
        let year = self.latest_year(Dataset::CswwHeadline)?;
        let own = self
            .row(Dataset::CswwHeadline, partner, "", year)
            .is_some_and(crate::snapshot::has_figures);
        (!own && self.unit_of(partner).is_none()).then_some((with, service))
    }

    /// The neighbour models on record (their years), oldest first.
    pub fn neighbour_models(&self) -> Vec<Year> {
        self.years(Dataset::StatisticalNeighbours)
    }

    /// Checks a model year asked for, or gives the newest; `None` when no model is on record.
    pub fn neighbour_model(&self, asked: Option<u16>) -> Result<Option<Year>, AppError> {
        let models = self.neighbour_models();
        match asked {
            None => Ok(models.last().copied()),
            Some(y) => models
                .iter()
                .copied()
                .find(|m| m.get() == y)
                .map(Some)
                .ok_or_else(|| AppError::Invalid {
                    problem: format!("there is no statistical neighbour model of {y}"),
                    fix: if models.is_empty() {
                        "import the Department's statistical neighbour table first (swforce demo loads the 2021 and 2025 models)".into()
                    } else {
                        format!(
                            "choose {}",
                            models
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(" or ")
                        )
                    },
                }),
        }
    }

    /// An authority's neighbours in a model (when `model` is `None`, the newest that lists it:
    /// a council replaced before the newest model, such as Cumbria, has the older); `None` for
    /// a region or England, or an authority the model does not list.
    pub fn neighbours(
        &self,
        place: &Geography,
        model: Option<u16>,
    ) -> Result<Option<Neighbours>, AppError> {
        let key = (place.code.clone(), model);
        if let Some(found) = self
            .neighbour_lists
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Ok(found.clone());
        }
        let found = self.neighbours_of(place, model)?;
        self.neighbour_lists
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, found.clone());
        Ok(found)
    }

    fn neighbours_of(
        &self,
        place: &Geography,
        model: Option<u16>,
    ) -> Result<Option<Neighbours>, AppError> {
        if place.level != GeographicLevel::LocalAuthority {
            self.neighbour_model(model)?;
            return Ok(None);
        }
        let candidates: Vec<Year> = match model {
            Some(_) => self.neighbour_model(model)?.into_iter().collect(),
            None => self.neighbour_models().into_iter().rev().collect(),
        };
        let Some((model, (listed_as, row))) = candidates
            .into_iter()
            .find_map(|m| self.listed_row(place, m).map(|r| (m, r)))
        else {
            return Ok(None);
        };
        let known = || self.geographies();
        let listed_codes: Vec<OldLaCode> = (1..=NEIGHBOURS)
            .filter_map(|rank| {
                row.value(neighbour_measure(rank))
                    .and_then(|v| OldLaCode::parse(&format!("{v:.0}")).ok())
            })
            .collect();
        let mut neighbours: Vec<Neighbour> = Vec::with_capacity(NEIGHBOURS);
        for rank in 1..=NEIGHBOURS {
            let (Some(code), Some(closeness)) = (
                row.value(neighbour_measure(rank))
                    .and_then(|v| OldLaCode::parse(&format!("{v:.0}")).ok()),
                row.value(closeness_measure(rank))
                    .and_then(Closeness::from_number),
            ) else {
                continue;
            };
            let Some(found) = place_of_dfe_code_among(code, known()) else {
                continue;
            };
            let (code_shown, name, note) = match self.unit_of(&found.code) {
                Some(unit) => (
                    unit.code.clone(),
                    unit.name.clone(),
                    Some(format!(
                        "{} is reported jointly with its partner, so the pair's figures stand for it",
                        found.name
                    )),
                ),
                None if !found.on_record => {
                    let note = continuity_for(found.code.as_str()).map(|(r, preds)| {
                        let names: Vec<String> = preds
                            .iter()
                            .filter_map(|p| GeographyCode::parse(p).ok())
                            .map(|p| self.geography(&p).map_or(p.to_string(), |g| g.name.clone()))
                            .collect();
                        format!(
                            "{} was formed on {}; its figures before then are {}'s",
                            found.name,
                            swforce_domain::Date::parse(r.effective)
                                .map_or_else(|_| r.effective.to_string(), |d| d.long()),
                            names.join(" and ")
                        )
                    });
                    (found.code.clone(), found.name.clone(), note)
                }
                None => match self.shared_with(&found.code) {
                    // A shared service's partner shown as not applicable: the council reporting
                    // for the pair stands for it, unless that council is compared or listed too.
                    Some((with, service)) => {
                        let listed_too = with.code == place.code
                            || listed_codes.iter().any(|c| {
                                place_of_dfe_code_among(*c, known())
                                    .is_some_and(|p| p.code == with.code)
                            });
                        if listed_too {
                            let note = format!(
                                "{}'s workforce is reported with {}'s ({service}), which is counted already, so it has no figures of its own here",
                                found.name, with.name
                            );
                            (found.code.clone(), found.name.clone(), Some(note))
                        } else {
                            let note = format!(
                                "{}'s workforce is reported with {}'s ({service}): the pair's figures stand for it",
                                found.name, with.name
                            );
                            (
                                with.code.clone(),
                                format!("{} (reported with {})", found.name, with.name),
                                Some(note),
                            )
                        }
                    }
                    None => (found.code.clone(), found.name.clone(), None),
                },
            };
            if code_shown == place.code || neighbours.iter().any(|n| n.code == code_shown) {
                continue;
            }
            neighbours.push(Neighbour {
                rank,
                code: code_shown,
                name,
                dfe_code: code.to_string(),
                closeness,
                note,
            });
        }
        Ok(Some(Neighbours {
            place: place.code.clone(),
            place_name: place.name.clone(),
            model,
            models: self.neighbour_models(),
            listed_as,
            neighbours,
        }))
    }

    /// The model's row for an authority: under its own DfE code; for a jointly reported unit,
    /// under the member with the most children (Hackney for the City of London and Hackney).
    fn listed_row(&self, place: &Geography, model: Year) -> Option<(String, &Row)> {
        let england = GeographyCode::parse(ENGLAND).ok()?;
        // A row of "not applicable" says a later import of the model does not list it.
        let row = |code: OldLaCode| {
            let key = code.to_string();
            self.row(Dataset::StatisticalNeighbours, &england, &key, model)
                .filter(|r| r.value(neighbour_measure(1)).is_some())
                .map(|r| (key, r))
        };
        if !place.code.is_joint() {
            return row(place.old_la_code?.members().first().copied()?);
        }
        let children = Measure::named("population_estimate")?;
        let mut members: Vec<(f64, OldLaCode)> = place
            .code
            .members()
            .iter()
            .filter_map(|m| self.geography(m))
            .filter_map(|g| {
                let code = g.old_la_code?;
                let size = self
                    .latest_year(Dataset::ChildPopulation)
                    .and_then(|y| self.figure(&g.code, children, "", y))
                    .and_then(|f| f.value())
                    .unwrap_or(0.0);
                Some((size, code))
            })
            .collect();
        members.sort_by(|a, b| b.0.total_cmp(&a.0));
        members.into_iter().find_map(|(_, code)| row(code))
    }

    /// One measure of an authority against its neighbours in one year.
    pub fn neighbour_benchmark(
        &self,
        neighbours: &Neighbours,
        measure: &Measure,
        year: Year,
    ) -> NeighbourBenchmark {
        // Each at the precision the figures are shown at, so that the median is the one a
        // reader would find from the figures on the page.
        let value_of = |code: &GeographyCode| {
            self.figure(code, measure, "", year)
                .and_then(|f| f.value())
                .filter(|v| v.is_finite())
                .map(|v| {
                    measure
                        .unit
                        .from_published(crate::indicators::published_number(measure, v))
                })
        };
        let values: Vec<f64> = neighbours.codes().filter_map(value_of).collect();
        let own = value_of(&neighbours.place);
        let ranked = values.len() + usize::from(own.is_some());
        NeighbourBenchmark {
            model: neighbours.model,
            year,
            median: median(&values),
            with_figures: values.len(),
            of: neighbours.neighbours.len(),
            rank_from_highest: own.map(|v| 1 + values.iter().filter(|x| **x > v + 1e-12).count()),
            ranked,
        }
    }

    /// The neighbours' median of a measure for each year of its dataset.
    pub fn neighbour_medians(
        &self,
        neighbours: &Neighbours,
        measure: &Measure,
    ) -> Vec<(Year, Option<f64>)> {
        self.years(measure.dataset)
            .into_iter()
            .map(|y| (y, self.neighbour_benchmark(neighbours, measure, y).median))
            .collect()
    }
}

/// A place among some as people say it: "highest", "2nd highest", "lowest".
pub fn rank_words(rank: usize, of: usize) -> String {
    if of <= 1 {
        return "the only one with a figure".into();
    }
    // The nearer end, as people say it: "2nd lowest of 150", not "149th highest of 150".
    let from_lowest = of + 1 - rank.min(of);
    match rank {
        1 => format!("highest of {of}"),
        r if r == of => format!("lowest of {of}"),
        r if r <= from_lowest => format!("{} highest of {of}", crate::display::ordinal(r)),
        _ => format!("{} lowest of {of}", crate::display::ordinal(from_lowest)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
    }

    #[test]
    fn ranks_are_said_as_people_say_them() {
        assert_eq!(rank_words(1, 11), "highest of 11");
        assert_eq!(rank_words(2, 11), "2nd highest of 11");
        assert_eq!(rank_words(11, 11), "lowest of 11");
        assert_eq!(rank_words(3, 11), "3rd highest of 11");
        assert_eq!(rank_words(1, 1), "the only one with a figure");
        assert_eq!(rank_words(149, 150), "2nd lowest of 150");
        assert_eq!(rank_words(75, 150), "75th highest of 150");
        assert_eq!(rank_words(76, 150), "75th lowest of 150");
        assert_eq!(rank_words(6, 11), "6th highest of 11");
        assert_eq!(rank_words(7, 11), "5th lowest of 11");
    }
}
