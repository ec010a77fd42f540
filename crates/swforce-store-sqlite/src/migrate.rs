//! Schema migrations: plain `.sql` files applied in order, each in its own transaction.
//! A released migration is never edited; a change is a new file.

use rusqlite::Connection;
use swforce_store::StoreError;

/// The last migration this program knows.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "statistics",
        include_str!("../migrations/0001_statistics.sql"),
    ),
    (
        2,
        "scenarios",
        include_str!("../migrations/0002_scenarios.sql"),
    ),
    (3, "census", include_str!("../migrations/0003_census.sql")),
    (4, "access", include_str!("../migrations/0004_access.sql")),
    (5, "agency", include_str!("../migrations/0005_agency.sql")),
    (
        6,
        "exchange",
        include_str!("../migrations/0006_exchange.sql"),
    ),
    (7, "diary", include_str!("../migrations/0007_diary.sql")),
    (
        8,
        "diary_counts",
        include_str!("../migrations/0008_diary_counts.sql"),
    ),
    (
        9,
        "public_ids",
        include_str!("../migrations/0009_public_ids.sql"),
    ),
    (
        10,
        "sso_trust",
        include_str!("../migrations/0010_sso_trust.sql"),
    ),
    (
        11,
        "diary_publishing",
        include_str!("../migrations/0011_diary_publishing.sql"),
    ),
    (
        12,
        "agency_return",
        include_str!("../migrations/0012_agency_return.sql"),
    ),
    (
        13,
        "synthetic_organisations",
        include_str!("../migrations/0013_synthetic_organisations.sql"),
    ),
    (
        14,
        "search_stems",
        include_str!("../migrations/0014_search_stems.sql"),
    ),
    (
        15,
        "healthcheck",
        include_str!("../migrations/0015_healthcheck.sql"),
    ),
];

pub fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    let be = crate::backend;
    // Another program's database, where swforce's should be: refused untouched.
    let (tables, ours): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE name = 'schema_migrations')
             FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(be)?;
    if tables > 0 && ours == 0 {
        return Err(StoreError::Unavailable(
            "the database file holds another program's tables, not swforce's: nothing was changed; check that --data-dir names swforce's own folder".into(),
        ));
    }
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY,
             name TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
         )",
    )
    .map_err(be)?;
    let current: i64 = conn
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .map_err(be)?;
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if current > known {
        return Err(StoreError::NewerSchema {
            found: current,
            known,
        });
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        // Several processes may open a new data folder at once (servers started together, a
        // command beside them): each migration is applied under the write lock, and only by
        // the first to take it.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(be)?;
        let applied: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [version],
                |r| r.get(0),
            )
            .map_err(be)?;
        if applied {
            continue;
        }
        tx.execute_batch(sql).map_err(be)?;
        if *version == 14 {
            // Stems are made by the program, not by SQL: the entries are written again here.
            crate::exchange::rebuild_search(&tx).map_err(be)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            rusqlite::params![version, name],
        )
        .map_err(be)?;
        tx.commit().map_err(be)?;
    }
    Ok(())
}
