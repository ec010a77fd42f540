//! The public page of the rules, and a check of an engagements file against them (nothing
//! from the file is kept).

use super::{FindingView, RowView, Tag, counts, engagements_file, findings, row};
use crate::AppState;
use crate::error::{Problem, problem_from};
use crate::pages::{PageResult, render, render_as, run};
use crate::view::{CellView, Layout, TableView};
use askama::Template;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use swforce_app::AppError;
use swforce_app::agency::Checked;
use swforce_domain::access::Permission;
use swforce_domain::agency::{Rule, SOURCE, in_force, transition};
use swforce_import::agency::COLUMNS;

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

pub async fn index() -> PageResult {
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
    let found = engagements_file(form).await;
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
