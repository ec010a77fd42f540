//! A council's agency page: its summary for a quarter, its permanent costs, an import of its
//! register and the quarterly return.

use super::engagements_file;
use super::returns::{ReturnView, return_view};
use super::summary::{QuarterParams, SummaryView, quarter_choices, quarter_of, summary_view};
use crate::auth::Viewer;
use crate::error::{PageError, Problem, problem_from};
use crate::pages::{
    Fields, PageResult, csv_response, redirect, render, render_as, run, unprocessable,
};
use crate::upload;
use crate::view::{Choices, Field, Layout};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_app::agency::{ReturnPart, today};
use swforce_domain::access::Permission;
use swforce_domain::agency::{JobType, Quarter};

#[derive(Template)]
#[template(path = "agency_council.html")]
struct CouncilPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    organisation: String,
    quarter: Quarter,
    quarters: Choices,
    summary: SummaryView,
    report: ReturnView,
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
    let report = state.app.council_return(who, quarter)?;
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
        quarter,
        quarters: quarter_choices(quarter),
        summary: summary_view(&summary),
        report: return_view(&report),
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

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<QuarterParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let quarter = quarter_of(&q.quarter)?;
    run(move || {
        let number = |v: &Option<String>| v.as_deref().and_then(|t| t.parse::<usize>().ok());
        let imported = number(&q.imported).map(|added| {
            let ignored = number(&q.ignored).unwrap_or(0);
            format!(
                "{added} added, {} updated, {} unchanged.{}",
                number(&q.updated).unwrap_or(0),
                number(&q.unchanged).unwrap_or(0),
                match ignored {
                    0 => String::new(),
                    1 => " 1 column of the file was not read: check its heading against the columns on the rules page.".into(),
                    n => format!(" {n} columns of the file were not read: check their headings against the columns on the rules page."),
                }
            )
        });
        let banner = match (&q.saved, &imported, &q.noted) {
            (Some(_), _, _) => Some(("Permanent costs saved".to_string(), String::new())),
            (_, Some(what), _) => Some(("Engagements imported".to_string(), what.clone())),
            (_, _, Some(_)) => Some((
                format!("Return notes for {} saved", quarter.words()),
                "They are in the council part of the return below.".to_string(),
            )),
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
        let quarter = quarter_of(&form.get("quarter")).unwrap_or_else(|_| Quarter::of(today()));
        Ok(redirect(&format!(
            "/agency/council?quarter={quarter}&saved=1#success"
        ))
        .into_response())
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
    let found = engagements_file(form).await;
    run(move || {
        let refuse = |status: StatusCode, problems: Vec<Problem>| -> PageResult {
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
            Ok((outcome, check)) => Ok(redirect(&format!(
                "/agency/council?imported={}&updated={}&unchanged={}&ignored={}",
                outcome.added,
                outcome.updated,
                outcome.unchanged,
                check
                    .warnings
                    .iter()
                    .filter(|w| w.problem.contains("column"))
                    .count()
            ))
            .into_response()),
            Err(AppError::Refused(r)) => refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                r.errors().take(10).map(problem_from).collect(),
            ),
            Err(AppError::Invalid { problem, fix } | AppError::Forbidden { problem, fix }) => {
                refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    upload::problem(problem, fix),
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
    let part = match q.part.as_deref().unwrap_or("assignments") {
        "council" => ReturnPart::Council,
        _ => ReturnPart::Assignments,
    };
    run(
        move || match state.app.agency_return(&who, quarter, part, &viewer.origin) {
            Ok(csv) => {
                let la = who.org.la_code.as_deref().unwrap_or_default();
                Ok(csv_response(
                    &format!("agency-return-{la}-{quarter}-{}.csv", part.id()),
                    csv,
                ))
            }
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
