//! Geographies and their figures.

use super::extract::{Path, Query};
use super::measures::MeasureInfo;
use super::schema::{self, Cell, IndicatorRow, level_id, serde_level};
use super::{ErrorAnswer, run, snapshot};
use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use swforce_app::indicators::published_json;
use swforce_app::{Origin, Snapshot};
use swforce_domain::measure::MEASURES;
use swforce_domain::{GeographicLevel, Geography, GeographyCode, Measure, Year};
use swforce_stats::Direction;
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

/// What to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only places at this level.
    #[param(schema_with = level_id)]
    level: Option<String>,
    /// Part of a name, or a code.
    q: Option<String>,
}

// The answers' structs list their fields in alphabetical order, the order the answers have
// always had (they were put together as JSON values, whose keys are sorted).

/// A place.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Geography)]
pub struct GeographyInfo {
    /// Its ONS code; a jointly reported unit's is its members' codes joined by `-`.
    #[schema(value_type = String, example = "E06000058")]
    code: GeographyCode,
    /// Replaced in a reorganisation.
    former: bool,
    #[schema(schema_with = serde_level)]
    geographic_level: &'static str,
    #[schema(schema_with = level_id)]
    level: &'static str,
    name: String,
    /// DfE's 3-digit code, for a local authority.
    #[schema(required)]
    old_la_code: Option<String>,
    /// The next level up; null for England.
    #[schema(required, value_type = Option<String>)]
    parent_code: Option<GeographyCode>,
    #[schema(required, value_type = Option<String>)]
    region_code: Option<GeographyCode>,
    /// For a jointly reported unit (code `E06000061-E06000062`, published as
    /// `E06000061 / E06000062`): the two authorities it is made of.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    members: Vec<PlaceName>,
    /// For a member of a jointly reported unit: the unit, which holds the figures it shares.
    #[serde(skip_serializing_if = "Option::is_none")]
    reported_jointly_as: Option<PlaceName>,
}

pub(super) fn describe(snap: &Snapshot, g: &Geography) -> GeographyInfo {
    GeographyInfo {
        members: g
            .members()
            .into_iter()
            .map(|(code, name)| PlaceName {
                name: snap
                    .geography(&code)
                    .map_or(name.to_string(), |m| m.name.clone()),
                code,
            })
            .collect(),
        reported_jointly_as: snap.unit_of(&g.code).map(|u| PlaceName {
            code: u.code.clone(),
            name: u.name.clone(),
        }),
        code: g.code.clone(),
        former: snap.is_former(g),
        geographic_level: g.level.as_str(),
        level: g.level.id(),
        name: g.name.clone(),
        old_la_code: g.old_la_code.map(|c| c.to_string()),
        parent_code: g.parent.clone(),
        region_code: snap.region_of(g).map(|r| r.code.clone()),
    }
}

/// A place, the places in it and any reorganisation that made or ended it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Place {
    children: Vec<PlaceName>,
    #[serde(flatten)]
    geography: GeographyInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    reorganisation: Option<Reorganisation>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceName {
    #[schema(value_type = String)]
    code: GeographyCode,
    name: String,
}

/// A reorganisation of local government that made or ended a place.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reorganisation {
    /// The day the successors took over.
    #[schema(format = Date)]
    effective: &'static str,
    /// What a reader should know about comparing across the change.
    note: &'static str,
    predecessors: Vec<FormerPlace>,
    successors: Vec<FormerPlace>,
}

/// A place before or after a reorganisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormerPlace {
    code: &'static str,
    name: &'static str,
    old_la_code: &'static str,
}

fn former(list: &[(&'static str, &'static str, &'static str)]) -> Vec<FormerPlace> {
    list.iter()
        .map(|p| FormerPlace {
            code: p.0,
            name: p.2,
            old_la_code: p.1,
        })
        .collect()
}

/// An ONS code (E06000058), a DfE code (839) or a name (Camden).
pub(super) const CODE: &str = "An ONS code (E06000058), a DfE code (839) or a name (Camden).";

fn bad_level(level: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "There is a problem",
        &format!("level {level:?} is not a geographic level"),
        "use national, regional or local_authority",
    )
}

/// List or search places.
#[utoipa::path(
    get,
    path = "/api/v1/geographies",
    operation_id = "listGeographies",
    tag = "statistics",
    params(ListParams),
    responses(
        (status = 200, description = "Places", body = Vec<GeographyInfo>),
        (status = 400, description = "The level is not a geographic level", body = ErrorAnswer),
    ),
)]
pub async fn index(
    State(state): AppState,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<GeographyInfo>>, ApiError> {
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
        Ok(Json(
            places
                .into_iter()
                .filter(|g| level.is_none_or(|l| g.level == l))
                .map(|g| describe(&snap, g))
                .collect(),
        ))
    })
    .await
}

pub(super) fn find<'a>(
    state: &crate::WebState,
    snap: &'a Snapshot,
    code: &str,
) -> Result<&'a Geography, ApiError> {
    snap.find(code)
        .map_err(|e| ApiError::from_app(e, state.request_id()))
}

/// One place, the places in it and any reorganisation that made or ended it.
#[utoipa::path(
    get,
    path = "/api/v1/geographies/{code}",
    operation_id = "getGeography",
    tag = "statistics",
    params(("code" = String, Path, description = CODE)),
    responses(
        (status = 200, description = "The place", body = Place),
        (status = 400, description = "More than one place matches", body = ErrorAnswer),
        (status = 404, description = "No place matches", body = ErrorAnswer),
    ),
)]
pub async fn show(
    State(state): AppState,
    Path(code): Path<String>,
) -> Result<Json<Place>, ApiError> {
    run(move || {
        let snap = snapshot(&state)?;
        let g = find(&state, &snap, &code)?;
        Ok(Json(Place {
            children: snap
                .children(&g.code)
                .into_iter()
                .map(|c| PlaceName {
                    code: c.code.clone(),
                    name: c.name.clone(),
                })
                .collect(),
            geography: describe(&snap, g),
            reorganisation: snap
                .formed_by(&g.code)
                .or_else(|| snap.ended_by(&g.code))
                .map(|r| Reorganisation {
                    effective: r.effective,
                    note: r.note,
                    predecessors: former(r.predecessors),
                    successors: former(r.successors),
                }),
        }))
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// A reporting year (to 30 September), such as 2022; every year unless given.
    #[param(value_type = Option<u16>, minimum = 1990, maximum = 2100)]
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

/// The canonical workforce indicators, one object per year.
///
/// The same objects as `swforce indicators --format json`. `computed` holds, for derived
/// measures, swforce's figure from the published counts where it differs at the published
/// precision.
#[utoipa::path(
    get,
    path = "/api/v1/geographies/{code}/indicators",
    operation_id = "getIndicators",
    tag = "statistics",
    params(("code" = String, Path, description = CODE), YearParams),
    responses(
        (status = 200, description = "Indicators, oldest year first", body = Vec<IndicatorRow>),
        (status = 400, description = "The year is not a year with figures", body = ErrorAnswer),
        (status = 404, description = "No place matches", body = ErrorAnswer),
    ),
)]
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
            .map(|rows| Json(rows.into_iter().map(IndicatorRow).collect()))
            .map_err(|e| ApiError::from_app(e, state.request_id()))
    })
    .await
}

fn cell_json(m: &Measure, cell: swforce_domain::Cell<f64>) -> Cell {
    Cell(match cell {
        swforce_domain::Cell::Value(v) => published_json(m, v),
        swforce_domain::Cell::Symbol(s) => json!(s.as_str()),
    })
}

/// The series' query (documented beside the operation, as its description is made).
#[derive(Debug, Deserialize)]
pub struct SeriesParams {
    breakdown: Option<String>,
}

/// A breakdown's value, for the parameter: one of the shipped release's.
#[derive(Debug)]
pub struct Breakdown;

impl utoipa::PartialSchema for Breakdown {
    fn schema() -> utoipa::openapi::RefOr<Schema> {
        utoipa::openapi::RefOr::T(breakdown())
    }
}

impl ToSchema for Breakdown {}

/// The measures published by breakdown: those of a dataset with a breakdown column.
fn by_breakdown() -> impl Iterator<Item = &'static Measure> {
    MEASURES
        .iter()
        .filter(|m| m.dataset.breakdown_column().is_some())
}

fn breakdown_said() -> String {
    let names: Vec<&str> = by_breakdown().map(|m| m.name).collect();
    format!(
        "The organisational role, in any case: needed by the measures published by role ({}), and taken by no other. The roles listed are those of the release shipped with swforce; an unknown one is answered with a 400 that lists those on record.",
        names.join(", ")
    )
}

/// The breakdowns of the releases shipped with swforce, in the publisher's order: the values
/// of each dataset's breakdown column.
fn shipped_breakdowns() -> &'static [String] {
    static SHIPPED: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let columns: Vec<&str> = swforce_domain::Dataset::ALL
            .iter()
            .filter_map(|d| d.breakdown_column())
            .collect();
        let mut seen: Vec<String> = Vec::new();
        for (_, bytes) in swforce_app::DEMO_FILES {
            let mut file = csv::Reader::from_reader(*bytes);
            let Ok(header) = file.headers() else { continue };
            let Some(at) = header.iter().position(|h| columns.contains(&h)) else {
                continue;
            };
            for row in file.records().flatten() {
                match row.get(at) {
                    Some(v) if !v.is_empty() && !seen.iter().any(|s| s == v) => {
                        seen.push(v.to_string());
                    }
                    _ => {}
                }
            }
        }
        seen
    });
    &SHIPPED
}

fn breakdown() -> Schema {
    schema::string_enum(shipped_breakdowns().iter().cloned())
}

/// The breakdown of `m` that `given` names, as on record: none for a measure published
/// without breakdowns; else one of those on record (or shipped, with none on record), in any
/// case; else a 400 that lists them.
fn breakdown_of(snap: &Snapshot, m: &Measure, given: Option<&str>) -> Result<String, ApiError> {
    let given = given.map(str::trim).filter(|g| !g.is_empty());
    if m.dataset.breakdown_column().is_none() {
        return match given {
            None => Ok(String::new()),
            Some(g) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                &format!(
                    "{} is published without breakdowns, so breakdown {g:?} does not apply",
                    m.name
                ),
                "Leave breakdown out for this measure",
            )),
        };
    }
    let mut known = snap.breakdowns(m.dataset);
    if known.is_empty() {
        known = shipped_breakdowns().to_vec();
    }
    // In the publisher's order where it is known.
    known.sort_by_key(|k| {
        shipped_breakdowns()
            .iter()
            .position(|s| s == k)
            .unwrap_or(usize::MAX)
    });
    if let Some(found) = given.and_then(|g| known.iter().find(|k| k.eq_ignore_ascii_case(g))) {
        return Ok(found.clone());
    }
    let problem = match given {
        None => format!("{} is published by role: breakdown is needed", m.name),
        Some(g) => format!("breakdown {g:?} is not a role {} is published by", m.name),
    };
    Err(ApiError::new(
        StatusCode::BAD_REQUEST,
        "There is a problem",
        &problem,
        &format!("Give breakdown as one of: {}", known.join("; ")),
    ))
}

/// Which place and measure.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct SeriesPath {
    /// An ONS code (E06000058), a DfE code (839) or a name (Camden).
    code: String,
    /// A canonical measure name (see /api/v1/measures).
    #[param(inline, value_type = schema::MeasureName)]
    measure: String,
}

/// One measure of one place over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct Series {
    breakdown: String,
    geography: GeographyInfo,
    measure: MeasureInfo,
    points: Vec<SeriesPoint>,
}

fn origin() -> Schema {
    schema::string_enum([
        "published",
        "computed",
        "continued",
        "reported_by",
        "combined",
    ])
}

/// A year's figure and where it comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesPoint {
    /// `published`; `computed` from the published counts where the release did not publish
    /// it; `continued` from the predecessors of a reorganised authority; for a jointly
    /// reported unit, `reported_by` one member alone (the other not applicable) or `combined`
    /// from both members' separate figures.
    #[schema(schema_with = origin)]
    origin: &'static str,
    /// For `continued`: the predecessors whose figures are summed; for `reported_by` and
    /// `combined`: the members the figure comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    predecessors: Option<Vec<String>>,
    value: Cell,
    /// Why the figure should be checked before it is relied on; null when nothing is flagged.
    check: Option<schema::FigureCheck>,
    year: u16,
}

/// One measure of one place over time.
///
/// Years before a reorganised authority existed are continued from its predecessors (origin
/// `continued`); a figure the release did not publish but the counts give is `computed`.
#[utoipa::path(
    get,
    path = "/api/v1/geographies/{code}/series/{measure}",
    operation_id = "getSeries",
    tag = "statistics",
    params(
        SeriesPath,
        ("breakdown" = inline(Option<Breakdown>), Query, description = breakdown_said()),
    ),
    responses(
        (status = 200, description = "The series", body = Series),
        (status = 400, description = "More than one place matches; or the measure is published by role and the breakdown is missing or not one of its roles, or it is not and a breakdown is given", body = ErrorAnswer),
        (status = 404, description = "No place or measure matches", body = ErrorAnswer),
    ),
)]
pub async fn series(
    State(state): AppState,
    Path((code, measure)): Path<(String, String)>,
    Query(params): Query<SeriesParams>,
) -> Result<Json<Series>, ApiError> {
    run(move || {
        let snap = snapshot(&state)?;
        let g = find(&state, &snap, &code)?;
        let m = Measure::named(&measure)
            .filter(|m| m.dataset.holds_figures())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "Not found",
                    &format!("no measure is called {measure:?}"),
                    "see GET /api/v1/measures for every measure's name",
                )
            })?;
        let breakdown = breakdown_of(&snap, m, params.breakdown.as_deref())?;
        let points = snap
            .series(&g.code, m, &breakdown)
            .into_iter()
            .map(|f| {
                let (origin, predecessors) = match f.origin {
                    Origin::Published => ("published", None),
                    Origin::Computed => ("computed", None),
                    Origin::Continued { predecessors } => ("continued", Some(predecessors)),
                    Origin::ReportedBy { authority } => ("reported_by", Some(vec![authority])),
                    Origin::Combined { members } => ("combined", Some(members)),
                    Origin::NeighbourMedian { .. } => ("neighbour_median", None),
                };
                SeriesPoint {
                    check: snap
                        .check(&g.code, m, f.year)
                        .map(schema::FigureCheck::from),
                    origin,
                    predecessors,
                    value: cell_json(m, f.cell),
                    year: f.year.get(),
                }
            })
            .collect();
        Ok(Json(Series {
            breakdown,
            geography: describe(&snap, g),
            measure: super::measures::describe(m),
            points,
        }))
    })
    .await
}

/// A local authority's workforce measures in the latest year.
#[derive(Debug, Serialize, ToSchema)]
pub struct Benchmarks {
    benchmarks: Vec<BenchmarkLine>,
    geography: GeographyInfo,
    /// The latest year with figures.
    #[schema(required)]
    year: Option<u16>,
}

fn direction() -> Schema {
    let mut s = schema::string_enum(
        [Direction::Up, Direction::Down, Direction::Same]
            .iter()
            .map(schema::serde_name),
    );
    schema::or_null(&mut s);
    s
}

/// One measure of an authority against its region, England and every authority, in published
/// units.
#[derive(Debug, Serialize, ToSchema)]
pub struct BenchmarkLine {
    /// The authority's figure less England's.
    #[schema(required, value_type = Option<f64>)]
    difference_from_england: Option<Value>,
    /// The authority's figure less its region's.
    #[schema(required, value_type = Option<f64>)]
    difference_from_region: Option<Value>,
    /// Since the year before.
    #[schema(required, schema_with = direction)]
    direction: Option<Direction>,
    #[schema(required, value_type = Option<f64>)]
    england: Option<Value>,
    /// Whether the move is good news, given which way is better; null when not judged.
    #[schema(required)]
    improving: Option<bool>,
    #[schema(schema_with = schema::workforce_measure_name)]
    measure: &'static str,
    /// Against the authority's statistical neighbours; null when no neighbour model is on record
    /// or the model does not list the authority.
    #[schema(required)]
    neighbours: Option<super::neighbours::NeighbourLine>,
    /// The figure the year before.
    #[schema(required, value_type = Option<f64>)]
    previous: Option<Value>,
    /// 1 for the lowest quarter of authorities.
    #[schema(required)]
    quartile: Option<u8>,
    /// 1 for the lowest value; ties share the better-placed rank.
    #[schema(required)]
    rank: Option<usize>,
    /// Authorities with a figure that year.
    ranked: usize,
    #[schema(required, value_type = Option<f64>)]
    region: Option<Value>,
    #[schema(required, value_type = Option<f64>)]
    value: Option<Value>,
}

/// A local authority against its region, England and every authority, latest year.
#[utoipa::path(
    get,
    path = "/api/v1/geographies/{code}/benchmarks",
    operation_id = "getBenchmarks",
    tag = "statistics",
    params(("code" = String, Path, description = CODE), super::neighbours::ModelParams),
    responses(
        (status = 200, description = "Benchmarks", body = Benchmarks),
        (status = 400, description = "The place is not a local authority", body = ErrorAnswer),
        (status = 404, description = "No place matches", body = ErrorAnswer),
    ),
)]
pub async fn benchmarks(
    State(state): AppState,
    Path(code): Path<String>,
    Query(params): Query<super::neighbours::ModelParams>,
) -> Result<Json<Benchmarks>, ApiError> {
    run(move || {
        let snap = snapshot(&state)?;
        let g = find(&state, &snap, &code)?;
        if g.level != GeographicLevel::LocalAuthority {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "There is a problem", &format!("{} is not a local authority", g.name), "benchmarks compare a local authority with its region, England and the other authorities"));
        }
        let model = super::neighbours::parse_model(params.model.as_deref())?;
        let profile = snap
            .profile_with_model(g, model)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let items = profile
            .workforce
            .iter()
            .filter_map(|v| v.benchmark.as_ref().map(|b| (v, b)))
            .map(|(v, b)| {
                let m = v.measure;
                let p = |x: Option<f64>| x.map(|x| published_json(m, x));
                BenchmarkLine {
                    difference_from_england: p(b.vs_england),
                    difference_from_region: p(b.vs_region),
                    direction: b.direction,
                    england: p(b.england),
                    improving: b.improving,
                    measure: m.name,
                    neighbours: v
                        .neighbour_benchmark
                        .as_ref()
                        .map(|n| super::neighbours::NeighbourLine::of(m, n)),
                    previous: p(b.previous),
                    quartile: b.quartile.map(|q| q.0),
                    rank: b.rank,
                    ranked: b.ranked,
                    region: p(b.region),
                    value: p(b.value),
                }
            })
            .collect();
        Ok(Json(Benchmarks {
            benchmarks: items,
            geography: describe(&snap, g),
            year: profile.latest_year.map(|y| y.get()),
        }))
    })
    .await
}
