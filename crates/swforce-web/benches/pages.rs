//! Rendering pages end to end through the router (no network): the authority page, the
//! England overview and a JSON answer, with the demo data loaded and the statistics cached.
//! Target: an authority page in under 20 ms at the median.

use axum::body::Body;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use swforce_app::App;
use swforce_store_sqlite::SqliteStore;
use tower::ServiceExt;

fn pages(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let app = App::new(Arc::new(
        SqliteStore::open_in_dir(dir.path()).expect("a fresh store"),
    ));
    app.load_demo().expect("the demo data loads");
    let router = swforce_web::router(app, swforce_web::Options::default());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let get = |path: &'static str| {
        let router = router.clone();
        let rt = &rt;
        move || {
            rt.block_on(async {
                let response = router
                    .clone()
                    .oneshot(Request::get(path).body(Body::empty()).expect("a request"))
                    .await
                    .expect("an answer");
                assert!(
                    response.status().is_success(),
                    "{path}: {}",
                    response.status()
                );
                axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .expect("a body")
                    .len()
            })
        }
    };
    // Warm the cache once, as a running server would be.
    get("/")();
    let mut group = c.benchmark_group("pages");
    group.bench_function("authority page (Camden)", |b| {
        b.iter(get("/authorities/E09000007"))
    });
    group.bench_function("England overview", |b| b.iter(get("/")));
    group.bench_function("compare three authorities", |b| {
        b.iter(get("/compare?la=E09000007&la=E09000003&la=E06000058"))
    });
    group.bench_function("indicators JSON (Camden)", |b| {
        b.iter(get("/api/v1/geographies/E09000007/indicators"))
    });
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
