use crate::{fixture, published, stderr, stdout, swforce};

const HEADLINE: &str = "csww_headline_measures_2017_to_2022.csv";

#[test]
fn import_prints_a_summary_and_a_repeat_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = published(HEADLINE);
    let out = swforce(dir.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "imported Children's social work workforce: headline measures: 978 rows, 2017 to 2022"
        ),
        "{text}"
    );
    let again = swforce(dir.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("already imported"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_bad_file_exits_1_names_the_place_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("csww_headline_2022_to_2023_new_names.csv"))
        .unwrap()
        .replacen("31645.2", "-31645.2", 1);
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, text).unwrap();
    let out = swforce(&dir.path().join("data"), &["import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "bad.csv:2:11: error: field \"inpost_fte\" is -31645.2; a count cannot be negative"
        ),
        "{err}"
    );
    assert!(err.contains("  fix: "));
    assert!(err.contains("nothing was imported from bad.csv"));
    let places = swforce(&dir.path().join("data"), &["places"]);
    assert_eq!(places.status.code(), Some(1), "nothing is stored");
}

#[test]
fn a_missing_file_exits_1_and_bad_usage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = swforce(dir.path(), &["import", "/no/such/file.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot open /no/such/file.csv"));
    assert_eq!(swforce(dir.path(), &["indicators"]).status.code(), Some(2));
    assert_eq!(
        swforce(
            dir.path(),
            &["indicators", "--geography", "x", "--format", "xml"]
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn indicators_reproduce_the_published_figures_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(swforce(dir.path(), &["demo"]).status.code(), Some(0));
    let json = swforce(
        dir.path(),
        &[
            "indicators",
            "--geography",
            "Camden",
            "--year",
            "2022",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(rows[0]["geography_code"], "E09000007");
    assert_eq!(rows[0]["inpost_fte"], 170.7);
    assert_eq!(rows[0]["turnover_rate_fte"], 15.8);
    assert_eq!(rows[0]["caseload_fte"], 16.7);
    let csv = stdout(&swforce(
        dir.path(),
        &["indicators", "-g", "E09000007", "--format", "csv"],
    ));
    assert_eq!(csv.lines().count(), 7, "a header and six years");
    assert!(csv.starts_with("geography_code,geography_name,geographic_level,year,inpost_fte,"));
    assert!(
        csv.contains("\nE09000007,Camden,Local authority,2017,179.0,190,"),
        "FTEs keep their published decimal place: {csv}"
    );
    insta::assert_snapshot!(
        "camden_table",
        stdout(&swforce(dir.path(), &["indicators", "-g", "camden"]))
    );
}

#[test]
fn the_table_and_the_csv_mark_figures_to_check_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(swforce(dir.path(), &["demo"]).status.code(), Some(0));
    // Manchester published 0.0 leavers (FTE) in 2022 against 415.0 social workers in post.
    let reason = "0.0 leavers (FTE) in 2022 against 415.0 social workers in post (FTE)";
    let out = swforce(dir.path(), &["indicators", "--geography", "Manchester"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    let leavers = table
        .lines()
        .find(|l| l.starts_with("Leavers (FTE) "))
        .unwrap();
    assert!(
        leavers.ends_with(" 0.0!"),
        "a marker after the value: {leavers}"
    );
    let turnover = table
        .lines()
        .find(|l| l.starts_with("Turnover rate (FTE) "))
        .unwrap();
    assert!(turnover.ends_with(" 0.0%!"), "{turnover}");
    let in_post = table
        .lines()
        .find(|l| l.starts_with("Social workers in post (FTE) "))
        .unwrap();
    assert!(!in_post.contains('!'), "{in_post}");
    assert!(
        table.contains("! Check this figure before relying on it"),
        "{table}"
    );
    assert!(
        table.contains(&format!("\n  2022 leavers_fte: {reason}")),
        "{table}"
    );
    let camden = stdout(&swforce(dir.path(), &["indicators", "-g", "Camden"]));
    assert!(
        !camden.contains('!'),
        "nothing flagged for Camden: {camden}"
    );

    let csv = stdout(&swforce(
        dir.path(),
        &["indicators", "-g", "Manchester", "--format", "csv"],
    ));
    assert!(
        csv.lines().next().unwrap().ends_with(",check,source"),
        "{csv}"
    );
    let y2022 = csv.lines().find(|l| l.contains(",2022,")).unwrap();
    assert!(
        y2022.contains(&format!(",\"leavers_fte: {reason}")),
        "{y2022}"
    );
    let y2020 = csv.lines().find(|l| l.contains(",2020,")).unwrap();
    assert!(y2020.ends_with(",,"), "empty when fine: {y2020}");
}

#[test]
fn an_unknown_or_ambiguous_place_exits_1_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    swforce(dir.path(), &["demo"]);
    let out = swforce(dir.path(), &["indicators", "-g", "Camdne"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("did you mean Camden (E09000007)"),
        "{}",
        stderr(&out)
    );
    let out = swforce(dir.path(), &["indicators", "-g", "Northampton"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("North Northamptonshire"));
}

#[test]
fn reconcile_reproduces_every_published_rate() {
    let dir = tempfile::tempdir().unwrap();
    swforce(dir.path(), &["demo"]);
    let out = swforce(dir.path(), &["reconcile"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("8802 published rates checked"));
    assert_eq!(text.matches("0 cannot be reproduced").count(), 4);
    // Children in need and referral rates per 10,000 children, recomputed from the counts and
    // the population estimates: most match the estimates of their time, since revised.
    assert!(
        text.contains("match with the population estimate of their time"),
        "{text}"
    );
}

#[test]
fn config_shows_each_setting_and_its_source_and_warns_of_unknown_variables() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_swforce"))
        .args(["config", "--addr", "127.0.0.1:9999"])
        .env("SWFORCE_DATA_DIR", dir.path())
        .env("SWFORCE_ADRR", "typo")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("(environment)"), "{text}");
    assert!(text.contains("addr      127.0.0.1:9999  (flag)"), "{text}");
    assert!(
        text.contains("log       info as text  (default, default)"),
        "{text}"
    );
    assert!(text.contains("trust-proxy none  (default)"), "{text}");
    assert!(
        text.contains("warning: SWFORCE_ADRR matches no setting"),
        "{text}"
    );
}

#[test]
fn a_large_file_shows_its_progress_while_importing() {
    let dir = tempfile::tempdir().unwrap();
    // The 2022 rows of the headline file, restated for every year from 1990 to 2100: a valid
    // file of about 3.5 MB.
    let text = std::fs::read_to_string(published(HEADLINE)).unwrap();
    let mut lines = text.lines();
    let mut big = format!("{}\n", lines.next().unwrap());
    let rows_2022: Vec<&str> = lines.filter(|l| l.starts_with("2022,")).collect();
    for year in 1990..=2100 {
        for row in &rows_2022 {
            big.push_str(&format!("{year}{}\n", &row[4..]));
        }
    }
    assert!(big.len() > 3 * 1024 * 1024);
    let path = dir.path().join("big.csv");
    std::fs::write(&path, big).unwrap();
    let out = swforce(
        &dir.path().join("data"),
        &["import", path.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("reading big.csv: 50%") && err.contains("reading big.csv: 100%"),
        "{err}"
    );
    assert!(stdout(&out).contains("1990 to 2100"));
}

#[test]
fn output_into_a_pipe_that_closes_early_ends_quietly() {
    // `true` exits at once; half a second later swforce prints into a pipe nobody reads.
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#"(sleep 0.5; "$0" config --data-dir "$1") | true; echo "status ${PIPESTATUS[0]}""#)
        .arg(env!("CARGO_BIN_EXE_swforce"))
        .arg(dir.path())
        .env("SWFORCE_LOG", "warn")
        .output()
        .expect("bash runs");
    let (out_text, err_text) = (stdout(&out), stderr(&out));
    assert!(!err_text.contains("panicked"), "{err_text}");
    assert!(out_text.contains("status 0"), "{out_text}{err_text}");
}

#[test]
fn a_jointly_reported_unit_is_found_indicated_and_projected_by_its_published_codes() {
    let dir = tempfile::tempdir().unwrap();
    let old = published(HEADLINE);
    let joint = fixture("csww_headline_2017_to_2025_joint.csv");
    for file in [&old, &joint] {
        let out = swforce(dir.path(), &["import", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let out = swforce(
        dir.path(),
        &[
            "indicators",
            "--geography",
            "E06000061 / E06000062",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 10, "2017 to 2025: {text}");
    assert!(text.contains("E06000061-E06000062"), "{text}");
    assert!(
        text.lines().next().unwrap().ends_with(",check,source"),
        "{text}"
    );
    let out = swforce(dir.path(), &["indicators", "--geography", "E06000058"]);
    assert!(
        stdout(&out).contains("  2017: before the reorganisation: Bournemouth and Poole"),
        "the table says where a place's earlier years come from: {}",
        stdout(&out)
    );
    // A member's own rows (the pair's, in the older release) give way to the unit's.
    let out = swforce(
        dir.path(),
        &["indicators", "--geography", "Richmond upon Thames"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is reported jointly: its workforce figures are those of Kingston upon Thames / Richmond upon Thames; run swforce indicators --geography E09000021-E09000027"),
        "{}",
        stderr(&out)
    );
    let out = swforce(
        dir.path(),
        &[
            "project",
            "--geography",
            "314 / 318",
            "--years",
            "2",
            "--runs",
            "100",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "Kingston upon Thames / Richmond upon Thames (E09000021-E09000027): baseline"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn commands_that_only_read_make_nothing_on_a_fresh_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Reading what is stored, where nothing is: refused in words, nothing made.
    for args in [
        &["places", "north"][..],
        &["indicators", "--geography", "Camden"],
        &["reconcile"],
        &["project", "--geography", "England", "--years", "2"],
        &["backtest", "--origin", "2019"],
        &["admin", "org", "list"],
        &[
            "diary",
            "summary",
            "--org",
            "E06000058",
            "--from",
            "2025-01-06",
            "--to",
            "2025-03-31",
        ],
    ] {
        let out = swforce(&data, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("no swforce data in") && stderr(&out).contains("swforce demo"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!data.exists(), "{args:?} made {}", data.display());
    }
    // Checking a file works without any data, and makes nothing either.
    let file = dir.path().join("return.xml");
    let out = swforce(
        &data,
        &[
            "census",
            "generate",
            "--workers",
            "30",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for args in [
        &["census", "validate", file.to_str().unwrap()][..],
        &["census", "indicators", file.to_str().unwrap()],
    ] {
        let out = swforce(&data, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("30"), "{args:?}: {}", stdout(&out));
        assert!(!data.exists(), "{args:?} made {}", data.display());
    }
}

#[test]
fn a_rolling_backtest_scores_every_origin_and_horizon_beside_naive_and_drift() {
    let dir = tempfile::tempdir().unwrap();
    swforce(dir.path(), &["demo"]);
    let out = swforce(
        dir.path(),
        &["backtest", "--rolling", "--runs", "50", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(r["origins"], serde_json::json!([2018, 2019, 2020, 2021]));
    let scores = r["scores"].as_array().unwrap();
    let la_inpost = scores
        .iter()
        .find(|s| {
            s["level"] == "local_authority"
                && s["indicator"] == "inpost_fte"
                && s["horizon"].is_null()
        })
        .unwrap();
    for key in [
        "mdape",
        "naive_mdape",
        "drift_mdape",
        "mase",
        "naive_mase",
        "drift_mase",
        "coverage",
        "interval_score",
    ] {
        assert!(la_inpost[key].is_number(), "{key}");
    }
    assert_eq!(r["unscored"], serde_json::json!(["starters_fte"]));
    // One of --origin or --rolling, never both.
    let out = swforce(dir.path(), &["backtest"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--rolling"), "{}", stderr(&out));
}
