//! A process killed (SIGKILL) in the middle of an import leaves the database as it was: the
//! import is wholly there or wholly absent, and a retry succeeds.

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
        .arg("--data-dir")
        .arg(&data)
        .args(["--log", "warn", "import"])
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
