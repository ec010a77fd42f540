//! An organisation's saved scenarios over JSON: the list, and saving one (the only write
//! through the API besides imports).

use super::account::{ids, public};
use super::{ErrorAnswer, TOKEN_NOT_VALID, run};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use swforce_app::public_id::{Kind, PublicIds};
use utoipa::ToSchema;

/// A saved scenario; ids are opaque.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Scenario)]
pub struct ScenarioInfo {
    /// RFC 3339, UTC.
    created_at: String,
    geography_code: String,
    id: String,
    name: String,
    /// The organisation it belongs to; null for a scenario everyone may see.
    #[schema(required)]
    org_id: Option<String>,
    /// The projection page's query string, which reproduces the scenario.
    query: String,
    /// The levers as a scenario file.
    toml: String,
    /// Who saved it, where a signed-in person did.
    #[schema(required)]
    user_id: Option<String>,
}

impl ScenarioInfo {
    fn new(s: swforce_store::SavedScenario, ids: &PublicIds) -> Self {
        let swforce_store::SavedScenario {
            id,
            name,
            geography_code,
            query,
            toml,
            created_at,
            org_id,
            user_id,
        } = s;
        Self {
            created_at,
            geography_code,
            id: ids.encode(Kind::Scenario, id),
            name,
            org_id: public(ids, Kind::Organisation, org_id),
            query,
            toml,
            user_id: public(ids, Kind::Person, user_id),
        }
    }
}

/// The organisation's saved scenarios, and those saved for everyone.
///
/// Needs a token with the scope scenarios:read.
#[utoipa::path(
    get,
    path = "/api/v1/scenarios",
    operation_id = "listScenarios",
    tag = "account",
    security(("bearerToken" = [])),
    responses(
        (status = 200, description = "Scenarios, newest first", body = Vec<ScenarioInfo>),
        (status = 401, description = "No token, or not a valid one", body = ErrorAnswer),
        (status = 403, description = "The token may not do this", body = ErrorAnswer),
    ),
)]
pub async fn index(
    State(state): AppState,
    viewer: Viewer,
) -> Result<Json<Vec<ScenarioInfo>>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let list = state
            .app
            .scenarios(Some(&who))
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let ids = ids(&state)?;
        Ok(Json(
            list.into_iter()
                .map(|s| ScenarioInfo::new(s, &ids))
                .collect(),
        ))
    })
    .await
}

/// What `POST /api/v1/scenarios` takes: a place, a name, and the levers as the projection
/// page's address has them (`frontline_places=400&runs=1000`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewScenario {
    /// A place's code or name, such as E12000009 or South West.
    geography: String,
    /// The scenario's name, as people will see it.
    name: String,
    /// The levers as the projection page's address has them, such as
    /// frontline_places=400&runs=1000; empty for the baseline.
    #[serde(default)]
    query: String,
}

/// A scenario just saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedScenario {
    geography_code: String,
    /// The scenario's opaque id.
    id: String,
    /// Its address on this service, which opens its projection.
    link: String,
    name: String,
}

/// Save a scenario for the organisation.
///
/// Needs a token with the scope scenarios:write, held by someone who may save scenarios. The
/// only write through the API besides imports: a token never sends a page's forms.
#[utoipa::path(
    post,
    path = "/api/v1/scenarios",
    operation_id = "saveScenario",
    tag = "account",
    security(("bearerToken" = [])),
    request_body = NewScenario,
    responses(
        (status = 201, description = "Saved", body = SavedScenario),
        (status = 400, description = "The body is not such JSON, or more than one place matches", body = ErrorAnswer),
        (status = 401, description = TOKEN_NOT_VALID, body = ErrorAnswer),
        (status = 403, description = "No token was sent (a change through the API needs one, and is refused before it is read), or the token may not save scenarios", body = ErrorAnswer),
        (status = 404, description = "No place matches", body = ErrorAnswer),
        (status = 415, description = "The body is not sent as application/json", body = ErrorAnswer),
        (status = 422, description = "A lever is out of range", body = ErrorAnswer),
    ),
)]
pub async fn save(
    State(state): AppState,
    viewer: Viewer,
    body: Result<Json<NewScenario>, axum::extract::rejection::JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<SavedScenario>), ApiError> {
    let who = viewer.api()?.clone();
    let Json(new) = body.map_err(|e| {
        ApiError::new(
            e.status(),
            "The scenario was not saved",
            &e.body_text(),
            "Send JSON such as {\"geography\": \"E12000009\", \"name\": \"More Frontline places\", \"query\": \"frontline_places=400\"}",
        )
    })?;
    run(move || {
        let snap = super::snapshot(&state)?;
        let place = snap
            .find(&new.geography)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?
            .clone();
        let baseline = snap
            .baseline(None)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(&new.query)
            .map_err(|_| {
                ApiError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "The scenario was not saved",
                    "query is not in the form of an address's query",
                    "Copy the levers from the projection page's address, such as frontline_places=400&runs=1000",
                )
            })?;
        let form = crate::pages::scenario_form::read(
            &pairs,
            baseline.origin,
            baseline.england_caseload,
        );
        if !form.problems.is_empty() {
            return Err(ApiError {
                status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                title: "The scenario was not saved".into(),
                problems: form.problems,
                diagnostics: Vec::new(),
                request_id: None,
            });
        }
        pairs.retain(|(k, _)| k != "name" && k != "saved");
        pairs.push(("name".into(), new.name.trim().to_string()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        let saved = state
            .app
            .save_scenario(
                &who,
                &new.name,
                &place.code.to_string(),
                &query,
                &form.scenario.unwrap_or_default(),
            )
            .map_err(|e| {
                let mut e = ApiError::from_app(e, state.request_id());
                if e.status == axum::http::StatusCode::BAD_REQUEST {
                    e.status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                }
                e
            })?;
        let id = ids(&state)?.encode(Kind::Scenario, saved.id);
        Ok((
            axum::http::StatusCode::CREATED,
            Json(SavedScenario {
                geography_code: saved.geography_code,
                link: format!("/scenarios/{id}"),
                id,
                name: saved.name,
            }),
        ))
    })
    .await
}
