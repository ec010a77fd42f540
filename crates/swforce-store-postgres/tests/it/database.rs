//! What the database itself keeps to, and failures that must leave it as it was.

use crate::support::{fresh_database, raw};
use swforce_domain::{Cell, Dataset, GeographyCode, Measure, Row, Year};
use swforce_store::conformance::{geographies, provenance, rows};
use swforce_store::prelude::*;
use swforce_store::{AuditEvent, ImportOutcome, StoreError};
use swforce_store_postgres::PostgresStore;

fn event() -> AuditEvent {
    AuditEvent {
        id: 0,
        at: "2026-11-25T10:00:00Z".into(),
        org_id: None,
        user_id: None,
        actor: "swforce".into(),
        action: "admin".into(),
        target: "site".into(),
        detail: String::new(),
        ip: String::new(),
    }
}

#[test]
fn the_database_itself_refuses_to_change_delete_or_empty_audit_lines() {
    let Some(url) = fresh_database() else { return };
    let store = PostgresStore::connect(&url).unwrap();
    store.append_audit(&event()).unwrap();
    let mut db = raw(&url);
    for sql in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = db.batch_execute(sql).unwrap_err();
        let message = err
            .as_db_error()
            .map(|e| e.message().to_string())
            .unwrap_or_default();
        assert!(message.contains("append-only"), "{sql}: {err:?}");
    }
    let lines = store.audit(None, 10).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].actor, "swforce");
    store.append_audit(&event()).unwrap();
    assert_eq!(
        store.audit(None, 10).unwrap().len(),
        2,
        "appending still works"
    );
}

#[test]
fn a_database_from_a_newer_version_is_refused_with_advice() {
    let Some(url) = fresh_database() else { return };
    drop(PostgresStore::connect(&url).unwrap());
    raw(&url)
        .batch_execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
        .unwrap();
    let err = PostgresStore::connect(&url).unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 999, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("upgrade swforce"));
}

#[test]
fn reconnecting_keeps_what_was_stored_and_migrates_nothing_twice() {
    let Some(url) = fresh_database() else { return };
    {
        let store = PostgresStore::connect(&url).unwrap();
        swforce_store::conformance::an_import_stores_rows_symbols_geographies_and_provenance(
            &store,
        );
    }
    let store = PostgresStore::connect(&url).unwrap();
    assert_eq!(store.imports().unwrap().len(), 1);
    let versions: Vec<i64> = raw(&url)
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        versions,
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    );
}

fn counts(url: &str) -> (i64, i64, i64) {
    let row = raw(url)
        .query_one(
            "SELECT (SELECT COUNT(*) FROM imports), (SELECT COUNT(*) FROM observations),
                    (SELECT COUNT(*) FROM geographies)",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

#[test]
fn a_failing_import_writes_nothing_even_deep_into_a_large_batch_and_the_store_goes_on() {
    let Some(url) = fresh_database() else { return };
    let store = PostgresStore::connect(&url).unwrap();
    store
        .import_batch(
            &provenance("a", 2021, 2021, 1),
            &geographies("BCP"),
            &rows(&[2021], 100.0),
        )
        .unwrap();
    let before = counts(&url);
    let generation = store.generation().unwrap();

    // Thousands of good cells, then one for a place the batch does not name: the database
    // refuses it, and with it the whole batch.
    let year = |y: u16| Year::try_from(y).unwrap();
    let m = |n: &str| Measure::named(n).unwrap();
    let mut big: Vec<Row> = (0..5000)
        .map(|i| {
            let mut r = Row::new(
                Dataset::CswwRoleByEthnicity,
                GeographyCode::parse("E06000058").unwrap(),
                year(2022),
                &format!("role {i}"),
            );
            r.set(m("known_headcount"), Cell::Value(f64::from(i)));
            r.set(m("white_perc"), Cell::Value(0.5));
            r
        })
        .collect();
    let mut stray = Row::new(
        Dataset::CswwRoleByEthnicity,
        GeographyCode::parse("E06000099").unwrap(),
        year(2022),
        "",
    );
    stray.set(m("known_headcount"), Cell::Value(1.0));
    big.push(stray);
    let mut p = provenance("c", 2022, 2022, big.len() as u64);
    p.dataset = Dataset::CswwRoleByEthnicity;
    let result = store.import_batch(&p, &geographies("Renamed"), &big);
    assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
    assert_eq!(counts(&url), before, "nothing of the batch is kept");
    assert_eq!(store.generation().unwrap(), generation);
    assert!(
        store
            .geographies()
            .unwrap()
            .iter()
            .all(|g| g.name != "Renamed")
    );

    // The same cell twice in one batch breaks the key: refused whole as well.
    let mut twice = rows(&[2022], 100.0);
    twice.push(twice[0].clone());
    let result = store.import_batch(
        &provenance("d", 2022, 2022, 2),
        &geographies("Renamed"),
        &twice,
    );
    assert!(result.is_err(), "{result:?}");
    assert_eq!(counts(&url), before);

    // The connection that saw the failures is fine for the next import.
    big.pop();
    let out = store.import_batch(&p, &geographies("BCP"), &big).unwrap();
    let ImportOutcome::Imported { cells, .. } = out else {
        panic!("{out:?}")
    };
    assert_eq!(cells, 10_000);
    assert_eq!(
        store
            .current_rows(Dataset::CswwRoleByEthnicity)
            .unwrap()
            .len(),
        5000
    );
    assert!(store.generation().unwrap() > generation);
}

#[test]
fn names_sort_byte_by_byte_whatever_the_database_collation() {
    let Some(url) = fresh_database() else { return };
    // A second database whose own collation puts "alpha" before "Zeta".
    let dbname = format!("{}_icu", url.rsplit('/').next().unwrap());
    let created = raw(&url).batch_execute(&format!(
        "CREATE DATABASE \"{dbname}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-GB' LOCALE 'C.UTF-8'"
    ));
    if let Err(e) = created {
        eprintln!("this server cannot make an ICU database ({e}): collation check skipped");
        return;
    }
    let icu_url = crate::support::with_dbname(&url, &dbname);
    let store = PostgresStore::connect(&icu_url).unwrap();
    let ordered: bool = raw(&icu_url)
        .query_one("SELECT 'alpha' < 'Zeta'", &[])
        .unwrap()
        .get(0);
    assert!(ordered, "the database's own collation is not byte order");
    for name in ["alpha trust", "Zeta Council", "Beta Council"] {
        store
            .create_organisation(&swforce_store::NewOrganisation {
                name,
                kind: swforce_domain::access::OrgKind::LocalAuthority,
                la_code: None,
                email_domain: None,
                created_at: "2026-11-25T10:00:00Z",
            })
            .unwrap();
    }
    let names: Vec<String> = store
        .organisations()
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(names, ["Beta Council", "Zeta Council", "alpha trust"]);
}

#[test]
fn the_password_in_the_url_is_never_printed() {
    let Some(url) = fresh_database() else { return };
    // The test server trusts local connections, so any password is accepted.
    let with_password = url.replacen("://postgres@", "://postgres:s3cret-pw@", 1);
    if with_password == url {
        return;
    }
    let store = PostgresStore::connect(&with_password).unwrap();
    let shown = format!("{store:?}");
    assert!(!shown.contains("s3cret-pw"), "{shown}");
    assert!(shown.contains("***"), "{shown}");
}

#[test]
fn an_unreachable_server_is_a_backend_error_not_a_panic() {
    // Unreachable is "unavailable": nothing was changed, and trying again later may work.
    let err = PostgresStore::connect("postgres://postgres@127.0.0.1:1/swforce?connect_timeout=2")
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    let err = PostgresStore::connect("postgres://[not a url").unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
}

#[test]
fn a_url_that_requires_tls_is_refused_rather_than_sent_in_the_clear() {
    let Some(url) = fresh_database() else { return };
    let sep = if url.contains('?') { '&' } else { '?' };
    let err = PostgresStore::connect(&format!("{url}{sep}sslmode=require")).unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    let said = std::error::Error::source(&err).map(ToString::to_string);
    assert!(
        said.as_deref().is_some_and(|s| s.contains("without TLS")),
        "{said:?}"
    );
}

#[test]
fn database_urls_are_told_apart_from_folders() {
    assert!(PostgresStore::url_is_postgres(
        "postgres://localhost/swforce"
    ));
    assert!(PostgresStore::url_is_postgres(
        "PostgreSQL://db.internal/swforce"
    ));
    assert!(!PostgresStore::url_is_postgres("./swforce-data"));
    assert!(!PostgresStore::url_is_postgres("sqlite://x"));
}

#[test]
fn registers_with_older_job_types_move_to_the_five() {
    let Some(url) = fresh_database() else { return };
    let store = PostgresStore::connect(&url).unwrap();
    swforce_store::conformance::registers_with_older_job_types_move_to_the_five(
        &store,
        &|sql| {
            let mut db = raw(&url);
            for statement in sql {
                db.batch_execute(statement).unwrap();
            }
        },
        &|| Box::new(PostgresStore::connect(&url).unwrap()),
    );
}

#[test]
fn search_entries_from_before_stems_are_rebuilt() {
    let Some(url) = fresh_database() else { return };
    let store = PostgresStore::connect(&url).unwrap();
    swforce_store::conformance::search_entries_from_before_stems_are_rebuilt(
        &store,
        &|| {
            raw(&url)
                .batch_execute(
                    "UPDATE examples SET search = to_tsvector('simple', lower(
                         (body::json ->> 'title') || ' ' || (body::json ->> 'problem') || ' ' || (body::json ->> 'change')));
                     DELETE FROM schema_migrations WHERE version >= 14;
                     DROP TABLE healthcheck_responses;
                     DROP TABLE healthcheck_tickets;
                     DROP TABLE healthcheck_rounds;",
                )
                .unwrap();
        },
        &|| Box::new(PostgresStore::connect(&url).unwrap()),
    );
}
