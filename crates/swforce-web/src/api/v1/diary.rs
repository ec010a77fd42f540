//! The time diary over JSON: a person's own weeks, their organisation's sums, and England's
//! and the regions' (public).

use super::run;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use swforce_app::agency::today;
use swforce_app::diary::{Group, period, summary_json};
use swforce_app::public_id::Kind;
use swforce_domain::Date;

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
    /// A team id, for the organisation's sums.
    team: Option<String>,
    /// A region code, for the national sums.
    region: Option<String>,
}

fn weeks(
    q: &PeriodQuery,
    state: &crate::WebState,
    today: Date,
) -> Result<(swforce_domain::diary::Week, swforce_domain::diary::Week), ApiError> {
    period(q.from.as_deref(), q.to.as_deref(), today)
        .map_err(|e| ApiError::from_app(e, state.request_id()))
}

/// `GET /api/v1/diary/weeks?from=&to=`: the token owner's own weeks, whole.
pub async fn weeks_of(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let (from, to) = weeks(&q, &state, today())?;
        let app_error = |e| ApiError::from_app(e, state.request_id());
        let categories = state.app.diary_categories(who.org.id).map_err(app_error)?;
        let diaries = state.app.my_diaries(&who, from, to).map_err(app_error)?;
        let ids = state.app.ids().map_err(app_error)?;
        let public = |id: i64| ids.encode(Kind::Category, id);
        Ok(Json(json!({
            "from": from.monday().to_string(),
            "to": to.sunday().to_string(),
            "categories": categories.iter().map(|c| json!({
                "id": public(c.id),
                "label": c.label,
                "kind": c.activity.id(),
                "relationship_based": c.activity.relationship_based(),
                "retired": c.retired,
            })).collect::<Vec<_>>(),
            "weeks": diaries.iter().map(|d| json!({
                "week": d.diary.week.to_string(),
                "hours": d.diary.minutes.iter().map(|(id, m)| json!({
                    "category": public(*id),
                    "hours": f64::from(*m) / 60.0,
                })).collect::<Vec<_>>(),
                "contracted_hours": f64::from(d.diary.contracted) / 60.0,
                "got_in_the_way": d.diary.obstacles.iter().map(|o| o.id()).collect::<Vec<_>>(),
                "note": d.diary.note,
                "note_shared": d.diary.share_note,
                "updated_at": d.updated_at,
            })).collect::<Vec<_>>(),
        })))
    })
    .await
}

/// `GET /api/v1/diary/summary?team=&from=&to=`: the organisation's (or a team's) sums.
pub async fn summary(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let (from, to) = weeks(&q, &state, today())?;
        let group = match q.team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Group::Organisation,
            Some(t) => {
                let ids = state
                    .app
                    .ids()
                    .map_err(|e| ApiError::from_app(e, state.request_id()))?;
                let found = ids.read(Kind::Team, t).ok_or_else(|| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "There is a problem",
                        &format!("{t:?} is not a team id"),
                        "Give the id of one of your organisation's teams, as GET /api/v1/me lists them",
                    )
                })?;
                Group::Team(found.id())
            }
        };
        let g = state
            .app
            .org_time(&who, &group, from, to)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(summary_json(&g)))
    })
    .await
}

/// `GET /api/v1/diary/national?region=&from=&to=`: England's or a region's sums, across the
/// organisations that share them. Public.
pub async fn national(
    State(state): AppState,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    run(move || {
        let (from, to) = weeks(&q, &state, today())?;
        let region = q.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let g = state
            .app
            .national_time(region, from, to)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(summary_json(&g)))
    })
    .await
}
