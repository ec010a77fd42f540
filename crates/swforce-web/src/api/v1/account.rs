//! The signed-in side of the API: who the token acts for, and their organisation's scenarios,
//! census returns and audit log. Each needs a token with the matching scope.

use super::run;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use swforce_app::access::{Principal, Scope};

fn scope(who: &Principal, scope: Scope) -> Result<(), ApiError> {
    if who.has_scope(scope) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Scope needed",
            &format!("This token does not have the scope {}", scope.id()),
            "Make a token with that scope on your account page",
        ))
    }
}

/// `GET /api/v1/me`: the person and organisation a token acts for.
pub async fn me(viewer: Viewer) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?;
    Ok(Json(json!({
        "email": who.user.email,
        "name": who.user.name,
        "roles": who.user.roles,
        "organisation": {
            "id": who.org.id,
            "name": who.org.name,
            "kind": who.org.kind,
            "la_code": who.org.la_code,
        },
        "scopes": who.scopes.as_ref().map(|s| s.iter().map(|x| x.id()).collect::<Vec<_>>()),
    })))
}

/// `GET /api/v1/scenarios`: the organisation's saved scenarios and those saved for everyone.
pub async fn scenarios(State(state): AppState, viewer: Viewer) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    scope(&who, Scope::ScenariosRead)?;
    run(move || {
        let list = state
            .app
            .scenarios(Some(&who))
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(json!(list)))
    })
    .await
}

/// `GET /api/v1/census/returns`: the authority's stored returns (no personal data).
pub async fn census_returns(
    State(state): AppState,
    viewer: Viewer,
) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    scope(&who, Scope::CensusRead)?;
    run(move || {
        let list = state
            .app
            .census_returns_for(&who)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(json!(list)))
    })
    .await
}

/// `GET /api/v1/census/returns/{year}/indicators`: the indicators of the authority's return.
pub async fn census_indicators(
    State(state): AppState,
    viewer: Viewer,
    Path(year): Path<i32>,
) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    scope(&who, Scope::CensusRead)?;
    run(move || {
        let (c, ind) = state
            .app
            .census_indicators_for(&who, year, &viewer.origin)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let cells: serde_json::Map<String, Value> = ind
            .row
            .cells
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v.value())))
            .collect();
        Ok(Json(
            json!({ "census": c, "indicators": cells, "breakdowns": ind.breakdowns }),
        ))
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct AuditParams {
    limit: Option<u32>,
}

/// `GET /api/v1/audit`: the organisation's audit log, newest first.
pub async fn audit(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<AuditParams>,
) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    scope(&who, Scope::AuditRead)?;
    run(move || {
        let limit = q.limit.unwrap_or(1000).clamp(1, 100_000);
        state
            .app
            .audit_event(
                Some(&who),
                "export",
                &format!("audit log of {}", who.org.name),
                "read through the API",
                &viewer.origin,
            )
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let lines = state
            .app
            .audit_log(&who, Some(who.org.id), limit)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(json!(lines)))
    })
    .await
}
