//! The public page of the rules, and a check of an engagements file against them (nothing
//! from the file is kept).

use super::{FindingView, RowView, Tag, counts, engagements_file, findings, row};
use crate::AppState;
use crate::error::PageError;
use crate::error::{Problem, problem_from};
use crate::pages::{PageResult, csv_response, render, render_as, run};
use crate::view::{CellView, Layout, TableView};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use swforce_app::AppError;
use swforce_app::agency::{AgencyCheck, Checked};
use swforce_domain::access::{OrgKind, Permission};
use swforce_domain::agency::{Rule, SOURCE, Status, in_force, transition};
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
        in_force: in_force().long(),
        transition: transition().long(),
        columns: columns(),
        council: can(Permission::ManageAgency)
            && viewer
                .principal
                .as_ref()
                .is_some_and(|w| w.org.kind.holds_census()),
        region: can(Permission::RegionalAgency)
            && viewer
                .principal
                .as_ref()
                .is_some_and(|w| w.org.kind == OrgKind::RegionalAlliance),
    }
}

pub async fn index() -> PageResult {
    run(move || render(&rules_page(Vec::new()))).await
}

/// The template to fill in: a comment line per column, then the header.
pub async fn template() -> PageResult {
    Ok(csv_response(
        "agency-engagements-template.csv",
        swforce_import::agency::template_csv(),
    ))
}

/// The example register shipped with swforce.
pub async fn example() -> PageResult {
    Ok(csv_response(
        "agency-engagements-example.csv",
        swforce_import::agency::EXAMPLE.to_string(),
    ))
}

#[derive(Template)]
#[template(path = "agency_check.html")]
struct CheckPage {
    layout: Layout,
    file: String,
    counts: Vec<(Tag, usize)>,
    by_rule: TableView,
    rows: Vec<(RowView, Vec<FindingView>, u64)>,
    breaches: usize,
    warnings: Vec<String>,
    results_csv: String,
}

fn check_rows(checked: &[Checked]) -> Vec<(RowView, Vec<FindingView>, u64)> {
    checked
        .iter()
        .map(|c| (row(c, None), findings(c), c.line.unwrap_or(0)))
        .collect()
}

/// How many engagements have each result for each rule.
fn by_rule_table(check: &AgencyCheck) -> TableView {
    TableView {
        caption: "Results by rule".into(),
        head: [
            "Rule",
            "Compliant",
            "Breach",
            "Missing information",
            "Does not apply",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: i > 0,
            ..CellView::text(*h)
        })
        .collect(),
        rows: check
            .by_rule()
            .into_iter()
            .map(|(rule, n)| {
                std::iter::once(CellView::text(format!("{} {}", rule.id(), rule.title())))
                    .chain(
                        n.iter()
                            .map(|k| CellView::number(k.to_string(), k.to_string())),
                    )
                    .collect()
            })
            .collect(),
        download: String::new(),
    }
}

fn check_page(check: &AgencyCheck) -> CheckPage {
    CheckPage {
        layout: Layout::new("Agency engagements checked").nav("agency"),
        file: check.file.clone(),
        counts: counts(&check.checked),
        by_rule: by_rule_table(check),
        rows: check_rows(&check.checked),
        breaches: check.count(Status::Breach),
        warnings: check
            .warnings
            .iter()
            .map(|w| {
                format!(
                    "{}. {}.",
                    w.problem.trim_end_matches('.'),
                    w.fix.trim_end_matches('.')
                )
            })
            .collect(),
        results_csv: check.results_csv(false),
    }
}

/// The results of a check sent back as a file to keep: the page carries them, since nothing
/// from the checked file is kept.
#[derive(Debug, serde::Deserialize)]
pub struct ResultsForm {
    #[serde(default)]
    file: String,
    #[serde(default)]
    results: String,
}

pub async fn results_csv(Form(form): Form<ResultsForm>) -> PageResult {
    let stem: String = form
        .file
        .trim_end_matches(".csv")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(60)
        .collect();
    let stem = if stem.is_empty() {
        "engagements".into()
    } else {
        stem
    };
    if !form.results.starts_with("line,reference,") {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "There is a problem",
            "These are not the results of a check",
            "Check the file again, then download its results from the results page",
        ));
    }
    Ok(csv_response(&format!("{stem}-results.csv"), form.results))
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
            Ok(check) => Ok(render(&check_page(&check))?.into_response()),
            Err(AppError::Refused(r)) => refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                r.errors().take(10).map(problem_from).collect(),
            ),
            Err(e) => Err(e.into()),
        }
    })
    .await
}
