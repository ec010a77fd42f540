//! Agency engagements as a council keeps them in a spreadsheet: one CSV row per agency child
//! and family social worker engaged, read into [`Engagement`]s for the check against the
//! national rules, and written back in the same shape.

mod caps;
mod record;

pub use caps::{CAP_COLUMNS, CapsRead, read_caps_csv, write_caps_csv};
pub use record::{FieldProblem, engagement_fields, engagement_from};

use crate::diagnostic::{Diagnostic, Refused};
use crate::reading::{Collector, Lines};
use std::collections::HashMap;
use std::io::Read;
use std::ops::ControlFlow;
use swforce_domain::agency::Engagement;

/// The columns of an engagements file, in the order [`write_engagements_csv`] writes them:
/// `(name, required, what it holds)`. Headings are matched case-insensitively, in any order.
pub const COLUMNS: &[(&str, bool, &str)] = &[
    (
        "reference",
        true,
        "The council's own reference for the engagement, 1 to 64 characters, once in the file.",
    ),
    (
        "swe_number",
        true,
        "The worker's Social Work England registration number: SW then 1 to 8 digits, such as SW123456.",
    ),
    (
        "agency",
        true,
        "The agency that supplies the worker, 1 to 200 characters.",
    ),
    (
        "la_code",
        true,
        "The council's ONS code: E06, E07, E08, E09 or E10 then 6 digits, such as E10000016.",
    ),
    (
        "job_type",
        true,
        "The kind of post, as price caps are set and the return collects it: social_worker (holds cases independently), senior_social_worker, advanced_practitioner (including assistant team managers and practice leads), team_manager, or iro_or_cp_chair (independent reviewing officer or child protection conference chair).",
    ),
    (
        "start_date",
        true,
        "The first day of the engagement, as YYYY-MM-DD or DD/MM/YYYY.",
    ),
    (
        "end_date",
        false,
        "The last day of the engagement, if it has one; not before start_date.",
    ),
    (
        "hours_per_week",
        false,
        "Hours worked a week: more than 0 and at most 60.",
    ),
    (
        "pay_basis",
        false,
        "How the worker is paid: paye (employer National Insurance, the levy and holiday pay come on top of the pay rate), umbrella or limited_company (the pay rate includes them).",
    ),
    (
        "pay_rate",
        false,
        "The worker's pay an hour, in pounds, such as 45.50 or £45.50.",
    ),
    (
        "employer_ni",
        false,
        "Employer's National Insurance an hour, in pounds.",
    ),
    (
        "apprenticeship_levy",
        false,
        "Apprenticeship levy an hour, in pounds.",
    ),
    (
        "holiday_pay",
        false,
        "Holiday pay an hour on top of a PAYE worker's pay rate, in pounds (0 where none).",
    ),
    (
        "agency_margin",
        false,
        "The agency's margin an hour, in pounds (reported, not capped).",
    ),
    (
        "qualified_on",
        false,
        "The date the worker qualified as a social worker.",
    ),
    (
        "pqe_years",
        false,
        "Years of post-qualifying experience in child and family social work, 0 to 60.",
    ),
    (
        "previous_employer",
        false,
        "The worker's last substantive (permanent) employer, or none.",
    ),
    (
        "previous_la_code",
        false,
        "That employer's ONS code, when it was a council.",
    ),
    (
        "previous_employer_region",
        false,
        "That employer's region: its ONS code (E12000001 to E12000009) or name, such as South East.",
    ),
    ("left_on", false, "The date the worker left that post."),
    (
        "leaving_circumstance",
        false,
        "How they left it: resigned, dismissed, end_of_fixed_term, retired, redundancy, left_in_probation or moving_to_permanent.",
    ),
    (
        "practice_reference",
        false,
        "Whether a practice-based reference was received: yes or no.",
    ),
    (
        "notice_weeks",
        false,
        "The worker's notice period in weeks, 0 to 52.",
    ),
    (
        "council_notice_weeks",
        false,
        "The council's notice period for the equivalent permanent role, in weeks, 0 to 52.",
    ),
    (
        "project_team",
        false,
        "The project team the worker belongs to, if any.",
    ),
    (
        "packaged_model",
        false,
        "Whether the worker is supplied as part of a packaged model (a managed service): yes or no.",
    ),
    (
        "dcs_signoff_on",
        false,
        "The date the director of children's services signed off a charge above the price cap.",
    ),
    (
        "ceo_signoff_on",
        false,
        "The date the chief executive signed off a charge above the price cap.",
    ),
];

// Positions in COLUMNS.
const REFERENCE: usize = 0;
const SWE: usize = 1;
const AGENCY: usize = 2;
const LA_CODE: usize = 3;
const JOB_TYPE: usize = 4;
const START: usize = 5;
const END: usize = 6;
const HOURS: usize = 7;
const PAY_BASIS: usize = 8;
const PAY: usize = 9;
const NI: usize = 10;
const LEVY: usize = 11;
const HOLIDAY: usize = 12;
const MARGIN: usize = 13;
const QUALIFIED: usize = 14;
const PQE: usize = 15;
const PREVIOUS_EMPLOYER: usize = 16;
const PREVIOUS_LA: usize = 17;
const PREVIOUS_REGION: usize = 18;
const LEFT_ON: usize = 19;
const LEAVING: usize = 20;
const PRACTICE_REFERENCE: usize = 21;
const NOTICE: usize = 22;
const COUNCIL_NOTICE: usize = 23;
const PROJECT_TEAM: usize = 24;
const PACKAGED: usize = 25;
const DCS: usize = 26;
const CEO: usize = 27;

const N: usize = COLUMNS.len();

const UTF8_FIX: &str = "save the file as CSV UTF-8 (comma delimited) and retry";

/// A file read in full, without errors.
#[derive(Debug, Clone)]
pub struct EngagementsRead {
    /// Each engagement with the line it starts on.
    pub engagements: Vec<(u64, Engagement)>,
    /// Unknown columns, ignored.
    pub warnings: Vec<Diagnostic>,
}

/// Reads a CSV file of agency engagements (see [`COLUMNS`]).
///
/// Accepts a UTF-8 byte-order mark, headings in any order and case, blank lines (and rows of
/// empty cells), and dates as `YYYY-MM-DD` or `DD/MM/YYYY`. An empty cell means "not given".
/// Refuses the whole file, listing up to 50 errors with their line, column and fix, if any cell
/// is wrong; unknown columns are only warnings. Reads the whole file into memory (a council's
/// engagements are a few hundred rows) to give each row its true line number.
pub fn read_engagements_csv(file: &str, mut reader: impl Read) -> Result<EngagementsRead, Refused> {
    let mut out = Collector::new(file);
    let mut bytes = Vec::new();
    if let Err(e) = crate::reading::Bounded::new(&mut reader).read_to_end(&mut bytes) {
        out.push(Diagnostic::error(
            file,
            format!("the file could not be read: {e}"),
            "check it is the CSV file meant (comma delimited, UTF-8 text), and retry",
        ));
        return Err(out.refuse());
    }
    let mut lines = Lines::default();
    lines.feed(0, &bytes);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());

    let mut record = csv::ByteRecord::new();
    let mut header_line = 1;
    let mut parser: Option<RowParser> = None;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = lines.of(e.position().map_or(0, |p| p.byte()));
                out.push(
                    Diagnostic::error(
                        file,
                        format!("the file could not be read: {e}"),
                        "save the file again as CSV (comma delimited, UTF-8) and retry",
                    )
                    .at(line, None),
                );
                return Err(out.refuse());
            }
        }
        let line = lines.of(record.position().map_or(0, |p| p.byte()));
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line, or a row of empty cells a spreadsheet left behind
        }
        match &mut parser {
            // Comment lines above the header, as the template has, are skipped.
            None if is_comment(&record) => {}
            None => {
                let names = match header_names(file, line, &record) {
                    Ok(n) => n,
                    Err(d) => {
                        out.push(*d);
                        return Err(out.refuse());
                    }
                };
                match RowParser::new(file, line, &names, &mut out) {
                    Some(p) => parser = Some(p),
                    None => return Err(out.refuse()),
                }
                header_line = line;
            }
            Some(p) => {
                if p.parse(line, &record, &mut out).is_break() {
                    return Err(out.refuse());
                }
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
    let Some(parser) = parser else {
        out.push(Diagnostic::error(
            file,
            "the file is empty",
            format!(
                "choose the CSV file of agency engagements; it starts with a header row such as {}",
                names(COLUMNS.iter().filter(|c| c.1), ",")
            ),
        ));
        return Err(out.refuse());
    };
    if parser.engagements.is_empty() && out.errors == 0 {
        out.push(
            Diagnostic::error(
                file,
                "the file has a header but no rows",
                "add one row per agency engagement below the header",
            )
            .at(header_line, None),
        );
    }
    if out.errors > 0 {
        return Err(out.refuse());
    }
    Ok(EngagementsRead {
        engagements: parser.engagements,
        warnings: out.finish(),
    })
}

/// Whether a row above the header is a comment: its first cell starts with `#` (after any
/// byte-order mark and spaces).
fn is_comment(record: &csv::ByteRecord) -> bool {
    record.get(0).is_some_and(|f| {
        f.strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(f)
            .trim_ascii_start()
            .starts_with(b"#")
    })
}

/// Whether a heading names a column: in any case, with spaces or hyphens for underscores
/// (`Pay Rate` and `pay-rate` are `pay_rate`).
pub(crate) fn same_heading(column: &str, heading: &str) -> bool {
    let normal = heading.trim().replace([' ', '-'], "_");
    column.eq_ignore_ascii_case(&normal)
}

/// Column names joined by `sep`.
fn names<'a>(columns: impl Iterator<Item = &'a (&'a str, bool, &'a str)>, sep: &str) -> String {
    columns.map(|c| c.0).collect::<Vec<_>>().join(sep)
}

/// Every column, the required ones first named as such, for a fix.
fn expected_columns() -> String {
    format!(
        "the required columns are {}; the optional ones are {}",
        names(COLUMNS.iter().filter(|c| c.1), ", "),
        names(COLUMNS.iter().filter(|c| !c.1), ", ")
    )
}

fn header_names(
    file: &str,
    line: u64,
    record: &csv::ByteRecord,
) -> Result<Vec<String>, Box<Diagnostic>> {
    crate::reading::header_names(
        file,
        line,
        record,
        &crate::reading::HeaderWords {
            not_utf8: "the file is not UTF-8 text: the header is not",
            utf8_fix: UTF8_FIX,
            separator_fix: "save the file as CSV (comma delimited)",
        },
    )
}

struct RowParser {
    file: String,
    /// For each of [`COLUMNS`], its field number in the file.
    at: [Option<usize>; N],
    width: usize,
    engagements: Vec<(u64, Engagement)>,
    /// reference → the line it first appears on
    seen: HashMap<String, u64>,
}

impl RowParser {
    fn new(file: &str, line: u64, names: &[String], out: &mut Collector) -> Option<Self> {
        let mut at = [None; N];
        for (i, name) in names.iter().enumerate() {
            let col = Some(i as u64 + 1);
            match COLUMNS.iter().position(|c| same_heading(c.0, name)) {
                Some(k) => {
                    let canonical = COLUMNS[k].0;
                    if let Some(first) = at[k] {
                        out.push(
                            Diagnostic::error(
                                file,
                                format!(
                                    "columns {} and {} are both \"{canonical}\"",
                                    first + 1,
                                    i + 1
                                ),
                                "remove or rename one of the two columns",
                            )
                            .at(line, col)
                            .field(canonical),
                        );
                    } else {
                        at[k] = Some(i);
                    }
                }
                None if name.is_empty() => out.push(
                    Diagnostic::warning(
                        file,
                        format!("column {} has no heading; it was ignored", i + 1),
                        "nothing to do if it is empty; otherwise give it one of the headings swforce reads",
                    )
                    .at(line, col),
                ),
                None => out.push(
                    Diagnostic::warning(
                        file,
                        format!("column \"{name}\" is not one swforce reads; it was ignored"),
                        format!(
                            "nothing to do if you do not need it; otherwise rename it: {}",
                            expected_columns()
                        ),
                    )
                    .at(line, col)
                    .field(name),
                ),
            }
        }
        for (k, (name, required, _)) in COLUMNS.iter().enumerate() {
            if *required && at[k].is_none() {
                out.push(
                    Diagnostic::error(
                        file,
                        format!("the header has no \"{name}\" column"),
                        format!("add the {name} column; {}", expected_columns()),
                    )
                    .at(line, None)
                    .field(name),
                );
            }
        }
        if out.errors > 0 {
            return None;
        }
        Some(Self {
            file: file.to_string(),
            at,
            width: names.len(),
            engagements: Vec::new(),
            seen: HashMap::new(),
        })
    }

    /// Reads one row; breaks when the file cannot be read further.
    fn parse(
        &mut self,
        line: u64,
        record: &csv::ByteRecord,
        out: &mut Collector,
    ) -> ControlFlow<()> {
        if record.len() != self.width {
            let problem = if record.len() < self.width {
                format!(
                    "the row has {} fields but the header has {}; the row looks truncated",
                    record.len(),
                    self.width
                )
            } else {
                format!(
                    "the row has {} fields but the header has {}",
                    record.len(),
                    self.width
                )
            };
            out.push(
                Diagnostic::error(
                    &self.file,
                    problem,
                    "make the row complete: one value per column, text containing commas in double quotes",
                )
                .at(line, None),
            );
            return ControlFlow::Continue(());
        }
        let mut fields: Vec<&str> = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(t) => fields.push(t.trim()),
                Err(_) => {
                    let mut d = Diagnostic::error(
                        &self.file,
                        format!(
                            "the file is not UTF-8 text: line {line}, field {} is not",
                            i + 1
                        ),
                        UTF8_FIX,
                    )
                    .at(line, Some(i as u64 + 1));
                    if let Some(k) = self.at.iter().position(|a| *a == Some(i)) {
                        d = d.field(COLUMNS[k].0);
                    }
                    out.push(d);
                    return ControlFlow::Break(());
                }
            }
        }
        let errors_before = out.errors;
        let (file, at) = (&self.file, &self.at);
        let text = |k: usize| at[k].map(|i| fields[i]);
        let engagement = record::check(text, |k, problem, fix| {
            out.push(
                Diagnostic::error(file, problem, fix)
                    .field(COLUMNS[k].0)
                    .at(line, at[k].map(|i| i as u64 + 1)),
            );
        });
        if let Some(r) = text(REFERENCE).and_then(record::reference) {
            match self.seen.get(&r) {
                Some(first) => out.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "field \"reference\" is {r:?}, which already appears on line {first}"
                        ),
                        "give each engagement its own reference, or remove one of the two rows",
                    )
                    .field(COLUMNS[REFERENCE].0)
                    .at(line, at[REFERENCE].map(|i| i as u64 + 1)),
                ),
                None => {
                    self.seen.insert(r, line);
                }
            }
        }
        if out.errors > errors_before {
            return ControlFlow::Continue(());
        }
        if let Some(engagement) = engagement {
            self.engagements.push((line, engagement));
        }
        ControlFlow::Continue(())
    }
}

/// A date as the engagements and caps files read it: `YYYY-MM-DD` or `DD/MM/YYYY`.
pub fn read_date(text: &str) -> Option<swforce_domain::Date> {
    record::date(text.trim()).ok()
}

/// An example register of a council's agency engagements (invented people, a real council),
/// shipped with swforce to try the check on.
pub const EXAMPLE: &str = include_str!("../tests/fixtures/agency_engagements.csv");

/// A template to fill in: a comment line per column (its name, whether it is required, what it
/// holds), then the header row. [`read_engagements_csv`] skips the comment lines, so the
/// template can be filled in place.
pub fn template_csv() -> String {
    let mut csv = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let comment = [
        "# swforce agency engagements: one row per agency child and family social worker engaged, below the header. Lines starting with # are read as comments. Dates as YYYY-MM-DD or DD/MM/YYYY; money in pounds an hour; an empty cell means not known.",
    ];
    csv.write_record(comment)
        .expect("writing to memory cannot fail");
    for (name, required, what) in COLUMNS {
        let need = if *required { "required" } else { "optional" };
        csv.write_record([format!("# {name} ({need}): {what}")])
            .expect("writing to memory cannot fail");
    }
    csv.write_record(COLUMNS.iter().map(|c| c.0))
        .expect("writing to memory cannot fail");
    let bytes = csv.into_inner().expect("flushing to memory cannot fail");
    String::from_utf8(bytes).expect("every field written is a Rust string, so the file is UTF-8")
}

/// Writes engagements as a CSV file with every column of [`COLUMNS`], in that order, one row
/// each; [`read_engagements_csv`] reads it back to the same engagements.
pub fn write_engagements_csv(engagements: &[Engagement]) -> String {
    let mut csv = csv::WriterBuilder::new().from_writer(Vec::new());
    csv.write_record(COLUMNS.iter().map(|c| c.0))
        .expect("writing to memory cannot fail");
    for e in engagements {
        csv.write_record(record::row(e))
            .expect("writing to memory cannot fail, and every row has one field per column");
    }
    let bytes = csv.into_inner().expect("flushing to memory cannot fail");
    String::from_utf8(bytes).expect("every field written is a Rust string, so the file is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;
    use swforce_domain::Date;
    use swforce_domain::agency::{Charge, JobType, Leaving, PayBasis, Pence};

    const SAMPLE: &str = include_str!("../tests/fixtures/agency_engagements.csv");

    fn read(name: &str, bytes: &[u8]) -> EngagementsRead {
        read_engagements_csv(name, bytes).unwrap_or_else(|r| panic!("{name} was refused: {r:#?}"))
    }

    fn refused(name: &str, bytes: &[u8]) -> Refused {
        match read_engagements_csv(name, bytes) {
            Ok(f) => panic!(
                "{name} was accepted with {} engagements",
                f.engagements.len()
            ),
            Err(r) => r,
        }
    }

    fn first_error(name: &str, bytes: &[u8]) -> Diagnostic {
        refused(name, bytes).errors().next().cloned().unwrap()
    }

    /// The sample with field `column` (a heading) of line `line` (1-based) replaced.
    fn with_field(line: usize, column: &str, value: &str) -> String {
        let mut lines: Vec<String> = SAMPLE.lines().map(str::to_string).collect();
        let k = COLUMNS.iter().position(|c| c.0 == column).unwrap();
        let mut fields: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
        fields[k] = value.to_string();
        lines[line - 1] = fields.join(",");
        lines.join("\n")
    }

    /// A column's number (1-based), as diagnostics give it for the sample.
    fn col(name: &str) -> u64 {
        COLUMNS.iter().position(|c| c.0 == name).unwrap() as u64 + 1
    }

    fn engagements(read: EngagementsRead) -> Vec<Engagement> {
        read.engagements.into_iter().map(|(_, e)| e).collect()
    }

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn the_positions_match_the_column_list() {
        let named = [
            (REFERENCE, "reference"),
            (SWE, "swe_number"),
            (AGENCY, "agency"),
            (LA_CODE, "la_code"),
            (JOB_TYPE, "job_type"),
            (START, "start_date"),
            (END, "end_date"),
            (HOURS, "hours_per_week"),
            (PAY_BASIS, "pay_basis"),
            (PAY, "pay_rate"),
            (NI, "employer_ni"),
            (LEVY, "apprenticeship_levy"),
            (HOLIDAY, "holiday_pay"),
            (MARGIN, "agency_margin"),
            (QUALIFIED, "qualified_on"),
            (PQE, "pqe_years"),
            (PREVIOUS_EMPLOYER, "previous_employer"),
            (PREVIOUS_LA, "previous_la_code"),
            (PREVIOUS_REGION, "previous_employer_region"),
            (LEFT_ON, "left_on"),
            (LEAVING, "leaving_circumstance"),
            (PRACTICE_REFERENCE, "practice_reference"),
            (NOTICE, "notice_weeks"),
            (COUNCIL_NOTICE, "council_notice_weeks"),
            (PROJECT_TEAM, "project_team"),
            (PACKAGED, "packaged_model"),
            (DCS, "dcs_signoff_on"),
            (CEO, "ceo_signoff_on"),
        ];
        assert_eq!(named.len(), COLUMNS.len());
        for (k, name) in named {
            assert_eq!(COLUMNS[k].0, name);
        }
        let required: Vec<_> = COLUMNS.iter().filter(|c| c.1).map(|c| c.0).collect();
        assert_eq!(
            required,
            [
                "reference",
                "swe_number",
                "agency",
                "la_code",
                "job_type",
                "start_date"
            ]
        );
    }

    #[test]
    fn the_sample_file_reads_every_row_without_warnings() {
        let r = read("agency_engagements.csv", SAMPLE.as_bytes());
        assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
        assert_eq!(r.engagements.len(), 13);
        let (line, first) = &r.engagements[0];
        assert_eq!(*line, 2);
        assert_eq!(first.reference, "KCC-AGY-0001");
        assert_eq!(first.swe, "SW104233");
        assert_eq!(first.la_code, "E10000016");
        assert_eq!(first.job_type, JobType::SocialWorker);
        assert_eq!(first.pay_basis, Some(PayBasis::Paye));
        assert_eq!(first.start, day("2025-01-06"));
        // 42.00 + 5.10 + 0.21 + holiday pay 5.07 + margin 4.50
        assert_eq!(first.charge.total(first.pay_basis), Some(Pence(5688)));
        assert_eq!(first.previous_region.as_deref(), Some("E12000008"));
        assert_eq!(first.leaving, Some(Leaving::Resigned));
        assert_eq!(first.practice_reference, Some(true));
        let by_ref = |r_: &str| {
            r.engagements
                .iter()
                .map(|(_, e)| e)
                .find(|e| e.reference == r_)
                .unwrap()
        };
        assert!(by_ref("KCC-AGY-0002").had_no_previous_post());
        assert_eq!(
            by_ref("KCC-AGY-0005").previous_region.as_deref(),
            Some("E12000007")
        );
        let ten = by_ref("KCC-AGY-0010");
        assert_eq!(ten.charge.missing(ten.pay_basis), ["agency_margin"]);
        assert_eq!(ten.packaged_model, Some(true));
        let umbrella = by_ref("KCC-AGY-0004");
        assert_eq!(umbrella.job_type, JobType::SeniorSocialWorker);
        assert_eq!(
            umbrella.charge.missing(umbrella.pay_basis),
            Vec::<&str>::new()
        );
        assert_eq!(
            umbrella.charge.total(umbrella.pay_basis),
            Some(Pence(5640 + 520))
        );
        assert_eq!(by_ref("KCC-AGY-0013").job_type, JobType::IroOrCpChair);
        assert!(by_ref("KCC-AGY-0011").legacy());
        assert_eq!(by_ref("KCC-AGY-0012").pqe_years, None);
    }

    #[test]
    fn a_file_with_every_column_round_trips_through_the_writer() {
        let first = engagements(read("agency_engagements.csv", SAMPLE.as_bytes()));
        let written = write_engagements_csv(&first);
        assert_eq!(written.lines().next(), SAMPLE.lines().next());
        let again = read("written.csv", written.as_bytes());
        assert!(again.warnings.is_empty());
        let again = engagements(again);
        assert_eq!(first, again);
        assert_eq!(write_engagements_csv(&again), written);
    }

    #[test]
    fn text_with_commas_and_quotes_survives_the_round_trip() {
        let mut e = engagements(read("sample.csv", SAMPLE.as_bytes())).remove(0);
        e.agency = "Smith, Jones & \"Partners\" Ltd".into();
        e.project_team = Some("Team\nTwo".into());
        e.hours_per_week = Some(22.5);
        e.pqe_years = Some(0.1);
        let written = write_engagements_csv(std::slice::from_ref(&e));
        assert_eq!(engagements(read("written.csv", written.as_bytes())), [e]);
    }

    #[test]
    fn the_template_explains_each_column_and_reads_once_filled_in() {
        let template = template_csv();
        let comments: Vec<&str> = template
            .lines()
            .filter(|l| l.trim_start_matches('"').starts_with('#'))
            .collect();
        assert_eq!(comments.len(), COLUMNS.len() + 1, "{template}");
        for (name, required, _) in COLUMNS {
            let need = if *required { "required" } else { "optional" };
            assert!(
                comments
                    .iter()
                    .any(|c| c.contains(&format!("# {name} ({need})"))),
                "{name}"
            );
        }
        // As downloaded: the header and no rows.
        let d = first_error("template.csv", template.as_bytes());
        assert!(d.problem.contains("no rows"), "{}", d.problem);
        assert_eq!(d.line, Some(COLUMNS.len() as u64 + 2));
        // Filled in: one row below the header, read with its true line number.
        let row = SAMPLE.lines().nth(1).unwrap();
        let r = read("template.csv", format!("{template}{row}\n").as_bytes());
        assert_eq!(r.engagements.len(), 1);
        assert_eq!(r.engagements[0].0, COLUMNS.len() as u64 + 3);
        assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
    }

    #[test]
    fn qualifying_or_leaving_the_previous_post_after_the_start_is_refused() {
        let d = first_error(
            "late.csv",
            with_field(2, "qualified_on", "2025-02-01").as_bytes(),
        );
        assert_eq!((d.line, d.column), (Some(2), Some(col("qualified_on"))));
        assert!(
            d.problem.contains("after start_date \"2025-01-06\""),
            "{}",
            d.problem
        );
        let d = first_error(
            "late.csv",
            with_field(2, "left_on", "2025-01-07").as_bytes(),
        );
        assert_eq!(d.field.as_deref(), Some("left_on"));
        assert!(
            d.fix.contains("left before this engagement starts"),
            "{}",
            d.fix
        );
        // On the start day itself is allowed.
        read(
            "same.csv",
            with_field(2, "left_on", "2025-01-06").as_bytes(),
        );
    }

    #[test]
    fn headings_with_spaces_or_hyphens_for_underscores_are_read() {
        let text =
            SAMPLE
                .replacen("pay_rate", "Pay Rate", 1)
                .replacen("holiday_pay", "holiday-pay", 1);
        let r = read("spaced.csv", text.as_bytes());
        assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
        assert_eq!(
            engagements(r),
            engagements(read("sample.csv", SAMPLE.as_bytes()))
        );
    }

    #[test]
    fn no_previous_post_with_a_council_code_is_refused() {
        let text = with_field(3, "previous_la_code", "E10000011");
        let d = first_error("none.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(3), Some(col("previous_la_code"))));
        assert!(
            d.problem.contains("but previous_employer is none"),
            "{}",
            d.problem
        );
    }

    #[test]
    fn job_types_of_an_older_swforce_are_refused_with_the_new_name() {
        let d = first_error(
            "old.csv",
            with_field(2, "job_type", "senior_practitioner").as_bytes(),
        );
        assert_eq!(d.field.as_deref(), Some("job_type"));
        assert!(d.problem.contains("older swforce"), "{}", d.problem);
        assert!(d.fix.contains("write senior_social_worker"), "{}", d.fix);
        assert!(d.fix.contains("advanced_practitioner"), "{}", d.fix);
        let d = first_error(
            "old.csv",
            with_field(2, "job_type", "CASE_HOLDER").as_bytes(),
        );
        assert!(d.fix.starts_with("write social_worker"), "{}", d.fix);
        let d = first_error(
            "bad.csv",
            with_field(2, "pay_basis", "freelance").as_bytes(),
        );
        assert_eq!(d.field.as_deref(), Some("pay_basis"));
        assert!(
            d.fix.contains("paye, umbrella, limited_company"),
            "{}",
            d.fix
        );
    }

    #[test]
    fn an_empty_file_and_a_header_alone_are_refused() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF\n\n", b"\n  \n"] {
            let d = first_error("empty.csv", bytes);
            assert!(d.problem.contains("empty"), "{}", d.problem);
            assert!(d.fix.contains("reference,swe_number"), "{}", d.fix);
        }
        let header = SAMPLE.lines().next().unwrap();
        let d = first_error("header.csv", format!("{header}\n\n").as_bytes());
        assert_eq!((d.line, d.column), (Some(1), None));
        assert!(d.problem.contains("no rows"), "{}", d.problem);
        assert!(d.fix.contains("below the header"));
    }

    #[test]
    fn a_missing_required_column_names_it_and_lists_the_columns() {
        let text = "reference,agency,la_code,job_type,start_date\nA1,Oakfield Locums,E10000016,social_worker,2025-01-06\n";
        let r = refused("missing.csv", text.as_bytes());
        let errors: Vec<_> = r.errors().collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let d = errors[0];
        assert_eq!((d.line, d.column), (Some(1), None));
        assert_eq!(d.field.as_deref(), Some("swe_number"));
        assert!(
            d.problem.contains("no \"swe_number\" column"),
            "{}",
            d.problem
        );
        assert!(d.fix.contains("reference, swe_number, agency"), "{}", d.fix);
        assert!(d.fix.contains("ceo_signoff_on"), "{}", d.fix);
    }

    #[test]
    fn a_duplicate_reference_points_at_the_first_copy() {
        let text = with_field(6, "reference", "KCC-AGY-0002");
        let r = refused("dup.csv", text.as_bytes());
        let d = r.errors().next().unwrap();
        assert_eq!((d.line, d.column), (Some(6), Some(1)));
        assert_eq!(d.field.as_deref(), Some("reference"));
        assert!(d.problem.contains("\"KCC-AGY-0002\""), "{}", d.problem);
        assert!(
            d.problem.contains("already appears on line 3"),
            "{}",
            d.problem
        );
        assert!(d.fix.contains("own reference"));
    }

    #[test]
    fn a_bad_swe_number_names_file_line_column_field_and_fix() {
        let text = with_field(4, "swe_number", "SX12345");
        let d = first_error("swe.csv", text.as_bytes());
        assert_eq!(
            d.to_string().lines().next().unwrap(),
            "swe.csv:4:2: error: field \"swe_number\" is \"SX12345\", which is not a Social Work England registration number"
        );
        assert_eq!(d.field.as_deref(), Some("swe_number"));
        assert!(d.fix.contains("SW123456"));
        for bad in ["SW", "SW123456789", "12345", "SW12a45"] {
            let d = first_error("swe.csv", with_field(2, "swe_number", bad).as_bytes());
            assert_eq!(d.field.as_deref(), Some("swe_number"), "{bad}");
        }
        let r = read(
            "lower.csv",
            with_field(2, "swe_number", "sw00042").as_bytes(),
        );
        assert_eq!(r.engagements[0].1.swe, "SW00042");
    }

    #[test]
    fn a_bad_council_code_is_refused_in_either_code_column() {
        let d = first_error("la.csv", with_field(3, "la_code", "E12000008").as_bytes());
        assert_eq!((d.line, d.column), (Some(3), Some(4)));
        assert_eq!(d.field.as_deref(), Some("la_code"));
        assert!(d.problem.contains("\"E12000008\""), "{}", d.problem);
        assert!(d.fix.contains("E10000016"));
        let d = first_error(
            "la.csv",
            with_field(2, "previous_la_code", "E0600003").as_bytes(),
        );
        assert_eq!((d.line, d.column), (Some(2), Some(col("previous_la_code"))));
        assert_eq!(d.field.as_deref(), Some("previous_la_code"));
        let r = read(
            "lower.csv",
            with_field(2, "la_code", "e10000016").as_bytes(),
        );
        assert_eq!(r.engagements[0].1.la_code, "E10000016");
    }

    #[test]
    fn a_bad_date_is_refused_in_either_form_with_both_forms_in_the_fix() {
        for (value, why) in [
            ("2025-02-30", "not a day in the calendar"),
            ("2025-1-06", "not a date in a form"),
            ("31/02/2025", "not a day in the calendar"),
            ("06/13/2025", "no month 13"),
            ("6 January 2025", "not a date in a form"),
            ("45663", "not a date in a form"),
        ] {
            let d = first_error("date.csv", with_field(2, "start_date", value).as_bytes());
            assert_eq!((d.line, d.column), (Some(2), Some(6)), "{value}");
            assert_eq!(d.field.as_deref(), Some("start_date"));
            assert!(d.problem.contains(&format!("{value:?}")), "{}", d.problem);
            assert!(d.problem.contains(why), "{value}: {}", d.problem);
            assert!(d.fix.contains("YYYY-MM-DD") && d.fix.contains("DD/MM/YYYY"));
        }
        let d = first_error(
            "date.csv",
            with_field(7, "ceo_signoff_on", "28.04.2025").as_bytes(),
        );
        assert_eq!((d.line, d.column), (Some(7), Some(col("ceo_signoff_on"))));
        assert_eq!(d.field.as_deref(), Some("ceo_signoff_on"));
    }

    #[test]
    fn day_first_dates_are_read() {
        let text = with_field(2, "start_date", "06/01/2025");
        let text = text.replace("2016-07-01", "1/7/2016");
        let r = read("uk.csv", text.as_bytes());
        assert_eq!(r.engagements[0].1.start, day("2025-01-06"));
        assert_eq!(r.engagements[0].1.qualified, Some(day("2016-07-01")));
    }

    #[test]
    fn an_end_before_the_start_names_both_dates() {
        let d = first_error(
            "end.csv",
            with_field(2, "end_date", "05/01/2025").as_bytes(),
        );
        assert_eq!((d.line, d.column), (Some(2), Some(7)));
        assert_eq!(d.field.as_deref(), Some("end_date"));
        assert!(d.problem.contains("\"05/01/2025\""), "{}", d.problem);
        assert!(d.problem.contains("\"2025-01-06\""), "{}", d.problem);
        assert!(d.fix.contains("cannot end before"));
        // Ending on the first day is allowed.
        read(
            "same.csv",
            with_field(2, "end_date", "2025-01-06").as_bytes(),
        );
    }

    #[test]
    fn negative_or_malformed_money_is_refused() {
        for (value, why) in [
            ("-42.00", "negative"),
            ("£-42.00", "negative"),
            ("-£42", "negative"),
            ("42.001", "not an amount"),
            ("forty", "not an amount"),
            ("£", "not an amount"),
        ] {
            let d = first_error("money.csv", with_field(3, "pay_rate", value).as_bytes());
            assert_eq!(
                (d.line, d.column),
                (Some(3), Some(col("pay_rate"))),
                "{value}"
            );
            assert_eq!(d.field.as_deref(), Some("pay_rate"));
            assert!(d.problem.contains(why), "{value}: {}", d.problem);
            assert!(d.fix.contains("45.50"), "{}", d.fix);
        }
        let d = first_error(
            "margin.csv",
            with_field(3, "agency_margin", "-1").as_bytes(),
        );
        assert_eq!(
            (d.column, d.field.as_deref()),
            (Some(col("agency_margin")), Some("agency_margin"))
        );
        let text = with_field(2, "pay_rate", "£42.5");
        let text = text.replacen("5.10", "5", 1);
        let e = &read("forms.csv", text.as_bytes()).engagements[0].1;
        assert_eq!(
            (e.charge.pay, e.charge.employer_ni),
            (Some(Pence(4250)), Some(Pence(500)))
        );
    }

    #[test]
    fn an_unknown_job_type_lists_the_ids() {
        let d = first_error(
            "job.csv",
            with_field(5, "job_type", "practitioner").as_bytes(),
        );
        assert_eq!((d.line, d.column), (Some(5), Some(5)));
        assert_eq!(d.field.as_deref(), Some("job_type"));
        assert!(d.problem.contains("\"practitioner\""), "{}", d.problem);
        for id in [
            "social_worker",
            "senior_social_worker",
            "advanced_practitioner",
            "team_manager",
            "iro_or_cp_chair",
        ] {
            assert!(d.fix.contains(id), "{}", d.fix);
        }
        let r = read(
            "label.csv",
            with_field(5, "job_type", "Advanced practitioner").as_bytes(),
        );
        assert_eq!(r.engagements[3].1.job_type, JobType::AdvancedPractitioner);
    }

    #[test]
    fn other_coded_cells_say_what_they_accept() {
        let cases = [
            ("leaving_circumstance", "sacked", 19, "left_in_probation"),
            ("practice_reference", "maybe", 20, "yes or no"),
            ("previous_employer_region", "Kent", 17, "South East"),
            ("previous_employer_region", "E12000010", 17, "E12000001"),
            ("hours_per_week", "0", 8, "more than 0"),
            ("hours_per_week", "61", 8, "at most 60"),
            ("hours_per_week", "NaN", 8, "number"),
            ("pqe_years", "-1", 14, "from 0 to 60"),
            ("notice_weeks", "four", 21, "weeks"),
            ("council_notice_weeks", "53", 22, "from 0 to 52"),
        ];
        for (column, value, _, fix) in cases {
            let d = first_error("cells.csv", with_field(2, column, value).as_bytes());
            assert_eq!((d.line, d.column), (Some(2), Some(col(column))), "{column}");
            assert_eq!(d.field.as_deref(), Some(column));
            assert!(d.problem.contains(&format!("{value:?}")), "{}", d.problem);
            assert!(d.fix.contains(fix), "{column}: {}", d.fix);
        }
    }

    #[test]
    fn values_are_read_in_their_usual_spellings() {
        let text = with_field(2, "previous_employer_region", "yorkshire and the humber");
        let text = text
            .replace(",yes,", ",Y,")
            .replace(",resigned,", ",Made redundant,");
        let text = text.replacen("Medway Council,E06000035", "None,", 1);
        let e = &read("spellings.csv", text.as_bytes()).engagements[0].1;
        assert_eq!(e.previous_region.as_deref(), Some("E12000003"));
        assert_eq!(e.practice_reference, Some(true));
        assert_eq!(e.leaving, Some(Leaving::Redundancy));
        assert_eq!(e.previous_employer.as_deref(), Some("none"));
        for (value, want) in [("FALSE", false), ("0", false), ("n", false), ("True", true)] {
            let text = with_field(2, "practice_reference", value);
            let e = &read("yn.csv", text.as_bytes()).engagements[0].1;
            assert_eq!(e.practice_reference, Some(want), "{value}");
        }
    }

    #[test]
    fn an_empty_required_cell_is_an_error_and_an_empty_optional_cell_is_not_given() {
        let d = first_error("blank.csv", with_field(2, "agency", "").as_bytes());
        assert_eq!((d.line, d.column), (Some(2), Some(3)));
        assert_eq!(d.field.as_deref(), Some("agency"));
        assert!(d.problem.contains("empty"), "{}", d.problem);
        assert!(d.fix.contains("agency"));
        let text = "reference,swe_number,agency,la_code,job_type,start_date\nA1,SW1,Oakfield Locums,E10000016,social_worker,2025-01-06\n";
        let e = &read("minimal.csv", text.as_bytes()).engagements[0].1;
        assert_eq!(e.end, None);
        assert_eq!(e.charge, Charge::default());
        assert_eq!(e.practice_reference, None);
        assert_eq!(e.previous_employer, None);
    }

    #[test]
    fn text_longer_than_allowed_is_refused() {
        let long = "x".repeat(65);
        let d = first_error("long.csv", with_field(2, "reference", &long).as_bytes());
        assert_eq!((d.line, d.column), (Some(2), Some(1)));
        assert!(d.problem.contains("more than 64"), "{}", d.problem);
        assert!(d.fix.contains("shorten"));
    }

    #[test]
    fn semicolons_and_tabs_are_recognised_as_the_wrong_delimiter() {
        for (sep, word) in [(";", "semicolons"), ("\t", "tabs")] {
            let text = SAMPLE.replace(',', sep);
            let r = refused("semi.csv", text.as_bytes());
            let errors: Vec<_> = r.errors().collect();
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].line, Some(1));
            assert!(errors[0].problem.contains(word), "{}", errors[0].problem);
            assert!(errors[0].fix.contains("comma"));
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_whole_with_its_line() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        let pos = bytes.windows(6).position(|w| w == b"Weald ").unwrap();
        bytes[pos + 1] = 0xE9; // Latin-1 e-acute
        let r = refused("latin1.csv", &bytes);
        let errors: Vec<_> = r.errors().collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let d = errors[0];
        assert_eq!((d.line, d.column), (Some(5), Some(3)));
        assert_eq!(d.field.as_deref(), Some("agency"));
        assert!(d.problem.contains("not UTF-8"), "{}", d.problem);
        assert!(d.fix.contains("UTF-8"));
        let d = first_error("latin1.csv", b"r\xE9f\xE9rence,swe_number\n");
        assert_eq!((d.line, d.column), (Some(1), Some(1)));
        assert!(d.problem.contains("not UTF-8"), "{}", d.problem);
    }

    #[test]
    fn a_truncated_row_is_refused() {
        let mut text = SAMPLE.trim_end().to_string();
        text.truncate(text.len() - 40);
        let d = first_error("truncated.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(14), None));
        assert!(d.problem.contains("looks truncated"), "{}", d.problem);
        assert!(d.fix.contains("one value per column"));
    }

    #[test]
    fn reading_stops_after_fifty_errors() {
        let mut lines = SAMPLE.lines();
        let mut text = lines.next().unwrap().to_string();
        let row = lines.next().unwrap();
        for i in 0..80 {
            text.push('\n');
            text.push_str(
                &row.replacen("KCC-AGY-0001", &format!("R{i}"), 1)
                    .replace("SW104233", "XX"),
            );
        }
        let r = refused("many.csv", text.as_bytes());
        assert_eq!(r.errors().count(), Refused::LIMIT + 1);
        let last = r.diagnostics.last().unwrap();
        assert!(last.problem.contains("stopped reading"), "{}", last.problem);
        assert_eq!(last.line, Some(51));
        assert!(last.fix.contains("fix these first"));
    }

    #[test]
    fn a_byte_order_mark_blank_lines_and_windows_line_ends_are_accepted() {
        let text = format!(
            "\u{FEFF}{}\r\n\r\n,,,\r\n",
            SAMPLE.replace('\n', "\r\n\r\n")
        );
        let r = read("bom.csv", text.as_bytes());
        assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
        assert_eq!(r.engagements.len(), 13);
        assert_eq!(r.engagements[1].0, 5);
        assert_eq!(
            engagements(r),
            engagements(read("sample.csv", SAMPLE.as_bytes()))
        );
    }

    #[test]
    fn an_unknown_column_is_a_warning() {
        let text = SAMPLE
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    format!("{l},Cost centre")
                } else {
                    format!("{l},CC-401")
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let r = read("extra.csv", text.as_bytes());
        assert_eq!(r.engagements.len(), 13);
        assert_eq!(r.warnings.len(), 1);
        let w = &r.warnings[0];
        assert_eq!(w.severity, Severity::Warning);
        assert_eq!(
            (w.line, w.column),
            (Some(1), Some(COLUMNS.len() as u64 + 1))
        );
        assert_eq!(w.field.as_deref(), Some("Cost centre"));
        assert!(w.problem.contains("ignored"), "{}", w.problem);
        assert!(w.fix.contains("nothing to do"));
    }

    #[test]
    fn headings_are_read_in_any_order_and_case() {
        let text = " Start_Date ,JOB_TYPE,La_Code,Agency,SWE_Number,Reference\n2025-01-06,social_worker,E10000016,Oakfield Locums,SW1,A1\n";
        let e = &read("order.csv", text.as_bytes()).engagements[0].1;
        assert_eq!(e.reference, "A1");
        assert_eq!(e.start, day("2025-01-06"));
    }

    #[test]
    fn two_headings_for_the_same_column_are_refused() {
        let text = "reference,swe_number,agency,la_code,job_type,start_date,Reference\nA1,SW1,Oakfield Locums,E10000016,social_worker,2025-01-06,A1\n";
        let d = first_error("twice.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(1), Some(7)));
        assert_eq!(d.field.as_deref(), Some("reference"));
        assert!(d.problem.contains("columns 1 and 7"), "{}", d.problem);
        assert!(d.fix.contains("remove or rename"));
    }

    #[test]
    fn every_error_in_a_file_is_reported_in_one_pass() {
        let text = with_field(2, "la_code", "Kent");
        let text = text.replacen("SW231877", "231877", 1);
        let r = refused("two.csv", text.as_bytes());
        let errors: Vec<_> = r.errors().collect();
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert_eq!(
            (errors[0].line, errors[0].field.as_deref()),
            (Some(2), Some("la_code"))
        );
        assert_eq!(
            (errors[1].line, errors[1].field.as_deref()),
            (Some(3), Some("swe_number"))
        );
    }

    #[test]
    fn line_numbers_count_blank_lines_windows_line_ends_and_quoted_line_breaks() {
        let header = SAMPLE.lines().next().unwrap();
        let good = SAMPLE.lines().nth(1).unwrap();
        let quoted = good.replace("Harbour Social Care Ltd", "\"Harbour\r\nSocial Care\"");
        let quoted = quoted.replace("KCC-AGY-0001", "Q1");
        let bad = SAMPLE.lines().nth(2).unwrap().replace("SW231877", "nope");
        let text = format!("{header}\r\n\r\n{quoted}\r\n\r\n{bad}\r\n");
        let d = first_error("crlf.csv", text.as_bytes());
        assert_eq!((d.line, d.column), (Some(6), Some(2)), "{d}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// What the fuzz target checks: read or refused, and what is read is written and read
        /// back the same.
        fn read_write_read(bytes: &[u8]) -> Result<(), TestCaseError> {
            match read_engagements_csv("random.csv", bytes) {
                Ok(r) => {
                    prop_assert!(!r.engagements.is_empty());
                    let first = engagements(r);
                    let written = write_engagements_csv(&first);
                    let again = read_engagements_csv("again.csv", written.as_bytes());
                    prop_assert!(again.is_ok(), "{again:?}\n{written}");
                    let again = again.unwrap_or_else(|_| unreachable!());
                    prop_assert!(again.warnings.is_empty());
                    prop_assert_eq!(first, engagements(again));
                }
                Err(refused) => prop_assert!(refused.errors().next().is_some()),
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

            #[test]
            fn any_bytes_are_read_or_refused_without_panicking(
                bytes in prop::collection::vec(any::<u8>(), 0..2000)
            ) {
                read_write_read(&bytes)?;
            }

            #[test]
            fn any_text_in_any_cell_is_read_back_the_same_or_refused_at_its_cell(
                line in 2usize..=13, column in 0usize..25, text in "\\PC{0,12}|[0-9./£-]{0,11}|\"[^\"]{0,8}\""
            ) {
                let mut lines: Vec<String> = SAMPLE.lines().map(str::to_string).collect();
                let mut fields: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
                fields[column] = text.clone();
                lines[line - 1] = fields.join(",");
                let edited = lines.join("\n");
                read_write_read(edited.as_bytes())?;
                if let Err(r) = read_engagements_csv("edited.csv", edited.as_bytes()) {
                    let d = r.errors().next().unwrap_or_else(|| unreachable!());
                    // A comma or quote in the text moves the cells; otherwise the error is the cell's.
                    if column != REFERENCE && !text.contains([',', '"', '\r', '\n']) {
                        prop_assert_eq!(d.line, Some(line as u64), "{}", d);
                    }
                }
            }
        }
    }
}
