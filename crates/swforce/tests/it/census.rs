use crate::{stderr, stdout, swforce};

#[test]
fn generate_validate_import_export_and_validate_again_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    swforce(&data, &["demo"]);
    let file = dir.path().join("return.xml");
    let out = swforce(
        &data,
        &[
            "census",
            "generate",
            "--workers",
            "300",
            "--seed",
            "5",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = swforce(&data, &["census", "validate", file.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    assert!(
        stdout(&v).contains("300 worker records, Bournemouth, Christchurch and Poole (E06000058)"),
        "{}",
        stdout(&v)
    );
    let i = swforce(&data, &["census", "import", file.to_str().unwrap()]);
    assert_eq!(i.status.code(), Some(0), "{}", stderr(&i));
    assert!(
        stdout(&i).contains("imported the 2022 census return for E06000058: 300 worker records"),
        "{}",
        stdout(&i)
    );
    let again = swforce(&data, &["census", "import", file.to_str().unwrap()]);
    assert!(stdout(&again).contains("nothing changed"));
    let exported = dir.path().join("exported.xml");
    let e = swforce(
        &data,
        &[
            "census",
            "export",
            "--la",
            "Bournemouth, Christchurch and Poole",
            "--year",
            "2022",
            "--out",
            exported.to_str().unwrap(),
        ],
    );
    assert_eq!(e.status.code(), Some(0), "{}", stderr(&e));
    let v2 = swforce(
        &data,
        &[
            "census",
            "validate",
            exported.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(v2.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_str(&stdout(&v2)).unwrap();
    assert_eq!(report["workers"], 300);
    assert_eq!(report["valid"], true);
    // The same indicators from the original and the exported return.
    let a = stdout(&swforce(
        &data,
        &[
            "census",
            "indicators",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
    ));
    let b = stdout(&swforce(
        &data,
        &[
            "census",
            "indicators",
            exported.to_str().unwrap(),
            "--format",
            "json",
        ],
    ));
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&a).unwrap(),
        serde_json::from_str(&b).unwrap(),
    );
    assert_eq!(a["indicators"], b["indicators"]);
    assert!(a["indicators"]["inpost_fte"].as_f64().unwrap() > 100.0);
}

#[test]
fn an_invalid_return_exits_1_with_rule_line_path_and_record_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("return.xml");
    swforce(
        &data,
        &[
            "census",
            "generate",
            "--workers",
            "20",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replacen("<OrgRole>", "<OrgRole>9", 1);
    std::fs::write(&file, text).unwrap();
    let v = swforce(&data, &["census", "validate", file.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1));
    let report = stdout(&v);
    assert!(report.contains("error [XSD-VALUE] Message/CSWWWorker[1]/OrgRole (record 1): <OrgRole> is not one of the codes 1, 2, 3, 4, 5, 6"), "{report}");
    assert!(report.contains("  fix: use one of the listed codes"));
    let csv = stdout(&swforce(
        &data,
        &[
            "census",
            "validate",
            file.to_str().unwrap(),
            "--format",
            "csv",
        ],
    ));
    assert!(
        csv.starts_with(
            "rule,severity,line,column,path,element,record,message,fix,note\nXSD-VALUE,error,"
        ),
        "{csv}"
    );
    let i = swforce(
        &data,
        &[
            "census",
            "import",
            file.to_str().unwrap(),
            "--la",
            "E06000058",
        ],
    );
    assert_eq!(i.status.code(), Some(1));
    assert!(
        stderr(&i).contains("nothing was imported from return.xml"),
        "{}",
        stderr(&i)
    );
}

#[test]
fn disclosed_indicators_suppress_small_cells() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("small.xml");
    swforce(
        dir.path(),
        &[
            "census",
            "generate",
            "--workers",
            "40",
            "--seed",
            "2",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let open = stdout(&swforce(
        dir.path(),
        &["census", "indicators", file.to_str().unwrap()],
    ));
    let shut = stdout(&swforce(
        dir.path(),
        &[
            "census",
            "indicators",
            file.to_str().unwrap(),
            "--disclosed",
        ],
    ));
    assert!(!open.contains("        c people"), "{open}");
    assert!(shut.contains("        c people"), "{shut}");
    assert!(shut.contains("are suppressed (c)"));
}

fn generate_return(
    data: &std::path::Path,
    file: &std::path::Path,
    year: &str,
    seed: &str,
    extra: &[&str],
) {
    let mut args = vec![
        "census",
        "generate",
        "--workers",
        "200",
        "--seed",
        seed,
        "--year",
        year,
        "--out",
        file.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = swforce(data, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn last_years_stored_return_is_compared_and_explained_queries_make_it_ready_to_submit() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    swforce(&data, &["demo"]);
    let last = dir.path().join("2021.xml");
    let this = dir.path().join("2022.xml");
    generate_return(&data, &last, "2021", "1", &[]);
    generate_return(&data, &this, "2022", "2", &[]);
    let v = swforce(&data, &["census", "validate", this.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    assert!(
        stdout(&v).contains("0 errors, 0 queries (0 explained): ready to submit"),
        "{}",
        stdout(&v)
    );
    let i = swforce(&data, &["census", "import", last.to_str().unwrap()]);
    assert_eq!(i.status.code(), Some(0), "{}", stderr(&i));
    // Other invented people: none of last year's social workers is in this return.
    let v = swforce(&data, &["census", "validate", this.to_str().unwrap()]);
    let report = stdout(&v);
    assert_eq!(
        v.status.code(),
        Some(0),
        "queries do not fail the check: {report}"
    );
    assert!(
        report.contains("compared with the stored 2021 return"),
        "{report}"
    );
    assert!(report.contains("query [CSWW-C01] Message"), "{report}");
    assert!(
        report.contains("neither in post nor a leaver in this return"),
        "{report}"
    );
    assert!(report.contains("explain the 1 query (--notes)"), "{report}");
    let notes = dir.path().join("notes.csv");
    std::fs::write(
        &notes,
        "rule,record,note\nCSWW-C01,,A new case management system renumbered staff\n",
    )
    .unwrap();
    let v = swforce(
        &data,
        &[
            "census",
            "validate",
            this.to_str().unwrap(),
            "--notes",
            notes.to_str().unwrap(),
        ],
    );
    let report = stdout(&v);
    assert!(
        report.contains("  explained (2:CSWW-C01): A new case management system renumbered staff"),
        "{report}"
    );
    assert!(
        report.contains("1 query (1 explained): ready to submit"),
        "{report}"
    );
    let csv = stdout(&swforce(
        &data,
        &[
            "census",
            "validate",
            this.to_str().unwrap(),
            "--notes",
            notes.to_str().unwrap(),
            "--format",
            "csv",
        ],
    ));
    assert!(
        csv.contains(",A new case management system renumbered staff\n"),
        "{csv}"
    );
    // The findings CSV, note and all, reads back as the notes.
    let again = dir.path().join("findings.csv");
    std::fs::write(&again, &csv).unwrap();
    let v = swforce(
        &data,
        &[
            "census",
            "validate",
            this.to_str().unwrap(),
            "--notes",
            again.to_str().unwrap(),
        ],
    );
    assert!(stdout(&v).contains("ready to submit"), "{}", stdout(&v));
}

#[test]
fn a_notes_file_that_explains_an_error_is_refused_naming_its_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    swforce(&data, &["demo"]);
    let file = dir.path().join("return.xml");
    generate_return(&data, &file, "2022", "3", &[]);
    let notes = dir.path().join("notes.csv");
    std::fs::write(&notes, "rule,record,note\nCSWW-B06,4,it is fine\n").unwrap();
    let v = swforce(
        &data,
        &[
            "census",
            "validate",
            file.to_str().unwrap(),
            "--notes",
            notes.to_str().unwrap(),
        ],
    );
    assert_eq!(v.status.code(), Some(1));
    assert!(
        stderr(&v)
            .contains("notes.csv:2:1: error: CSWW-B06 is an error, and errors cannot be explained"),
        "{}",
        stderr(&v)
    );
}

#[test]
fn the_generator_injects_each_defect_by_name_and_the_check_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    swforce(&data, &["demo"]);
    let list = swforce(&data, &["census", "generate", "--defect", "list"]);
    assert!(
        stdout(&list).contains("negative-vacancies               CSWW-B17 NumberOfVacancies"),
        "{}",
        stdout(&list)
    );
    let bad = swforce(
        &data,
        &[
            "census", "generate", "--defect", "nonsense", "--out", "x.xml",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("give one of: missing-swe-number"),
        "{}",
        stderr(&bad)
    );
    let file = dir.path().join("spoiled.xml");
    generate_return(
        &data,
        &file,
        "2022",
        "4",
        &["--defect", "negative-vacancies"],
    );
    let v = swforce(&data, &["census", "validate", file.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1));
    assert!(
        stdout(&v).contains("error [CSWW-B17] Message/LALevelVacancies"),
        "{}",
        stdout(&v)
    );
    let ind = stdout(&swforce(
        &data,
        &["census", "indicators", file.to_str().unwrap()],
    ));
    assert!(
        ind.contains("withheld: Vacancies (FTE) is negative (-4)"),
        "{ind}"
    );
    let rate = ind
        .lines()
        .find(|l| l.trim_start().starts_with("Vacancy rate (FTE)"))
        .unwrap_or_default();
    assert!(rate.ends_with("withheld"), "{ind}");
    let lea = dir.path().join("lea.xml");
    generate_return(&data, &lea, "2022", "4", &["--defect", "unknown-authority"]);
    let v = swforce(&data, &["census", "validate", lea.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1));
    assert!(stdout(&v).contains("error [CSWW-B20] Message/Header/Source/LEA: LEA 999 is not the code of any local authority"), "{}", stdout(&v));
}

/// Found from outside: each of these once passed, or wrote where it should not.
#[test]
fn a_year_or_authority_that_disagrees_with_the_header_is_refused_and_a_failed_export_keeps_the_file()
 {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    swforce(&data, &["demo"]);
    let file = dir.path().join("return.xml");
    generate_return(&data, &file, "2022", "6", &[]);
    let v = swforce(
        &data,
        &[
            "census",
            "validate",
            file.to_str().unwrap(),
            "--year",
            "2021",
        ],
    );
    assert_eq!(v.status.code(), Some(1));
    assert!(
        stdout(&v).contains("error [CSWW-B21] Message/Header/CollectionDetails: the collection year given when checking (2021) is not the return's own (2022)"),
        "{}",
        stdout(&v)
    );
    let i = swforce(
        &data,
        &[
            "census",
            "import",
            file.to_str().unwrap(),
            "--la",
            "E09000007",
        ],
    );
    assert_eq!(i.status.code(), Some(1));
    assert!(
        stderr(&i).contains("the return's LEA is Bournemouth, Christchurch and Poole (E06000058), not Camden as given"),
        "{}",
        stderr(&i)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let start = text.find("    <Source>").unwrap();
    let end = text.find("</Source>\n").unwrap() + "</Source>\n".len();
    let headless = dir.path().join("no-lea.xml");
    std::fs::write(&headless, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let v = swforce(&data, &["census", "validate", headless.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1));
    assert!(
        stdout(&v).contains(
            "error [CSWW-B20] Message/Header: the return does not say which authority it is for"
        ),
        "{}",
        stdout(&v)
    );
    let dorset = dir.path().join("dorset.xml");
    generate_return(&data, &dorset, "2022", "6", &["--la", "835"]);
    let v = swforce(&data, &["census", "validate", dorset.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1));
    assert!(
        stdout(&v).contains("LEA 835 is Dorset, which was replaced on 2019-04-01, before this return's reference date 2022-09-30"),
        "{}",
        stdout(&v)
    );
    // Stored with the authority given, it is written back out with its LEA and passes.
    let i = swforce(
        &data,
        &[
            "census",
            "import",
            headless.to_str().unwrap(),
            "--la",
            "E06000058",
        ],
    );
    assert_eq!(i.status.code(), Some(0), "{}", stderr(&i));
    let out = dir.path().join("exported.xml");
    let e = swforce(
        &data,
        &[
            "census",
            "export",
            "--la",
            "E06000058",
            "--year",
            "2022",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(e.status.code(), Some(0), "{}", stderr(&e));
    let v = swforce(&data, &["census", "validate", out.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    // Buckinghamshire kept its DfE code when it became a unitary authority in 2020.
    let bucks = dir.path().join("bucks.xml");
    generate_return(&data, &bucks, "2019", "6", &["--la", "825"]);
    let v = swforce(&data, &["census", "validate", bucks.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    let kept = dir.path().join("keep.xml");
    std::fs::write(&kept, "existing").unwrap();
    let e = swforce(
        &data,
        &[
            "census",
            "export",
            "--la",
            "E06000058",
            "--year",
            "2019",
            "--out",
            kept.to_str().unwrap(),
        ],
    );
    assert_eq!(e.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "existing");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(left.is_empty(), "no partial file is left: {left:?}");
}

#[test]
fn without_statistics_census_commands_say_what_to_load() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh");
    let file = dir.path().join("return.xml");
    generate_return(&data, &file, "2022", "1", &[]);
    let v = swforce(&data, &["census", "validate", file.to_str().unwrap()]);
    assert!(
        stdout(&v).contains("note: the LEA was not checked, as no statistics are loaded here"),
        "{}",
        stdout(&v)
    );
    for args in [
        vec!["census", "import", file.to_str().unwrap()],
        vec![
            "census",
            "export",
            "--la",
            "E06000058",
            "--year",
            "2022",
            "--out",
            "x.xml",
        ],
    ] {
        let o = swforce(&data, &args);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("no statistics are loaded here"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("run `swforce demo`"), "{}", stderr(&o));
    }
}
