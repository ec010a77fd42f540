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

/// The fixture with the first engagement's `from` (its start up to its pay) made `to`.
fn changed_first(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(engagements()).unwrap();
    let first = "KCC-AGY-0001,SW104233,Harbour Social Care Ltd,E10000016,social_worker,2025-01-06,";
    let changed = text.replacen(&format!("{first}{from}"), &format!("{first}{to}"), 1);
    assert_ne!(
        text, changed,
        "the fixture's first engagement changed shape"
    );
    let path = dir.join(ENGAGEMENTS);
    std::fs::write(&path, changed).unwrap();
    path
}

/// The fixture with one engagement's hours a week left out.
fn without_hours(dir: &Path) -> PathBuf {
    changed_first(dir, ",37,paye,", ",,paye,")
}

/// The fixture with one engagement's hourly pay rate left out.
fn without_pay(dir: &Path) -> PathBuf {
    changed_first(dir, ",37,paye,42.00,", ",37,paye,,")
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
    assert!(text.contains("line 14  KCC-AGY-0013  SW250417  compliant\n"));
    // KCC-AGY-0013 gives its years but no qualification date: compliant, with the warning.
    let no_date = dir.path().join("no-date.csv");
    std::fs::write(
        &no_date,
        std::fs::read_to_string(&file)
            .unwrap()
            .replacen(",6.50,2010-07-01,14,", ",6.50,,14,", 1),
    )
    .unwrap();
    let out = stdout(&swforce(
        dir.path(),
        &["agency", "check", no_date.to_str().unwrap()],
    ));
    assert!(
        out.contains("line 14  KCC-AGY-0013  SW250417  compliant\n    AGY-1 Three years' experience: compliant, with a warning — 14 years' post-qualifying experience, as declared (warning: no qualification date was given to confirm it)"),
        "{out}"
    );
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
    let last = &list[list.len() - 2];
    assert_eq!(last["reference"], "KCC-AGY-0012");
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
fn a_check_as_csv_has_a_row_per_engagement_and_rule_with_the_evidence() {
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
        "line,reference,swe_number,engagement_status,rule,rule_title,result,missing_fields,evidence"
    );
    assert_eq!(lines.len(), rows_in_fixture() * 6 + 1);
    assert!(
        lines.contains(&"3,KCC-AGY-0002,SW231877,breach,AGY-1,Three years' experience,breach,,\"qualified on 2023-07-14: 3 years after qualifying is 2026-07-14, after 2025-02-03\""),
        "{text}"
    );
    assert!(
        text.contains("13,KCC-AGY-0012,SW239106,missing_information,AGY-1,Three years' experience,missing,pqe_years,"),
        "{text}"
    );
    // Only breaches: every row is one, and there is one per breach.
    let breaches = stdout(&swforce(
        dir.path(),
        &[
            "agency",
            "check",
            file.to_str().unwrap(),
            "--format",
            "csv",
            "--breaches-only",
        ],
    ));
    let rows: Vec<&str> = breaches.lines().skip(1).collect();
    let in_full = text
        .lines()
        .filter(|l| l.split(',').nth(6) == Some("breach"))
        .count();
    assert_eq!(rows.len(), in_full);
    assert!(rows.len() >= 5, "{breaches}");
    assert!(
        rows.iter().all(|r| r.split(',').nth(6) == Some("breach")),
        "{breaches}"
    );
    let report = stdout(&swforce(
        dir.path(),
        &["agency", "check", file.to_str().unwrap(), "--breaches-only"],
    ));
    assert!(!report.contains("KCC-AGY-0001"), "{report}");
    assert!(
        report.contains("line 3  KCC-AGY-0002  SW231877  breach"),
        "{report}"
    );
}

#[test]
fn a_check_on_a_fresh_folder_judges_regions_and_makes_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = engagements();
    let out = swforce(&data, &["agency", "check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!data.exists(), "checking made {}", data.display());
    let text = stdout(&out);
    // East Sussex is placed in the South East with Kent without any statistics loaded.
    assert!(
        text.contains("resigned from East Sussex County Council (a council of the same region)"),
        "{text}"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // With no cap in force the price-cap rule does not apply: most engagements comply.
    assert!(text.contains("7 compliant"), "{text}");
    // A district council's code is named as having no children's services.
    let district = dir.path().join("district.csv");
    std::fs::write(
        &district,
        std::fs::read_to_string(&file).unwrap().replacen(
            "E10000016,social_worker,2025-01-06",
            "E07000105,social_worker,2025-01-06",
            1,
        ),
    )
    .unwrap();
    let out = swforce(&data, &["agency", "check", district.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("E07000105 is not a council with children's services"),
        "{}",
        stderr(&out)
    );
    assert!(!data.exists());
}

#[test]
fn the_template_explains_each_column_and_checks_once_filled_in() {
    let dir = tempfile::tempdir().unwrap();
    let out = swforce(dir.path(), &["agency", "check", "--template"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let template = stdout(&out);
    assert!(
        template.contains("# pay_basis (optional): How the worker is paid"),
        "{template}"
    );
    assert!(template.contains("# job_type (required): "), "{template}");
    assert!(!dir.path().join("swforce.sqlite3").exists());
    let example = stdout(&swforce(dir.path(), &["agency", "example"]));
    let row = example.lines().nth(1).unwrap();
    let filled = dir.path().join("filled.csv");
    std::fs::write(&filled, format!("{template}{row}\n")).unwrap();
    let out = swforce(dir.path(), &["agency", "check", filled.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(&format!(
            "line {}  KCC-AGY-0001  SW104233  compliant",
            30 + 1
        )),
        "{}",
        stdout(&out)
    );
    let out = swforce(dir.path(), &["agency", "check", "--template", "x.csv"]);
    assert_eq!(out.status.code(), Some(2), "a file and --template together");
}

#[test]
fn caps_are_imported_all_or_nothing_exported_and_used_by_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let caps = dir.path().join("caps.csv");
    std::fs::write(
        &caps,
        "# the South East's caps\nregion,job_type,hourly_cap,in_force_from\nSouth East,social_worker,52.00,2024-10-31\nE12000008,team_manager,70.00,01/04/2025\n",
    )
    .unwrap();
    let file = engagements();
    // Checked against a caps file, with nothing stored.
    let out = swforce(
        &data,
        &[
            "agency",
            "check",
            file.to_str().unwrap(),
            "--caps",
            caps.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("AGY-4 Regional price cap: breach — £52.38 an hour (PAYE: pay £42.00, employer National Insurance £5.10, levy £0.21 and holiday pay £5.07), £0.38 above the cap of £52.00"),
        "{}",
        stdout(&out)
    );
    assert!(!data.exists());
    let first = swforce(&data, &["agency", "caps", "import", caps.to_str().unwrap()]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(
        stdout(&first),
        "caps.csv: 2 price caps kept: 2 added, 0 updated, 0 unchanged\n"
    );
    let again = swforce(&data, &["agency", "caps", "import", caps.to_str().unwrap()]);
    assert!(stdout(&again).contains("0 added, 0 updated, 2 unchanged"));
    let export = swforce(
        &data,
        &["agency", "caps", "export", "--region", "south east"],
    );
    assert_eq!(
        stdout(&export),
        "region,job_type,hourly_cap,in_force_from\nE12000008,social_worker,52.00,2024-10-31\nE12000008,team_manager,70.00,2025-04-01\n"
    );
    let none = swforce(
        &data,
        &["agency", "caps", "export", "--region", "E12000007"],
    );
    assert_eq!(stdout(&none).lines().count(), 1);
    // The caps on record judge a check now.
    let out = swforce(&data, &["agency", "check", file.to_str().unwrap()]);
    assert!(
        stdout(&out).contains("£0.38 above the cap of £52.00"),
        "{}",
        stdout(&out)
    );
    // A bad file is refused whole, each problem at its line and column.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "region,job_type,hourly_cap,in_force_from\nSouth East,social_worker,50.00,2026-01-01\nKent,team_manager,abc,2025-04-01\n",
    )
    .unwrap();
    let out = swforce(&data, &["agency", "caps", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("bad.csv:3:1: error: field \"region\" is \"Kent\""),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:3:3: error: field \"hourly_cap\" is \"abc\""),
        "{err}"
    );
    assert!(
        err.contains("error: bad.csv was not imported; nothing was stored"),
        "{err}"
    );
    let export = swforce(&data, &["agency", "caps", "export"]);
    assert!(
        !stdout(&export).contains("2026-01-01"),
        "the good row was not kept either"
    );
    let out = swforce(&data, &["agency", "caps", "export", "--region", "Kent"]);
    assert_eq!(out.status.code(), Some(1));
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
        csv.starts_with("la_code,quarter,reference,swe_number,agency,role_type,hourly_pay_rate,start_date,end_date,project_team,packaged_model,status,breaches\n"),
        "{csv}"
    );
    assert!(
        csv.contains("E10000016,2025Q1,KCC-AGY-0001,SW104233,Harbour Social Care Ltd,social_worker,42.00,2025-01-06,,,no,compliant,\n"),
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
    assert!(
        stdout(&written).contains("wrote the 2025Q1 assignments return for E10000016"),
        "{}",
        stdout(&written)
    );

    // Fields the Department does not collect do not stop the return: they are gaps in the
    // council's own part.
    swforce(
        &data,
        &[
            "agency",
            "import",
            without_hours(dir.path()).to_str().unwrap(),
        ],
    );
    let q1 = return_for(&data, "2025Q1");
    assert_eq!(q1.status.code(), Some(0), "{}", stderr(&q1));
    let council = swforce(
        &data,
        &[
            "agency",
            "return",
            "--la",
            "E10000016",
            "--quarter",
            "2025Q1",
            "--part",
            "council",
        ],
    );
    assert_eq!(council.status.code(), Some(0), "{}", stderr(&council));
    let part = stdout(&council);
    assert!(
        part.starts_with("la_code,quarter,section,subject,value,detail\n"),
        "{part}"
    );
    assert!(
        part.contains("E10000016,2025Q1,compliance,AGY-1,not compliant,"),
        "{part}"
    );
    assert!(
        part.contains("E10000016,2025Q1,compliance,AGY-4,not applicable,"),
        "{part}"
    );
    assert!(
        part.contains("E10000016,2025Q1,monthly_cost,2025-01,"),
        "{part}"
    );
    assert!(
        part.contains("E10000016,2025Q1,monthly_cost,2025-03,"),
        "{part}"
    );

    // Leave out one engagement's pay rate, which the Department collects: the return cannot
    // be made until it is given.
    swforce(
        &data,
        &[
            "agency",
            "import",
            without_pay(dir.path()).to_str().unwrap(),
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
            "agency return E10000016 2025Q1:2: error: engagement KCC-AGY-0001 (SW104233) has no pay_rate, which the Department collects\n  fix: Add the worker's hourly pay rate"
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

#[test]
fn london_and_councils_made_since_the_shipped_releases_are_placed_in_their_regions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let caps = dir.path().join("caps.csv");
    std::fs::write(
        &caps,
        "region,job_type,hourly_cap,in_force_from\nLondon,social_worker,45.00,2025-01-01\nNorth West,social_worker,45.00,2025-01-01\n",
    )
    .unwrap();
    let file = dir.path().join("places.csv");
    std::fs::write(
        &file,
        "reference,swe_number,agency,la_code,job_type,start_date,pay_basis,pay_rate,previous_employer,previous_la_code,left_on,leaving_circumstance\n\
         CAM-1,SW1,Oakfield Locums,E09000007,social_worker,2025-03-03,umbrella,46.00,London Borough of Bexley,E09000004,2025-02-01,resigned\n\
         CUM-1,SW2,Oakfield Locums,E06000063,social_worker,2025-03-03,umbrella,46.00,Westmorland and Furness Council,E06000064,2025-02-01,resigned\n\
         NY-1,SW3,Oakfield Locums,E06000065,social_worker,2025-03-03,umbrella,40.00,none,,,\n",
    )
    .unwrap();
    let out = swforce(
        &data,
        &[
            "agency",
            "check",
            file.to_str().unwrap(),
            "--caps",
            caps.to_str().unwrap(),
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).is_empty(),
        "every code is a council: {}",
        stderr(&out)
    );
    let text = stdout(&out);
    for (reference, rule, result) in [
        // Camden and Bexley are both in London (Inner and Outer London are its parts).
        ("CAM-1", "AGY-4", "breach"),
        ("CAM-1", "AGY-2", "breach"),
        // Cumberland and Westmorland and Furness (2023) are in the North West, as Cumbria was.
        ("CUM-1", "AGY-4", "breach"),
        ("CUM-1", "AGY-2", "breach"),
        // North Yorkshire (2023) is in Yorkshire and The Humber: no cap there.
        ("NY-1", "AGY-4", "not_applicable"),
    ] {
        let row = text
            .lines()
            .find(|l| l.contains(&format!(",{reference},")) && l.contains(&format!(",{rule},")))
            .unwrap_or_else(|| panic!("{reference} {rule}: {text}"));
        assert_eq!(row.split(',').nth(6), Some(result), "{row}");
    }
    assert!(!data.exists());
    // Exporting caps on a fresh folder makes no database either.
    let export = swforce(&data, &["agency", "caps", "export"]);
    assert_eq!(
        stdout(&export),
        "region,job_type,hourly_cap,in_force_from\n"
    );
    assert!(!data.exists());
}

#[test]
fn a_legacy_engagement_is_not_in_scope_in_a_quarter_before_it_had_to_comply() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_kent(&data);
    let file = engagements();
    let i = swforce(&data, &["agency", "import", file.to_str().unwrap()]);
    assert_eq!(i.status.code(), Some(0), "{}", stderr(&i));
    // KCC-AGY-0011 began in June 2024 and is compliant; KCC-AGY-0008 (a breach) began under the
    // rules. Made legacy, 0008 had to comply only by 1 October 2025.
    let legacy = dir.path().join("legacy.csv");
    std::fs::write(
        &legacy,
        std::fs::read_to_string(&file)
            .unwrap()
            .replacen(
                "E10000016,social_worker,2025-06-02,",
                "E10000016,social_worker,2024-06-03,",
                1,
            )
            .replacen(",2025-01-10,resigned,no,", ",2024-01-10,resigned,no,", 1),
    )
    .unwrap();
    let i = swforce(&data, &["agency", "import", legacy.to_str().unwrap()]);
    assert_eq!(i.status.code(), Some(0), "{}", stderr(&i));
    for (quarter, status) in [
        ("2024Q4", "not_in_scope"),
        ("2025Q3", "not_in_scope"),
        ("2025Q4", "breach"),
    ] {
        let csv = stdout(&return_for(&data, quarter));
        let row = csv
            .lines()
            .find(|l| l.contains(",KCC-AGY-0008,"))
            .unwrap_or_else(|| panic!("{quarter}: {csv}"));
        assert_eq!(row.split(',').nth(11), Some(status), "{quarter}: {row}");
    }
}

#[test]
fn on_a_fresh_folder_what_is_refused_makes_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = engagements();
    let out = swforce(&data, &["agency", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: No organisation on record is the council E10000016"),
        "{}",
        stderr(&out)
    );
    let out = return_for(&data, "2025Q1");
    assert_eq!(out.status.code(), Some(1));
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "region,job_type,hourly_cap,in_force_from\nKent,social_worker,50,2025-01-01\n",
    )
    .unwrap();
    let out = swforce(&data, &["agency", "caps", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("bad.csv:2:1: error:"),
        "{}",
        stderr(&out)
    );
    assert!(!data.exists(), "nothing refused made {}", data.display());
    // A good caps file is kept, which makes the database.
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "region,job_type,hourly_cap,in_force_from\nSouth East,social_worker,50,2025-01-01\n",
    )
    .unwrap();
    let out = swforce(&data, &["agency", "caps", "import", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(data.join("swforce.sqlite3").exists());
}

#[test]
fn a_legacy_engagement_above_the_cap_is_a_price_cap_breach_only_from_the_transition() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    add_kent(&data);
    let caps = dir.path().join("caps.csv");
    std::fs::write(
        &caps,
        "region,job_type,hourly_cap,in_force_from\nSouth East,team_manager,60.00,2024-10-31\n",
    )
    .unwrap();
    assert_eq!(
        swforce(&data, &["agency", "caps", "import", caps.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let file = engagements();
    assert_eq!(
        swforce(&data, &["agency", "import", file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let council = |quarter: &str| {
        stdout(&swforce(
            &data,
            &[
                "agency",
                "return",
                "--la",
                "E10000016",
                "--quarter",
                quarter,
                "--part",
                "council",
            ],
        ))
    };
    // KCC-AGY-0011, a team manager from June 2024, costs £62.24 an hour in pay and on-costs.
    assert!(
        !council("2025Q3").contains("price_cap_breach,KCC-AGY-0011"),
        "{}",
        council("2025Q3")
    );
    let q4 = council("2025Q4");
    let line = q4
        .lines()
        .find(|l| l.contains("price_cap_breach,KCC-AGY-0011"))
        .unwrap_or_else(|| panic!("{q4}"));
    assert!(line.contains(",62.24,"), "{line}");
    assert!(
        line.contains(
            "not both by 2025-10-01, the date engagements begun before the rules had to comply"
        ),
        "{line}"
    );
}
