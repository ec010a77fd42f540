//! The census guide's situations, one small return each (in
//! `swforce-import/tests/fixtures/census/situations`), with the verdict the guide gives: the
//! business rules each breaks, with their severity, and whether the return is valid.
//!
//! Expectations come from the guide, not from what swforce says: a row that fails is a
//! disagreement to look into, not an expectation to bend.

use crate::{TestApp, demo_app, empty_app};
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::Command;
use swforce_app::census::CensusCheck;
use swforce_domain::{Dataset, Measure};
use swforce_import::census::Severity::{self, Error, Query};
use swforce_store::CensusOutcome;

/// One situation: its fixture, the CSWW rules it breaks (sorted by id, once per finding) and
/// whether the return is valid (no errors).
struct Situation {
    file: &'static str,
    findings: &'static [(&'static str, Severity)],
    valid: bool,
}

const fn s(
    file: &'static str,
    findings: &'static [(&'static str, Severity)],
    valid: bool,
) -> Situation {
    Situation {
        file,
        findings,
        valid,
    }
}

/// Every fixture, checked with [`swforce_app::App::check_census`] on the demo app (so the
/// LEA is checked against the published authorities). The continuity pair is checked
/// without history here; with history in [`continuity_with_last_years_return`].
const SITUATIONS: &[Situation] = &[
    // 1. Left in January, returned in June: two records, one SWE number.
    s("left_and_returned.xml", &[], true),
    // 2. Two part-time posts at once, in different roles.
    s("two_posts_at_once.xml", &[], true),
    // 3. An agency worker with two placements in the year.
    s("agency_two_placements.xml", &[], true),
    // 4. An exact repeat of a record.
    s("exact_duplicate.xml", &[("CSWW-B06", Error)], false),
    // 5. The same person twice in the same role, at overlapping times.
    s("same_role_overlapping.xml", &[("CSWW-B12", Query)], true),
    // 6. A senior and a middle manager holding cases.
    s(
        "managers_holding_cases.xml",
        &[("CSWW-B05", Query), ("CSWW-B05", Query)],
        true,
    ),
    // 7. Cases held at an FTE of 0, and 150 cases at 0.5 FTE.
    s("cases_at_zero_fte30.xml", &[("CSWW-B13", Query)], true),
    s("caseload_150_at_half_fte.xml", &[("CSWW-B13", Query)], true),
    // 8. A social worker's record without nine required items.
    s(
        "incomplete_social_worker.xml",
        &[
            ("CSWW-B14", Error),
            ("CSWW-B14", Error),
            ("CSWW-B14", Error),
            ("CSWW-B14", Error),
            ("CSWW-B14", Error),
            ("CSWW-B14", Error),
            ("CSWW-B14", Error),
            ("CSWW-B14", Error),
            ("CSWW-B14", Error),
        ],
        false,
    ),
    // 9. A starter without an origin, a leaver without a destination, a leaver at FTE 0.
    s("starter_without_origin.xml", &[("CSWW-B15", Error)], false),
    s(
        "leaver_without_destination.xml",
        &[("CSWW-B10", Error)],
        false,
    ),
    s("leaver_with_zero_fte.xml", &[("CSWW-B16", Error)], false),
    // 10. Negative vacancies, agency headcount, cases and days lost.
    // B17 alone: the negative headcount is not compared with the FTE again (B18).
    s(
        "negative_numbers.xml",
        &[
            ("CSWW-B17", Error),
            ("CSWW-B17", Error),
            ("CSWW-B17", Error),
            ("CSWW-B17", Error),
        ],
        false,
    ),
    // 11. More agency FTE than agency workers covering vacancies.
    s(
        "agency_fte_above_headcount.xml",
        &[("CSWW-B18", Error)],
        false,
    ),
    // 12. More agency workers covering vacancies than agency records in post.
    s(
        "agency_headcount_above_records.xml",
        &[("CSWW-B19", Query)],
        true,
    ),
    // 13. An LEA no authority has.
    s("unknown_lea.xml", &[("CSWW-B20", Error)], false),
    // 14. A reference date that is not 30 September of the year.
    s(
        "reference_date_not_30_september.xml",
        &[("CSWW-B21", Error)],
        false,
    ),
    // 15. An empty qualifying institution.
    s("empty_qualinst.xml", &[("CSWW-B22", Error)], false),
    // 16. Absent without a reason; a reason without an absence.
    s("absent_without_reason.xml", &[("CSWW-B23", Error)], false),
    s("reason_without_absence.xml", &[("CSWW-B23", Error)], false),
    // 17. A role ending on 30 September.
    s("role_ends_30_september.xml", &[("CSWW-B24", Query)], true),
    // 18. The continuity pair, each on its own (no history compared).
    s("last_year_2021.xml", &[], true),
    s("this_year_2022.xml", &[], true),
];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-import/tests/fixtures/census/situations")
}

fn open(file: &str) -> BufReader<File> {
    let path = dir().join(file);
    BufReader::new(File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The SWE numbers a fixture holds, to make sure no finding repeats one.
fn swe_numbers(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir().join(file)).unwrap();
    text.split("<SWENo>")
        .skip(1)
        .filter_map(|s| s.split("</SWENo>").next())
        .map(|s| s.trim().to_ascii_uppercase())
        .collect()
}

/// Whether `text` holds something shaped like a SWE number: two letters and ten digits.
fn has_swe_shape(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(12).any(|w| {
        w[..2].iter().all(u8::is_ascii_alphabetic) && w[2..].iter().all(u8::is_ascii_digit)
    })
}

/// The CSWW findings as (rule, severity), sorted.
fn csww(check: &CensusCheck) -> Vec<(&'static str, Severity)> {
    let mut got: Vec<(&'static str, Severity)> = check
        .read
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("CSWW-"))
        .map(|f| (f.rule, f.severity))
        .collect();
    got.sort_by_key(|(rule, severity)| (*rule, *severity == Query));
    got
}

/// Everything a check says, for a failure message.
fn said(check: &CensusCheck) -> String {
    check
        .read
        .findings
        .iter()
        .map(|f| format!("  {f}\n"))
        .collect()
}

/// No finding's message, fix or path repeats a SWE number, or anything shaped like one.
fn assert_no_swe_numbers(file: &str, check: &CensusCheck) {
    let swes = swe_numbers(file);
    for f in &check.read.findings {
        for text in [&f.message, &f.fix, &f.path, &f.element] {
            let upper = text.to_ascii_uppercase();
            assert!(
                !swes.iter().any(|s| upper.contains(s.as_str())) && !has_swe_shape(text),
                "{file}: a finding repeats a SWE number: {f}"
            );
        }
    }
}

fn check(t: &TestApp, file: &str) -> CensusCheck {
    t.app
        .check_census(file, open(file), None)
        .unwrap_or_else(|e| panic!("{file}: {e:?}"))
}

/// Checks one row of the table on its own demo app.
fn situation(file: &str) {
    let row = SITUATIONS
        .iter()
        .find(|r| r.file == file)
        .unwrap_or_else(|| panic!("{file} is in the table"));
    let t = demo_app();
    let c = check(&t, file);
    let schema: Vec<String> = c
        .read
        .findings
        .iter()
        .filter(|f| !f.rule.starts_with("CSWW-"))
        .map(ToString::to_string)
        .collect();
    assert!(
        schema.is_empty(),
        "{file} is valid for xmllint, but swforce says:\n{}",
        schema.join("\n")
    );
    assert_eq!(
        csww(&c),
        row.findings.to_vec(),
        "{file}: the CSWW findings differ from the guide's; swforce says:\n{}",
        said(&c)
    );
    assert_eq!(
        c.read.is_valid(),
        row.valid,
        "{file}: valid? swforce says:\n{}",
        said(&c)
    );
    assert_no_swe_numbers(file, &c);
}

macro_rules! situations {
    ($($name:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $name() {
                situation($file);
            }
        )*

        /// Every fixture of the folder has a row and a test, and every row a fixture.
        #[test]
        fn every_fixture_has_a_row_and_a_test() {
            let tested: Vec<&str> = vec![$($file),*];
            let mut on_disk: Vec<String> = std::fs::read_dir(dir())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".xml"))
                .collect();
            on_disk.sort();
            let mut rows: Vec<&str> = SITUATIONS.iter().map(|r| r.file).collect();
            rows.sort();
            assert_eq!(on_disk, rows, "the table lists every fixture");
            let mut tested = tested;
            tested.sort();
            assert_eq!(rows, tested, "every row has its test");
        }
    };
}

situations! {
    left_and_returned => "left_and_returned.xml",
    two_posts_at_once => "two_posts_at_once.xml",
    agency_two_placements => "agency_two_placements.xml",
    exact_duplicate => "exact_duplicate.xml",
    same_role_overlapping => "same_role_overlapping.xml",
    managers_holding_cases => "managers_holding_cases.xml",
    cases_at_zero_fte30 => "cases_at_zero_fte30.xml",
    caseload_150_at_half_fte => "caseload_150_at_half_fte.xml",
    incomplete_social_worker => "incomplete_social_worker.xml",
    starter_without_origin => "starter_without_origin.xml",
    leaver_without_destination => "leaver_without_destination.xml",
    leaver_with_zero_fte => "leaver_with_zero_fte.xml",
    negative_numbers => "negative_numbers.xml",
    agency_fte_above_headcount => "agency_fte_above_headcount.xml",
    agency_headcount_above_records => "agency_headcount_above_records.xml",
    unknown_lea => "unknown_lea.xml",
    reference_date_not_30_september => "reference_date_not_30_september.xml",
    empty_qualinst => "empty_qualinst.xml",
    absent_without_reason => "absent_without_reason.xml",
    reason_without_absence => "reason_without_absence.xml",
    role_ends_30_september => "role_ends_30_september.xml",
    last_year_2021 => "last_year_2021.xml",
    this_year_2022 => "this_year_2022.xml",
}

#[test]
fn the_missing_items_are_each_named_once() {
    let t = demo_app();
    let c = check(&t, "incomplete_social_worker.xml");
    let mut missing: Vec<&str> = c
        .read
        .findings
        .iter()
        .filter(|f| f.rule == "CSWW-B14")
        .map(|f| f.element.as_str())
        .collect();
    missing.sort_unstable();
    assert_eq!(
        missing,
        vec![
            "Ethnicity",
            "FTE",
            "FrontlineGrad",
            "GenderCurrent",
            "OrgRole",
            "PersonBirthDate",
            "RoleStartDate",
            "StepUpGrad",
            "WorkingDaysLost"
        ]
    );
}

#[test]
fn negative_numbers_each_found_and_no_negative_vacancy_rate_shown() {
    let t = demo_app();
    let c = check(&t, "negative_numbers.xml");
    let mut negative: Vec<&str> = c
        .read
        .findings
        .iter()
        .filter(|f| f.rule == "CSWW-B17")
        .map(|f| f.element.as_str())
        .collect();
    negative.sort_unstable();
    assert_eq!(
        negative,
        vec![
            "Cases30",
            "NoAgencyHeadcount",
            "NumberOfVacancies",
            "WorkingDaysLost"
        ],
        "{}",
        said(&c)
    );
    let ind = c.indicators.as_ref().expect("the return is aggregated");
    assert_eq!(ind.row.cell("vacancy_rate_fte"), None);
    assert!(
        ind.withheld.iter().any(|w| w.measure == "vacancy_rate_fte"),
        "withheld: {:?}",
        ind.withheld
    );
    for m in Measure::of(Dataset::CswwHeadline) {
        if let Some(v) = ind.row.value(m.name) {
            assert!(v >= 0.0, "{} is shown as {v}", m.name);
        }
    }
    let shown = ind.disclosed();
    assert_eq!(shown.row.cell("vacancy_rate_fte"), None);
}

#[test]
fn an_unknown_lea_is_only_found_when_authorities_are_known() {
    let t = empty_app();
    let c = check(&t, "unknown_lea.xml");
    assert_eq!(csww(&c), vec![], "{}", said(&c));
    assert!(c.read.is_valid());
}

#[test]
fn continuity_with_last_years_return() {
    let t = demo_app();
    let outcome = t
        .app
        .import_census("last_year_2021.xml", open("last_year_2021.xml"), None, None)
        .unwrap_or_else(|e| panic!("last year's return is imported: {e:?}"));
    assert!(
        matches!(outcome, CensusOutcome::Imported { .. }),
        "{outcome:?}"
    );
    let file = "this_year_2022.xml";
    let c = t
        .app
        .check_census_with_history(file, open(file), None)
        .unwrap();
    assert_eq!(
        csww(&c),
        vec![("CSWW-C01", Query), ("CSWW-C02", Query)],
        "{}",
        said(&c)
    );
    assert!(c.read.is_valid(), "{}", said(&c));
    let continuity = c.continuity.as_ref().expect("compared with 2021");
    assert_eq!(continuity.year, 2021);
    assert_eq!(continuity.in_post_last_year, 4);
    assert_eq!(continuity.missing, 1);
    assert_no_swe_numbers(file, &c);
    for swe in swe_numbers("last_year_2021.xml") {
        assert!(
            !said(&c).to_ascii_uppercase().contains(&swe),
            "last year's SWE numbers are not repeated either"
        );
    }
}

/// xmllint, when installed (the CI installs it).
#[allow(clippy::disallowed_methods)] // a test decides whether a missing tool fails the run
fn xmllint() -> Option<&'static str> {
    let ok = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is missing: install libxml2-utils (.ci/run does)"
        );
        eprintln!(
            "xmllint not installed (apt package libxml2-utils): the fixtures were not validated"
        );
        return None;
    }
    Some("xmllint")
}

#[test]
fn every_fixture_is_valid_for_the_schema() {
    let Some(xmllint) = xmllint() else { return };
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-import/specs/csww_census_2022.xsd");
    for row in SITUATIONS {
        let out = Command::new(xmllint)
            .arg("--noout")
            .arg("--nonet")
            .arg("--schema")
            .arg(&schema)
            .arg(dir().join(row.file))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            row.file,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
