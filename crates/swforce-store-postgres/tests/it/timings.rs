//! How long storing the shipped demo files takes, SQLite against PostgreSQL. Run by hand:
//!
//! ```text
//! cargo test -p swforce-store-postgres --release -- --ignored --nocapture import_timings
//! ```
//!
//! It prints the times and asserts nothing about them.

use crate::support::fresh_store;
use std::path::Path;
use std::time::{Duration, Instant};
use swforce_domain::{Geography, Row};
use swforce_store::prelude::*;
use swforce_store::{ImportOutcome, Provenance};
use swforce_store_sqlite::SqliteStore;

/// The files the app ships as demo data.
const DEMO: &[&str] = &[
    "csww_headline_measures_2017_to_2022.csv",
    "csww_role_by_ethnicity_2019_to_2022.csv",
    "children_in_need_2013_to_2022.csv",
    "referrals_2013_to_2022.csv",
];

struct Batch {
    provenance: Provenance,
    geographies: Vec<Geography>,
    rows: Vec<Row>,
}

impl Batch {
    fn cells(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).sum()
    }
}

fn demo_batches() -> Vec<Batch> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../swforce-app/data");
    DEMO.iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(name)).expect("the demo files are in the app crate");
            let parsed = swforce_import::read_ees_csv(name, bytes.as_slice()).expect("parses");
            Batch {
                provenance: Provenance {
                    file_name: parsed.file.clone(),
                    sha256: parsed.sha256.clone(),
                    bytes: parsed.bytes,
                    dataset: parsed.dataset,
                    publisher: "Department for Education".into(),
                    release: format!("{} to {}", parsed.first_year, parsed.last_year),
                    first_year: parsed.first_year,
                    last_year: parsed.last_year,
                    rows: parsed.rows.len() as u64,
                    warnings: parsed.warnings.iter().map(ToString::to_string).collect(),
                    renamed: Vec::new(),
                    imported_at: "2026-11-25T10:00:00Z".into(),
                },
                geographies: parsed.geographies,
                rows: parsed.rows,
            }
        })
        .collect()
}

/// The role-by-ethnicity file repeated under new breakdowns until it holds `cells` cells, as a
/// large release would.
fn large_batch(demo: &[Batch], cells: usize) -> Batch {
    let base = &demo[1];
    let mut rows = Vec::new();
    let mut copy = 0;
    while rows.iter().map(|r: &Row| r.cells.len()).sum::<usize>() < cells {
        rows.extend(base.rows.iter().map(|r| {
            let mut r = r.clone();
            r.breakdown = format!("{} #{copy}", r.breakdown);
            r
        }));
        copy += 1;
    }
    let mut provenance = base.provenance.clone();
    provenance.sha256 = "f".repeat(64);
    Batch {
        provenance,
        geographies: base.geographies.clone(),
        rows,
    }
}

fn import_all(store: &dyn Store, batches: &[Batch]) -> Duration {
    let started = Instant::now();
    for b in batches {
        let out = store
            .import_batch(&b.provenance, &b.geographies, &b.rows)
            .expect("the demo files import");
        assert!(matches!(out, ImportOutcome::Imported { .. }), "{out:?}");
    }
    started.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[test]
#[ignore = "a measurement, run by hand"]
fn import_timings() {
    let Some(_) = fresh_store() else { return };
    let demo = demo_batches();
    let large = vec![large_batch(&demo, 300_000)];
    for (what, batches) in [("demo files", &demo), ("one large release", &large)] {
        let cells: usize = batches.iter().map(Batch::cells).sum();
        let (mut sqlite, mut postgres) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let store = SqliteStore::open_in_dir(dir.path()).unwrap();
            sqlite.push(import_all(&store, batches));
            let store = fresh_store().unwrap();
            postgres.push(import_all(&store, batches));
        }
        println!(
            "{what} ({} files, {cells} cells): SQLite median {:?} (runs {sqlite:?}); PostgreSQL median {:?} (runs {postgres:?})",
            batches.len(),
            median(sqlite.clone()),
            median(postgres.clone()),
        );
    }
}
