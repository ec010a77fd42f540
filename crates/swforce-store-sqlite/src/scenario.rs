//! Named projection scenarios on SQLite (`ScenarioStore`).

use crate::{SqliteStore, backend};
use rusqlite::params;
use swforce_store::{NewScenario, SavedScenario, ScenarioStore, StoreError};

impl ScenarioStore for SqliteStore {
    fn save_scenario(&self, s: &NewScenario<'_>) -> Result<SavedScenario, StoreError> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO scenarios (name, geography_code, query, toml, created_at, org_id, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![s.name, s.geography_code, s.query, s.toml, s.created_at, s.org_id, s.user_id],
        )
        .map_err(backend)?;
        Ok(SavedScenario {
            id: conn.last_insert_rowid(),
            name: s.name.to_string(),
            geography_code: s.geography_code.to_string(),
            query: s.query.to_string(),
            toml: s.toml.to_string(),
            created_at: s.created_at.to_string(),
            org_id: s.org_id,
            user_id: s.user_id,
        })
    }

    fn scenarios(&self, org_id: Option<i64>) -> Result<Vec<SavedScenario>, StoreError> {
        self.select(&format!(
                "SELECT {SCENARIO_COLUMNS} FROM scenarios WHERE org_id IS NULL OR org_id = ?1 ORDER BY id DESC"
            ), [org_id], scenario_from)
    }

    fn scenario(&self, id: i64) -> Result<Option<SavedScenario>, StoreError> {
        self.select_one(
            &format!("SELECT {SCENARIO_COLUMNS} FROM scenarios WHERE id = ?1"),
            [id],
            scenario_from,
        )
    }
}

const SCENARIO_COLUMNS: &str = "id, name, geography_code, query, toml, created_at, org_id, user_id";

fn scenario_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<SavedScenario> {
    Ok(SavedScenario {
        id: r.get(0)?,
        name: r.get(1)?,
        geography_code: r.get(2)?,
        query: r.get(3)?,
        toml: r.get(4)?,
        created_at: r.get(5)?,
        org_id: r.get(6)?,
        user_id: r.get(7)?,
    })
}
