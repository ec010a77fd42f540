//! Named projection scenarios on PostgreSQL (`ScenarioStore`).

use crate::{PostgresStore, backend, get};
use swforce_store::{NewScenario, SavedScenario, ScenarioStore, StoreError};

impl ScenarioStore for PostgresStore {
    fn save_scenario(&self, s: &NewScenario<'_>) -> Result<SavedScenario, StoreError> {
        self.with(|c| {
            let row = c
                .query_one(
                    "INSERT INTO scenarios (name, geography_code, query, toml, created_at, org_id, user_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &[&s.name, &s.geography_code, &s.query, &s.toml, &s.created_at, &s.org_id, &s.user_id],
                )
                .map_err(backend)?;
            Ok(SavedScenario {
                id: get(&row, 0)?,
                name: s.name.to_string(),
                geography_code: s.geography_code.to_string(),
                query: s.query.to_string(),
                toml: s.toml.to_string(),
                created_at: s.created_at.to_string(),
                org_id: s.org_id,
                user_id: s.user_id,
            })
        })
    }

    fn scenarios(&self, org_id: Option<i64>) -> Result<Vec<SavedScenario>, StoreError> {
        self.select(&format!(
                    "SELECT {SCENARIO_COLUMNS} FROM scenarios WHERE org_id IS NULL OR org_id = $1 ORDER BY id DESC"
                ), &[&org_id], scenario_from)
    }

    fn scenario(&self, id: i64) -> Result<Option<SavedScenario>, StoreError> {
        self.select_one(
            &format!("SELECT {SCENARIO_COLUMNS} FROM scenarios WHERE id = $1"),
            &[&id],
            scenario_from,
        )
    }
}

const SCENARIO_COLUMNS: &str = "id, name, geography_code, query, toml, created_at, org_id, user_id";

fn scenario_from(r: &tokio_postgres::Row) -> Result<SavedScenario, StoreError> {
    Ok(SavedScenario {
        id: get(r, 0)?,
        name: get(r, 1)?,
        geography_code: get(r, 2)?,
        query: get(r, 3)?,
        toml: get(r, 4)?,
        created_at: get(r, 5)?,
        org_id: get(r, 6)?,
        user_id: get(r, 7)?,
    })
}
