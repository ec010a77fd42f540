//! Checks that an authority's row agrees with what is already known of the authority, from
//! earlier rows of the file and from the places already on record: a row must not quietly
//! rename an authority as another one, renumber it, move it to another region, or (for a jointly
//! reported unit) put it in two units or join one that had been replaced by then.

use super::header::Role;
use std::collections::HashMap;
use swforce_domain::geography::LONDON;
use swforce_domain::lineage::{related, succeeded_by};
use swforce_domain::{Geography, GeographyCode, Year};

/// Where a fact about a place comes from: a line of this file, or the statistics on record.
#[derive(Debug, Clone, Copy)]
enum Source {
    Line(u64),
    Record,
}

impl Source {
    /// The fix: for two rows of the file that disagree, either may be the wrong one.
    fn fix(self, fix: &str) -> String {
        match self {
            Self::Line(l) => {
                format!("this row and line {l} disagree; correct whichever is wrong ({fix})")
            }
            Self::Record => fix.to_string(),
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Line(l) => write!(f, "line {l}"),
            Self::Record => f.write_str("the statistics already imported"),
        }
    }
}

/// The places already on record and those the file has named so far.
#[derive(Debug, Default)]
pub(super) struct Known {
    places: HashMap<GeographyCode, (Geography, Source)>,
    by_name: HashMap<String, (GeographyCode, Source)>,
    by_old: HashMap<u16, (GeographyCode, Source)>,
    unit_of: HashMap<GeographyCode, (GeographyCode, Source)>,
}

impl Known {
    pub(super) fn new(places: &[Geography]) -> Self {
        let mut known = Self::default();
        for g in places {
            known.add(g, None);
        }
        known
    }

    /// Records a place as a row names it (`line`) or as it is on record; the first word on a
    /// place is the one later rows are checked against.
    pub(super) fn add(&mut self, g: &Geography, line: Option<u64>) {
        let source = line.map_or(Source::Record, Source::Line);
        if g.code.is_joint() {
            for m in g.code.members() {
                self.unit_of
                    .entry(m)
                    .or_insert_with(|| (g.code.clone(), source));
            }
        } else if g.level == swforce_domain::GeographicLevel::LocalAuthority {
            self.by_name
                .entry(g.name.to_lowercase())
                .or_insert_with(|| (g.code.clone(), source));
            if let Some(old) = g.old_la_code {
                self.by_old
                    .entry(old.get())
                    .or_insert_with(|| (g.code.clone(), source));
            }
        }
        self.places
            .entry(g.code.clone())
            .or_insert_with(|| (g.clone(), source));
    }
}

/// What is wrong with a row: the column to blame, the problem and the fix.
pub(super) struct Problem {
    pub role: Role,
    pub field: &'static str,
    pub problem: String,
    pub fix: String,
}

/// The region a place is in, with Inner and Outer London read as London.
fn region_key(code: &GeographyCode) -> &str {
    if code.entity() == "E13" {
        LONDON
    } else {
        code.as_str()
    }
}

/// The authorities a row names, with their names: a unit's two members, or the one authority.
fn authorities(row: &Geography) -> Vec<(GeographyCode, String)> {
    if row.code.is_joint() {
        row.members()
            .into_iter()
            .map(|(c, n)| (c, n.to_string()))
            .collect()
    } else {
        vec![(row.code.clone(), row.name.clone())]
    }
}

/// Checks an authority's row (`row`, a single authority or a jointly reported unit, as the row
/// names it) in `year` against what is known.
pub(super) fn check(row: &Geography, year: Year, known: &Known) -> Option<Problem> {
    let joint = row.code.is_joint();
    let members = authorities(row);
    let olds = row.old_la_code.map(|o| o.members());
    let what = |code: &GeographyCode| {
        if joint {
            format!("{} joins {code}", row.code.published())
        } else {
            format!("the row for {code}")
        }
    };
    for (i, (code, name)) in members.iter().enumerate() {
        if joint {
            if let Some(r) =
                succeeded_by(code.as_str()).filter(|r| year.get() > year_of(r.effective))
            {
                let after: Vec<&str> = r.successors.iter().map(|s| s.2).collect();
                return Some(Problem {
                    role: Role::NewLaCode,
                    field: "new_la_code",
                    problem: format!(
                        "{}, which was replaced on {} by {}, so it cannot report in {year}",
                        what(code),
                        r.effective,
                        after.join(" and ")
                    ),
                    fix: "give the codes of the authorities that reported that year".into(),
                });
            }
            if let Some((other, source)) = known.unit_of.get(code).filter(|(u, _)| *u != row.code) {
                return Some(Problem {
                    role: Role::NewLaCode,
                    field: "new_la_code",
                    problem: format!(
                        "{}, which {source} reports jointly as {}",
                        what(code),
                        other.published()
                    ),
                    fix: "an authority reports with one partner; correct the codes as published"
                        .into(),
                });
            }
        }
        if let Some((other, source)) = known
            .by_name
            .get(&name.to_lowercase())
            .filter(|(c, _)| c != code && !related(c.as_str(), code.as_str()))
        {
            return Some(Problem {
                role: Role::LaName,
                field: "la_name",
                problem: format!(
                    "la_name gives {code} the name {name:?}, which {source} gives {other}"
                ),
                fix: source.fix(if joint {
                    "name the members in the order of their codes, as published"
                } else {
                    "copy the authority's name and code from the same row of the release"
                }),
            });
        }
        let old = olds.as_ref().and_then(|o| o.get(i).copied());
        if let Some((other, source)) = old.and_then(|o| {
            known
                .by_old
                .get(&o.get())
                .filter(|(c, _)| c != code && !related(c.as_str(), code.as_str()))
        }) {
            return Some(Problem {
                role: Role::OldLaCode,
                field: "old_la_code",
                problem: format!(
                    "old_la_code gives {code} the DfE code {}, which {source} gives {other}",
                    old.map(|o| o.to_string()).unwrap_or_default()
                ),
                fix: source
                    .fix("copy the authority's DfE and ONS codes from the same row of the release"),
            });
        }
        let Some((place, source)) = known.places.get(code) else {
            continue;
        };
        if let (Some(was), Some(now)) = (place.old_la_code, old) {
            if !was.same_as(now) {
                return Some(Problem {
                    role: Role::OldLaCode,
                    field: "old_la_code",
                    problem: format!(
                        "old_la_code gives {code} the DfE code {now}, but {source} gives it {was}"
                    ),
                    fix: source.fix(
                        "copy the authority's DfE and ONS codes from the same row of the release",
                    ),
                });
            }
        }
        if let (Some(was), Some(now)) = (&place.parent, &row.parent) {
            if region_key(was) != region_key(now) {
                return Some(Problem {
                    role: Role::RegionCode,
                    field: "region_code",
                    problem: format!(
                        "region_code puts {code} in {now}, but {source} puts it in {was}"
                    ),
                    fix: source.fix(if joint {
                        "both members of a unit are in the region they are published in; correct the region or the codes"
                    } else {
                        "an authority stays in its region; correct the region or the authority's code"
                    }),
                });
            }
        }
    }
    None
}

/// A warning for a row that names a known authority differently (a rename, or a slip): the
/// new name is used from this release on, so the reader should know.
pub(super) fn renamed(row: &Geography, known: &Known) -> Option<String> {
    authorities(row).into_iter().find_map(|(code, name)| {
        let (place, source) = known.places.get(&code)?;
        (place.name != name).then(|| {
            format!(
                "la_name calls {code} {name:?}, but {source} calls it {:?}; the newer release's name is used from now on",
                place.name
            )
        })
    })
}

/// Inner or Outer London for a borough a release places in London as a whole, as known.
pub(super) fn london_part(
    code: &GeographyCode,
    region: &GeographyCode,
    known: &Known,
) -> Option<GeographyCode> {
    if region.as_str() != LONDON {
        return None;
    }
    let first = code.members().into_iter().next()?;
    let (place, _) = known.places.get(&first)?;
    place.parent.clone().filter(|p| p.entity() == "E13")
}

/// The year of an ISO date (`2021-04-01` → 2021).
fn year_of(iso: &str) -> u16 {
    iso.get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(u16::MAX)
}
