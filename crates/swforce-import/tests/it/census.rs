//! The census reader over generated returns, every defect the mutator makes, and xmllint.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use swforce_domain::OldLaCode;
use swforce_import::census::generate::{Defect, GenerateSpec, generate, mutate};
use swforce_import::census::write::write_census;
use swforce_import::census::{CensusOptions, CensusRead, Severity, read_census};

fn spec(workers: u32, seed: u64) -> GenerateSpec {
    GenerateSpec {
        workers,
        seed,
        lea: OldLaCode::parse("839").unwrap(),
        year: 2022,
    }
}

fn generated(workers: u32, seed: u64) -> String {
    let mut out = Vec::new();
    generate(&mut out, &spec(workers, seed)).unwrap();
    String::from_utf8(out).unwrap()
}

fn read(text: &str) -> (CensusRead, Vec<swforce_domain::census::CensusWorker>) {
    let mut workers = Vec::new();
    let r = read_census(
        "return.xml",
        text.as_bytes(),
        CensusOptions::default(),
        |w, _| workers.push(w),
    );
    (r, workers)
}

#[test]
fn a_generated_return_is_valid_and_reads_every_worker() {
    let text = generated(300, 1);
    let (r, workers) = read(&text);
    assert!(r.is_valid(), "{:#?}", r.findings);
    assert_eq!(r.queries, 0, "{:#?}", r.findings);
    assert_eq!(r.workers, 300);
    assert_eq!(workers.len(), 300);
    assert_eq!(r.header.lea.map(|l| l.get()), Some(839));
    assert_eq!(r.year.map(|y| y.0), Some(2022));
    assert!(r.vacancies.is_some());
    assert_eq!(r.sha256.len(), 64);
    assert!(workers.iter().any(|w| w.agency) && workers.iter().any(|w| w.role_end.is_some()));
}

#[test]
fn every_defect_is_found_with_its_rule_element_line_and_record() {
    let valid = generated(5, 2);
    for defect in Defect::ALL.into_iter().filter(|d| !d.needs_geography()) {
        let (rule, element) = defect.expected();
        let (r, _) = read(&mutate(&valid, defect, 2022));
        let hit = r.findings.iter().find(|f| f.rule == rule);
        let Some(f) = hit else {
            panic!("{defect:?}: no {rule} finding in {:#?}", r.findings)
        };
        if !element.is_empty() {
            assert_eq!(f.element, element, "{defect:?}: {f:#?}");
        }
        assert!(f.line > 1, "{defect:?}: {f:#?}");
        if rule.starts_with("CSWW") || matches!(defect, Defect::BadSwePattern | Defect::FteAboveOne)
        {
            assert_eq!(f.record, defect.record(), "{defect:?}: {f:#?}");
            if let Some(record) = defect.record() {
                assert!(
                    f.path.starts_with(&format!("Message/CSWWWorker[{record}]")),
                    "{defect:?}: {}",
                    f.path
                );
            }
        }
        if rule.starts_with("CSWW") {
            let severity = swforce_import::census::rules::rule_of(rule).severity;
            assert_eq!(f.severity, severity, "{defect:?}");
            assert_eq!(
                r.is_valid(),
                severity == Severity::Query,
                "{defect:?}: a query alone leaves the return valid: {:#?}",
                r.findings
            );
        }
        assert!(!f.fix.is_empty());
        // Messages never repeat the SWE number.
        assert!(
            r.findings
                .iter()
                .all(|f| !f.message.contains("QQ0000000001")),
            "{defect:?}"
        );
    }
}

#[test]
fn broken_xml_an_entity_bomb_and_wrong_encodings_are_fatal_and_clear() {
    let (r, _) = read("");
    assert!(r.fatal && r.findings[0].message.contains("no elements"));
    let (r, _) = read("<Message><LALevelVacancies>");
    assert!(r.fatal, "{:#?}", r.findings);
    let (r, _) = read(&mutate(&generated(3, 1), Defect::EntityDeclaration, 2022));
    assert_eq!(r.findings[0].rule, "XML-DTD");
    let (r, _) = read("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Message/>");
    assert_eq!(r.findings[0].rule, "XML-ENCODING");
    let mut latin = generated(2, 1).into_bytes();
    let at = latin.windows(5).position(|w| w == b"Leeds").unwrap_or(0);
    latin[at] = 0xE9;
    let r = read_census(
        "latin.xml",
        latin.as_slice(),
        CensusOptions::default(),
        |_, _| {},
    );
    assert!(
        r.fatal && r.findings[0].message.contains("UTF-8"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn export_after_import_gives_the_same_records_and_a_valid_return() {
    let (r, workers) = read(&generated(120, 3));
    let mut out = Vec::new();
    write_census(&mut out, &r.header, &r.vacancies.unwrap(), &workers).unwrap();
    let (again, again_workers) = read(std::str::from_utf8(&out).unwrap());
    assert!(again.is_valid(), "{:#?}", again.findings);
    assert_eq!(again_workers, workers);
    assert_eq!(again.vacancies, r.vacancies);
}

/// The path to xmllint, or `None` with a clear message (a failure under CI).
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
            "xmllint not installed (apt package libxml2-utils): the differential test did not run"
        );
        return None;
    }
    Some("xmllint")
}

/// xmllint's verdict: valid, or the element its first error names.
fn xmllint_verdict(text: &str) -> Result<(), String> {
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/csww_census_2022.xsd");
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(&schema)
        .arg(file.path())
        .output()
        .unwrap();
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let first = err
        .lines()
        .find(|l| l.contains("error"))
        .unwrap_or("")
        .to_string();
    let element = first
        .split("Element '")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap_or("")
        // `{urn:x}Message`: the element's name, without its namespace.
        .rsplit('}')
        .next()
        .unwrap_or("")
        .to_string();
    Err(element)
}

#[test]
fn whatever_xmllint_rejects_swforce_rejects_naming_the_same_element() {
    if xmllint().is_none() {
        return;
    }
    for seed in 1..=4 {
        let text = generated(40, seed);
        assert_eq!(
            xmllint_verdict(&text),
            Ok(()),
            "generated return {seed} is valid for xmllint"
        );
        let (r, _) = read(&text);
        assert!(
            r.findings.iter().all(|f| !f.is_schema()),
            "seed {seed}: {:#?}",
            r.findings
        );
    }
    let valid = generated(4, 9);
    for defect in Defect::ALL {
        let text = mutate(&valid, defect, 2022);
        let theirs = xmllint_verdict(&text);
        let (r, _) = read(&text);
        let ours = r.findings.iter().find(|f| f.is_schema());
        match (&theirs, ours) {
            (Ok(()), None) => {}
            (Err(element), Some(f)) => {
                if !element.is_empty() && !f.rule.starts_with("XML") {
                    assert_eq!(
                        &f.element, element,
                        "{defect:?}: xmllint names {element}, swforce {f:#?}"
                    );
                }
            }
            (Ok(()), Some(f)) => panic!("{defect:?}: xmllint accepts, swforce finds {f:#?}"),
            (Err(element), None) => {
                panic!("{defect:?}: xmllint rejects ({element}), swforce finds no schema error")
            }
        }
    }
}

/// Found by fuzzing: a byte-order mark inside the header's DateTime once split a character in
/// two. The return is now read to the end and the date is reported, with no panic.
#[test]
fn a_multi_byte_character_inside_a_date_is_an_error_not_a_panic() {
    let text = generated(2, 1).replacen("<DateTime>2022-", "<DateTime>2022-\u{feff}", 1);
    assert!(text.contains('\u{feff}'), "the generator writes a DateTime");
    let (r, _) = read(&text);
    assert!(!r.is_valid());
    assert!(
        r.findings.iter().any(|f| f.path.ends_with("DateTime")),
        "{:?}",
        r.findings
    );
    let bytes = include_bytes!("../../../../fuzz/seeds/census_xml/regression-bom-in-datetime.xml");
    let _ = read(&String::from_utf8_lossy(bytes));
}

#[test]
fn generated_returns_break_no_rule_and_raise_no_query_at_any_size() {
    // The size the docs time: long-servers once started on the year's first day, as starters
    // with no origin.
    let (r, workers) = read(&generated(40_000, 1));
    assert_eq!((r.errors, r.queries), (0, 0), "{:#?}", r.findings);
    // Part-time workers work 0.4 to 0.95 FTE (once 0 to 0.55, and sometimes 0).
    let least = workers.iter().filter_map(|w| w.fte).fold(1.0, f64::min);
    assert!(least >= 0.4, "{least}");
    for seed in 1..=20 {
        for workers in [1, 20, 200] {
            let (r, _) = read(&generated(workers, seed));
            assert_eq!(
                (r.errors, r.queries),
                (0, 0),
                "seed {seed}, {workers} workers: {:#?}",
                r.findings
            );
        }
    }
}

#[test]
fn docs_census_lists_every_rule_with_its_severity_statement_and_source() {
    let docs = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/census.md"),
    )
    .unwrap();
    for r in swforce_import::census::rules::RULES {
        let row = format!(
            "| {} | {} | {} | {} |",
            r.id, r.severity, r.statement, r.source
        );
        assert!(docs.contains(&row), "docs/census.md lacks the row\n{row}");
    }
}

/// Found from outside: cover of 1 FTE by the one agency worker in post, who works 0.5 FTE,
/// passed the check while the indicators withheld a cover share of 200%.
#[test]
fn agency_cover_above_the_agency_workers_fte_is_queried() {
    let seed = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/seeds/census_xml/three-workers.xml"),
    )
    .unwrap();
    let agency = "  <CSWWWorker>\n    <AgencyWorker>1</AgencyWorker>\n    <SWENo>QQ0000000009</SWENo>\n    <QualInst>Open University</QualInst>\n    <RoleStartDate>2022-05-01</RoleStartDate>\n    <FTE30>0.500000</FTE30>\n  </CSWWWorker>\n</Message>";
    let text = seed
        .replace(
            "<NoAgencyFTE>0.00</NoAgencyFTE>",
            "<NoAgencyFTE>1.00</NoAgencyFTE>",
        )
        .replace(
            "<NoAgencyHeadcount>0</NoAgencyHeadcount>",
            "<NoAgencyHeadcount>1</NoAgencyHeadcount>",
        )
        .replace("</Message>", agency);
    let (r, _) = read(&text);
    let rules: Vec<(&str, &str)> = r
        .findings
        .iter()
        .map(|f| (f.rule, f.element.as_str()))
        .collect();
    assert_eq!(
        rules,
        vec![("CSWW-B19", "NoAgencyFTE")],
        "{:#?}",
        r.findings
    );
    assert!(r.findings[0].message.contains("come to 0.5 FTE"));
}

/// Found from outside: a return with no year was "ready to submit" once its B00 query was
/// explained, though no rule that needs the year had run.
#[test]
fn a_return_with_no_year_is_an_error_until_one_is_given() {
    let text = generated(20, 1)
        .replace("      <Year>2022</Year>\n", "")
        .replace("      <ReferenceDate>2022-09-30</ReferenceDate>\n", "");
    let (r, _) = read(&text);
    assert!(!r.is_valid());
    assert_eq!(
        r.findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
        vec!["CSWW-B00"]
    );
    let given = read_census(
        "return.xml",
        text.as_bytes(),
        CensusOptions {
            year: Some(2022),
            ..CensusOptions::default()
        },
        |_, _| {},
    );
    assert!(given.is_valid(), "{:#?}", given.findings);
}
