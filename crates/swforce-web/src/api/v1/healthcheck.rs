//! The health check over JSON: the organisation's rounds, and a closed round's published
//! results (figures only: free text never leaves through the API).

use super::extract::Query;
use super::{ErrorAnswer, run};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swforce_app::agency::today;
use swforce_app::healthcheck::{GroupFigures, ReasonFigure, Summary};
use swforce_app::public_id::Kind;
use utoipa::{IntoParams, ToSchema};

const NEEDS_TOKEN: &str = "No token, or not a valid one";
const MAY_NOT: &str = "The token may not do this";

// Fields in alphabetical order, as every answer of the API has them.

/// One of the organisation's health check rounds.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthRound {
    /// The last day it takes answers.
    #[schema(format = Date)]
    closes_on: String,
    /// When it closed and its results were published; null while open.
    #[schema(required)]
    closed_at: Option<String>,
    /// The round's opaque id.
    id: String,
    opened_at: String,
    /// Whether its results are published (it has closed).
    published: bool,
    title: String,
    /// The question set's version.
    version: String,
}

/// A standard's share of answers agreeing and disagreeing, as fractions to a whole percentage
/// (0.64), null when not shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStandard {
    #[schema(required)]
    agree: Option<f64>,
    #[schema(required)]
    disagree: Option<f64>,
    /// The median share agreeing across England's organisations that share their results.
    #[schema(required)]
    england: Option<f64>,
    key: String,
    number: u8,
    /// The share agreeing in the organisation's previous closed round.
    #[schema(required)]
    previous: Option<f64>,
    /// The median share agreeing across the region's organisations that share their results.
    #[schema(required)]
    region: Option<f64>,
    shown: bool,
    title: String,
}

/// One statement's answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatement {
    #[schema(required)]
    agree: Option<f64>,
    /// Answers on the scale, to the nearest 5.
    #[schema(required)]
    answered: Option<u64>,
    #[schema(required)]
    disagree: Option<f64>,
    key: String,
    #[schema(required)]
    neutral: Option<f64>,
    shown: bool,
    /// The standard's key, `stay` or `own`.
    standard: String,
    text: String,
}

/// A group of respondents.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthGroup {
    label: String,
    /// Responses, to the nearest 5 (null when not shown).
    #[schema(required)]
    responses: Option<u64>,
    shown: bool,
    standards: Vec<HealthStandard>,
    /// Share who expect to be here in 12 months.
    #[schema(required)]
    stay: Option<f64>,
}

/// The organisation split one way.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthBreakdown {
    /// `team`, `role` or `service`.
    by: String,
    /// Only the groups shown (groups held back are not named).
    groups: Vec<HealthGroup>,
}

/// How many chose an option, to the nearest 5.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthCount {
    #[schema(required)]
    count: Option<u64>,
    /// Whether 1 to 4 chose it (shown as "fewer than 5").
    few: bool,
    label: String,
    #[schema(required)]
    share: Option<f64>,
}

/// A standard's rank correlation with intention to stay.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthDriver {
    high: f64,
    key: String,
    low: f64,
    pairs: u64,
    rho: f64,
    title: String,
}

/// A closed round's published results.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthSummary {
    breakdowns: Vec<HealthBreakdown>,
    counts_rounded_to: u32,
    drivers: Vec<HealthDriver>,
    minimum_responses: u32,
    obstacles: Vec<HealthCount>,
    organisation: HealthGroup,
    /// Whether the round has closed; nothing is shown before.
    published: bool,
    reasons: Vec<HealthCount>,
    round: HealthRound,
    statements: Vec<HealthStatement>,
    /// Whether the responses are invented (a synthetic organisation's).
    synthetic: bool,
}

/// A share as the page shows it: to a whole percentage (0.64 for 64%).
fn pct(v: Option<f64>) -> Option<f64> {
    v.map(|v| (v * 100.0).round() / 100.0)
}

fn round(ids: &swforce_app::public_id::PublicIds, r: &swforce_store::Round) -> HealthRound {
    HealthRound {
        closes_on: r.closes_on.clone(),
        closed_at: r.closed_at.clone(),
        id: ids.encode(Kind::Round, r.id),
        opened_at: r.opened_at.clone(),
        published: !r.is_open(),
        title: r.title.clone(),
        version: r.version.clone(),
    }
}

fn group(g: &GroupFigures) -> HealthGroup {
    HealthGroup {
        label: g.label.clone(),
        responses: g.responses,
        shown: g.shown,
        standards: g
            .standards
            .iter()
            .map(|f| HealthStandard {
                agree: pct(f.agree),
                disagree: pct(f.disagree),
                england: pct(f.england),
                key: f.key.clone(),
                number: f.number,
                previous: pct(f.previous),
                region: pct(f.region),
                shown: f.shown,
                title: f.title.clone(),
            })
            .collect(),
        stay: pct(g.stay),
    }
}

fn count(f: &ReasonFigure) -> HealthCount {
    HealthCount {
        count: f.count,
        few: f.few,
        label: f.label.clone(),
        share: pct(f.share),
    }
}

/// A round's published results as the API gives them (and `swforce healthcheck summary
/// --format json` prints them): shares to a whole percentage, groups held back not named.
pub fn document(ids: &swforce_app::public_id::PublicIds, s: &Summary) -> HealthSummary {
    HealthSummary {
        breakdowns: s
            .breakdowns
            .iter()
            .map(|b| HealthBreakdown {
                by: b.by.to_string(),
                groups: b.groups.iter().filter(|g| g.shown).map(group).collect(),
            })
            .collect(),
        counts_rounded_to: 5,
        drivers: s
            .drivers
            .iter()
            .map(|d| HealthDriver {
                high: d.high,
                key: d.key.clone(),
                low: d.low,
                pairs: d.pairs,
                rho: d.rho,
                title: d.title.clone(),
            })
            .collect(),
        minimum_responses: swforce_domain::healthcheck::MIN_RESPONSES,
        obstacles: s.obstacles.iter().map(count).collect(),
        organisation: group(&s.overall),
        published: s.published,
        reasons: s.reasons.iter().map(count).collect(),
        round: round(ids, &s.round),
        statements: s
            .overall
            .statements
            .iter()
            .map(|f| HealthStatement {
                agree: pct(f.agree),
                answered: f.answered,
                disagree: pct(f.disagree),
                key: f.key.clone(),
                neutral: pct(f.neutral),
                shown: f.shown,
                standard: f.standard.clone(),
                text: f.text.clone(),
            })
            .collect(),
        synthetic: s.synthetic,
    }
}

/// The organisation's health check rounds, newest first.
///
/// Needs a token with the scope healthcheck:read, held by someone who may see the results.
#[utoipa::path(
    get,
    path = "/api/v1/healthcheck/rounds",
    operation_id = "listHealthCheckRounds",
    tag = "healthcheck",
    security(("bearerToken" = [])),
    responses(
        (status = 200, description = "The rounds", body = Vec<HealthRound>),
        (status = 401, description = NEEDS_TOKEN, body = ErrorAnswer),
        (status = 403, description = MAY_NOT, body = ErrorAnswer),
    ),
)]
pub async fn rounds(
    State(state): AppState,
    viewer: Viewer,
) -> Result<Json<Vec<HealthRound>>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let ids = super::account::ids(&state)?;
        let rounds = state
            .app
            .health_rounds_for_results(&who, today())
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(rounds.iter().map(|r| round(&ids, r)).collect()))
    })
    .await
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundQuery {
    /// A round's opaque id, as GET /api/v1/healthcheck/rounds lists them; the latest closed
    /// round unless given.
    #[serde(default)]
    round: Option<String>,
}

/// A health check round's published results.
///
/// Needs a token with the scope healthcheck:read. The same figures as the results page, with
/// the same protections: nothing before the round closes, no group or statement of fewer than
/// 5 responses that count, counts to the nearest 5, shares to a whole percentage (as
/// fractions: 0.64). Free text is never given.
#[utoipa::path(
    get,
    path = "/api/v1/healthcheck/summary",
    operation_id = "getHealthCheckSummary",
    tag = "healthcheck",
    security(("bearerToken" = [])),
    params(RoundQuery),
    responses(
        (status = 200, description = "The results", body = HealthSummary),
        (status = 400, description = "Not a round id", body = ErrorAnswer),
        (status = 401, description = NEEDS_TOKEN, body = ErrorAnswer),
        (status = 403, description = MAY_NOT, body = ErrorAnswer),
        (status = 404, description = "No such round in the organisation, or no closed round", body = ErrorAnswer),
    ),
)]
pub async fn results(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<RoundQuery>,
) -> Result<Json<HealthSummary>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let ids = super::account::ids(&state)?;
        let id = match q.round.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(r) => Some(ids.read(Kind::Round, r).map(|x| x.id()).ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "There is a problem",
                    &format!("{r:?} is not a round id"),
                    "Give the id of one of your organisation's rounds, as GET /api/v1/healthcheck/rounds lists them",
                )
            })?),
        };
        let s = state
            .app
            .latest_health_summary(&who, id, today())
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(document(&ids, &s)))
    })
    .await
}
