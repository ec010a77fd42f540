//! Checks that a jointly reported unit's row agrees with what is already known of its members,
//! from earlier rows of the file and from the places already on record: a pair's row must not
//! quietly rename, renumber or move an authority, or put it in two units.

use super::header::Role;
use std::collections::HashMap;
use swforce_domain::lineage::succeeded_by;
use swforce_domain::{Geography, GeographyCode, Year};

/// The places already on record, by code, by name and by membership of a unit.
#[derive(Debug, Default)]
pub(super) struct Known {
    places: HashMap<GeographyCode, Geography>,
    by_name: HashMap<String, GeographyCode>,
    unit_of: HashMap<GeographyCode, GeographyCode>,
}

impl Known {
    pub(super) fn new(places: &[Geography]) -> Self {
        let mut known = Self::default();
        for g in places {
            known.add(g);
        }
        known
    }

    /// Records a place (a later call for the same code adds nothing new).
    pub(super) fn add(&mut self, g: &Geography) {
        if g.code.is_joint() {
            for m in g.code.members() {
                self.unit_of.entry(m).or_insert_with(|| g.code.clone());
            }
        } else {
            self.by_name
                .entry(g.name.to_lowercase())
                .or_insert_with(|| g.code.clone());
        }
        self.places
            .entry(g.code.clone())
            .or_insert_with(|| g.clone());
    }
}

/// What is wrong with a unit's row: the column to blame, the problem and the fix.
pub(super) struct Problem {
    pub role: Role,
    pub field: &'static str,
    pub problem: String,
    pub fix: String,
}

/// Checks each member of `unit` (a jointly reported unit as its row names it) in `year`.
pub(super) fn check(unit: &Geography, year: Year, known: &Known) -> Option<Problem> {
    let olds = unit.old_la_code.map(|o| o.members());
    for (i, (code, name)) in unit.members().into_iter().enumerate() {
        if let Some(r) = succeeded_by(code.as_str()).filter(|r| year.get() > year_of(r.effective)) {
            let after: Vec<&str> = r.successors.iter().map(|s| s.2).collect();
            return Some(Problem {
                role: Role::NewLaCode,
                field: "new_la_code",
                problem: format!(
                    "{} joins {code}, which was replaced on {} by {}, so it cannot report in {year}",
                    unit.code.published(),
                    r.effective,
                    after.join(" and ")
                ),
                fix: "give the codes of the authorities that reported that year".into(),
            });
        }
        if let Some(other) = known.unit_of.get(&code).filter(|u| **u != unit.code) {
            return Some(Problem {
                role: Role::NewLaCode,
                field: "new_la_code",
                problem: format!(
                    "{} joins {code}, which is already reported jointly as {}",
                    unit.code.published(),
                    other.published()
                ),
                fix: "an authority reports with one partner; correct the codes as published".into(),
            });
        }
        if let Some(other) = known
            .by_name
            .get(&name.to_lowercase())
            .filter(|c| **c != code)
        {
            return Some(Problem {
                role: Role::LaName,
                field: "la_name",
                problem: format!("la_name gives {code} the name {name:?}, which is {other}'s name"),
                fix: "name the members in the order of their codes, as published".into(),
            });
        }
        let Some(place) = known.places.get(&code) else {
            continue;
        };
        if let (Some(was), Some(now)) = (place.old_la_code, olds.as_ref().map(|o| o[i])) {
            if !was.same_as(now) {
                return Some(Problem {
                    role: Role::OldLaCode,
                    field: "old_la_code",
                    problem: format!(
                        "old_la_code gives {code} ({}) the DfE code {now}, but its code is {was}",
                        place.name
                    ),
                    fix:
                        "give the members' DfE codes in the order of their ONS codes, as published"
                            .into(),
                });
            }
        }
        if let (Some(was), Some(now)) = (&place.parent, &unit.parent) {
            if was != now {
                return Some(Problem {
                    role: Role::RegionCode,
                    field: "region_code",
                    problem: format!(
                        "region_code puts {code} ({}) in {now}, but it is in {was}",
                        place.name
                    ),
                    fix: "both members of a unit are in the region they are published in; correct the region or the codes"
                        .into(),
                });
            }
        }
    }
    None
}

/// The year of an ISO date (`2021-04-01` → 2021).
fn year_of(iso: &str) -> u16 {
    iso.get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(u16::MAX)
}
