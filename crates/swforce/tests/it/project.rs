use crate::{stderr, stdout, swforce};
use std::path::PathBuf;

fn scenario() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../swforce-engine/tests/scenario.toml")
}

#[test]
fn project_writes_json_rows_with_the_canonical_names_and_a_difference() {
    let dir = tempfile::tempdir().unwrap();
    swforce(dir.path(), &["demo"]);
    let out = swforce(
        dir.path(),
        &[
            "project",
            "--scenario",
            scenario().to_str().unwrap(),
            "--years",
            "3",
            "--runs",
            "100",
            "--seed",
            "7",
            "--geography",
            "E12000009",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(
        rows.len(),
        3 * 13 * 3,
        "baseline, scenario and difference, 3 years, 13 indicators"
    );
    let first = &rows[0];
    for key in [
        "geography_code",
        "geography_name",
        "geographic_level",
        "year",
        "scenario",
        "indicator",
        "mean",
        "p5",
        "p50",
        "p95",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    assert_eq!(first["geographic_level"], "Regional");
    let names: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|r| r["indicator"].as_str().unwrap())
        .collect();
    for n in [
        "inpost_fte",
        "turnover_rate_fte",
        "posts_needed",
        "gap_fte",
        "direct_hours_per_week",
        "equivalent_fte",
    ] {
        assert!(names.contains(n), "{n}");
    }
    assert!(
        rows.iter()
            .any(|r| r["scenario"] == "All levers minus baseline")
    );
    // The same seed gives the same answer.
    let again = swforce(
        dir.path(),
        &[
            "project",
            "--scenario",
            scenario().to_str().unwrap(),
            "--years",
            "3",
            "--runs",
            "100",
            "--seed",
            "7",
            "--geography",
            "E12000009",
            "--format",
            "json",
        ],
    );
    assert_eq!(stdout(&again), stdout(&out));
}

#[test]
fn a_bad_scenario_names_the_key_and_the_allowed_range() {
    let dir = tempfile::tempdir().unwrap();
    swforce(dir.path(), &["demo"]);
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[retain]\nfrom_year = 2021\nrelative_reduction = 1.4\n",
    )
    .unwrap();
    let out = swforce(
        dir.path(),
        &["project", "--scenario", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("retain.relative_reduction: is 1.4, outside 0 to 1"),
        "{err}"
    );
    assert!(
        err.contains("retain.from_year: is 2021, outside the projection (2023 to 2032)"),
        "{err}"
    );
    std::fs::write(&bad, "[trian]\nplaces = 3\n").unwrap();
    let out = swforce(
        dir.path(),
        &["project", "--scenario", bad.to_str().unwrap()],
    );
    assert!(
        stderr(&out).contains("bad.toml:1:2: error: unknown field `trian`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn backtest_prints_the_error_beside_the_naive_forecast() {
    let dir = tempfile::tempdir().unwrap();
    swforce(dir.path(), &["demo"]);
    let out = swforce(
        dir.path(),
        &["backtest", "--origin", "2019", "--runs", "200"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("fitted on figures up to 2019, projected 3 years"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("national") && l.contains("inpost_fte"))
    );
    let json = swforce(
        dir.path(),
        &[
            "backtest",
            "--origin",
            "2020",
            "--horizon",
            "2",
            "--runs",
            "100",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["horizon"], 2);
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["level"] == "local_authority")
    );
    let late = swforce(dir.path(), &["backtest", "--origin", "2022"]);
    assert_eq!(late.status.code(), Some(1));
    assert!(stderr(&late).contains("no actual figures after 2022"));
}

/// Runs and years out of range are bad usage (exit 2); a projection too large to keep says how
/// many runs fit; an origin without two years of history before it says so; an empty place
/// points to `swforce places`.
#[test]
fn limits_say_what_fits() {
    let dir = tempfile::tempdir().unwrap();
    swforce(dir.path(), &["demo"]);
    for args in [
        ["--runs", "0"],
        ["--runs", "100001"],
        ["--years", "0"],
        ["--years", "16"],
    ] {
        let out = swforce(dir.path(), &[&["project"][..], &args[..]].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("is not in"), "{}", stderr(&out));
    }
    let out = swforce(
        dir.path(),
        &[
            "project",
            "--geography",
            "all",
            "--years",
            "15",
            "--runs",
            "100000",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("at most "), "{err}");
    assert!(err.contains("fix: choose at most "), "{err}");
    let most: u32 = err
        .split("fix: choose at most ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a number of runs");
    assert!((10_000..100_000).contains(&most), "{most}");
    let out = swforce(dir.path(), &["project", "--origin", "2017"]);
    assert!(
        stderr(&out).contains("has too little history before it"),
        "{}",
        stderr(&out)
    );
    let out = swforce(dir.path(), &["project", "--geography", ""]);
    assert!(
        stderr(&out).contains("swforce places NAME"),
        "{}",
        stderr(&out)
    );
}
