//! `swforce agency`: checking a file of engagements, keeping it as a council's register and
//! writing the quarterly return.

use crate::{fixture, stderr, stdout, swforce};
use std::path::{Path, PathBuf};
use swforce_domain::access::OrgKind;
use swforce_store::NewOrganisation;
use swforce_store::prelude::*;
use swforce_store_sqlite::SqliteStore;

const ENGAGEMENTS: &str = "agency_engagements.csv";

fn engagements() -> PathBuf {
    fixture(ENGAGEMENTS)
}

fn rows_in_fixture() -> usize {
    std::fs::read_to_string(engagements())
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
        - 1
}

/// Kent County Council on record as an organisation. There is no command for it (site admins
/// add organisations on the web), so the test writes it to the store the binary uses.
fn add_kent(data: &Path) {
    let store = SqliteStore::open_in_dir(data).unwrap();
    store
        .create_organisation(&NewOrganisation {
            name: "Kent County Council",
            kind: OrgKind::LocalAuthority,
            la_code: Some("E10000016"),
            email_domain: None,
            created_at: "2025-01-01T00:00:00Z",
        })
        .unwrap();
}

/// The fixture with one engagement's hours a week left out.
fn without_hours(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(engagements()).unwrap();
    let changed = text.replacen(
        "KCC-AGY-0001,SW104233,Harbour Social Care Ltd,E10000016,case_holder,2025-01-06,,37,",
        "KCC-AGY-0001,SW104233,Harbour Social Care Ltd,E10000016,case_holder,2025-01-06,,,",
        1,
    );
    assert_ne!(
        text, changed,
        "the fixture's first engagement changed shape"
    );
    let path = dir.join(ENGAGEMENTS);
    std::fs::write(&path, changed).unwrap();
    path
}

fn return_for(data: &Path, quarter: &str) -> std::process::Output {
    swforce(
        data,
        &[
            "agency",
            "return",
            "--la",
            "E10000016",
            "--quarter",
            quarter,
        ],
    )
}

#[test]
fn a_check_reports_every_engagement_and_exits_0_even_with_breaches() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagements();
    let out = swforce(dir.path(), &["agency", "check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("line 3  KCC-AGY-0002  SW231877  breach\n    AGY-1 Three years' experience: breach — qualified on 2023-07-14"),
        "{text}"
    );
    assert!(
        text.contains("line 10  KCC-AGY-0009  SW160024  breach\n"),
        "{text}"
    );
    assert!(text.contains("    AGY-3 Notice period: breach — notice of 1 week"));
    assert!(text.contains("line 13  KCC-AGY-0012  SW239106  missing information\n"));
    assert!(text.contains("    missing pqe_years — "), "{text}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&swforce(
        dir.path(),
        &[
            "agency",
            "check",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
    )))
    .unwrap();
    let s = &json["summary"];
    let summary = format!(
        "{} engagements: {} compliant, {} breach, {} missing information, {} not in scope\n",
        rows_in_fixture(),
        s["compliant"],
        s["breach"],
        s["missing_information"],
        s["not_in_scope"]
    );
    assert!(text.ends_with(&summary), "{text}\nexpected {summary}");
}

#[test]
fn a_check_as_json_gives_each_engagement_its_status_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagements();
    let out = swforce(
        dir.path(),
        &[
            "agency",
            "check",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["file"], ENGAGEMENTS);
    let list = v["engagements"].as_array().unwrap();
    assert_eq!(list.len(), rows_in_fixture());
    let second = &list[1];
    assert_eq!(second["line"], 3);
    assert_eq!(second["reference"], "KCC-AGY-0002");
    assert_eq!(second["swe_number"], "SW231877");
    assert_eq!(second["status"], "breach");
    assert_eq!(second["judged_at"], "2025-02-03");
    let findings = second["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 6, "one finding per rule");
    assert_eq!(findings[0]["rule"], "AGY-1");
    assert_eq!(findings[0]["result"], "breach");
    assert!(
        findings[0]["evidence"]
            .as_str()
            .unwrap()
            .contains("2023-07-14")
    );
    let last = &list[list.len() - 1];
    assert_eq!(last["status"], "missing_information");
    assert!(
        last["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["result"] == "missing" && f["fields"][0] == "pqe_years"),
        "{last}"
    );
    let s = &v["summary"];
    let counted: u64 = ["compliant", "breach", "missing_information", "not_in_scope"]
        .iter()
        .map(|k| s[k].as_u64().unwrap())
        .sum();
    assert_eq!(counted as usize, rows_in_fixture());
    assert!(s["breach"].as_u64().unwrap() >= 4);
}

#[test]
fn a_check_as_csv_lists_breached_rules_and_missing_fields() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagements();
    let out = swforce(
        dir.path(),
        &["agency", "check", file.to_str().unwrap(), "--format", "csv"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "line,reference,swe_number,status,breaches,missing"
    );
    assert_eq!(lines.len(), rows_in_fixture() + 1);
    assert!(
        lines[2].starts_with("3,KCC-AGY-0002,SW231877,breach,AGY-1,"),
        "{text}"
    );
    assert!(
        text.contains("11,KCC-AGY-0010,SW211870,breach,AGY-6,la_code"),
        "{text}"
    );
    assert!(text.contains("13,KCC-AGY-0012,SW239106,missing_information,,pqe_years"));
}

#[test]
fn fail_on_breach_prints_the_report_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagements();
    let out = swforce(
        dir.path(),
        &[
            "agency",
            "check",
            file.to_str().unwrap(),
            "--fail-on-breach",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("KCC-AGY-0002  SW231877  breach"));
    assert!(
        stderr(&out).contains("breach the national rules"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_malformed_file_exits_1_names_line_and_column_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_kent(&data);
    let text = std::fs::read_to_string(engagements()).unwrap().replacen(
        "KCC-AGY-0002,SW231877",
        "KCC-AGY-0002,XX231877",
        1,
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, text).unwrap();
    for command in ["check", "import"] {
        let out = swforce(&data, &["agency", command, bad.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let err = stderr(&out);
        assert!(
            err.contains("bad.csv:3:2: error: field \"swe_number\" is \"XX231877\""),
            "{err}"
        );
        assert!(err.contains("\n  fix: "), "{err}");
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    }
    let r = return_for(&data, "2025Q1");
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert_eq!(
        stdout(&r).lines().count(),
        1,
        "only the header: nothing stored"
    );
}

#[test]
fn a_check_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    add_kent(dir.path());
    let file = engagements();
    let out = swforce(dir.path(), &["agency", "check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let r = return_for(dir.path(), "2025Q1");
    assert_eq!(stdout(&r).lines().count(), 1, "{}", stdout(&r));
}

#[test]
fn import_needs_the_council_on_record_and_a_repeat_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = engagements();
    let n = rows_in_fixture();
    let out = swforce(dir.path(), &["agency", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error: No organisation on record is the council E10000016"),
        "{err}"
    );
    assert!(err.contains("  fix: "), "{err}");
    add_kent(dir.path());
    let first = swforce(dir.path(), &["agency", "import", file.to_str().unwrap()]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let text = stdout(&first);
    assert!(
        text.starts_with(&format!(
            "{ENGAGEMENTS}: stored for Kent County Council (E10000016): {n} added, 0 updated, 0 unchanged\n{n} engagements: "
        )),
        "{text}"
    );
    let again = swforce(dir.path(), &["agency", "import", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains(&format!("0 added, 0 updated, {n} unchanged")),
        "{}",
        stdout(&again)
    );
    let changed = swforce(
        dir.path(),
        &[
            "agency",
            "import",
            without_hours(dir.path()).to_str().unwrap(),
        ],
    );
    assert!(
        stdout(&changed).contains(&format!("0 added, 1 updated, {} unchanged", n - 1)),
        "{}",
        stdout(&changed)
    );
}

#[test]
fn the_return_lists_the_quarter_and_is_refused_while_fields_are_missing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_kent(&data);
    let file = engagements();
    let i = swforce(&data, &["agency", "import", file.to_str().unwrap()]);
    assert_eq!(i.status.code(), Some(0), "{}", stderr(&i));

    let q1 = return_for(&data, "2025Q1");
    assert_eq!(q1.status.code(), Some(0), "{}", stderr(&q1));
    let csv = stdout(&q1);
    assert!(
        csv.starts_with("la_code,quarter,reference,swe_number,"),
        "{csv}"
    );
    assert!(
        csv.contains("E10000016,2025Q1,KCC-AGY-0001,SW104233,"),
        "{csv}"
    );
    assert!(!csv.contains("KCC-AGY-0004"), "starts in April: {csv}");

    let out = dir.path().join("return.csv");
    let written = swforce(
        &data,
        &[
            "agency",
            "return",
            "--la",
            "E10000016",
            "--quarter",
            "2025q1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), csv);
    assert!(stdout(&written).contains("wrote the 2025Q1 return for E10000016"));

    // Leave out one engagement's hours a week: the return cannot be made until it is given.
    swforce(
        &data,
        &[
            "agency",
            "import",
            without_hours(dir.path()).to_str().unwrap(),
        ],
    );
    let refused_out = dir.path().join("refused.csv");
    let refused = swforce(
        &data,
        &[
            "agency",
            "return",
            "--la",
            "E10000016",
            "--quarter",
            "2025Q1",
            "--out",
            refused_out.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(
        err.contains(
            "agency return E10000016 2025Q1:2: error: engagement KCC-AGY-0001 (SW104233) has no hours_per_week\n  fix: Add hours_per_week"
        ),
        "{err}"
    );
    assert!(err.contains("error: the 2025Q1 return for E10000016 was not written"));
    assert!(stdout(&refused).is_empty());
    assert!(
        !refused_out.exists(),
        "nothing is written for a refused return"
    );
}

#[test]
fn a_bad_quarter_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let out = return_for(dir.path(), "2025Q5");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("fix: write it like 2025Q1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        swforce(dir.path(), &["agency", "return", "--quarter", "2025Q1"])
            .status
            .code(),
        Some(2),
        "--la is required"
    );
}
