//! A regional alliance's price caps as a CSV file: one row per region, job type and date from
//! which a cap is in force. Read all or nothing, with each problem's line, column and fix; and
//! written back in the same shape.

use super::is_comment;
use super::record::{Bad, date, job_type, money, region};
use crate::diagnostic::{Diagnostic, Refused};
use crate::reading::{Collector, HeaderWords, Lines, header_names};
use std::collections::HashMap;
use std::io::Read;
use swforce_domain::agency::{Pence, PriceCap};

/// The columns of a caps file, `(name, what it holds)`; all four are required, in any order
/// and case.
pub const CAP_COLUMNS: [(&str, &str); 4] = [
    (
        "region",
        "The region the cap is set for: its ONS code (E12000001 to E12000009) or name, such as South East.",
    ),
    (
        "job_type",
        "The job type: social_worker, senior_social_worker, advanced_practitioner, team_manager or iro_or_cp_chair.",
    ),
    (
        "hourly_cap",
        "The most a council pays an hour for the worker's pay with employer National Insurance, the levy and holiday pay, in pounds, such as 52.50.",
    ),
    (
        "in_force_from",
        "The first day the cap applies, as YYYY-MM-DD or DD/MM/YYYY.",
    ),
];

/// A caps file read in full, without errors.
#[derive(Debug, Clone)]
pub struct CapsRead {
    /// Each cap with the line it is on.
    pub caps: Vec<(u64, PriceCap)>,
    /// Unknown columns, ignored.
    pub warnings: Vec<Diagnostic>,
}

const WORDS: HeaderWords = HeaderWords {
    not_utf8: "the file is not UTF-8 text: the header is not",
    utf8_fix: "save the file as CSV UTF-8 (comma delimited) and retry",
    separator_fix: "save the file as CSV (comma delimited)",
};

/// Reads a file of price caps (see [`CAP_COLUMNS`]): all or nothing, up to 50 errors listed.
/// Comment lines starting with `#` above the header are skipped. The same region, job type and
/// date twice is refused, naming both lines.
pub fn read_caps_csv(file: &str, mut reader: impl Read) -> Result<CapsRead, Refused> {
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
    let mut at: Option<([usize; 4], usize, u64)> = None;
    let mut caps = Vec::new();
    let mut seen: HashMap<(String, &'static str, String), u64> = HashMap::new();
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
            continue;
        }
        let Some((columns, width, _)) = at else {
            if is_comment(&record) {
                continue;
            }
            let names = match header_names(file, line, &record, &WORDS) {
                Ok(n) => n,
                Err(d) => {
                    out.push(*d);
                    return Err(out.refuse());
                }
            };
            match header(file, line, &names, &mut out) {
                Some(c) => at = Some((c, names.len(), line)),
                None => return Err(out.refuse()),
            }
            continue;
        };
        if record.len() != width {
            out.push(
                Diagnostic::error(
                    file,
                    format!(
                        "the row has {} fields but the header has {width}",
                        record.len()
                    ),
                    "make the row complete: one value per column",
                )
                .at(line, None),
            );
            continue;
        }
        let cell = |k: usize| {
            std::str::from_utf8(record.get(columns[k]).unwrap_or_default())
                .map(str::trim)
                .unwrap_or("\u{FFFD}")
        };
        let mut fail = |k: usize, problem: String, fix: String| {
            out.push(
                Diagnostic::error(file, problem, fix)
                    .field(CAP_COLUMNS[k].0)
                    .at(line, Some(columns[k] as u64 + 1)),
            );
        };
        let mut value = |k: usize, parse: &dyn Fn(&str) -> Result<(), Bad>| {
            let text = cell(k);
            let name = CAP_COLUMNS[k].0;
            if text.is_empty() {
                fail(
                    k,
                    format!("field \"{name}\" is empty; every cap needs one"),
                    format!("fill in {name}: {}", CAP_COLUMNS[k].1),
                );
                return false;
            }
            match parse(text) {
                Ok(()) => true,
                Err(b) => {
                    fail(k, format!("field \"{name}\" is {text:?}, {}", b.why), b.fix);
                    false
                }
            }
        };
        let ok = [
            value(0, &|t| region(t).map(drop)),
            value(1, &|t| job_type(t).map(drop)),
            value(2, &|t| hourly(t).map(drop)),
            value(3, &|t| date(t).map(drop)),
        ];
        if ok.iter().all(|v| *v) {
            // Each parsed once more, now known to be good.
            let (Ok(region), Ok(job_type), Ok(hourly), Ok(from)) = (
                region(cell(0)),
                job_type(cell(1)),
                hourly(cell(2)),
                date(cell(3)),
            ) else {
                continue;
            };
            let key = (region.clone(), job_type.id(), from.to_string());
            if let Some(first) = seen.get(&key) {
                out.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "the cap for {} in {region} from {from} is already on line {first}",
                            job_type.id()
                        ),
                        "keep one cap per region, job type and date: remove one of the two rows",
                    )
                    .at(line, None),
                );
                continue;
            }
            seen.insert(key, line);
            caps.push((
                line,
                PriceCap {
                    region,
                    job_type,
                    from,
                    hourly,
                },
            ));
        }
        if out.full() {
            out.push(
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
    let Some((_, _, header_line)) = at else {
        out.push(Diagnostic::error(
            file,
            "the file is empty",
            "choose the CSV file of price caps; it starts with the header region,job_type,hourly_cap,in_force_from",
        ));
        return Err(out.refuse());
    };
    if caps.is_empty() && out.errors == 0 {
        out.push(
            Diagnostic::error(
                file,
                "the file has a header but no rows",
                "add one row per region, job type and date a cap applies from",
            )
            .at(header_line, None),
        );
    }
    if out.errors > 0 {
        return Err(out.refuse());
    }
    Ok(CapsRead {
        caps,
        warnings: out.finish(),
    })
}

/// An hourly cap: more than 0 and at most £1,000.
fn hourly(t: &str) -> Result<Pence, Bad> {
    let p = money(t)?;
    if p.0 == 0 || p.0 > 100_000 {
        return Err(Bad {
            why: "which is out of range (more than 0 and at most 1000)".into(),
            fix: "write the cap in pounds and pence an hour, such as 52.50".into(),
        });
    }
    Ok(p)
}

/// Where each of [`CAP_COLUMNS`] is in the header; unknown columns are warnings.
fn header(file: &str, line: u64, names: &[String], out: &mut Collector) -> Option<[usize; 4]> {
    let mut at = [None; 4];
    for (i, name) in names.iter().enumerate() {
        match CAP_COLUMNS
            .iter()
            .position(|c| super::same_heading(c.0, name))
        {
            Some(k) if at[k].is_some() => out.push(
                Diagnostic::error(
                    file,
                    format!("two columns are \"{}\"", CAP_COLUMNS[k].0),
                    "remove or rename one of the two columns",
                )
                .at(line, Some(i as u64 + 1)),
            ),
            Some(k) => at[k] = Some(i),
            None => out.push(
                Diagnostic::warning(
                    file,
                    format!("column \"{name}\" is not one swforce reads; it was ignored"),
                    "the columns are region, job_type, hourly_cap and in_force_from",
                )
                .at(line, Some(i as u64 + 1)),
            ),
        }
    }
    for (k, (name, what)) in CAP_COLUMNS.iter().enumerate() {
        if at[k].is_none() {
            out.push(
                Diagnostic::error(
                    file,
                    format!("the header has no \"{name}\" column"),
                    format!(
                        "add the {name} column ({what}); the header is region,job_type,hourly_cap,in_force_from"
                    ),
                )
                .at(line, None)
                .field(name),
            );
        }
    }
    if out.errors > 0 {
        return None;
    }
    Some(at.map(|a| a.unwrap_or_default()))
}

/// Writes caps as a CSV file that [`read_caps_csv`] reads back to the same caps.
pub fn write_caps_csv(caps: &[PriceCap]) -> String {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(CAP_COLUMNS.map(|c| c.0))
        .expect("writing to memory cannot fail");
    for c in caps {
        csv.write_record([
            c.region.clone(),
            c.job_type.id().to_string(),
            format!("{}.{:02}", c.hourly.0 / 100, c.hourly.0 % 100),
            c.from.to_string(),
        ])
        .expect("writing to memory cannot fail");
    }
    let bytes = csv.into_inner().expect("flushing to memory cannot fail");
    String::from_utf8(bytes).expect("every field written is a Rust string, so the file is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use swforce_domain::agency::JobType;

    fn refused(text: &str) -> Refused {
        read_caps_csv("caps.csv", text.as_bytes()).expect_err("refused")
    }

    #[test]
    fn caps_read_by_code_or_name_in_any_column_order_and_round_trip() {
        let text = "# caps of the South East alliance\nJob_Type,Region,In_Force_From,Hourly_Cap\nsocial_worker,South East,2024-10-31,52.50\nteam_manager,E12000008,01/04/2025,£61\n";
        let read = read_caps_csv("caps.csv", text.as_bytes()).unwrap();
        assert!(read.warnings.is_empty());
        let caps: Vec<PriceCap> = read.caps.iter().map(|(_, c)| c.clone()).collect();
        assert_eq!(read.caps[0].0, 3);
        assert_eq!(caps[0].region, "E12000008");
        assert_eq!(caps[0].job_type, JobType::SocialWorker);
        assert_eq!(caps[0].hourly, Pence(5250));
        assert_eq!(caps[1].from.to_string(), "2025-04-01");
        assert_eq!(caps[1].hourly, Pence(6100));
        let written = write_caps_csv(&caps);
        let again = read_caps_csv("again.csv", written.as_bytes()).unwrap();
        assert_eq!(
            again.caps.into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
            caps
        );
    }

    #[test]
    fn each_bad_cell_is_named_with_its_line_column_and_fix_and_nothing_is_read() {
        let text = "region,job_type,hourly_cap,in_force_from\nSouth East,social_worker,52.50,2024-10-31\nKent,case_holder,0,2024-13-01\n,team_manager,-5,\nSouth East,social_worker,53.00,31/10/2024\n";
        let r = refused(text);
        let found: Vec<(Option<u64>, Option<u64>, Option<&str>)> = r
            .errors()
            .map(|d| (d.line, d.column, d.field.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (Some(3), Some(1), Some("region")),
                (Some(3), Some(2), Some("job_type")),
                (Some(3), Some(3), Some("hourly_cap")),
                (Some(3), Some(4), Some("in_force_from")),
                (Some(4), Some(1), Some("region")),
                (Some(4), Some(3), Some("hourly_cap")),
                (Some(4), Some(4), Some("in_force_from")),
                (Some(5), None, None),
            ]
        );
        let all: Vec<&Diagnostic> = r.errors().collect();
        assert!(all[1].fix.contains("write social_worker"), "{}", all[1].fix);
        assert!(all[4].problem.contains("empty"), "{}", all[4].problem);
        assert!(
            all[7].problem.contains("already on line 2"),
            "{}",
            all[7].problem
        );
    }

    #[test]
    fn a_missing_column_an_empty_file_and_a_header_alone_are_refused() {
        let r = refused("region,job_type,hourly_cap\nSouth East,social_worker,52.50\n");
        let d = r.errors().next().unwrap();
        assert_eq!(d.field.as_deref(), Some("in_force_from"));
        assert!(
            refused("")
                .errors()
                .next()
                .unwrap()
                .problem
                .contains("empty")
        );
        let d = refused("# a comment\nregion,job_type,hourly_cap,in_force_from\n")
            .errors()
            .next()
            .cloned()
            .unwrap();
        assert_eq!(d.line, Some(2));
        assert!(d.problem.contains("no rows"));
    }
}
