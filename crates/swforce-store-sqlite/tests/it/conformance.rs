use swforce_store_sqlite::SqliteStore;

fn fresh() -> Box<dyn swforce_store::Store> {
    let dir = tempfile::tempdir().unwrap();
    // The directory lives as long as the test process; each test gets its own.
    let store = SqliteStore::open_in_dir(&dir.keep()).unwrap();
    Box::new(store)
}

swforce_store::conformance_tests!(fresh());
