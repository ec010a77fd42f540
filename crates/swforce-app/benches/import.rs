//! Importing every shipped published file into a fresh SQLite store: parse, validate, store.
//! Target: under one second for all four files in a release build.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use swforce_app::{App, DEMO_FILES};
use swforce_store_sqlite::SqliteStore;

fn import_all(c: &mut Criterion) {
    let mut group = c.benchmark_group("import");
    group.sample_size(20);
    group.bench_function("all shipped files into a fresh store", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("a temporary folder");
                let app = App::new(Arc::new(
                    SqliteStore::open_in_dir(dir.path()).expect("a fresh store"),
                ));
                (dir, app)
            },
            |(dir, app)| {
                for (name, bytes) in DEMO_FILES {
                    app.import_file(name, *bytes)
                        .expect("the shipped files import");
                }
                (dir, app)
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("parse and validate only (headline measures)", |b| {
        let (name, bytes) = DEMO_FILES[0];
        b.iter(|| swforce_import::read_ees_csv(name, bytes).expect("parses"));
    });
    group.finish();
}

criterion_group!(benches, import_all);
criterion_main!(benches);
