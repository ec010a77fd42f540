//! Geographies and their figures.

use super::{run, snapshot};
use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use swforce_app::indicators::published_json;
use swforce_app::{IndicatorRow, Snapshot};
use swforce_domain::{Cell, GeographicLevel, Geography, Measure, Year};

#[derive(Debug, Deserialize)]
pub struct ListParams {
    level: Option<String>,
    q: Option<String>,
}

fn describe(snap: &Snapshot, g: &Geography) -> Value {
    json!({
        "code": g.code,
        "name": g.name,
        "level": g.level.id(),
        "geographic_level": g.level.as_str(),
        "parent_code": g.parent,
        "region_code": snap.region_of(g).map(|r| r.code.clone()),
        "old_la_code": g.old_la_code.map(|c| c.to_string()),
        "former": snap.is_former(g),
    })
}

fn bad_level(level: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "There is a problem",
        &format!("level {level:?} is not a geographic level"),
        "use national, regional or local_authority",
    )
}

/// `GET /api/v1/geographies?level=&q=`
pub async fn index(
    State(state): AppState,
    Query(params): Query<ListParams>,
) -> Result<Json<Value>, ApiError> {
    run(move || {
        let snap = snapshot(&state)?;
        let level = match params.level.as_deref() {
            None | Some("") => None,
            Some(l) => Some(GeographicLevel::from_id(l).ok_or_else(|| bad_level(l))?),
        };
        let places: Vec<&Geography> = match params.q.as_deref() {
            Some(q) if !q.trim().is_empty() => snap.search(q),
            _ => snap.geographies().collect(),
        };
        Ok(Json(Value::Array(
            places
                .into_iter()
                .filter(|g| level.is_none_or(|l| g.level == l))
                .map(|g| describe(&snap, g))
                .collect(),
        )))
    })
    .await
}

fn find<'a>(
    state: &crate::WebState,
    snap: &'a Snapshot,
    code: &str,
) -> Result<&'a Geography, ApiError> {
    snap.find(code)
        .map_err(|e| ApiError::from_app(e, state.request_id()))
}

/// `GET /api/v1/geographies/{code}`
pub async fn show(
    State(state): AppState,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    run(move || {
        let snap = snapshot(&state)?;
        let g = find(&state, &snap, &code)?;
        let mut v = describe(&snap, g);
        v["children"] = Value::Array(snap.children(&g.code).into_iter().map(|c| json!({"code": c.code, "name": c.name})).collect());
        if let Some(r) = snap.formed_by(&g.code).or_else(|| snap.ended_by(&g.code)) {
            v["reorganisation"] = json!({
                "effective": r.effective,
                "predecessors": r.predecessors.iter().map(|p| json!({"code": p.0, "old_la_code": p.1, "name": p.2})).collect::<Vec<_>>(),
                "successors": r.successors.iter().map(|p| json!({"code": p.0, "old_la_code": p.1, "name": p.2})).collect::<Vec<_>>(),
                "note": r.note,
            });
        }
        Ok(Json(v))
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct YearParams {
    year: Option<String>,
}

fn parse_year(text: Option<&str>) -> Result<Option<Year>, ApiError> {
    match text {
        None | Some("") => Ok(None),
        Some(t) => Year::parse(t).map(Some).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                &e.to_string(),
                "give the year as four digits, such as 2022",
            )
        }),
    }
}

/// `GET /api/v1/geographies/{code}/indicators?year=`: the same objects as
/// `swforce indicators --format json`.
pub async fn indicators(
    State(state): AppState,
    Path(code): Path<String>,
    Query(params): Query<YearParams>,
) -> Result<Json<Vec<IndicatorRow>>, ApiError> {
    run(move || {
        let snap = snapshot(&state)?;
        let g = find(&state, &snap, &code)?;
        let year = parse_year(params.year.as_deref())?;
        snap.indicators(g, year)
            .map(Json)
            .map_err(|e| ApiError::from_app(e, state.request_id()))
    })
    .await
}

fn cell_json(m: &Measure, cell: Cell<f64>) -> Value {
    match cell {
        Cell::Value(v) => published_json(m, v),
        Cell::Symbol(s) => json!(s.as_str()),
    }
}

#[derive(Debug, Deserialize)]
pub struct SeriesParams {
    breakdown: Option<String>,
}

/// `GET /api/v1/geographies/{code}/series/{measure}?breakdown=`
pub async fn series(
    State(state): AppState,
    Path((code, measure)): Path<(String, String)>,
    Query(params): Query<SeriesParams>,
) -> Result<Json<Value>, ApiError> {
    run(move || {
        let snap = snapshot(&state)?;
        let g = find(&state, &snap, &code)?;
        let m = Measure::named(&measure).ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "Not found",
                &format!("no measure is called {measure:?}"),
                "see GET /api/v1/measures for every measure's name",
            )
        })?;
        let breakdown = params.breakdown.unwrap_or_default();
        let points: Vec<Value> = snap
            .series(&g.code, m, &breakdown)
            .into_iter()
            .map(|f| {
                let mut p = json!({"year": f.year.get(), "value": cell_json(m, f.cell)});
                if let Value::Object(extra) = serde_json::to_value(&f.origin).unwrap_or(Value::Null)
                {
                    for (k, v) in extra {
                        p[k] = v;
                    }
                }
                p
            })
            .collect();
        Ok(Json(json!({
            "geography": describe(&snap, g),
            "measure": super::measures::describe(m),
            "breakdown": breakdown,
            "points": points,
        })))
    })
    .await
}

/// `GET /api/v1/geographies/{code}/benchmarks`: each workforce measure in the latest year
/// against the region, England and every authority.
pub async fn benchmarks(
    State(state): AppState,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    run(move || {
        let snap = snapshot(&state)?;
        let g = find(&state, &snap, &code)?;
        if g.level != GeographicLevel::LocalAuthority {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "There is a problem", &format!("{} is not a local authority", g.name), "benchmarks compare a local authority with its region, England and the other authorities"));
        }
        let profile = snap.profile(g);
        let items: Vec<Value> = profile
            .workforce
            .iter()
            .filter_map(|v| v.benchmark.as_ref().map(|b| (v.measure, b)))
            .map(|(m, b)| {
                let p = |x: Option<f64>| x.map(|x| published_json(m, x));
                json!({
                    "measure": m.name,
                    "value": p(b.value),
                    "region": p(b.region),
                    "england": p(b.england),
                    "difference_from_region": p(b.vs_region),
                    "difference_from_england": p(b.vs_england),
                    "rank": b.rank,
                    "ranked": b.ranked,
                    "quartile": b.quartile.map(|q| q.0),
                    "previous": p(b.previous),
                    "direction": b.direction,
                    "improving": b.improving,
                })
            })
            .collect();
        Ok(Json(json!({
            "geography": describe(&snap, g),
            "year": profile.latest_year.map(|y| y.get()),
            "benchmarks": items,
        })))
    })
    .await
}
