//! Named projection scenarios as stored.

use crate::StoreError;
use serde::{Deserialize, Serialize};

/// A named projection scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedScenario {
    pub id: i64,
    pub name: String,
    pub geography_code: String,
    /// The projection page's query string, which reproduces the scenario.
    pub query: String,
    /// The levers as a scenario file.
    pub toml: String,
    pub created_at: String,
    /// The organisation it belongs to; `None` for a scenario everyone may see.
    pub org_id: Option<i64>,
    /// Who saved it, where a signed-in person did.
    pub user_id: Option<i64>,
}

/// A scenario to save (its id and time are given by the store and the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct NewScenario<'a> {
    pub name: &'a str,
    pub geography_code: &'a str,
    pub query: &'a str,
    pub toml: &'a str,
    pub created_at: &'a str,
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
}

/// Named projection scenarios.
pub trait ScenarioStore {
    /// Saves a named scenario and returns it with its id.
    fn save_scenario(&self, scenario: &NewScenario<'_>) -> Result<SavedScenario, StoreError>;

    /// Saved scenarios an organisation may see (its own and those everyone may see; only the
    /// latter for `None`), newest first.
    fn scenarios(&self, org_id: Option<i64>) -> Result<Vec<SavedScenario>, StoreError>;

    /// One saved scenario, if there is one with that id.
    fn scenario(&self, id: i64) -> Result<Option<SavedScenario>, StoreError>;
}
