//! Schema migrations: plain `.sql` files applied in order, each in its own transaction.
//! A released migration is never edited; a change is a new file.
//!
//! Every step holds a lock taken inside its transaction, so app servers starting at the same
//! time against one database take turns: one applies a migration, the others then see it done.

use crate::db::Client;
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

/// The advisory lock that migrations hold (a constant of this program, spelling "swforce" and 1).
const MIGRATION_LOCK: i64 = 0x7377_666f_7263_6501;

pub fn apply(client: &mut Client) -> Result<(), StoreError> {
    let be = crate::backend;
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    loop {
        let mut tx = client.transaction().map_err(be)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(be)?;
        let missing: bool = tx
            .query_one("SELECT to_regclass('schema_migrations') IS NULL", &[])
            .map_err(be)?
            .get(0);
        if missing {
            tx.batch_execute(
                "CREATE TABLE schema_migrations (
                     version    BIGINT PRIMARY KEY,
                     name       TEXT   NOT NULL,
                     applied_at TEXT   NOT NULL
                         DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
                 )",
            )
            .map_err(be)?;
        }
        let current: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
                &[],
            )
            .map_err(be)?
            .get(0);
        if current > known {
            return Err(StoreError::NewerSchema {
                found: current,
                known,
            });
        }
        let Some((version, name, sql)) = MIGRATIONS.iter().find(|m| m.0 > current) else {
            tx.commit().map_err(be)?;
            return Ok(());
        };
        tx.batch_execute(sql).map_err(be)?;
        if *version == 14 {
            // Stems are made by the program, not by SQL: the entries are written again here.
            crate::exchange::rebuild_search(&mut tx)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .map_err(be)?;
        tx.commit().map_err(be)?;
    }
}
