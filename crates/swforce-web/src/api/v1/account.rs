//! The signed-in side of the API: who the token acts for, and their organisation's census
//! returns, audit log and agency engagements (its scenarios are in `scenarios`). Each needs a
//! token with the matching scope.

use super::extract::{Path, Query};
use super::schema::{self, shapes, string_enum};
use super::{ErrorAnswer, run};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use swforce_app::public_id::{Kind, PublicIds};
use swforce_domain::access::{OrgKind, Role};
use swforce_domain::agency::{JobType, Status};
use swforce_domain::census::{CensusHeader, LaVacancies};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, Schema};
use utoipa::{IntoParams, ToSchema};

/// An array of strings, each one of `values`.
fn strings(values: Schema) -> ArrayBuilder {
    ArrayBuilder::new().items(RefOr::T(values))
}

fn roles() -> Schema {
    Schema::Array(strings(schema::serde_enum(&Role::ALL)).build())
}

fn scopes() -> Schema {
    Schema::Array(
        strings(string_enum(swforce_app::access::SCOPES.iter().map(|s| s.1)))
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                utoipa::openapi::schema::Type::Array,
                utoipa::openapi::schema::Type::Null,
            ]))
            .description(Some("The token's scopes"))
            .build(),
    )
}

fn org_kind() -> Schema {
    schema::serde_enum(&OrgKind::ALL)
}

// The answers' structs list their fields in alphabetical order, the order the answers have
// always had (they were put together as JSON values, whose keys are sorted).

/// Who a token acts for.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    email: String,
    name: String,
    organisation: OrganisationInfo,
    #[schema(schema_with = roles)]
    roles: Vec<Role>,
    #[schema(required, schema_with = scopes)]
    scopes: Option<Vec<&'static str>>,
    /// The organisation's teams, for /api/v1/diary/summary?team=; null when the token may not
    /// read time diary sums.
    #[schema(required)]
    teams: Option<Vec<TeamInfo>>,
}

/// An organisation: its opaque id, name, kind and local authority code.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationInfo {
    id: String,
    #[schema(schema_with = org_kind)]
    kind: OrgKind,
    /// For an authority or trust: the ONS code of the authority whose census it returns.
    #[schema(required)]
    la_code: Option<String>,
    name: String,
}

/// A team: its opaque id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamInfo {
    id: String,
    name: String,
}

/// The person and organisation the token acts for.
///
/// Any valid token, whatever its scopes.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "getMe",
    tag = "account",
    security(("bearerToken" = [])),
    responses(
        (status = 200, description = "Who the token acts for", body = Me),
        (status = 401, description = "No token, or not a valid one", body = ErrorAnswer),
    ),
)]
pub async fn me(State(state): AppState, viewer: Viewer) -> Result<Json<Me>, ApiError> {
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
                    .map(|t| TeamInfo {
                        id: ids.encode(Kind::Team, t.id),
                        name: t.name.clone(),
                    })
                    .collect::<Vec<_>>()
            })
            .ok();
        Ok(Json(Me {
            email: who.user.email.clone(),
            name: who.user.name.clone(),
            organisation: OrganisationInfo {
                id: ids.encode(Kind::Organisation, who.org.id),
                kind: who.org.kind,
                la_code: who.org.la_code.clone(),
                name: who.org.name.clone(),
            },
            roles: who.user.roles.clone(),
            scopes: who
                .scopes
                .as_ref()
                .map(|s| s.iter().map(|x| x.id()).collect()),
            teams,
        }))
    })
    .await
}

/// The deployment's opaque ids, for the ids in answers.
pub(super) fn ids(state: &crate::WebState) -> Result<std::sync::Arc<PublicIds>, ApiError> {
    state
        .app
        .ids()
        .map_err(|e| ApiError::from_app(e, state.request_id()))
}

/// A record number of `kind` as its opaque id.
pub(super) fn public(ids: &PublicIds, kind: Kind, id: Option<i64>) -> Option<String> {
    id.map(|n| ids.encode(kind, n))
}

/// A census return on record: which authority and year, from which file (no personal data).
#[derive(Debug, Serialize, ToSchema)]
pub struct CensusReturn {
    file_name: String,
    #[serde(serialize_with = "schema::sorted")]
    #[schema(value_type = shapes::CensusHeader)]
    header: CensusHeader,
    /// RFC 3339, UTC.
    imported_at: String,
    /// The authority's ONS code.
    la_code: String,
    sha256: String,
    #[serde(serialize_with = "schema::sorted")]
    #[schema(value_type = shapes::LaVacancies)]
    vacancies: LaVacancies,
    /// Worker records in the return.
    workers: u32,
    /// The collection year (to 30 September).
    year: i32,
}

impl From<swforce_store::CensusReturn> for CensusReturn {
    fn from(c: swforce_store::CensusReturn) -> Self {
        // The record number is left out: no address names a return by it.
        let swforce_store::CensusReturn {
            id: _,
            la_code,
            year,
            file_name,
            sha256,
            workers,
            header,
            vacancies,
            imported_at,
        } = c;
        Self {
            file_name,
            header,
            imported_at,
            la_code,
            sha256,
            vacancies,
            workers,
            year,
        }
    }
}

const NEEDS_TOKEN: &str = "No token, or not a valid one";
const MAY_NOT: &str = "The token may not do this";

/// The authority's stored census returns (no personal data).
///
/// Needs a token with the scope census:read.
#[utoipa::path(
    get,
    path = "/api/v1/census/returns",
    operation_id = "listCensusReturns",
    tag = "account",
    security(("bearerToken" = [])),
    responses(
        (status = 200, description = "Returns, newest first", body = Vec<CensusReturn>),
        (status = 401, description = NEEDS_TOKEN, body = ErrorAnswer),
        (status = 403, description = MAY_NOT, body = ErrorAnswer),
    ),
)]
pub async fn census_returns(
    State(state): AppState,
    viewer: Viewer,
) -> Result<Json<Vec<CensusReturn>>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let list = state
            .app
            .census_returns_for(&who)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        Ok(Json(list.into_iter().map(CensusReturn::from).collect()))
    })
    .await
}

/// A census return and its indicators.
#[derive(Debug, Serialize, ToSchema)]
pub struct CensusIndicators {
    #[serde(serialize_with = "schema::sorted")]
    #[schema(value_type = Vec<shapes::Breakdown>)]
    breakdowns: Vec<swforce_stats::census::Breakdown>,
    census: CensusReturn,
    /// By measure name; null where the return cannot give it.
    indicators: BTreeMap<String, Option<f64>>,
}

/// The indicators of the authority's census return for a year.
///
/// Needs a token with the scope census:read. Not suppressed: for the authority only.
#[utoipa::path(
    get,
    path = "/api/v1/census/returns/{year}/indicators",
    operation_id = "getCensusIndicators",
    tag = "account",
    security(("bearerToken" = [])),
    params(("year" = i32, Path, description = "The collection year (to 30 September)")),
    responses(
        (status = 200, description = "The return and its indicators", body = CensusIndicators),
        (status = 401, description = NEEDS_TOKEN, body = ErrorAnswer),
        (status = 403, description = MAY_NOT, body = ErrorAnswer),
        (status = 404, description = "No return for that year", body = ErrorAnswer),
    ),
)]
pub async fn census_indicators(
    State(state): AppState,
    viewer: Viewer,
    Path(year): Path<i32>,
) -> Result<Json<CensusIndicators>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let (c, ind) = state
            .app
            .census_indicators_for(&who, year, &viewer.origin)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let indicators = ind
            .row
            .cells
            .iter()
            .map(|(k, v)| (k.to_string(), v.value()))
            .collect();
        Ok(Json(CensusIndicators {
            breakdowns: ind.breakdowns,
            census: c.into(),
            indicators,
        }))
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// How many lines at most, from 1 to 100000 (1,000 unless given).
    #[param(minimum = 1, maximum = 100000)]
    limit: Option<u32>,
}

/// The most lines `GET /api/v1/audit` gives at once.
const MAX_AUDIT_LINES: u32 = 100_000;

/// One line of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLine {
    /// `sign_in`, `sign_in_failed`, `export`, `view_personal_data`, `admin`...
    action: String,
    /// Who, in words (an email; "anonymous"; "swforce" for the system).
    actor: String,
    /// RFC 3339, UTC.
    at: String,
    detail: String,
    ip: String,
    #[schema(required)]
    org_id: Option<String>,
    target: String,
    #[schema(required)]
    user_id: Option<String>,
}

impl AuditLine {
    fn new(e: swforce_store::AuditEvent, ids: &PublicIds) -> Self {
        let swforce_store::AuditEvent {
            id: _,
            at,
            org_id,
            user_id,
            actor,
            action,
            target,
            detail,
            ip,
        } = e;
        Self {
            action,
            actor,
            at,
            detail,
            ip,
            org_id: public(ids, Kind::Organisation, org_id),
            target,
            user_id: public(ids, Kind::Person, user_id),
        }
    }
}

/// The organisation's audit log, newest first.
///
/// Needs a token with the scope audit:read.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    operation_id = "listAudit",
    tag = "account",
    security(("bearerToken" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "Audit lines", body = Vec<AuditLine>),
        (status = 400, description = "The limit is not from 1 to 100000", body = ErrorAnswer),
        (status = 401, description = NEEDS_TOKEN, body = ErrorAnswer),
        (status = 403, description = MAY_NOT, body = ErrorAnswer),
    ),
)]
pub async fn audit(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<AuditParams>,
) -> Result<Json<Vec<AuditLine>>, ApiError> {
    let who = viewer.api()?.clone();
    let limit = match q.limit {
        None => 1000,
        Some(n) if (1..=MAX_AUDIT_LINES).contains(&n) => n,
        Some(n) => {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "There is a problem",
                &format!("limit {n} is out of range"),
                &format!("Give limit as a whole number from 1 to {MAX_AUDIT_LINES}"),
            ));
        }
    };
    run(move || {
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
        Ok(Json(
            lines.into_iter().map(|l| AuditLine::new(l, &ids)).collect(),
        ))
    })
    .await
}

fn status() -> Schema {
    schema::string_enum(
        [
            Status::Compliant,
            Status::Breach,
            Status::MissingInformation,
            Status::NotInScope,
        ]
        .iter()
        .map(|s| s.id()),
    )
}

/// An engagement on the council's register with its result by rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct EngagementInfo {
    #[serde(serialize_with = "schema::sorted")]
    #[schema(value_type = shapes::Engagement)]
    engagement: swforce_domain::agency::Engagement,
    #[serde(serialize_with = "schema::sorted")]
    #[schema(value_type = Vec<shapes::Finding>)]
    findings: Vec<swforce_domain::agency::Finding>,
    /// Its opaque id.
    #[schema(required)]
    id: Option<String>,
    /// The date the rules were applied at.
    #[schema(schema_with = schema::date)]
    judged_at: swforce_domain::Date,
    #[schema(schema_with = status)]
    status: Status,
}

/// The council's agency engagements, each with its result by rule.
///
/// Needs a token with the scope agency:read, held by a workforce analyst or organisation admin
/// of a council. Names workers: each call is on the audit log.
#[utoipa::path(
    get,
    path = "/api/v1/agency/engagements",
    operation_id = "listAgencyEngagements",
    tag = "account",
    security(("bearerToken" = [])),
    responses(
        (status = 200, description = "The register", body = Vec<EngagementInfo>),
        (status = 401, description = NEEDS_TOKEN, body = ErrorAnswer),
        (status = 403, description = MAY_NOT, body = ErrorAnswer),
    ),
)]
pub async fn agency_engagements(
    State(state): AppState,
    viewer: Viewer,
) -> Result<Json<Vec<EngagementInfo>>, ApiError> {
    let who = viewer.api()?.clone();
    run(move || {
        let list = state
            .app
            .agency_register(&who, &viewer.origin)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let ids = ids(&state)?;
        Ok(Json(
            list.into_iter()
                .map(|c| EngagementInfo {
                    engagement: c.engagement,
                    findings: c.assessment.findings,
                    id: public(&ids, Kind::Engagement, c.id),
                    judged_at: c.assessment.judged_at,
                    status: c.assessment.status,
                })
                .collect(),
        ))
    })
    .await
}

#[derive(Debug, Default, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuarterQuery {
    /// A calendar quarter such as 2025Q1 (or 2025q1), from 2000Q1 to 2100Q4; the current one
    /// unless given.
    #[serde(default)]
    #[param(pattern = "^[0-9]{4}[Qq][1-4]$")]
    quarter: String,
}

/// A council's agency engagements in a quarter; money in pence, no worker named.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencySummary {
    breaches_by_rule: Vec<RuleCount>,
    by_job_type: Vec<JobTypeLine>,
    by_status: Vec<StatusCount>,
    /// Compliant as a share of those judged (leaving out those not in scope).
    #[schema(required)]
    compliance_rate: Option<f64>,
    /// Engagements running at some time in the quarter.
    engagements: usize,
    /// FTE of the engagements running on the quarter's last day (or today, if sooner).
    fte: f64,
    missing_by_field: Vec<FieldCount>,
    /// Spend above what permanent staff would have cost, where the permanent cost is set.
    #[schema(required)]
    premium_pence: Option<i64>,
    quarter: String,
    spend_pence: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCount {
    engagements: usize,
    #[schema(schema_with = status)]
    status: Status,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleCount {
    engagements: usize,
    #[schema(schema_with = shapes::rule)]
    rule: &'static str,
    title: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldCount {
    engagements: usize,
    /// A CSV column name.
    field: String,
}

fn job_type() -> Schema {
    schema::string_enum(JobType::ALL.iter().map(|j| j.id()))
}

/// One kind of post's engagements, spend and prices.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobTypeLine {
    engagements: usize,
    fte: f64,
    #[schema(schema_with = job_type)]
    job_type: &'static str,
    #[schema(required)]
    mean_hourly_charge_pence: Option<i64>,
    #[schema(required)]
    permanent_hourly_cost_pence: Option<i64>,
    #[schema(required)]
    price_cap_pence: Option<i64>,
    spend_pence: i64,
}

/// The council's agency summary for a quarter.
///
/// Needs a token with the scope agency:read. Compliance, breaches by rule, missing information,
/// FTE, spend and premium over permanent staff (money in pence); no worker is named.
#[utoipa::path(
    get,
    path = "/api/v1/agency/summary",
    operation_id = "getAgencySummary",
    tag = "account",
    security(("bearerToken" = [])),
    params(QuarterQuery),
    responses(
        (status = 200, description = "The summary", body = AgencySummary),
        (status = 400, description = "Not a quarter from 2000Q1 to 2100Q4, written as the pattern says", body = ErrorAnswer),
        (status = 401, description = NEEDS_TOKEN, body = ErrorAnswer),
        (status = 403, description = MAY_NOT, body = ErrorAnswer),
    ),
)]
pub async fn agency_summary(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<QuarterQuery>,
) -> Result<Json<AgencySummary>, ApiError> {
    let who = viewer.api()?.clone();
    let quarter = if q.quarter.is_empty() {
        swforce_domain::agency::Quarter::of(swforce_app::agency::today())
    } else {
        // As the document's pattern has it, ^[0-9]{4}[Qq][1-4]$, then within the years taken.
        let b = q.quarter.as_bytes();
        let written = b.len() == 6
            && b[..4].iter().all(u8::is_ascii_digit)
            && matches!(b[4], b'Q' | b'q')
            && (b'1'..=b'4').contains(&b[5]);
        written
            .then(|| swforce_domain::agency::Quarter::parse(&q.quarter))
            .flatten()
            .ok_or_else(|| {
                ApiError::from_app(
                    swforce_app::AppError::Invalid {
                        problem: format!("{:?} is not a quarter", q.quarter),
                        fix: "Write a quarter from 2000Q1 to 2100Q4, like 2025Q1 (January to March 2025)".into(),
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
        Ok(Json(AgencySummary {
            breaches_by_rule: s
                .breaches_by_rule
                .iter()
                .map(|(r, n)| RuleCount {
                    engagements: *n,
                    rule: r.id(),
                    title: r.title(),
                })
                .collect(),
            by_job_type: s
                .by_job
                .iter()
                .map(|j| JobTypeLine {
                    engagements: j.active,
                    fte: j.fte,
                    job_type: j.job.id(),
                    mean_hourly_charge_pence: j.mean_charge.map(|p| p.0),
                    permanent_hourly_cost_pence: j.permanent.map(|p| p.0),
                    price_cap_pence: j.cap.map(|p| p.0),
                    spend_pence: j.spend.0,
                })
                .collect(),
            by_status: s
                .by_status
                .iter()
                .map(|(st, n)| StatusCount {
                    engagements: *n,
                    status: *st,
                })
                .collect(),
            compliance_rate: s.compliance_rate,
            engagements: s.engagements,
            fte: s.fte,
            missing_by_field: s
                .missing_by_field
                .iter()
                .map(|(f, n)| FieldCount {
                    engagements: *n,
                    field: f.clone(),
                })
                .collect(),
            premium_pence: s.premium.map(|p| p.0),
            quarter: s.quarter.to_string(),
            spend_pence: s.spend.0,
        }))
    })
    .await
}
