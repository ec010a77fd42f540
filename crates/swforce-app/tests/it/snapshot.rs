//! The statistics snapshot under concurrent readers: one build at a time, the others answering
//! from the snapshot they had, and one build after an import however many read at once.

use crate::demo_app;
use std::sync::{Arc, Barrier};

fn read_together(app: &swforce_app::App, readers: usize) -> Vec<i64> {
    let barrier = Arc::new(Barrier::new(readers));
    let handles: Vec<_> = (0..readers)
        .map(|_| {
            let (app, barrier) = (app.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                app.snapshot().unwrap().generation
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn many_readers_after_an_import_cost_one_build_and_never_wait_for_it_with_a_snapshot_to_hand() {
    let t = demo_app();
    let app = &t.app;
    let before = app.snapshot_builds();
    // No snapshot yet: the first reader builds, the rest wait for it, and nobody builds again.
    let seen = read_together(app, 16);
    assert_eq!(app.snapshot_builds(), before + 1);
    let first = seen[0];
    assert!(seen.iter().all(|g| *g == first));

    // An import: the readers that come next build it once between them. Any that arrive while
    // it is being built answer from the previous snapshot, never from a half-built one.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-import/tests/fixtures/referrals_2022_to_2023_new_generation.csv");
    app.import_file("referrals.csv", std::fs::File::open(path).unwrap())
        .unwrap();
    let seen = read_together(app, 16);
    assert_eq!(
        app.snapshot_builds(),
        before + 2,
        "one build for sixteen readers"
    );
    assert!(seen.iter().all(|g| *g >= first));
    assert!(app.snapshot().unwrap().generation > first);
    assert_eq!(app.snapshot_builds(), before + 2);
}
