//! Explore Education Statistics open-data CSV: the format every Department for Education
//! statistics release uses, one row per time period, geography and filter combination.

mod header;
mod joint;

use crate::diagnostic::{Diagnostic, Refused};
use crate::reading::{Collector, HashingReader, Lines, hex};
use header::Role;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use swforce_domain::geography::{ENGLAND, JOINT_SEPARATOR, LONDON};

/// Characters that change how text shows without showing themselves (zero-width spaces and
/// joiners, direction marks and overrides, the byte-order mark): a name holding one could
/// pass for another.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// The longest place name read (the longest published, a jointly reported pair, is under 80).
pub const MAX_NAME_CHARS: usize = 300;
use swforce_domain::{
    Cell, Dataset, EesSymbol, GeographicLevel, Geography, GeographyCode, OldLaCode, Row, Year,
};

/// A column whose heading was another spelling of a canonical measure: an older or newer name
/// from the mapping table, or the canonical name in another case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ColumnMapping {
    pub column: String,
    pub measure: &'static str,
}

/// A file read in full, without errors.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
    pub dataset: Dataset,
    pub rows: Vec<Row>,
    /// Every place the file names, with the name from its latest year.
    pub geographies: Vec<Geography>,
    pub first_year: Year,
    pub last_year: Year,
    /// Columns read as a canonical measure under another spelling.
    pub renamed: Vec<ColumnMapping>,
    /// Columns swforce does not know; kept in the provenance as warnings.
    pub unknown_columns: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

/// Reads an EES CSV file, recognising the dataset from its header.
///
/// Accepts every generation of column names, in any case (the other spellings are listed in each
/// measure's `legacy` field), a UTF-8 byte-order mark, quoted names with commas and blank lines.
/// Keeps the EES symbols as symbols. Refuses the whole file, listing up to 50 errors with their line,
/// column and fix, if any cell is wrong; unknown columns are only warnings. Streams the file;
/// a diagnostic's line is the physical line its row starts on, counting blank lines and line
/// breaks inside quoted cells, whether lines end in `\n` or `\r\n`.
pub fn read_ees_csv(file: &str, reader: impl Read) -> Result<ParsedFile, Refused> {
    read_ees_csv_against(file, reader, &[])
}

/// [`read_ees_csv`], checking jointly reported units' rows against the places already on record
/// as well as against the file's own rows: a unit's row may not give a member another place's
/// name, another DfE code or another region, join an authority that already reports with
/// another partner, or join one that had been replaced by then.
pub fn read_ees_csv_against(
    file: &str,
    reader: impl Read,
    known: &[Geography],
) -> Result<ParsedFile, Refused> {
    let mut out = Collector::new(file);
    let mut hashing = HashingReader {
        inner: crate::reading::Bounded::new(reader),
        hasher: Sha256::new(),
        bytes: 0,
        lines: Lines::default(),
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&mut hashing);

    let mut record = csv::ByteRecord::new();
    let mut header: Option<(u64, Vec<String>)> = None;
    let mut parser: Option<RowParser> = None;
    let mut neighbours: Option<crate::neighbours::Parser> = None;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = csv.get_mut().lines.of(e.position().map_or(0, |p| p.byte()));
                out.push(
                    Diagnostic::error(
                        file,
                        format!("the file could not be read: {e}"),
                        "check it is the file meant, and save it again as CSV (comma delimited, UTF-8) and retry",
                    )
                    .at(line, None),
                );
                return Err(out.refuse());
            }
        }
        let line = csv
            .get_mut()
            .lines
            .of(record.position().map_or(0, |p| p.byte()));
        if record.is_empty() || (record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace))
        {
            continue; // a blank line
        }
        if let Some(n) = &mut neighbours {
            n.parse(line, &record, &mut out);
            continue;
        }
        match &mut parser {
            None => {
                let names = match header::names(file, line, &record) {
                    Ok(n) => n,
                    Err(d) => {
                        out.push(*d);
                        return Err(out.refuse());
                    }
                };
                if crate::neighbours::is_neighbour_header(&names) {
                    match crate::neighbours::Parser::new(file, line, &names, known, &mut out) {
                        Some(p) => neighbours = Some(p),
                        None => return Err(out.refuse()),
                    }
                    header = Some((line, names));
                    continue;
                }
                match RowParser::new(file, line, &names, known, &mut out) {
                    Some(p) => parser = Some(p),
                    None => return Err(out.refuse()),
                }
                header = Some((line, names));
            }
            Some(p) => {
                p.parse(line, &record, &mut out);
                if out.full() {
                    out.diagnostics.push(
                        Diagnostic::error(
                            file,
                            format!("stopped reading after {} errors", Refused::LIMIT),
                            "fix these first; the rest of the file was not checked",
                        )
                        .at(line, None),
                    );
                    return Err(out.refuse());
                }
            }
        }
    }
    drop(csv);
    if let Some(n) = neighbours {
        let sha256 = hex(&hashing.hasher.finalize());
        return n.conclude(header.map_or(1, |(l, _)| l), out, sha256, hashing.bytes);
    }
    let Some(parser) = parser else {
        out.push(Diagnostic::error(
            file,
            "the file is empty",
            "choose the CSV file downloaded from Explore Education Statistics; it starts with a header row such as time_period,time_identifier,geographic_level,...",
        ));
        return Err(out.refuse());
    };
    let header_line = header.map_or(1, |(l, _)| l);
    if parser.rows.is_empty() && out.errors == 0 {
        out.push(
            Diagnostic::error(
                file,
                "the file has a header but no rows",
                "choose a file with data rows below the header",
            )
            .at(header_line, None),
        );
    }
    if out.errors > 0 {
        return Err(out.refuse());
    }
    let sha256 = hex(&hashing.hasher.finalize());
    Ok(parser.finish(sha256, hashing.bytes, out.finish()))
}

/// Makes an error for the current line: `(problem, fix, column index, field)`.
type ErrorAt<'a> = &'a dyn Fn(String, &str, Option<usize>, Option<&str>) -> Diagnostic;

struct RowParser {
    file: String,
    dataset: Dataset,
    roles: Vec<(String, Role)>,
    renamed: Vec<ColumnMapping>,
    unknown: Vec<String>,
    rows: Vec<Row>,
    seen: HashMap<(GeographyCode, Year, String), u64>,
    /// Authorities already warned about as renamed, so a file says it once each.
    warned_renamed: std::collections::HashSet<GeographyCode>,
    /// Each member of a jointly reported unit's row: the unit and the row's line.
    unit_rows: HashMap<(GeographyCode, Year, String), (GeographyCode, u64)>,
    /// code → (year of the name, geography)
    geographies: HashMap<GeographyCode, (Year, Geography)>,
    /// The places on record and those the file has named so far, to check joint rows against.
    known: joint::Known,
    filter: Option<(String, u64)>,
}

impl RowParser {
    fn new(
        file: &str,
        line: u64,
        names: &[String],
        known: &[Geography],
        out: &mut Collector,
    ) -> Option<Self> {
        let header = header::read(file, line, names, out)?;
        Some(Self {
            file: file.to_string(),
            dataset: header.dataset,
            roles: header.roles,
            renamed: header.renamed,
            unknown: header.unknown,
            rows: Vec::new(),
            seen: HashMap::new(),
            unit_rows: HashMap::new(),
            warned_renamed: Default::default(),
            geographies: HashMap::new(),
            known: joint::Known::new(known),
            filter: None,
        })
    }

    fn parse(&mut self, line: u64, record: &csv::ByteRecord, out: &mut Collector) {
        let file = self.file.clone();
        let err = |problem: String, fix: &str, col: Option<usize>, field: Option<&str>| {
            let mut d = Diagnostic::error(&file, problem, fix).at(line, col.map(|c| c as u64 + 1));
            if let Some(f) = field {
                d = d.field(f);
            }
            d
        };
        if record.len() != self.roles.len() {
            let problem = if record.len() < self.roles.len() {
                format!(
                    "the row has {} fields but the header has {}; the row looks truncated",
                    record.len(),
                    self.roles.len()
                )
            } else {
                format!(
                    "the row has {} fields but the header has {}",
                    record.len(),
                    self.roles.len()
                )
            };
            out.push(err(problem, "make the row complete: one value per column, names containing commas in double quotes", None, None));
            return;
        }
        let mut fields: Vec<&str> = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(t) => fields.push(t.trim()),
                Err(_) => {
                    out.push(err(
                        format!("field \"{}\" is not UTF-8 text", self.roles[i].0),
                        "save the file as CSV UTF-8 (comma delimited) and retry",
                        Some(i),
                        Some(&self.roles[i].0),
                    ));
                    return;
                }
            }
        }
        let get = |role: Role| -> Option<(usize, &str)> {
            self.roles
                .iter()
                .position(|(_, r)| *r == role)
                .map(|i| (i, fields[i]))
        };
        let errors_before = out.errors;

        let year = get(Role::TimePeriod).and_then(|(i, t)| match Year::parse(t) {
            Ok(y) => Some(y),
            Err(e) => {
                out.push(err(
                    format!("field \"time_period\" is {t:?}: {e}"),
                    "write the year as published, such as 2022 or 202122",
                    Some(i),
                    Some("time_period"),
                ));
                None
            }
        });
        if let Some((i, t)) = get(Role::TimeIdentifier) {
            if !matches!(
                t,
                "Reporting year" | "Financial year" | "Academic year" | "Calendar year"
            ) {
                out.push(err(
                    format!("field \"time_identifier\" is {t:?}"),
                    "write Reporting year, as published",
                    Some(i),
                    Some("time_identifier"),
                ));
            }
        }
        let level = get(Role::Level).and_then(|(i, t)| {
            let l = GeographicLevel::parse(t);
            if l.is_none() {
                out.push(err(
                    format!("field \"geographic_level\" is {t:?}; swforce reads National, Regional and Local authority rows"),
                    "remove rows at other levels, or correct the spelling",
                    Some(i),
                    Some("geographic_level"),
                ));
            }
            l
        });
        if let Some((i, t)) = get(Role::Filter) {
            match &self.filter {
                None => self.filter = Some((t.to_string(), line)),
                Some((first, first_line)) if first != t => out.push(err(
                    format!("this file mixes categories {first:?} (line {first_line}) and {t:?}"),
                    "import one category per file",
                    Some(i),
                    Some(&self.roles[i].0),
                )),
                _ => {}
            }
        }
        let breakdown = get(Role::Breakdown).map(|(i, t)| {
            if t.is_empty() {
                out.push(err(
                    format!("field \"{}\" is empty", self.roles[i].0),
                    "write the breakdown as published, such as Case holder",
                    Some(i),
                    Some(&self.roles[i].0),
                ));
            }
            t.to_string()
        });
        let geography = level.and_then(|l| self.geography(line, l, &fields, out, &err));

        let mut cells: BTreeMap<&'static str, Cell<f64>> = BTreeMap::new();
        for (i, (name, role)) in self.roles.iter().enumerate() {
            let Role::Measure(measure) = role else {
                continue;
            };
            let text = fields[i];
            let cell = if let Some(sym) = EesSymbol::parse(text) {
                Cell::Symbol(sym)
            } else if text.is_empty() {
                out.push(
                    Diagnostic::warning(
                        &self.file,
                        format!("field \"{name}\" is blank; read as x (not available)"),
                        "write x for a figure that is not available",
                    )
                    .at(line, Some(i as u64 + 1))
                    .field(name),
                );
                Cell::Symbol(EesSymbol::X)
            } else {
                match text.parse::<f64>() {
                    Ok(v) if !v.is_finite() => {
                        out.push(err(
                            format!("field \"{name}\" is {text:?}, which is not a number"),
                            "write a number, or one of the symbols z, x, c, low, u",
                            Some(i),
                            Some(name),
                        ));
                        continue;
                    }
                    Ok(v) if v < 0.0 => {
                        let what = if measure.unit.is_percent() {
                            "a rate"
                        } else {
                            "a count"
                        };
                        out.push(err(
                            format!("field \"{name}\" is {text}; {what} cannot be negative"),
                            "correct the figure, or write x if it is not available",
                            Some(i),
                            Some(name),
                        ));
                        continue;
                    }
                    Ok(v) if measure.unit.decimals() == 0 && v.fract() != 0.0 => {
                        out.push(err(
                            format!("field \"{name}\" is {text}; a count of people or cases is a whole number"),
                            "write the whole number as published, or x if it is not available",
                            Some(i),
                            Some(name),
                        ));
                        continue;
                    }
                    Ok(v)
                        if measure.unit.is_percent() && !measure.may_exceed_whole && v > 100.0 =>
                    {
                        out.push(err(format!("field \"{name}\" is {text}; a percentage cannot be above 100"), "correct the figure: rates are published as percentages between 0 and 100", Some(i), Some(name)));
                        continue;
                    }
                    Ok(v) => Cell::Value(measure.unit.from_published(v)),
                    Err(_) => {
                        out.push(err(
                            format!("field \"{name}\" is {text:?}, which is not a number"),
                            "write a number such as 12.5, or one of the symbols z, x, c, low, u",
                            Some(i),
                            Some(name),
                        ));
                        continue;
                    }
                }
            };
            cells.insert(measure.name, cell);
        }
        if out.errors > errors_before {
            return;
        }
        let (Some(year), Some(geography)) = (year, geography) else {
            return;
        };
        let breakdown = breakdown.unwrap_or_default();
        let key = (geography.clone(), year, breakdown.clone());
        if let Some(first) = self.seen.get(&key) {
            let what = if breakdown.is_empty() {
                String::new()
            } else {
                format!(", {breakdown}")
            };
            out.push(err(
                format!("duplicate row: {year}, {geography}{what} already appears on line {first}"),
                "remove one of the two rows; each year and place appears once",
                None,
                None,
            ));
            return;
        }
        // A pair is reported either jointly or each on its own in a year, never both ways.
        let clash = geography
            .members()
            .into_iter()
            .filter(|_| geography.is_joint())
            .find_map(|m| {
                let l = self.seen.get(&(m.clone(), year, breakdown.clone()))?;
                Some(format!(
                    "this row reports {m} jointly as {} in {year}, but line {l} reports it on its own",
                    geography.published()
                ))
            })
            .or_else(|| {
                let (unit, l) = self.unit_rows.get(&key)?;
                Some(format!(
                    "this row reports {geography} on its own in {year}, but line {l} reports it jointly as {}",
                    unit.published()
                ))
            });
        if let Some(problem) = clash {
            let col = self.roles.iter().position(|(_, r)| *r == Role::NewLaCode);
            out.push(err(
                problem,
                "keep the rows one way: remove the joint row or the single ones for that year",
                col,
                Some("new_la_code"),
            ));
            return;
        }
        if geography.is_joint() {
            for m in geography.members() {
                self.unit_rows
                    .insert((m, year, breakdown.clone()), (geography.clone(), line));
            }
        }
        self.seen.insert(key, line);
        let mut row = Row::new(self.dataset, geography, year, &breakdown);
        row.cells = cells;
        self.rows.push(row);
    }

    /// Checks the geography columns for the row's level and records the places it names.
    fn geography(
        &mut self,
        line: u64,
        level: GeographicLevel,
        fields: &[&str],
        out: &mut Collector,
        err: ErrorAt<'_>,
    ) -> Option<GeographyCode> {
        let positions: Vec<Role> = self.roles.iter().map(|(_, r)| *r).collect();
        let col = |role: Role| positions.iter().position(|r| *r == role);
        let year = col(Role::TimePeriod).and_then(|i| Year::parse(fields[i]).ok())?;
        let code_at = |role: Role, name: &str, out: &mut Collector| -> Option<GeographyCode> {
            let i = col(role)?;
            match GeographyCode::parse(fields[i]) {
                Ok(c) => Some(c),
                Err(e) => {
                    let fix = if e.is_joint() {
                        "write a jointly reported unit as two local authority codes joined by \" / \", such as E06000061 / E06000062; a region or England is never joint"
                    } else {
                        "copy the code as published; every row at this level needs one"
                    };
                    out.push(err(
                        format!("field \"{name}\": {e}"),
                        fix,
                        Some(i),
                        Some(name),
                    ));
                    None
                }
            }
        };
        let text = |role: Role| col(role).map_or("", |i| fields[i]);
        // A place's name is shown on every page, table and download: it is bounded and holds
        // no control characters (a line break or tab inside quotes is read as a space).
        let name_at = |role: Role, field: &str, what: &str, out: &mut Collector| {
            let name = text(role);
            let spaced;
            let name = if name.contains(['\r', '\n', '\t']) {
                spaced = name.split_whitespace().collect::<Vec<_>>().join(" ");
                spaced.as_str()
            } else {
                name
            };
            let problem = if name.is_empty() {
                format!("field \"{field}\" is empty")
            } else if name.chars().count() > MAX_NAME_CHARS {
                format!(
                    "field \"{field}\" is {} characters long, longer than any place's name ({MAX_NAME_CHARS} at most)",
                    name.chars().count()
                )
            } else if let Some(c) = name.chars().find(|c| c.is_control() || invisible(*c)) {
                format!(
                    "field \"{field}\" holds the {} character U+{:04X}, which no place's name has",
                    if c.is_control() {
                        "control"
                    } else {
                        "invisible formatting"
                    },
                    u32::from(c)
                )
            } else {
                return Some(name.to_string());
            };
            out.push(err(
                problem,
                &format!("write {what} as published"),
                col(role),
                Some(field),
            ));
            None
        };
        let country = code_at(Role::CountryCode, "country_code", out)?;
        if country.as_str() != ENGLAND {
            out.push(err(
                format!("field \"country_code\" is {country}; swforce covers England (E92000001)"),
                "remove rows for other countries",
                col(Role::CountryCode),
                Some("country_code"),
            ));
            return None;
        }
        let country_name = match col(Role::CountryName) {
            Some(i) if !fields[i].is_empty() => {
                name_at(Role::CountryName, "country_name", "the country's name", out)?
            }
            _ => String::new(),
        };
        self.remember(
            year,
            Geography {
                code: country.clone(),
                name: if country_name.is_empty() {
                    "England".into()
                } else {
                    country_name
                },
                level: GeographicLevel::National,
                parent: None,
                old_la_code: None,
            },
        );
        if level == GeographicLevel::National {
            return Some(country);
        }
        let region = code_at(Role::RegionCode, "region_code", out)?;
        let region_name = name_at(Role::RegionName, "region_name", "the region name", out)?;
        if !matches!(region.entity(), "E12" | "E13") {
            out.push(err(
                format!("field \"region_code\" is {region}, which is not a region (E12...) or Inner or Outer London (E13...)"),
                "copy the region code as published",
                col(Role::RegionCode),
                Some("region_code"),
            ));
            return None;
        }
        let london_part = region.entity() == "E13";
        let region_parent = if london_part {
            GeographyCode::parse(LONDON).ok()
        } else {
            Some(country.clone())
        };
        if london_part {
            if let Some(london) = region_parent.clone() {
                self.remember_if_absent(Geography {
                    code: london,
                    name: "London".into(),
                    level: GeographicLevel::Regional,
                    parent: Some(country.clone()),
                    old_la_code: None,
                });
            }
        }
        self.remember(
            year,
            Geography {
                code: region.clone(),
                name: region_name,
                level: GeographicLevel::Regional,
                parent: region_parent,
                old_la_code: None,
            },
        );
        if level == GeographicLevel::Regional {
            return Some(region);
        }
        let la = code_at(Role::NewLaCode, "new_la_code", out)?;
        if !matches!(la.entity(), "E06" | "E07" | "E08" | "E09" | "E10") {
            out.push(err(
                format!("field \"new_la_code\" is {la}, which is not a local authority code (E06, E08, E09 or E10...)"),
                "copy the authority's code as published",
                col(Role::NewLaCode),
                Some("new_la_code"),
            ));
            return None;
        }
        let la_name = name_at(Role::LaName, "la_name", "the authority's name", out)?;
        let old = match col(Role::OldLaCode).map(|i| (i, fields[i])) {
            Some((_, "")) | None => None,
            Some((i, t)) => match OldLaCode::parse_joint(t) {
                Ok(c) => Some(c),
                Err(e) => {
                    out.push(err(
                        format!("field \"old_la_code\": {e}"),
                        "copy the code as published, or leave it empty",
                        Some(i),
                        Some("old_la_code"),
                    ));
                    return None;
                }
            },
        };
        // A jointly reported unit names both members in every geography column, in one order;
        // its code lists them in code order, so names and DfE codes follow that order too.
        let reversed = la.reversed_in(col(Role::NewLaCode).map_or("", |i| fields[i]));
        let old = old.map(|o| if reversed { o.reversed() } else { o });
        let members = la.members().len();
        let names = la_name.split(JOINT_SEPARATOR.trim()).count();
        if names != members {
            out.push(err(
                format!(
                    "field \"la_name\" is {la_name:?}, which names {names} authorit{} but new_la_code {} names {members}",
                    if names == 1 { "y" } else { "ies" },
                    la.published()
                ),
                "a jointly reported unit names both authorities, joined by \" / \" in the same order as their codes, such as North Northamptonshire / West Northamptonshire",
                col(Role::LaName),
                Some("la_name"),
            ));
            return None;
        }
        if let Some(old) = old.filter(|o| o.members().len() != members) {
            out.push(err(
                format!(
                    "field \"old_la_code\" is {old}, which names {} authorit{} but new_la_code {} names {members}",
                    old.members().len(),
                    if old.members().len() == 1 { "y" } else { "ies" },
                    la.published()
                ),
                "give both DfE codes of a jointly reported unit, joined by \" / \" in the same order as the ONS codes, such as 940 / 941",
                col(Role::OldLaCode),
                Some("old_la_code"),
            ));
            return None;
        }
        let mut names: Vec<&str> = la_name
            .split(JOINT_SEPARATOR.trim())
            .map(str::trim)
            .collect();
        if reversed {
            names.reverse();
        }
        let la_name = names.join(JOINT_SEPARATOR);
        let unit = Geography {
            code: la.clone(),
            name: la_name,
            level: GeographicLevel::LocalAuthority,
            parent: Some(region),
            old_la_code: old,
        };
        let mut unit = unit;
        if let Some(part) = unit
            .parent
            .as_ref()
            .and_then(|r| joint::london_part(&unit.code, r, &self.known))
        {
            unit.parent = Some(part);
        }
        if let Some(p) = joint::check(&unit, year, &self.known) {
            out.push(err(p.problem, &p.fix, col(p.role), Some(p.field)));
            return None;
        }
        if let Some(w) = joint::renamed(&unit, &self.known)
            .filter(|_| self.warned_renamed.insert(unit.code.clone()))
        {
            out.push(
                Diagnostic::warning(
                    &self.file,
                    w,
                    "nothing to do if the authority was renamed; otherwise correct the name",
                )
                .at(line, col(Role::LaName).map(|c| c as u64 + 1))
                .field("la_name"),
            );
        }
        self.known.add(&unit, Some(line));
        // Each member of a unit is a place too, with a page that points to the unit.
        let olds = old.map(|o| o.members());
        for (i, (code, name)) in unit.members().into_iter().enumerate() {
            let member = Geography {
                code,
                name: name.to_string(),
                level: GeographicLevel::LocalAuthority,
                parent: unit.parent.clone(),
                old_la_code: olds.as_ref().map(|o| o[i]),
            };
            self.known.add(&member, Some(line));
            self.remember_if_absent(member);
        }
        self.remember(year, unit);
        Some(la)
    }

    /// Keeps the name and parent from the latest year that names the place.
    fn remember(&mut self, year: Year, g: Geography) {
        match self.geographies.get(&g.code) {
            Some((y, _)) if *y > year => {}
            _ => {
                self.geographies.insert(g.code.clone(), (year, g));
            }
        }
    }

    fn remember_if_absent(&mut self, g: Geography) {
        if !self.geographies.contains_key(&g.code) {
            let Ok(min) = Year::try_from(Year::MIN) else {
                return;
            };
            self.geographies.insert(g.code.clone(), (min, g));
        }
    }

    fn finish(self, sha256: String, bytes: u64, warnings: Vec<Diagnostic>) -> ParsedFile {
        let years = self.rows.iter().map(|r| r.year);
        let first_year = years.clone().min();
        let last_year = years.max();
        let mut geographies: Vec<Geography> =
            self.geographies.into_values().map(|(_, g)| g).collect();
        geographies.sort_by(|a, b| (a.level, &a.code).cmp(&(b.level, &b.code)));
        ParsedFile {
            file: self.file,
            sha256,
            bytes,
            dataset: self.dataset,
            // finish is only reached with at least one row, so both years exist
            first_year: first_year.expect("a file with rows has a first year"),
            last_year: last_year.expect("a file with rows has a last year"),
            rows: self.rows,
            geographies,
            renamed: self.renamed,
            unknown_columns: self.unknown,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../tests/fixtures/csww_headline_2022_to_2023_new_names.csv");

    fn first_error(name: &str, bytes: &[u8]) -> Diagnostic {
        match read_ees_csv(name, bytes) {
            Ok(f) => panic!("{name} was accepted with {} rows", f.rows.len()),
            Err(r) => r
                .errors()
                .next()
                .cloned()
                .expect("a refused file has an error"),
        }
    }

    /// Line `n` (1-based) of the sample, with field `column` (1-based) set to `value`.
    fn line(n: usize, column: usize, value: &str) -> String {
        let mut fields: Vec<&str> = SAMPLE.lines().nth(n - 1).unwrap().split(',').collect();
        fields[column - 1] = value;
        fields.join(",")
    }

    fn sample_line(n: usize) -> &'static str {
        SAMPLE.lines().nth(n - 1).unwrap()
    }

    /// Hands out at most `chunk` bytes a read, as a slow stream would.
    struct Trickle<'a> {
        bytes: &'a [u8],
        chunk: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn an_error_after_blank_lines_is_on_its_physical_line() {
        // Lines: header, row, blank, row, blank, blank, bad row.
        let text = format!(
            "{}\n{}\n\n{}\n\n\n{}\n",
            sample_line(1),
            sample_line(2),
            sample_line(3),
            line(4, 11, "-12")
        );
        let d = first_error("blank.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(7), Some(11)), "{d}");
        assert_eq!(d.field.as_deref(), Some("inpost_fte"));
        // Spaces on a blank line and blank lines before the header count too.
        let text = format!("\n \n{}\n{}\n", sample_line(1), line(2, 11, "lots"));
        let d = first_error("leading.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(4), Some(11)), "{d}");
    }

    #[test]
    fn an_error_in_a_file_with_windows_line_ends_is_on_its_physical_line() {
        let text = SAMPLE.replace('\n', "\r\n");
        let text = text.replacen(sample_line(3), &line(3, 11, "-12"), 1);
        let d = first_error("crlf.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(3), Some(11)), "{d}");
        // The header is line 1 and the first row line 2.
        let text = SAMPLE
            .replace('\n', "\r\n")
            .replacen(sample_line(2), &line(2, 11, "lots"), 1);
        assert_eq!(first_error("crlf.csv", text.as_bytes()).line, Some(2));
        let text = SAMPLE.replace('\n', "\r\n").replacen("time_period", "", 1);
        assert_eq!(first_error("crlf.csv", text.as_bytes()).line, Some(1));
    }

    #[test]
    fn a_duplicated_row_in_a_windows_file_names_both_physical_lines() {
        let text = format!("{}\r\n\r\n{}", SAMPLE.replace('\n', "\r\n"), sample_line(3));
        // Lines 1 to 7 are the sample, 8 and 9 blank.
        let d = first_error("dup.csv", text.as_bytes());
        assert_eq!(d.line, Some(10), "{d}");
        assert!(
            d.problem.contains("already appears on line 3"),
            "{}",
            d.problem
        );
    }

    #[test]
    fn a_truncated_last_row_after_blank_lines_is_on_its_physical_line() {
        let mut text = format!("{}\r\n\r\n\r\n", SAMPLE.trim_end().replace('\n', "\r\n"));
        text.push_str(&sample_line(2)[..40]);
        let d = first_error("truncated.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(10), None), "{d}");
        assert!(d.problem.contains("looks truncated"), "{}", d.problem);
    }

    #[test]
    fn line_numbers_count_blank_lines_windows_line_ends_and_quoted_line_breaks() {
        let header = sample_line(1);
        let quoted = line(4, 10, "\"Cumber\r\nland\"");
        let bad = line(5, 11, "-12");
        // Lines: header, blank, the quoted row over lines 3 and 4, blank, the bad row.
        let text = format!("{header}\r\n\r\n{quoted}\r\n\r\n{bad}\r\n");
        let d = first_error("crlf.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(6), Some(11)), "{d}");
        // A lone \n and a lone \r (old Mac line end) inside quotes are line breaks too.
        let quoted = line(4, 10, "\"Cum\nber\rland\"");
        let text = format!("{header}\n{quoted}\n{bad}\n");
        let d = first_error("mixed.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(5), Some(11)), "{d}");
    }

    #[test]
    fn line_numbers_hold_when_the_file_arrives_in_small_pieces_and_spans_many_buffers() {
        // Well past the CSV reader's buffer, with blank lines, \r\n and quoted breaks.
        let header = sample_line(1);
        let mut text = format!("{header}\r\n");
        let mut physical = 1;
        for year in 1990..=2100 {
            // Row 6 is a second national row, which would repeat row 2 for the year.
            for n in [2, 3, 4, 5, 7] {
                let row = line(n, 1, &year.to_string());
                let row = row.replacen(",England,", ",\"Eng\r\nland\",", 1);
                text.push_str(&row);
                text.push_str("\r\n\r\n");
                physical += 3;
            }
        }
        text.push_str(&line(2, 11, "-12"));
        let want = physical + 1;
        assert!(text.len() > 64 * 1024);
        for chunk in [1, 7, 8192, usize::MAX] {
            let reader = Trickle {
                bytes: text.as_bytes(),
                chunk,
            };
            let d = match read_ees_csv("long.csv", reader) {
                Ok(_) => panic!("accepted"),
                Err(r) => r.errors().next().cloned().unwrap(),
            };
            assert_eq!(
                (d.line, d.column),
                (Some(want), Some(11)),
                "chunk {chunk}: {d}"
            );
        }
    }

    #[test]
    fn line_numbers_are_unchanged_for_plain_files() {
        let text = SAMPLE.replacen(sample_line(6), &line(6, 11, "-12"), 1);
        assert_eq!(first_error("plain.csv", text.as_bytes()).line, Some(6));
        let text = format!("\u{FEFF}{text}");
        assert_eq!(first_error("bom.csv", text.as_bytes()).line, Some(6));
    }
}
