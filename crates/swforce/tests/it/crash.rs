//! A process killed (SIGKILL) in the middle of an import leaves the database as it was: the
//! import is wholly there or wholly absent, with its audit line or without it (never one
//! without the other), and a retry succeeds.

use crate::{published, stderr, swforce};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use swforce_domain::Dataset;
use swforce_store::prelude::*;
use swforce_store_sqlite::SqliteStore;

/// A valid headline file restating the 2022 rows for `years` years: about 164 rows a year.
fn big_file(dir: &Path, years: u16) -> (std::path::PathBuf, usize) {
    let text =
        std::fs::read_to_string(published("csww_headline_measures_2017_to_2022.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    let rows: Vec<&str> = lines.filter(|l| l.starts_with("2022,")).collect();
    for year in 2023..2023 + years {
        for row in &rows {
            out.push_str(&format!("{year}{}\n", &row[4..]));
        }
    }
    let path = dir.join("big.csv");
    std::fs::write(&path, out).unwrap();
    (path, rows.len() * usize::from(years))
}

fn kill_mid_import(delay_ms: u64) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (file, rows) = big_file(dir.path(), 40);
    let mut child = Command::new(env!("CARGO_BIN_EXE_swforce"))
        .env("SWFORCE_DATA_DIR", &data)
        .env("SWFORCE_LOG", "warn")
        .arg("import")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(delay_ms));
    let _ = child.kill(); // SIGKILL: no chance to clean up
    let status = child.wait().unwrap();

    if data.join(swforce_store_sqlite::FILE_NAME).exists() {
        let store = SqliteStore::open_in_dir(&data).unwrap();
        let imports = store.imports().unwrap();
        let stored = store.current_rows(Dataset::CswwHeadline).unwrap();
        match imports.len() {
            0 => {
                assert!(
                    stored.is_empty(),
                    "no import on record, yet {} rows stored",
                    stored.len()
                );
                assert!(store.geographies().unwrap().is_empty());
            }
            1 => assert_eq!(stored.len(), rows, "an import on record must be whole"),
            n => panic!("{n} imports after one attempt"),
        }
        assert_eq!(
            audited(&store, "import_statistics", "imported"),
            imports.len(),
            "an import and its audit line are on record together, or neither is"
        );
    }
    // The retry finishes the job (or finds it already done), whatever the kill interrupted.
    let retry = swforce(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(
        retry.status.code(),
        Some(0),
        "after {status:?}: {}",
        stderr(&retry)
    );
    let store = SqliteStore::open_in_dir(&data).unwrap();
    assert_eq!(store.imports().unwrap().len(), 1);
    assert_eq!(
        store.current_rows(Dataset::CswwHeadline).unwrap().len(),
        rows
    );
    assert_eq!(audited(&store, "import_statistics", "imported"), 1);
}

/// Audit lines of an action made by the command line whose detail ends with `what`.
fn audited(store: &SqliteStore, action: &str, what: &str) -> usize {
    store
        .audit(None, 1000)
        .unwrap()
        .iter()
        .filter(|e| {
            e.action == action && e.actor == "swforce command line" && e.detail.ends_with(what)
        })
        .count()
}

/// A census import killed part-way: the return and its audit line are both on record or
/// neither is, at every moment the kill can land.
#[test]
fn a_kill_during_a_census_import_keeps_the_return_and_its_audit_line_together() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_eq!(swforce(&data, &["demo"]).status.code(), Some(0));
    let file = dir.path().join("return.xml");
    let made = swforce(
        &data,
        &[
            "census",
            "generate",
            "--workers",
            "40000",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    for delay_ms in [300, 1500, 3000, 3800, 4300] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_swforce"))
            .env("SWFORCE_DATA_DIR", &data)
            .env("SWFORCE_LOG", "warn")
            .args(["census", "import"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let store = SqliteStore::open_in_dir(&data).unwrap();
        let returns = store.census_returns().unwrap().len();
        assert!(returns <= 1, "{returns} returns after one file");
        assert_eq!(
            audited(&store, "import_census", ": imported"),
            returns,
            "after a kill at {delay_ms} ms: the return and its audit line go together"
        );
    }
    let retry = swforce(&data, &["census", "import", file.to_str().unwrap()]);
    assert_eq!(retry.status.code(), Some(0), "{}", stderr(&retry));
    let store = SqliteStore::open_in_dir(&data).unwrap();
    assert_eq!(store.census_returns().unwrap().len(), 1);
    assert_eq!(audited(&store, "import_census", ": imported"), 1);
}

#[test]
fn a_kill_early_in_an_import_leaves_nothing_behind() {
    kill_mid_import(60);
}

#[test]
fn a_kill_while_writing_leaves_the_database_whole() {
    kill_mid_import(350);
}

#[test]
fn a_kill_late_in_an_import_leaves_it_whole_or_absent() {
    kill_mid_import(700);
}
