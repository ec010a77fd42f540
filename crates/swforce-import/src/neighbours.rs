//! The Department for Education's statistical neighbour tables, in both published layouts:
//!
//! - the 2021 groupings: `LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP, SN2, SNP, ...`
//!   (every closeness column headed `SNP`), with a trailing empty column, blank lines and an
//!   "Old SNs:" section of authorities since reorganised;
//! - the 2025 model: `old_la_code, la_name, region_ind, region_name, SN_1, SN_1P, ...`, some
//!   closeness words with a trailing space (`Close `).
//!
//! Each authority becomes one row of the England geography for the model's year, broken down by
//! its DfE code, holding its ten neighbours' DfE codes in order and how close each is. Every
//! code must be an authority swforce knows, on record or from the reorganisations.

use crate::diagnostic::Diagnostic;
use crate::ees::ParsedFile;
use crate::reading::Collector;
use std::collections::HashMap;
use swforce_domain::measure::{NEIGHBOURS, closeness_measure, neighbour_measure};
use swforce_domain::neighbours::{Closeness, place_of_dfe_code};
use swforce_domain::{Cell, Dataset, Geography, GeographyCode, Measure, OldLaCode, Row, Year};

/// Whether a header is a statistical neighbour table's: it has a first neighbour column
/// (`SN1` or `SN_1`).
pub(crate) fn is_neighbour_header(names: &[String]) -> bool {
    names
        .iter()
        .any(|n| n.trim().eq_ignore_ascii_case("SN1") || n.trim().eq_ignore_ascii_case("SN_1"))
}

/// The model's year, from the file's name (`statistical_neighbours_2025.csv`): the tables do
/// not say it themselves. `Err` with the years found when the name holds none, or two.
fn model_year(file: &str) -> Result<Year, Vec<u16>> {
    let stem = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let mut years: Vec<u16> = stem
        .split(|c: char| !c.is_ascii_digit())
        .filter(|d| d.len() == 4)
        .filter_map(|d| d.parse::<u16>().ok())
        .filter(|y| Year::try_from(*y).is_ok())
        .collect();
    years.dedup();
    match years.as_slice() {
        [one] => Year::try_from(*one).map_err(|_| years.clone()),
        _ => Err(years),
    }
}

/// Reads a neighbour table row by row.
pub(crate) struct Parser {
    file: String,
    year: Year,
    /// The column of the authority's code, and of each neighbour and its closeness.
    code: usize,
    /// The authority's name, and (2021 layout) its code written a second time.
    name: Option<usize>,
    code_again: Option<usize>,
    width: usize,
    slots: Vec<(usize, usize)>,
    known: Vec<Geography>,
    rows: Vec<Row>,
    /// Each authority's first line, to name both lines of a repeated one.
    seen: HashMap<OldLaCode, u64>,
}

impl Parser {
    /// Reads the header; `None` after reporting what is wrong with it.
    pub(crate) fn new(
        file: &str,
        line: u64,
        names: &[String],
        known: &[Geography],
        out: &mut Collector,
    ) -> Option<Self> {
        let find = |want: &str| {
            names
                .iter()
                .position(|n| n.trim().eq_ignore_ascii_case(want))
        };
        let year = match model_year(file) {
            Ok(y) => y,
            Err(years) => {
                let problem = if years.is_empty() {
                    "the file's name does not say the model's year, and a statistical neighbour table does not hold it".to_string()
                } else {
                    format!(
                        "the file's name holds more than one year ({}), so the model's year is not clear",
                        years
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(" and ")
                    )
                };
                out.push(
                    Diagnostic::error(
                        file,
                        problem,
                        "name the file with the year of the model alone, as published: statistical_neighbours_2025.csv",
                    )
                    .at(line, None),
                );
                return None;
            }
        };
        let code = find("old_la_code").or_else(|| find("LA num"));
        if !known
            .iter()
            .any(|g| g.code.as_str() == swforce_domain::geography::ENGLAND)
        {
            out.push(
                Diagnostic::error(
                    file,
                    "swforce knows no authorities yet, so the neighbours' codes cannot be checked",
                    "import the published statistics first (swforce demo, or the workforce file), then this table",
                )
                .at(line, None),
            );
            return None;
        }
        let mut slots = Vec::with_capacity(NEIGHBOURS);
        for rank in 1..=NEIGHBOURS {
            // The 2025 layout names each closeness column (SN_1P); the 2021 layout heads them
            // all SNP, each right after its neighbour.
            let (sn, closeness) = match find(&format!("SN_{rank}")) {
                Some(i) => (Some(i), find(&format!("SN_{rank}P"))),
                None => {
                    let i = find(&format!("SN{rank}"));
                    let next = i.map(|i| i + 1).filter(|j| {
                        names
                            .get(*j)
                            .is_some_and(|n| n.trim().eq_ignore_ascii_case("SNP"))
                    });
                    (i, next)
                }
            };
            match (sn, closeness) {
                (Some(a), Some(b)) => slots.push((a, b)),
                (None, _) => out.push(
                    Diagnostic::error(
                        file,
                        format!("the header has no column for neighbour {rank} (SN_{rank} or SN{rank})"),
                        "use the table as the Department publishes it, with ten neighbours",
                    )
                    .at(line, None)
                    .field(&format!("SN_{rank}")),
                ),
                (Some(a), None) => out.push(
                    Diagnostic::error(
                        file,
                        format!("neighbour {rank} has no closeness column (SN_{rank}P, or SNP right after SN{rank})"),
                        "use the table as the Department publishes it, each neighbour followed by how close it is",
                    )
                    .at(line, Some(a as u64 + 1))
                    .field(&names[a]),
                ),
            }
        }
        let Some(code) = code else {
            out.push(
                Diagnostic::error(
                    file,
                    "the header has no column of authority codes (old_la_code, or LA num)",
                    "use the table as the Department publishes it",
                )
                .at(line, None)
                .field("old_la_code"),
            );
            return None;
        };
        if out.errors > 0 {
            return None;
        }
        Some(Self {
            file: file.to_string(),
            year,
            code,
            name: find("la_name").or_else(|| find("LA Name")),
            code_again: find("LA number"),
            width: names.len(),
            slots,
            known: known.to_vec(),
            rows: Vec::new(),
            seen: HashMap::new(),
        })
    }

    /// Reads one row; a row with no authority and no neighbours (a blank row, or a section title
    /// such as "Old SNs:") is passed over.
    pub(crate) fn parse(&mut self, line: u64, record: &csv::ByteRecord, out: &mut Collector) {
        let file = self.file.clone();
        let err = |problem: String, fix: &str, column: usize, name: &str| {
            Diagnostic::error(&file, problem, fix)
                .at(line, Some(column as u64 + 1))
                .field(name)
        };
        if let Some((i, _)) = record
            .iter()
            .enumerate()
            .find(|(_, b)| std::str::from_utf8(b).is_err())
        {
            out.push(err(
                "this cell is not UTF-8 text".into(),
                "save the file as CSV UTF-8 (comma delimited) and retry",
                i,
                "",
            ));
            return;
        }
        let field = |i: usize| {
            record
                .get(i)
                .map(|b| String::from_utf8_lossy(b).trim().to_string())
                .unwrap_or_default()
        };
        let code_text = field(self.code);
        let any_neighbour = self.slots.iter().any(|(a, _)| !field(*a).is_empty());
        if code_text.is_empty() && !any_neighbour {
            return;
        }
        if let Some(extra) = (self.width..record.len()).find(|i| !field(*i).is_empty()) {
            out.push(err(
                format!(
                    "the row has a value in column {}, beyond the {} columns of the header",
                    extra + 1,
                    self.width
                ),
                "remove the extra cell, or check that no cell holds an unquoted comma",
                extra,
                "",
            ));
            return;
        }
        let Some(code) = self.authority(&code_text) else {
            out.push(err(
                format!("{code_text:?} is not the DfE code of a local authority swforce knows"),
                "write the authority's 3-digit DfE code as published (such as 886); import the workforce statistics first so that swforce knows the authorities",
                self.code,
                "old_la_code",
            ));
            return;
        };
        if let Some(again) = self.code_again.map(field).filter(|t| !t.is_empty()) {
            if OldLaCode::parse(&again).ok() != Some(code) {
                out.push(err(
                    format!("the row gives the authority's code as {code} and again as {again:?}"),
                    "the two code columns (LA num, LA number) hold the same code: check the row",
                    self.code_again.unwrap_or(self.code),
                    "LA number",
                ));
            }
        }
        if let Some(name) = self.name.map(field).filter(|t| !t.is_empty()) {
            // A name that is another authority's: the row is not the authority its code says.
            let other = self.known.iter().find(|g| {
                g.name.eq_ignore_ascii_case(&name)
                    && g.old_la_code
                        .is_some_and(|c| !c.covers(code) && c.members().len() == 1)
                    && !self
                        .known
                        .iter()
                        .any(|k| k.name.eq_ignore_ascii_case(&name) && k.old_la_code == Some(code))
            });
            if let Some(other) = other {
                out.push(err(
                    format!(
                        "the row names {name}, whose code is {}, but gives the code {code}",
                        other.old_la_code.map(|c| c.to_string()).unwrap_or_default()
                    ),
                    "check the row: its code and name should be one authority's",
                    self.name.unwrap_or(self.code),
                    "la_name",
                ));
            }
        }
        if let Some(date) = formed_after(code, self.year) {
            out.push(err(
                format!("authority {code} was formed on {date}, after the {} model", self.year),
                "check the table is the model its file's name says (the year in the name is the model's)",
                self.code,
                "old_la_code",
            ));
            return;
        }
        let current = !replaced_by(code, self.year);
        if let Some(first) = self.seen.insert(code, line) {
            out.push(err(
                format!("authority {code} appears twice (lines {first} and {line})"),
                "keep one row per authority",
                self.code,
                "old_la_code",
            ));
            return;
        }
        let Some(england) = GeographyCode::parse(swforce_domain::geography::ENGLAND).ok() else {
            return;
        };
        let mut row = Row::new(
            Dataset::StatisticalNeighbours,
            england,
            self.year,
            &code.to_string(),
        );
        let mut listed: Vec<OldLaCode> = Vec::new();
        for (rank, (a, b)) in self.slots.clone().into_iter().enumerate() {
            let rank = rank + 1;
            let text = field(a);
            let Some(neighbour) = self.authority(&text) else {
                out.push(err(
                    if text.is_empty() {
                        format!("neighbour {rank} of authority {code} is empty")
                    } else {
                        format!("neighbour {rank} of authority {code} is {text:?}, not the DfE code of a local authority swforce knows")
                    },
                    "write the neighbour's 3-digit DfE code as published (such as 886)",
                    a,
                    &format!("SN_{rank}"),
                ));
                continue;
            };
            if let Some(date) = formed_after(neighbour, self.year) {
                out.push(err(
                    format!(
                        "neighbour {rank} of authority {code} is {neighbour}, formed on {date}, after the {} model",
                        self.year
                    ),
                    "check the table is the model its file's name says (the year in the name is the model's)",
                    a,
                    &format!("SN_{rank}"),
                ));
            } else if current && replaced_by(neighbour, self.year) {
                out.push(err(
                    format!(
                        "neighbour {rank} of authority {code} is {neighbour}, an authority replaced by a reorganisation before the {} model",
                        self.year
                    ),
                    "check the table is the model its file's name says; a current authority's neighbours are current authorities",
                    a,
                    &format!("SN_{rank}"),
                ));
            } else if neighbour == code {
                out.push(err(
                    format!("authority {code} is listed as its own neighbour {rank}"),
                    "an authority's neighbours are other authorities; check the row against the published table",
                    a,
                    &format!("SN_{rank}"),
                ));
            } else if let Some(earlier) = listed.iter().position(|c| *c == neighbour) {
                out.push(err(
                    format!(
                        "authority {code} lists {neighbour} twice (neighbours {} and {rank})",
                        earlier + 1
                    ),
                    "each of the ten neighbours is a different authority; check the row against the published table",
                    a,
                    &format!("SN_{rank}"),
                ));
            }
            listed.push(neighbour);
            let word = field(b);
            let Some(closeness) = Closeness::parse(&word) else {
                out.push(err(
                    format!("the closeness of neighbour {rank} of authority {code} is {word:?}"),
                    "write one of Extremely close, Very close, Close, Somewhat close or Not close",
                    b,
                    &format!("SN_{rank}P"),
                ));
                continue;
            };
            if let (Some(n), Some(c)) = (
                Measure::named(neighbour_measure(rank)),
                Measure::named(closeness_measure(rank)),
            ) {
                row.set(n, Cell::Value(f64::from(neighbour.get())));
                row.set(c, Cell::Value(f64::from(closeness.number())));
            }
        }
        self.rows.push(row);
    }

    /// The DfE code in `text`, if it is an authority on record or from the reorganisations.
    fn authority(&self, text: &str) -> Option<OldLaCode> {
        let code = OldLaCode::parse(text).ok()?;
        place_of_dfe_code(code, &self.known).map(|_| code)
    }

    /// The table read whole, or refused with every error found (at most a screenful).
    pub(crate) fn conclude(
        self,
        header_line: u64,
        mut out: Collector,
        sha256: String,
        bytes: u64,
    ) -> Result<ParsedFile, crate::Refused> {
        if self.rows.is_empty() && out.errors == 0 {
            out.push(
                Diagnostic::error(
                    &self.file,
                    "the table has a header but no authorities",
                    "choose the table with a row per authority",
                )
                .at(header_line, None),
            );
        }
        if out.errors > 0 {
            return Err(out.refuse());
        }
        // A model imported again replaces the earlier whole: every authority it does not list
        // is recorded as not in it (not applicable), so an earlier file's row for it gives way.
        let mut rows = self.rows;
        let listed = self.seen;
        let codes = self
            .known
            .iter()
            .filter_map(|g| g.old_la_code)
            .chain(swforce_domain::lineage::LINEAGE.iter().flat_map(|r| {
                r.predecessors
                    .iter()
                    .chain(r.successors)
                    .filter_map(|(_, dfe, _)| OldLaCode::parse(dfe).ok())
            }))
            .filter(|c| c.members().len() == 1)
            .collect::<std::collections::BTreeSet<_>>();
        if let Ok(england) = GeographyCode::parse(swforce_domain::geography::ENGLAND) {
            for code in codes.into_iter().filter(|c| !listed.contains_key(c)) {
                let mut row = Row::new(
                    Dataset::StatisticalNeighbours,
                    england.clone(),
                    self.year,
                    &code.to_string(),
                );
                for rank in 1..=NEIGHBOURS {
                    for name in [neighbour_measure(rank), closeness_measure(rank)] {
                        if let Some(m) = Measure::named(name) {
                            row.set(m, Cell::Symbol(swforce_domain::EesSymbol::Z));
                        }
                    }
                }
                rows.push(row);
            }
        }
        let warnings = out.finish();
        Ok(ParsedFile {
            file: self.file,
            sha256,
            bytes,
            dataset: Dataset::StatisticalNeighbours,
            first_year: self.year,
            last_year: self.year,
            rows,
            geographies: Vec::new(),
            renamed: Vec::new(),
            unknown_columns: Vec::new(),
            warnings,
        })
    }
}

/// The council with this DfE code, if a reorganisation after the model's year made it
/// (Cumberland's 942, formed in April 2023, in a 2021 model), and the date it did.
fn formed_after(code: OldLaCode, model: Year) -> Option<&'static str> {
    swforce_domain::lineage::LINEAGE.iter().find_map(|r| {
        let year = r.effective.get(..4).and_then(|y| y.parse::<u16>().ok())?;
        let made = r
            .successors
            .iter()
            .any(|(_, dfe, _)| OldLaCode::parse(dfe).is_ok_and(|d| d == code))
            && !r
                .predecessors
                .iter()
                .any(|(_, dfe, _)| OldLaCode::parse(dfe).is_ok_and(|d| d == code));
        (made && year > model.get()).then_some(r.effective)
    })
}

/// Whether a reorganisation in or before the model's year replaced the authority with this
/// DfE code (Northamptonshire's 928 in April 2021), not keeping its code for the new council.
fn replaced_by(code: OldLaCode, model: Year) -> bool {
    swforce_domain::lineage::LINEAGE.iter().any(|r| {
        let year = r.effective.get(..4).and_then(|y| y.parse::<u16>().ok());
        year.is_some_and(|y| y <= model.get())
            && r.predecessors
                .iter()
                .any(|(_, dfe, _)| OldLaCode::parse(dfe).is_ok_and(|d| d == code))
            && !r
                .successors
                .iter()
                .any(|(_, dfe, _)| OldLaCode::parse(dfe).is_ok_and(|d| d == code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_models_year_is_the_four_digit_number_in_the_files_name() {
        let y = |f: &str| model_year(f).map(Year::get).ok();
        assert_eq!(y("statistical_neighbours_2025.csv"), Some(2025));
        assert_eq!(y("/tmp/x/statistical_neighbours_2021 (1).csv"), Some(2021));
        assert_eq!(y("sn_2021_v12345.csv"), Some(2021));
        assert_eq!(y("sn_2021_copy_2021.csv"), Some(2021));
        assert_eq!(y("neighbours.csv"), None);
        assert_eq!(model_year("sn_2021_to_2025.csv"), Err(vec![2021, 2025]));
    }
}
