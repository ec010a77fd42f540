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
        stdout(&v)
            .contains("300 worker record(s), Bournemouth, Christchurch and Poole (E06000058)"),
        "{}",
        stdout(&v)
    );
    let i = swforce(&data, &["census", "import", file.to_str().unwrap()]);
    assert_eq!(i.status.code(), Some(0), "{}", stderr(&i));
    assert!(
        stdout(&i).contains("imported the 2022 census return for E06000058: 300 worker record(s)"),
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
