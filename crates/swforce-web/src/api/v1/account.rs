//! The signed-in side of the API: who the token acts for, and their organisation's scenarios,
//! census returns and audit log. Each needs a token with the matching scope.

use super::run;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Value, json};
use swforce_app::public_id::{Kind, PublicIds};

/// `GET /api/v1/me`: the person and organisation a token acts for.
pub async fn me(State(state): AppState, viewer: Viewer) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let ids = ids(&state)?;
        // The teams whose time diary sums the token may read (by their ids, for
        // /api/v1/diary/summary?team=).
        let teams = state
            .app
            .diary_teams(&who)
            .map(|teams| {
                teams
                    .iter()
                    .map(|t| json!({"id": ids.encode(Kind::Team, t.id), "name": t.name}))
                    .collect::<Vec<_>>()
            })
            .ok();
        Ok(Json(json!({
            "email": who.user.email,
            "name": who.user.name,
            "roles": who.user.roles,
            "organisation": {
                "id": ids.encode(Kind::Organisation, who.org.id),
                "name": who.org.name,
                "kind": who.org.kind,
                "la_code": who.org.la_code,
            },
            "scopes": who.scopes.as_ref().map(|s| s.iter().map(|x| x.id()).collect::<Vec<_>>()),
            "teams": teams,
        })))
    })
    .await
}

/// The deployment's opaque ids, for the ids in answers.
fn ids(state: &crate::WebState) -> Result<std::sync::Arc<PublicIds>, ApiError> {
    state
        .app
        .ids()
        .map_err(|e| ApiError::from_app(e, state.request_id()))
}

/// `value` with its record numbers replaced: `id` (and the `org_id` and `user_id` it names)
/// by opaque ids, or left out where no address names such a record.
fn opaque(mut value: Value, ids: &PublicIds, kind: Option<Kind>) -> Value {
    if let Some(o) = value.as_object_mut() {
        let swap = |o: &mut serde_json::Map<String, Value>, key: &str, kind: Option<Kind>| match (
            o.get(key).and_then(Value::as_i64),
            kind,
        ) {
            (Some(n), Some(kind)) => {
                o.insert(key.into(), json!(ids.encode(kind, n)));
            }
            (Some(_), None) => {
                o.remove(key);
            }
            _ => {}
        };
        swap(o, "id", kind);
        swap(o, "org_id", Some(Kind::Organisation));
        swap(o, "user_id", Some(Kind::Person));
    }
    value
}

/// `GET /api/v1/scenarios`: the organisation's saved scenarios and those saved for everyone.
pub async fn scenarios(State(state): AppState, viewer: Viewer) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let list = state
            .app
            .scenarios(Some(&who))
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let ids = ids(&state)?;
        Ok(Json(Value::Array(
            list.iter()
                .map(|s| opaque(json!(s), &ids, Some(Kind::Scenario)))
                .collect(),
        )))
    })
    .await
}

/// What `POST /api/v1/scenarios` takes: a place, a name, and the levers as the projection
/// page's address has them (`frontline_places=400&runs=1000`).
#[derive(Debug, Deserialize)]
pub struct NewScenario {
    geography: String,
    name: String,
    #[serde(default)]
    query: String,
}

/// `POST /api/v1/scenarios` (JSON, `scenarios:write`): saves a scenario for the organisation.
/// 201 with its id and link; 422 when a lever is out of range.
pub async fn save_scenario(
    State(state): AppState,
    viewer: Viewer,
    body: Result<Json<NewScenario>, axum::extract::rejection::JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
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
            Json(json!({ "id": id, "name": saved.name, "geography_code": saved.geography_code, "link": format!("/scenarios/{id}") })),
        ))
    })
    .await
}

/// `GET /api/v1/census/returns`: the authority's stored returns (no personal data).
pub async fn census_returns(
    State(state): AppState,
    viewer: Viewer,
) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let list = state
            .app
            .census_returns_for(&who)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let ids = ids(&state)?;
        Ok(Json(Value::Array(
            list.iter().map(|c| opaque(json!(c), &ids, None)).collect(),
        )))
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
        let census = opaque(json!(c), &*ids(&state)?, None);
        Ok(Json(
            json!({ "census": census, "indicators": cells, "breakdowns": ind.breakdowns }),
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
        let ids = ids(&state)?;
        Ok(Json(Value::Array(
            lines.iter().map(|l| opaque(json!(l), &ids, None)).collect(),
        )))
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
    run(move || {
        let list = state
            .app
            .agency_register(&who, &viewer.origin)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let ids = ids(&state)?;
        Ok(Json(json!(
            list.iter()
                .map(|c| json!({
                    "id": c.id.map(|id| ids.encode(Kind::Engagement, id)),
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
