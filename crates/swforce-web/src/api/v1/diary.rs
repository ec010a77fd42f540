//! The time diary over JSON: a person's own weeks, their organisation's sums, and England's
//! and the regions' (public).

use super::extract::Query;
use super::schema::{self, shapes};
use super::{ErrorAnswer, run};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use swforce_app::agency::today;
use swforce_app::diary::{Group, period, summary_json};
use swforce_app::public_id::Kind;
use swforce_domain::Date;
use swforce_domain::diary::{Activity, Obstacle};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, Schema};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
    /// A team id, for the organisation's sums.
    team: Option<String>,
    /// A region code, for the national sums.
    region: Option<String>,
}

/// Why the weeks asked for are refused (the longest period is
/// [`swforce_app::diary::MAX_WEEKS`] weeks).
const PERIOD_REFUSED: &str =
    "Not a date, the weeks the wrong way round, or more than 156 weeks from first to last";

/// The weeks asked for (`from` and `to`), as the diary's operations take them.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct Period {
    /// First week (any day in it); 12 weeks before `to` unless given.
    #[param(format = Date)]
    from: Option<String>,
    /// Last week (any day in it); this week unless given.
    #[param(format = Date)]
    to: Option<String>,
}

fn obstacles() -> Schema {
    Schema::Array(
        ArrayBuilder::new()
            .items(RefOr::T(schema::string_enum(
                Obstacle::ALL.iter().map(|o| o.id()),
            )))
            .build(),
    )
}

fn activity() -> Schema {
    schema::string_enum(Activity::ALL.iter().map(|a| a.id()))
}

// Fields in alphabetical order, the order the answers have always had.

/// The token owner's own diary weeks.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyWeeks {
    /// The organisation's categories, retired ones too.
    categories: Vec<Category>,
    /// The first week's Monday.
    #[schema(format = Date)]
    from: String,
    /// The last week's Sunday.
    #[schema(format = Date)]
    to: String,
    weeks: Vec<MyWeek>,
}

/// A category of the organisation's diary.
#[derive(Debug, Serialize, ToSchema)]
pub struct Category {
    /// Its opaque id.
    id: String,
    /// The national kind of work it counts as.
    #[schema(schema_with = activity)]
    kind: &'static str,
    label: String,
    relationship_based: bool,
    retired: bool,
}

/// One week of a person's diary.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyWeek {
    contracted_hours: f64,
    #[schema(schema_with = obstacles)]
    got_in_the_way: Vec<&'static str>,
    /// Hours per category; categories with no time are left out.
    hours: Vec<CategoryHours>,
    /// What got in the way, in the person's words.
    note: String,
    /// Whether leaders may read the note, without the person's name.
    note_shared: bool,
    /// RFC 3339, UTC.
    updated_at: String,
    /// Its Monday.
    #[schema(format = Date)]
    week: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryHours {
    /// The category's opaque id.
    category: String,
    hours: f64,
}

fn weeks(
    q: &PeriodQuery,
    state: &crate::WebState,
    today: Date,
) -> Result<(swforce_domain::diary::Week, swforce_domain::diary::Week), ApiError> {
    period(q.from.as_deref(), q.to.as_deref(), today)
        .map_err(|e| ApiError::from_app(e, state.request_id()))
}

/// Your own time diary weeks.
///
/// Needs a token with the scope diary:read. Only the token owner's own weeks: hours per
/// category, contracted hours, what got in the way and their note.
#[utoipa::path(
    get,
    path = "/api/v1/diary/weeks",
    operation_id = "getMyDiaryWeeks",
    tag = "time",
    security(("bearerToken" = [])),
    params(Period),
    responses(
        (status = 200, description = "The weeks", body = MyWeeks),
        (status = 400, description = PERIOD_REFUSED, body = ErrorAnswer),
        (status = 401, description = "No token, or not a valid one", body = ErrorAnswer),
        (status = 403, description = "The token may not do this", body = ErrorAnswer),
    ),
)]
pub async fn weeks_of(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<MyWeeks>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let (from, to) = weeks(&q, &state, today())?;
        let app_error = |e| ApiError::from_app(e, state.request_id());
        let categories = state.app.diary_categories(who.org.id).map_err(app_error)?;
        let diaries = state.app.my_diaries(&who, from, to).map_err(app_error)?;
        let ids = state.app.ids().map_err(app_error)?;
        let public = |id: i64| ids.encode(Kind::Category, id);
        Ok(Json(MyWeeks {
            categories: categories
                .iter()
                .map(|c| Category {
                    id: public(c.id),
                    kind: c.activity.id(),
                    label: c.label.clone(),
                    relationship_based: c.activity.relationship_based(),
                    retired: c.retired,
                })
                .collect(),
            from: from.monday().to_string(),
            to: to.sunday().to_string(),
            weeks: diaries
                .iter()
                .map(|d| MyWeek {
                    contracted_hours: f64::from(d.diary.contracted) / 60.0,
                    got_in_the_way: d.diary.obstacles.iter().map(|o| o.id()).collect(),
                    hours: d
                        .diary
                        .minutes
                        .iter()
                        .map(|(id, m)| CategoryHours {
                            category: public(*id),
                            hours: f64::from(*m) / 60.0,
                        })
                        .collect(),
                    note: d.diary.note.clone(),
                    note_shared: d.diary.share_note,
                    updated_at: d.updated_at.clone(),
                    week: d.diary.week.to_string(),
                })
                .collect(),
        }))
    })
    .await
}

/// Your organisation's (or a team's) time diary balance.
///
/// Needs a token with the scope time:read. Sums only: one object per category with hours,
/// share and contributors, and the relationship-based share. Only weeks with at least 5 diaries
/// count, and a team's week is held back where the rest of the organisation could then be
/// worked out; a group with no week that counts answers {"suppressed": true} instead of
/// numbers.
#[utoipa::path(
    get,
    path = "/api/v1/diary/summary",
    operation_id = "getDiarySummary",
    tag = "time",
    security(("bearerToken" = [])),
    params(
        Period,
        ("team" = Option<String>, Query, description = "A team's opaque id, as GET /api/v1/me lists them; the whole organisation unless given"),
    ),
    responses(
        (status = 200, description = "The sums", body = shapes::TimeSummary),
        (status = 400, description = "Not a date, the weeks the wrong way round, or more than 156 weeks from first to last; or not a team id", body = ErrorAnswer),
        (status = 401, description = "No token, or not a valid one", body = ErrorAnswer),
        (status = 403, description = "The token may not do this", body = ErrorAnswer),
        (status = 404, description = "No such team in the organisation", body = ErrorAnswer),
    ),
)]
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

/// England's or a region's time diary balance.
///
/// Public. Sums across the organisations that share their figures, by national kind of work.
/// An organisation's week counts only with at least 5 of its diaries; with no week that counts
/// the answer is {"suppressed": true}.
#[utoipa::path(
    get,
    path = "/api/v1/diary/national",
    operation_id = "getDiaryNational",
    tag = "time",
    params(
        Period,
        ("region" = Option<String>, Query, description = "A region code such as E12000008; England unless given", pattern = "^E12[0-9]{6}$"),
    ),
    responses(
        (status = 200, description = "The sums", body = shapes::TimeSummary),
        (status = 400, description = PERIOD_REFUSED, body = ErrorAnswer),
        (status = 404, description = "No such region", body = ErrorAnswer),
    ),
)]
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
