//! The header row of an EES file: which dataset it is and what each column means.
//!
//! Column names are matched without regard to case; each measure's spellings come from the one
//! mapping table, the `legacy` lists in `swforce_domain::measure`.

use super::ColumnMapping;
use crate::diagnostic::Diagnostic;
use crate::reading::Collector;
use std::collections::HashMap;
use swforce_domain::{Dataset, Measure};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Role {
    TimePeriod,
    TimeIdentifier,
    Level,
    CountryCode,
    CountryName,
    RegionCode,
    RegionName,
    OldLaCode,
    NewLaCode,
    LaName,
    /// A filter with one value per file (`category`).
    Filter,
    /// The dataset's breakdown column (`OrgRole`).
    Breakdown,
    Measure(&'static Measure),
    Unknown,
}

/// The columns every EES file has.
const REQUIRED: [(&str, Role); 8] = [
    ("time_period", Role::TimePeriod),
    ("geographic_level", Role::Level),
    ("country_code", Role::CountryCode),
    ("country_name", Role::CountryName),
    ("region_code", Role::RegionCode),
    ("region_name", Role::RegionName),
    ("new_la_code", Role::NewLaCode),
    ("la_name", Role::LaName),
];

/// The role of a column every EES file shares, matched without regard to case (releases have
/// written both `category` and `Category`).
fn fixed_role(column: &str) -> Option<Role> {
    REQUIRED
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(column))
        .map(|(_, r)| *r)
        .or(match column.to_ascii_lowercase().as_str() {
            "time_identifier" => Some(Role::TimeIdentifier),
            "old_la_code" => Some(Role::OldLaCode),
            "category" | "age_group" => Some(Role::Filter),
            _ => None,
        })
}

/// The measure whose presence identifies each dataset.
fn signature(dataset: Dataset) -> &'static str {
    match dataset {
        Dataset::CswwHeadline => "inpost_fte",
        Dataset::CswwRoleByEthnicity => "known_headcount",
        Dataset::ChildrenInNeed => "At31_episodes",
        Dataset::Referrals => "Referrals",
        Dataset::ChildPopulation => "population_estimate",
        // Not an EES file: read by its own reader (`crate::neighbours`).
        Dataset::StatisticalNeighbours => "",
    }
}

/// What a header says: the dataset, each column's role, and the columns read under another
/// spelling or not at all.
pub(super) struct Header {
    pub dataset: Dataset,
    /// Each column's name as published, with its role.
    pub roles: Vec<(String, Role)>,
    pub renamed: Vec<ColumnMapping>,
    pub unknown: Vec<String>,
}

/// Reads the header's names into roles; `None` after reporting every problem with them.
pub(super) fn read(file: &str, line: u64, names: &[String], out: &mut Collector) -> Option<Header> {
    let dataset = Dataset::ALL.into_iter().find(|d| {
        names
            .iter()
            .any(|n| Measure::find(*d, n).is_some_and(|m| m.name == signature(*d)))
    });
    let Some(dataset) = dataset else {
        let shown: Vec<_> = names.iter().take(12).map(String::as_str).collect();
        out.push(
            Diagnostic::error(
                file,
                format!(
                    "unknown dataset: no column identifies it (the header starts {})",
                    shown.join(",")
                ),
                "swforce reads the EES files of the children's social work workforce (headline measures; role by ethnicity), children in need, referrals and the population of children aged 0 to 17, and the Department's statistical neighbour tables; download one of those as CSV",
            )
            .at(line, None),
        );
        return None;
    };
    let mut roles = Vec::with_capacity(names.len());
    let mut by_measure: HashMap<&'static str, &str> = HashMap::new();
    // Keyed by the lower-case name: names are matched without regard to case, so
    // `time_period` and `Time_Period` are one column written twice.
    let mut seen_names: HashMap<String, (usize, &str)> = HashMap::new();
    let mut renamed = Vec::new();
    let mut unknown = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let col = Some(i as u64 + 1);
        let repeated = seen_names.insert(name.to_ascii_lowercase(), (i + 1, name.as_str()));
        if let Some((first, first_name)) = repeated {
            let problem = if first_name == name {
                format!(
                    "column \"{name}\" appears twice (columns {first} and {})",
                    i + 1
                )
            } else {
                format!(
                    "columns \"{first_name}\" and \"{name}\" are one column written in two cases (columns {first} and {}); names are matched without regard to case",
                    i + 1
                )
            };
            out.push(
                Diagnostic::error(file, problem, "remove or rename one of the two columns")
                    .at(line, col)
                    .field(name),
            );
        }
        let role = if let Some(r) = fixed_role(name) {
            r
        } else if dataset
            .breakdown_column()
            .is_some_and(|b| b.eq_ignore_ascii_case(name))
        {
            Role::Breakdown
        } else if let Some(m) = Measure::find(dataset, name) {
            // A repeated name has been reported above; saying it also means the same
            // measure twice would be the same problem twice.
            if let Some(other) = by_measure
                .insert(m.name, name)
                .filter(|_| repeated.is_none())
            {
                out.push(
                    Diagnostic::error(
                        file,
                        format!("columns \"{other}\" and \"{name}\" both mean {}", m.name),
                        "keep one of them: they are spellings of the same column from different releases",
                    )
                    .at(line, col)
                    .field(name),
                );
            }
            if m.name != name {
                renamed.push(ColumnMapping {
                    column: name.clone(),
                    measure: m.name,
                });
            }
            Role::Measure(m)
        } else {
            if !name.is_empty() {
                unknown.push(name.clone());
            }
            out.push(
                Diagnostic::warning(
                    file,
                    format!("column \"{name}\" is not a {} measure swforce knows; it was not imported", dataset.title()),
                    "nothing to do if you do not need it; otherwise ask for the measure to be added",
                )
                .at(line, col)
                .field(name),
            );
            Role::Unknown
        };
        roles.push((name.clone(), role));
    }
    for (name, role) in REQUIRED {
        if !roles.iter().any(|(_, r)| *r == role) {
            out.push(
                Diagnostic::error(
                    file,
                    format!("the header has no \"{name}\" column"),
                    format!("add the {name} column as published; every EES file has it"),
                )
                .at(line, None)
                .field(name),
            );
        }
    }
    if let Some(b) = dataset.breakdown_column() {
        if !roles.iter().any(|(_, r)| *r == Role::Breakdown) {
            out.push(
                Diagnostic::error(
                    file,
                    format!("the header has no \"{b}\" column"),
                    format!("add the {b} column as published"),
                )
                .at(line, None)
                .field(b),
            );
        }
    }
    if out.errors > 0 {
        return None;
    }
    Some(Header {
        dataset,
        roles,
        renamed,
        unknown,
    })
}

/// The column names of an EES file's header row.
pub(super) fn names(
    file: &str,
    line: u64,
    record: &csv::ByteRecord,
) -> Result<Vec<String>, Box<Diagnostic>> {
    crate::reading::header_names(
        file,
        line,
        record,
        &crate::reading::HeaderWords {
            not_utf8: "the header is not UTF-8 text",
            utf8_fix: "save the file as CSV UTF-8 (comma delimited) and retry",
            separator_fix: "save the file as CSV (comma delimited); Explore Education Statistics files use commas",
        },
    )
}
