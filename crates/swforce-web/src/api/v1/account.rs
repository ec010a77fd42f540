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

/// `Ok` when the caller's token (or browser session) allows `scope`.
pub(super) fn scope(who: &Principal, scope: Scope) -> Result<(), ApiError> {
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

/// `GET /api/v1/agency/engagements`: the council's register, each engagement with its result
/// by rule (names workers: on the audit log).
pub async fn agency_engagements(
    State(state): AppState,
    viewer: Viewer,
) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    scope(&who, Scope::AgencyRead)?;
    run(move || {
        let list = state
            .app
            .agency_register(&who, &viewer.origin)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(json!(
            list.iter()
                .map(|c| json!({
                    "id": c.id,
                    "engagement": c.engagement,
                    "status": c.assessment.status,
                    "judged_at": c.assessment.judged_at,
                    "findings": c.assessment.findings,
                }))
                .collect::<Vec<_>>()
        )))
    })
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct QuarterQuery {
    #[serde(default)]
    quarter: String,
}

/// `GET /api/v1/agency/summary?quarter=2025Q1`: the council's summary (no one is named).
pub async fn agency_summary(
    State(state): AppState,
    viewer: Viewer,
    axum::extract::Query(q): axum::extract::Query<QuarterQuery>,
) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    scope(&who, Scope::AgencyRead)?;
    let quarter = if q.quarter.trim().is_empty() {
        swforce_domain::agency::Quarter::of(swforce_app::agency::today())
    } else {
        swforce_domain::agency::Quarter::parse(&q.quarter).ok_or_else(|| {
            ApiError::from_app(
                swforce_app::AppError::Invalid {
                    problem: format!("{:?} is not a quarter", q.quarter),
                    fix: "Write a quarter like 2025Q1 (January to March 2025)".into(),
                },
                state.request_id(),
            )
        })?
    };
    run(move || {
        let s = state
            .app
            .agency_summary(&who, quarter)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(json!({
            "quarter": s.quarter.to_string(),
            "engagements": s.engagements,
            "by_status": s.by_status.iter().map(|(st, n)| json!({"status": st, "engagements": n})).collect::<Vec<_>>(),
            "compliance_rate": s.compliance_rate,
            "breaches_by_rule": s.breaches_by_rule.iter().map(|(r, n)| json!({"rule": r.id(), "title": r.title(), "engagements": n})).collect::<Vec<_>>(),
            "missing_by_field": s.missing_by_field.iter().map(|(f, n)| json!({"field": f, "engagements": n})).collect::<Vec<_>>(),
            "fte": s.fte,
            "spend_pence": s.spend.0,
            "premium_pence": s.premium.map(|p| p.0),
            "by_job_type": s.by_job.iter().map(|j| json!({
                "job_type": j.job.id(),
                "engagements": j.active,
                "fte": j.fte,
                "spend_pence": j.spend.0,
                "mean_hourly_charge_pence": j.mean_charge.map(|p| p.0),
                "price_cap_pence": j.cap.map(|p| p.0),
                "permanent_hourly_cost_pence": j.permanent.map(|p| p.0),
            })).collect::<Vec<_>>(),
        })))
    })
    .await
}
