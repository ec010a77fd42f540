use swforce_store::StoreError;
use swforce_store::prelude::*;
use swforce_store_sqlite::{FILE_NAME, SqliteStore};

#[test]
fn reopening_a_database_keeps_what_was_stored() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SqliteStore::open_in_dir(dir.path()).unwrap();
        swforce_store::conformance::an_import_stores_rows_symbols_geographies_and_provenance(
            &store,
        );
    }
    let store = SqliteStore::open_in_dir(dir.path()).unwrap();
    assert_eq!(store.imports().unwrap().len(), 1);
}

#[test]
fn a_database_from_a_newer_version_is_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open_in_dir(dir.path()).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
    conn.execute(
        "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')",
        [],
    )
    .unwrap();
    drop(conn);
    let err = SqliteStore::open_in_dir(dir.path()).unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 999, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("upgrade swforce"));
}

#[test]
fn a_file_that_is_not_a_database_is_refused_in_words_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(FILE_NAME),
        b"this is not a database, just text, long enough to have a header",
    )
    .unwrap();
    let err = SqliteStore::open_in_dir(dir.path()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Unavailable(m) if m.contains("not a swforce database, or it is damaged") && m.contains("backup")),
        "{err:?}"
    );
}

#[test]
fn the_database_itself_refuses_to_change_or_delete_audit_lines() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_in_dir(dir.path()).unwrap();
    store
        .append_audit(&swforce_store::AuditEvent {
            id: 0,
            at: "2026-11-25T10:00:00Z".into(),
            org_id: None,
            user_id: None,
            actor: "swforce".into(),
            action: "admin".into(),
            target: "site".into(),
            detail: String::new(),
            ip: String::new(),
        })
        .unwrap();
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let update = conn.execute("UPDATE audit_log SET actor = 'someone else'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM audit_log", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(store.audit(None, 10).unwrap()[0].actor, "swforce");
}

#[test]
fn registers_with_older_job_types_move_to_the_five() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_in_dir(dir.path()).unwrap();
    let path = dir.path().join(FILE_NAME);
    swforce_store::conformance::registers_with_older_job_types_move_to_the_five(
        &store,
        &|sql| {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for statement in sql {
                conn.execute_batch(statement).unwrap();
            }
        },
        &|| Box::new(SqliteStore::open_in_dir(dir.path()).unwrap()),
    );
}

#[test]
fn several_processes_opening_a_new_folder_at_once_migrate_it_once() {
    // Servers started together, or a command beside a starting server, all open the new
    // database at once: each waits for the write lock, and the schema is made once.
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("swforce.sqlite3");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
        let openers: Vec<_> = (0..8)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    SqliteStore::open(&path).map(|_| ())
                })
            })
            .collect();
        for opener in openers {
            let opened = opener.join().unwrap();
            assert!(opened.is_ok(), "round {round}: {opened:?}");
        }
        let store = SqliteStore::open(&path).unwrap();
        assert!(store.organisations().is_ok());
    }
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        .unwrap();
    let err = SqliteStore::open_in_dir(dir.path()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Unavailable(m) if m.contains("another program's tables")),
        "{err:?}"
    );
    let tables: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1, "nothing was added");
}

#[test]
fn search_entries_from_before_stems_are_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_in_dir(dir.path()).unwrap();
    let path = dir.path().join(FILE_NAME);
    swforce_store::conformance::search_entries_from_before_stems_are_rebuilt(
        &store,
        &|| {
            rusqlite::Connection::open(&path)
                .unwrap()
                .execute_batch(
                    "DELETE FROM examples_fts;
                     INSERT INTO examples_fts (rowid, title, problem, change)
                         SELECT id, body ->> '$.title', body ->> '$.problem', body ->> '$.change' FROM examples;
                     DELETE FROM schema_migrations WHERE version >= 14;
                     DROP TABLE healthcheck_responses;
                     DROP TABLE healthcheck_tickets;
                     DROP TABLE healthcheck_rounds;",
                )
                .unwrap();
        },
        &|| Box::new(SqliteStore::open_in_dir(dir.path()).unwrap()),
    );
}
