//! Checking and aggregating a census return: an England-sized 40,000-worker return (target:
//! under 0.5 s) and a 400,000-worker one (target: under 3 s), from bytes in memory.

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use swforce_app::App;
use swforce_domain::OldLaCode;
use swforce_import::census::generate::{GenerateSpec, generate};
use swforce_store_sqlite::SqliteStore;

fn census(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let app = App::new(Arc::new(
        SqliteStore::open_in_dir(dir.path()).expect("a store"),
    ));
    let mut group = c.benchmark_group("census");
    group.sample_size(10);
    for workers in [40_000u32, 400_000] {
        let mut bytes = Vec::new();
        generate(
            &mut bytes,
            &GenerateSpec {
                workers,
                seed: 1,
                lea: OldLaCode::parse("839").expect("a code"),
                year: 2022,
            },
        )
        .expect("generates");
        group.bench_function(
            format!(
                "validate and aggregate {workers} workers ({} MB)",
                bytes.len() / 1_000_000
            ),
            |b| {
                b.iter(|| {
                    let check = app
                        .check_census("bench.xml", bytes.as_slice(), None)
                        .expect("checks");
                    assert!(check.read.is_valid());
                    check
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, census);
criterion_main!(benches);
