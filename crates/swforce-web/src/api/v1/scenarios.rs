//! An organisation's saved scenarios over JSON: the list, and saving one (the only write
//! through the API besides imports).

use super::account::{ids, public};
use super::{ErrorAnswer, TOKEN_NOT_VALID, run};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swforce_app::public_id::{Kind, PublicIds};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

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
    /// The projection page's query string, which reproduces the scenario: its levers, then
    /// its name (`name=...`, which the page shows it under).
    query: String,
    /// The levers as a scenario file (TOML), under the scenario's name (`name = "..."`).
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
    /// The scenario's name, as people will see it: on one line (no control character, line or
    /// paragraph separator, invisible formatting character or `=?`), and from 1 to 100
    /// characters once the spaces around it are trimmed.
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[serde(default)]
    #[schema(schema_with = lever_query)]
    query: String,
}

/// Largest body `POST /api/v1/scenarios` reads.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The levers the projection page's address may carry, as its form names them (and `name`,
/// which the body's name replaces).
fn levers() -> Vec<String> {
    let origin = swforce_domain::Year::try_from(2022).unwrap_or_else(|_| unreachable!());
    crate::pages::scenario_form::read(&[], origin, 0.0)
        .groups
        .iter()
        .flat_map(|g| g.fields.iter().map(|f| f.id.clone()))
        .collect()
}

fn lever_query() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "The levers as the projection page's address has them, percent-encoded, such as frontline_places=400&runs=1000; empty for the baseline. The levers: {}. A name here is replaced by the body's name.",
            levers().join(", ")
        )))
        .build()
}

/// The first `name=value` pair of `query` that is not percent-encoded text: with a `%` not
/// followed by two hex digits, or whose bytes are not UTF-8.
fn undecodable(query: &str) -> Option<&str> {
    query.split('&').find(|pair| decoded(pair).is_none())
}

fn decoded(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let hex = |at: usize| b.get(at).and_then(|c| char::from(*c).to_digit(16));
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            bytes.push(u8::try_from(hex(i + 1)? * 16 + hex(i + 2)?).ok()?);
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).ok()
}

fn refused(problems: Vec<Problem>) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        title: "The scenario was not saved".into(),
        problems,
        diagnostics: Vec::new(),
        request_id: None,
    }
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
        (status = 400, description = "The body is not JSON, or more than one place matches", body = ErrorAnswer),
        (status = 401, description = TOKEN_NOT_VALID, body = ErrorAnswer),
        (status = 403, description = "No token was sent (a change through the API needs one, and is refused before it is read), or the token may not save scenarios", body = ErrorAnswer),
        (status = 404, description = "No place matches", body = ErrorAnswer),
        (status = 413, description = "The body is larger than 2 MB", body = ErrorAnswer),
        (status = 415, description = "The body is not sent as application/json", body = ErrorAnswer),
        (status = 422, description = "Not saved: the body's JSON has a field missing or of the wrong type; or the name is empty, longer than 100 characters or not on one line; or the query cannot be decoded (a % without two hex digits, or not UTF-8), names a lever the projection page does not have, or sets one out of range. Each problem names the field or lever.", body = ErrorAnswer),
    ),
)]
pub async fn save(
    State(state): AppState,
    viewer: Viewer,
    body: Result<Json<NewScenario>, axum::extract::rejection::JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<SavedScenario>), ApiError> {
    let who = viewer.api()?.clone();
    let Json(new) = body.map_err(|e| {
        let problem = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            format!("The body is larger than {} MB", MAX_BODY_BYTES / (1024 * 1024))
        } else {
            e.body_text()
        };
        ApiError::new(
            e.status(),
            "The scenario was not saved",
            &problem,
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
        const COPY: &str = "Copy the levers from the projection page's address, such as frontline_places=400&runs=1000";
        if let Some(part) = undecodable(&new.query) {
            return Err(refused(vec![Problem {
                text: format!("query cannot be decoded at {part:?}: write a % as %25, and text as UTF-8"),
                fix: COPY.into(),
                target: String::new(),
            }]));
        }
        let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(&new.query)
            .map_err(|_| {
                refused(vec![Problem {
                    text: "query is not in the form of an address's query".into(),
                    fix: COPY.into(),
                    target: String::new(),
                }])
            })?;
        let form = crate::pages::scenario_form::read(
            &pairs,
            baseline.origin,
            baseline.england_caseload,
        );
        let known: Vec<&str> = form
            .groups
            .iter()
            .flat_map(|g| g.fields.iter().map(|f| f.id.as_str()))
            .collect();
        let mut problems: Vec<Problem> = Vec::new();
        for (k, _) in &pairs {
            let lever = known.contains(&k.as_str()) || k == "name" || k == "saved";
            if !lever && !problems.iter().any(|p| p.target == *k) {
                problems.push(Problem {
                    text: format!("{k:?} in query is not a lever of the projection page"),
                    fix: format!("Use the levers {}", known.join(", ")),
                    target: k.clone(),
                });
            }
        }
        problems.extend(form.problems);
        if !problems.is_empty() {
            return Err(refused(problems));
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
                if e.status == StatusCode::BAD_REQUEST {
                    e.status = StatusCode::UNPROCESSABLE_ENTITY;
                }
                e
            })?;
        let id = ids(&state)?.encode(Kind::Scenario, saved.id);
        Ok((
            StatusCode::CREATED,
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
