//! Agency rules: the public page of the rules with a check of a file (nothing stored); a
//! council's register, its form, each engagement's result, the summary and the quarterly return;
//! a regional alliance's view of its councils and its price caps.

use super::ids::{IdRef, Kind, PublicIds};
use super::{Fields, PageResult, render, render_as, run, unprocessable};
use crate::auth::Viewer;
use crate::error::{PageError, Problem, problem_from};
use crate::upload::{self, Unread};
use crate::view::{CellView, Choices, Field, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_app::agency::{AgencySummary, Checked, today};
use swforce_domain::access::Permission;
use swforce_domain::agency::{
    Engagement, JobType, Leaving, Outcome, Pence, Quarter, Rule, SOURCE, Status, in_force,
    transition,
};
use swforce_domain::geography::REGIONS;
use swforce_import::agency::{COLUMNS, read_engagements_csv, write_engagements_csv};

fn money(p: Option<Pence>) -> String {
    p.map(|p| p.to_string()).unwrap_or_else(|| "–".into())
}

fn pounds(p: Pence) -> String {
    let whole = (p.0 as f64 / 100.0).round() as i64;
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}£{out}", if whole < 0 { "-" } else { "" })
}

/// A status as a coloured tag with words (never colour alone).
#[derive(Debug, Clone)]
pub struct Tag {
    pub text: &'static str,
    pub class: &'static str,
}

fn tag(s: Status) -> Tag {
    Tag {
        text: s.label(),
        class: match s {
            Status::Compliant => "sw-tag--green",
            Status::Breach => "sw-tag--red",
            Status::MissingInformation => "sw-tag--yellow",
            Status::NotInScope => "sw-tag--grey",
        },
    }
}

/// One rule's result, as a page shows it.
#[derive(Debug, Clone)]
pub struct FindingView {
    pub id: &'static str,
    pub title: &'static str,
    pub result: &'static str,
    pub class: &'static str,
    pub evidence: String,
}

fn findings(c: &Checked) -> Vec<FindingView> {
    c.assessment
        .findings
        .iter()
        .map(|f| {
            let (result, class, evidence) = match &f.outcome {
                Outcome::Compliant { evidence } => ("Compliant", "sw-tag--green", evidence.clone()),
                Outcome::Breach { evidence } => ("Breach", "sw-tag--red", evidence.clone()),
                Outcome::Missing { fields, evidence } => (
                    "Missing information",
                    "sw-tag--yellow",
                    format!("{evidence} (needs {})", fields.join(", ")),
                ),
                Outcome::NotApplicable { evidence } => {
                    ("Does not apply", "sw-tag--grey", evidence.clone())
                }
            };
            FindingView {
                id: f.rule.id(),
                title: f.rule.title(),
                result,
                class,
                evidence,
            }
        })
        .collect()
}

/// One engagement in a list.
#[derive(Debug, Clone)]
pub struct RowView {
    pub href: String,
    pub reference: String,
    pub swe: String,
    pub agency: String,
    pub job: &'static str,
    pub dates: String,
    pub tag: Tag,
    /// Breaches and missing information, in a line.
    pub why: String,
}

/// A row of results; `ids` links it to its engagement's page (for a kept register).
fn row(c: &Checked, ids: Option<&PublicIds>) -> RowView {
    let e = &c.engagement;
    let why: Vec<String> = c
        .assessment
        .findings
        .iter()
        .filter_map(|f| match &f.outcome {
            Outcome::Breach { .. } => Some(format!("{} {}", f.rule.id(), f.rule.title())),
            Outcome::Missing { fields, .. } => Some(format!("needs {}", fields.join(", "))),
            _ => None,
        })
        .collect();
    RowView {
        href: c
            .id
            .zip(ids)
            .map(|(id, ids)| {
                format!(
                    "/agency/council/engagements/{}",
                    ids.encode(Kind::Engagement, id)
                )
            })
            .unwrap_or_default(),
        reference: e.reference.clone(),
        swe: e.swe.clone(),
        agency: e.agency.clone(),
        job: e.job_type.label(),
        dates: match e.end {
            Some(end) => format!("{} to {end}", e.start),
            None => format!("from {}", e.start),
        },
        tag: tag(c.assessment.status),
        why: why.join("; "),
    }
}

#[derive(Debug, Clone)]
pub struct RuleView {
    pub id: &'static str,
    pub title: &'static str,
    pub statement: &'static str,
}

fn rules() -> Vec<RuleView> {
    Rule::ALL
        .into_iter()
        .map(|r| RuleView {
            id: r.id(),
            title: r.title(),
            statement: r.statement(),
        })
        .collect()
}

fn columns() -> TableView {
    TableView {
        caption: "Columns of an engagements file".into(),
        head: ["Column", "Needed", "What it holds"]
            .iter()
            .map(|h| CellView::text(*h))
            .collect(),
        rows: COLUMNS
            .iter()
            .map(|(name, required, what)| {
                vec![
                    CellView::text(*name),
                    CellView::text(if *required { "Yes" } else { "No" }),
                    CellView::text(*what),
                ]
            })
            .collect(),
        download: String::new(),
    }
}

#[derive(Template)]
#[template(path = "agency.html")]
struct RulesPage {
    layout: Layout,
    problems: Vec<Problem>,
    rules: Vec<RuleView>,
    source: &'static str,
    in_force: String,
    transition: String,
    columns: TableView,
    council: bool,
    region: bool,
}

fn rules_page(problems: Vec<Problem>) -> RulesPage {
    let viewer = crate::auth::current();
    let can = |p| viewer.principal.as_ref().is_some_and(|w| w.can(p));
    RulesPage {
        layout: Layout::new(if problems.is_empty() {
            "Agency rules"
        } else {
            "Error: Agency rules"
        })
        .nav("agency"),
        problems,
        rules: rules(),
        source: SOURCE,
        in_force: in_force().to_string(),
        transition: transition().to_string(),
        columns: columns(),
        council: can(Permission::ManageAgency),
        region: can(Permission::RegionalAgency),
    }
}

pub async fn rules_index() -> PageResult {
    run(move || render(&rules_page(Vec::new()))).await
}

#[derive(Template)]
#[template(path = "agency_check.html")]
struct CheckPage {
    layout: Layout,
    heading: String,
    lede: String,
    file: String,
    counts: Vec<(Tag, usize)>,
    rows: Vec<(RowView, Vec<FindingView>, u64)>,
    warnings: Vec<String>,
    back: (&'static str, &'static str),
}

fn counts(checked: &[Checked]) -> Vec<(Tag, usize)> {
    [
        Status::Compliant,
        Status::Breach,
        Status::MissingInformation,
        Status::NotInScope,
    ]
    .into_iter()
    .map(|s| {
        (
            tag(s),
            checked.iter().filter(|c| c.assessment.status == s).count(),
        )
    })
    .filter(|(_, n)| *n > 0)
    .collect()
}

/// The uploaded file's name and bytes, or the problem to show beside the file field.
async fn upload(
    form: Result<Multipart, MultipartRejection>,
) -> Result<(String, Vec<u8>), (StatusCode, Vec<Problem>)> {
    match upload::file(form).await {
        Err(Unread::TooLarge) => Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            upload::problem(
                "The selected file is too large",
                "An engagements file is a CSV of a few hundred rows: check you chose the right file",
            ),
        )),
        Err(Unread::Broken(detail)) => Err((
            StatusCode::BAD_REQUEST,
            upload::problem(
                format!("The upload could not be read ({detail})"),
                "Choose the file again",
            ),
        )),
        Err(Unread::Missing) => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            upload::problem(
                "Select a CSV file of agency engagements",
                "Use Choose file to pick the file",
            ),
        )),
        Ok((_, bytes)) if bytes.is_empty() => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            upload::problem(
                "The selected file is empty",
                "Choose the CSV file with a header and a row per engagement",
            ),
        )),
        Ok(found) => Ok(found),
    }
}

fn check_rows(checked: &[Checked]) -> Vec<(RowView, Vec<FindingView>, u64)> {
    checked
        .iter()
        .map(|c| (row(c, None), findings(c), c.line.unwrap_or(0)))
        .collect()
}

/// Checks an uploaded file against the rules; nothing is kept.
pub async fn check(
    State(state): AppState,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let found = upload(form).await;
    run(move || {
        let refuse = |status, problems| render_as(status, &rules_page(problems));
        let (name, bytes) = match found {
            Ok(f) => f,
            Err((status, problems)) => return refuse(status, problems),
        };
        match state.app.check_agency_file(&name, bytes.as_slice()) {
            Ok(check) => {
                let page = CheckPage {
                    layout: Layout::new("Agency engagements checked").nav("agency"),
                    heading: "Agency engagements checked".into(),
                    lede: "Nothing from the file has been kept.".into(),
                    file: check.file.clone(),
                    counts: counts(&check.checked),
                    rows: check_rows(&check.checked),
                    warnings: check.warnings.iter().map(|w| w.problem.clone()).collect(),
                    back: ("/agency", "Check another file"),
                };
                Ok(render(&page)?.into_response())
            }
            Err(AppError::Refused(r)) => refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                r.errors().take(10).map(problem_from).collect(),
            ),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct QuarterParams {
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    imported: Option<String>,
}

fn quarter_of(text: &str) -> Result<Quarter, PageError> {
    if text.trim().is_empty() {
        return Ok(Quarter::of(today()));
    }
    Quarter::parse(text).ok_or_else(|| {
        PageError::new(
            StatusCode::BAD_REQUEST,
            "There is a problem",
            format!("{text:?} is not a quarter"),
            "Write a quarter like 2025Q1 (January to March 2025)",
        )
    })
}

/// Quarters to choose from: the last eight.
fn quarter_choices(selected: Quarter) -> Choices {
    let mut q = Quarter::of(today());
    let mut c = Choices::new("quarter", "Quarter", "select");
    for _ in 0..8 {
        c = c.option(
            &q.to_string(),
            &format!("{q} ({} to {})", q.first_day(), q.last_day()),
            "",
            q == selected,
        );
        let prev = q.first_day().plus_days(-1);
        q = Quarter::of(prev);
    }
    c
}

/// Figures of a summary, as a page shows them.
#[derive(Debug, Clone)]
pub struct SummaryView {
    pub engagements: usize,
    pub compliance: String,
    pub fte: String,
    pub spend: String,
    pub premium: String,
    pub premium_note: String,
    pub statuses: Vec<(Tag, usize)>,
    pub breaches: Option<TableView>,
    pub missing: Option<TableView>,
    pub jobs: Option<TableView>,
}

/// A two-column table of things and how many engagements each; `None` when empty.
fn counts_table(
    caption: String,
    what: &str,
    rows: impl Iterator<Item = (String, usize)>,
) -> Option<TableView> {
    let rows: Vec<Vec<CellView>> = rows
        .map(|(thing, n)| {
            vec![
                CellView::text(thing),
                CellView::number(n.to_string(), n.to_string()),
            ]
        })
        .collect();
    (!rows.is_empty()).then(|| TableView {
        caption,
        head: vec![
            CellView::text(what),
            CellView {
                numeric: true,
                ..CellView::text("Engagements")
            },
        ],
        rows,
        download: String::new(),
    })
}

fn summary_view(s: &AgencySummary) -> SummaryView {
    let statuses = s
        .by_status
        .iter()
        .map(|(status, n)| (tag(*status), *n))
        .collect();
    let breaches = counts_table(
        format!("Breaches by rule, {}", s.quarter),
        "Rule",
        s.breaches_by_rule
            .iter()
            .map(|(r, n)| (format!("{} {}", r.id(), r.title()), *n)),
    );
    let missing = counts_table(
        format!("Information missing, {}", s.quarter),
        "Field",
        s.missing_by_field.iter().map(|(f, n)| (f.clone(), *n)),
    );
    let jobs = (!s.by_job.is_empty()).then(|| TableView {
        caption: format!("By job type, {}", s.quarter),
        head: [
            "Job type",
            "Engagements",
            "FTE",
            "Spend",
            "Mean hourly charge",
            "Price cap",
            "Permanent cost an hour",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: i > 0,
            ..CellView::text(*h)
        })
        .collect(),
        rows: s
            .by_job
            .iter()
            .map(|j| {
                vec![
                    CellView::text(j.job.label()),
                    CellView::number(j.active.to_string(), j.active.to_string()),
                    CellView::number(format!("{:.1}", j.fte), format!("{:.2}", j.fte)),
                    CellView::number(pounds(j.spend), j.spend.0.to_string()),
                    CellView::number(
                        money(j.mean_charge),
                        j.mean_charge.map(|p| p.0.to_string()).unwrap_or_default(),
                    ),
                    CellView::number(
                        money(j.cap),
                        j.cap.map(|p| p.0.to_string()).unwrap_or_default(),
                    ),
                    CellView::number(
                        money(j.permanent),
                        j.permanent.map(|p| p.0.to_string()).unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
        download: String::new(),
    });
    SummaryView {
        engagements: s.engagements,
        compliance: s
            .compliance_rate
            .map(|r| format!("{:.0}%", r * 100.0))
            .unwrap_or_else(|| "–".into()),
        fte: format!("{:.1}", s.fte),
        spend: pounds(s.spend),
        premium: s.premium.map(pounds).unwrap_or_else(|| "–".into()),
        premium_note: if s.premium_missing.is_empty() {
            String::new()
        } else {
            format!(
                "Set the permanent cost of {} to count their premium.",
                s.premium_missing
                    .iter()
                    .map(|j| j.label().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        statuses,
        breaches,
        missing,
        jobs,
    }
}

#[derive(Template)]
#[template(path = "agency_council.html")]
struct CouncilPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    organisation: String,
    quarter: String,
    quarters: Choices,
    summary: SummaryView,
    costs: Vec<Field>,
}

fn council_page(
    state: &WebState,
    who: &Principal,
    quarter: Quarter,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
) -> Result<CouncilPage, PageError> {
    let summary = state.app.agency_summary(who, quarter)?;
    let costs = state.app.permanent_costs(who)?;
    Ok(CouncilPage {
        layout: Layout::new(if problems.is_empty() {
            "Your council's agency workers"
        } else {
            "Error: Your council's agency workers"
        })
        .nav("agency"),
        banner,
        organisation: who.org.name.clone(),
        quarter: quarter.to_string(),
        quarters: quarter_choices(quarter),
        summary: summary_view(&summary),
        costs: JobType::ALL
            .into_iter()
            .map(|j| {
                Field::new(&format!("cost-{}", j.id()), j.label())
                    .value(
                        &costs
                            .iter()
                            .find(|(k, _)| *k == j)
                            .map(|(_, p)| format!("{:.2}", p.pounds()))
                            .unwrap_or_default(),
                    )
                    .width("10")
                    .error_from(&problems)
            })
            .collect(),
        problems,
    })
}

pub async fn council(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<QuarterParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let quarter = quarter_of(&q.quarter)?;
    run(move || {
        let banner = match (&q.saved, &q.imported) {
            (Some(_), _) => Some(("Permanent costs saved".to_string(), String::new())),
            (_, Some(what)) => Some(("Engagements imported".to_string(), what.clone())),
            _ => None,
        };
        Ok(render(&council_page(&state, &who, quarter, Vec::new(), banner)?)?.into_response())
    })
    .await
}

pub async fn save_costs(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        for job in JobType::ALL {
            let id = format!("cost-{}", job.id());
            match state
                .app
                .set_permanent_cost(&who, job.id(), &form.get(&id), &viewer.origin)
            {
                Ok(()) => {}
                Err(AppError::Invalid { problem, fix }) => {
                    let problems = vec![Problem {
                        text: format!("{}: {problem}", job.label()),
                        fix,
                        target: id,
                    }];
                    let page = council_page(&state, &who, Quarter::of(today()), problems, None)?;
                    return unprocessable(&page);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(super::redirect("/agency/council?saved=1#costs").into_response())
    })
    .await
}

/// Imports a file into the council's register: all or nothing.
pub async fn import(
    State(state): AppState,
    viewer: Viewer,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ManageAgency)?;
    let found = upload(form).await;
    run(move || {
        let refuse = |status: StatusCode, problems: Vec<Problem>| -> Result<Response, PageError> {
            let page = council_page(&state, &who, Quarter::of(today()), problems, None)?;
            render_as(status, &page)
        };
        let (name, bytes) = match found {
            Ok(f) => f,
            Err((status, problems)) => return refuse(status, problems),
        };
        match state
            .app
            .import_agency_for(&who, &name, bytes.as_slice(), &viewer.origin)
        {
            Ok((outcome, _)) => {
                let what = format!(
                    "{name}: {} added, {} updated, {} unchanged.",
                    outcome.added, outcome.updated, outcome.unchanged
                );
                Ok(super::redirect(&format!(
                    "/agency/council?imported={}",
                    crate::error::form_urlencoded_component(&what)
                ))
                .into_response())
            }
            Err(AppError::Refused(r)) => refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                r.errors().take(10).map(problem_from).collect(),
            ),
            Err(AppError::Invalid { problem, fix } | AppError::Forbidden { problem, fix }) => {
                refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    vec![Problem {
                        text: problem,
                        fix,
                        target: "file".into(),
                    }],
                )
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

pub async fn quarterly_return(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<QuarterParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let quarter = quarter_of(&q.quarter)?;
    run(
        move || match state.app.agency_return(&who, quarter, &viewer.origin) {
            Ok(csv) => Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!(
                            "attachment; filename=\"agency-return-{}-{quarter}.csv\"",
                            who.org.la_code.clone().unwrap_or_default()
                        ),
                    ),
                ],
                csv,
            )
                .into_response()),
            Err(AppError::Refused(r)) => {
                let problems = r
                    .errors()
                    .take(20)
                    .map(|d| Problem {
                        text: d.problem.clone(),
                        fix: d.fix.clone(),
                        target: String::new(),
                    })
                    .collect();
                let page = council_page(&state, &who, quarter, problems, None)?;
                unprocessable(&page)
            }
            Err(e) => Err(e.into()),
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "agency_register.html")]
struct RegisterPage {
    layout: Layout,
    organisation: String,
    counts: Vec<(Tag, usize)>,
    rows: Vec<RowView>,
}

pub async fn register(State(state): AppState, viewer: Viewer) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let checked = state.app.agency_register(&who, &viewer.origin)?;
        let page = RegisterPage {
            layout: Layout::new("Agency engagements").nav("agency"),
            organisation: who.org.name.clone(),
            counts: counts(&checked),
            rows: {
                let ids = super::ids::all(&state)?;
                checked.iter().map(|c| row(c, Some(&ids))).collect()
            },
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

fn engagement_id(state: &WebState, text: &str) -> Result<IdRef, PageError> {
    super::ids::read(state, Kind::Engagement, text, "engagement")
}

#[derive(Template)]
#[template(path = "agency_engagement.html")]
struct EngagementPage {
    layout: Layout,
    row: RowView,
    /// The engagement's opaque id.
    id: String,
    judged_at: String,
    legacy: bool,
    findings: Vec<FindingView>,
    details: Vec<(&'static str, String)>,
}

fn details(e: &Engagement) -> Vec<(&'static str, String)> {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "Not recorded".into());
    let yes_no = |b: Option<bool>| opt(b.map(|b| if b { "Yes" } else { "No" }.to_string()));
    vec![
        ("Hours a week", opt(e.hours_per_week.map(|h| h.to_string()))),
        ("Pay", money(e.charge.pay)),
        ("Employer National Insurance", money(e.charge.employer_ni)),
        ("Apprenticeship levy", money(e.charge.apprenticeship_levy)),
        ("Agency margin", money(e.charge.agency_margin)),
        ("Hourly charge", money(e.charge.total())),
        ("Qualified on", opt(e.qualified.map(|d| d.to_string()))),
        (
            "Post-qualifying experience in child and family social work",
            opt(e.pqe_years.map(|y| format!("{y} years"))),
        ),
        (
            "Previous substantive employer",
            opt(e.previous_employer.clone()),
        ),
        ("Its council code", opt(e.previous_la_code.clone())),
        ("Its region", opt(e.previous_region.clone())),
        ("Left on", opt(e.left_on.map(|d| d.to_string()))),
        (
            "How they left",
            opt(e.leaving.map(|l| l.label().to_string())),
        ),
        (
            "Practice-based reference received",
            yes_no(e.practice_reference),
        ),
        (
            "Notice period",
            opt(e.notice_weeks.map(|w| format!("{w} weeks"))),
        ),
        (
            "Council's notice for the equivalent role",
            opt(e.council_notice_weeks.map(|w| format!("{w} weeks"))),
        ),
        ("Project team", opt(e.project_team.clone())),
        (
            "Above-cap sign-off: director of children's services",
            opt(e.dcs_signoff.map(|d| d.to_string())),
        ),
        (
            "Above-cap sign-off: chief executive",
            opt(e.ceo_signoff.map(|d| d.to_string())),
        ),
    ]
}

pub async fn engagement(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let found = engagement_id(&state, &id)?;
    run(move || {
        let c = state
            .app
            .agency_engagement(&who, found.id(), &viewer.origin)?;
        if let Some(moved) = super::ids::moved(&state, &viewer.path, found, Kind::Engagement)? {
            return Ok(moved);
        }
        let ids = super::ids::all(&state)?;
        let page = EngagementPage {
            layout: Layout::new(&format!("Engagement {}", c.engagement.reference)).nav("agency"),
            row: row(&c, Some(&ids)),
            id: ids.encode(Kind::Engagement, found.id()),
            judged_at: c.assessment.judged_at.to_string(),
            legacy: c.engagement.legacy(),
            findings: findings(&c),
            details: details(&c.engagement),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn delete(State(state): AppState, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let id = engagement_id(&state, &id)?.id();
    run(move || {
        state.app.delete_engagement(&who, id, &viewer.origin)?;
        Ok(super::redirect("/agency/council/engagements").into_response())
    })
    .await
}

/// One input of the form: a text field or a choice.
type Input = (Option<Field>, Option<Choices>);

#[derive(Template)]
#[template(path = "agency_form.html")]
struct FormPage {
    layout: Layout,
    problems: Vec<Problem>,
    organisation: String,
    /// Each group's legend and its inputs in column order (a text field or a choice).
    fields: Vec<(&'static str, Vec<Input>)>,
}

/// The form's inputs are the file's columns, so a form and a file are checked the same way.
const GROUPS: &[(&str, &[&str])] = &[
    (
        "The engagement",
        &[
            "reference",
            "swe_number",
            "agency",
            "job_type",
            "start_date",
            "end_date",
            "hours_per_week",
        ],
    ),
    (
        "Hourly charge, broken down",
        &[
            "pay_rate",
            "employer_ni",
            "apprenticeship_levy",
            "agency_margin",
        ],
    ),
    ("Experience", &["qualified_on", "pqe_years"]),
    (
        "Previous substantive post",
        &[
            "previous_employer",
            "previous_la_code",
            "previous_employer_region",
            "left_on",
            "leaving_circumstance",
        ],
    ),
    (
        "References and notice",
        &["practice_reference", "notice_weeks", "council_notice_weeks"],
    ),
    ("Project team", &["project_team"]),
    (
        "Sign-off of a charge above the price cap",
        &["dcs_signoff_on", "ceo_signoff_on"],
    ),
];

/// Inputs that hold a date or a number, shown narrow.
const SHORT: &[&str] = &[
    "start_date",
    "end_date",
    "hours_per_week",
    "pay_rate",
    "employer_ni",
    "apprenticeship_levy",
    "agency_margin",
    "qualified_on",
    "pqe_years",
    "left_on",
    "notice_weeks",
    "council_notice_weeks",
    "dcs_signoff_on",
    "ceo_signoff_on",
];

fn label_of(column: &str) -> &'static str {
    match column {
        "reference" => "Your reference for the engagement",
        "swe_number" => "Social Work England registration number",
        "agency" => "Agency",
        "job_type" => "Job type",
        "start_date" => "Start date",
        "end_date" => "End date (optional)",
        "hours_per_week" => "Hours a week",
        "pay_rate" => "Pay an hour, £",
        "employer_ni" => "Employer National Insurance an hour, £",
        "apprenticeship_levy" => "Apprenticeship levy an hour, £",
        "agency_margin" => "Agency margin an hour, £",
        "qualified_on" => "Date of qualification",
        "pqe_years" => "Years of post-qualifying experience in child and family social work",
        "previous_employer" => "Previous substantive employer",
        "previous_la_code" => "Its council code, if a council (optional)",
        "previous_employer_region" => "Its region",
        "left_on" => "Date they left it",
        "leaving_circumstance" => "How they left",
        "practice_reference" => "Practice-based reference received",
        "notice_weeks" => "Notice period, in weeks",
        "council_notice_weeks" => "Your notice period for the equivalent permanent role, in weeks",
        "project_team" => "Project team (if the worker is in one)",
        "dcs_signoff_on" => "Date the director of children's services signed off",
        "ceo_signoff_on" => "Date the chief executive signed off",
        _ => "",
    }
}

fn hint_of(column: &str) -> &'static str {
    match column {
        "reference" => "Saving with a reference already used changes that engagement",
        "swe_number" => "SW then digits, such as SW123456",
        "start_date" | "end_date" | "qualified_on" | "left_on" | "dcs_signoff_on"
        | "ceo_signoff_on" => "For example, 2025-03-31 or 31/03/2025",
        "previous_employer" => "Write none if they had no substantive post",
        "previous_la_code" => "Its ONS code, such as E06000035",
        _ => "",
    }
}

fn form_page(who: &Principal, values: &Fields, problems: Vec<Problem>) -> FormPage {
    let v = |c: &str| values.get(c);
    let fields = GROUPS
        .iter()
        .map(|(legend, cols)| {
            let mut items: Vec<Input> = Vec::new();
            for c in *cols {
                match *c {
                    "job_type" => {
                        let mut ch = Choices::new(c, label_of(c), "select");
                        for j in JobType::ALL {
                            ch = ch.option(j.id(), j.label(), "", v(c) == j.id());
                        }
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    "leaving_circumstance" => {
                        let mut ch = Choices::new(c, label_of(c), "select").option(
                            "",
                            "Not recorded",
                            "",
                            v(c).is_empty(),
                        );
                        for l in Leaving::ALL {
                            ch = ch.option(l.id(), l.label(), "", v(c) == l.id());
                        }
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    "previous_employer_region" => {
                        let mut ch = Choices::new(c, label_of(c), "select").option(
                            "",
                            "Not recorded",
                            "",
                            v(c).is_empty(),
                        );
                        for (code, name) in REGIONS {
                            ch = ch.option(code, name, "", v(c) == code);
                        }
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    "practice_reference" => {
                        let ch = Choices::new(c, label_of(c), "select")
                            .option("", "Not recorded", "", v(c).is_empty())
                            .option("yes", "Yes", "", v(c) == "yes")
                            .option("no", "No, other references only", "", v(c) == "no");
                        items.push((None, Some(ch.error_from(&problems))));
                    }
                    _ => items.push((
                        Some(
                            Field::new(c, label_of(c))
                                .hint(hint_of(c))
                                .value(&v(c))
                                .width(if SHORT.contains(c) { "10" } else { "20" })
                                .error_from(&problems),
                        ),
                        None,
                    )),
                }
            }
            (*legend, items)
        })
        .collect();
    FormPage {
        layout: Layout::new(if problems.is_empty() {
            "Record an agency engagement"
        } else {
            "Error: Record an agency engagement"
        })
        .nav("agency"),
        problems,
        organisation: who.org.name.clone(),
        fields,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FormParams {
    #[serde(default)]
    edit: Option<String>,
}

pub async fn new_engagement(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<FormParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require_read(Permission::ManageAgency)?;
    run(move || {
        let mut values = Fields(Vec::new());
        if let Some(id) = &q.edit {
            let c = state.app.agency_engagement(
                &who,
                engagement_id(&state, id)?.id(),
                &viewer.origin,
            )?;
            let csv = write_engagements_csv(&[c.engagement]);
            let mut reader = csv::Reader::from_reader(csv.as_bytes());
            let head = reader.headers().cloned().unwrap_or_default();
            if let Some(Ok(row)) = reader.records().next() {
                values.0 = head
                    .iter()
                    .zip(row.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect();
            }
        }
        Ok(render(&form_page(&who, &values, Vec::new()))?.into_response())
    })
    .await
}

pub async fn save_engagement(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ManageAgency)?;
    run(move || {
        // One row in the file's own format, checked by the file's own reader.
        let la = who.org.la_code.clone().unwrap_or_default();
        let mut w = csv::Writer::from_writer(Vec::new());
        let names: Vec<&str> = COLUMNS.iter().map(|(n, _, _)| *n).collect();
        let values: Vec<String> = names
            .iter()
            .map(|n| if *n == "la_code" { la.clone() } else { form.get(n).trim().to_string() })
            .collect();
        let written = w
            .write_record(&names)
            .and_then(|()| w.write_record(&values))
            .map_err(|e| e.to_string())
            .and_then(|()| w.into_inner().map_err(|e| e.to_string()));
        let bytes = written.map_err(|e| {
            PageError::internal(anyhow::anyhow!(e).context("writing a form as CSV"), state.request_id())
        })?;
        let refuse = |problems: Vec<Problem>| -> Result<Response, PageError> {
            unprocessable(&form_page(&who, &form, problems))
        };
        let read = match read_engagements_csv("form", bytes.as_slice()) {
            Ok(r) => r,
            Err(r) => {
                return refuse(
                    r.errors()
                        .map(|d| Problem {
                            text: d.problem.clone(),
                            fix: d.fix.clone(),
                            target: d.field.clone().unwrap_or_default(),
                        })
                        .collect(),
                );
            }
        };
        let Some((_, engagement)) = read.engagements.into_iter().next() else {
            return refuse(vec![Problem {
                text: "Enter the engagement's details".into(),
                fix: "Fill in at least the reference, registration number, agency, job type and start date".into(),
                target: "reference".into(),
            }]);
        };
        match state.app.save_engagement(&who, engagement, &viewer.origin) {
            Ok(s) => Ok(super::redirect(&format!(
                "/agency/council/engagements/{}",
                super::ids::public(&state, Kind::Engagement, s.id)?
            ))
            .into_response()),
            Err(AppError::Invalid { problem, fix }) => refuse(vec![Problem {
                text: problem,
                fix,
                target: "reference".into(),
            }]),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "agency_region.html")]
struct RegionPage {
    layout: Layout,
    problems: Vec<Problem>,
    organisation: String,
    region: String,
    quarter: String,
    quarters: Choices,
    total: SummaryView,
    councils: Option<TableView>,
    caps: Vec<(String, String, String, String, String, String)>,
    cap_job: Choices,
    cap_from: Field,
    cap_hourly: Field,
}

fn region_page(
    state: &WebState,
    who: &Principal,
    quarter: Quarter,
    form: &Fields,
    problems: Vec<Problem>,
) -> Result<RegionPage, PageError> {
    let r = state.app.regional_agency(who, quarter)?;
    let caps = state.app.price_caps_of(&r.region)?;
    let councils = (!r.councils.is_empty()).then(|| TableView {
        caption: format!("Councils of {} on swforce, {quarter}", r.region_name),
        head: [
            "Council",
            "Engagements",
            "Compliance",
            "Breaches",
            "FTE",
            "Spend",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: i > 0,
            ..CellView::text(*h)
        })
        .collect(),
        rows: r
            .councils
            .iter()
            .map(|c| {
                let s = &c.summary;
                let breaches: usize = s
                    .by_status
                    .iter()
                    .filter(|(st, _)| *st == Status::Breach)
                    .map(|(_, n)| n)
                    .sum();
                vec![
                    CellView::text(c.org.name.clone()),
                    CellView::number(s.engagements.to_string(), s.engagements.to_string()),
                    CellView::number(
                        s.compliance_rate
                            .map(|v| format!("{:.0}%", v * 100.0))
                            .unwrap_or_else(|| "–".into()),
                        s.compliance_rate
                            .map(|v| format!("{v:.4}"))
                            .unwrap_or_default(),
                    ),
                    CellView::number(breaches.to_string(), breaches.to_string()),
                    CellView::number(format!("{:.1}", s.fte), format!("{:.2}", s.fte)),
                    CellView::number(pounds(s.spend), s.spend.0.to_string()),
                ]
            })
            .collect(),
        download: String::new(),
    });
    let mut cap_job = Choices::new("cap_job", "Job type", "select");
    for j in JobType::ALL {
        cap_job = cap_job.option(j.id(), j.label(), "", form.get("cap_job") == j.id());
    }
    Ok(RegionPage {
        layout: Layout::new(if problems.is_empty() {
            "Your region's agency workers"
        } else {
            "Error: Your region's agency workers"
        })
        .nav("agency"),
        organisation: who.org.name.clone(),
        region: r.region_name.clone(),
        quarter: quarter.to_string(),
        quarters: quarter_choices(quarter),
        total: summary_view(&r.total),
        councils,
        caps: caps
            .iter()
            .map(|c| {
                (
                    c.cap.job_type.label().to_string(),
                    c.cap.job_type.id().to_string(),
                    c.cap.from.to_string(),
                    c.cap.hourly.to_string(),
                    c.set_by.clone(),
                    c.set_at.replace('T', " ").replace('Z', ""),
                )
            })
            .collect(),
        cap_job: cap_job.error_from(&problems),
        cap_from: Field::new("cap_from", "Applies from")
            .hint("For example, 2025-04-01")
            .value(&form.get("cap_from"))
            .width("10")
            .error_from(&problems),
        cap_hourly: Field::new("cap_hourly", "Most a council pays an hour, £")
            .hint("The whole charge: pay, National Insurance, levy and agency margin")
            .value(&form.get("cap_hourly"))
            .width("10")
            .error_from(&problems),
        problems,
    })
}

pub async fn region(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<QuarterParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let quarter = quarter_of(&q.quarter)?;
    run(move || {
        Ok(render(&region_page(
            &state,
            &who,
            quarter,
            &Fields(Vec::new()),
            Vec::new(),
        )?)?
        .into_response())
    })
    .await
}

pub async fn set_cap(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        match state.app.set_price_cap(
            &who,
            &form.get("cap_job"),
            &form.get("cap_from"),
            &form.get("cap_hourly"),
            &viewer.origin,
        ) {
            Ok(_) => Ok(super::redirect("/agency/region#caps").into_response()),
            Err(AppError::Invalid { problem, fix }) => {
                let target = if problem.contains("date") {
                    "cap_from"
                } else if problem.contains("job type") {
                    "cap_job"
                } else {
                    "cap_hourly"
                };
                let problems = vec![Problem {
                    text: problem,
                    fix,
                    target: target.into(),
                }];
                let page = region_page(&state, &who, Quarter::of(today()), &form, problems)?;
                unprocessable(&page)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

pub async fn delete_cap(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        state
            .app
            .delete_price_cap(&who, &form.get("job"), &form.get("from"), &viewer.origin)?;
        Ok(super::redirect("/agency/region#caps").into_response())
    })
    .await
}
