//! The imports page: every file on record with its provenance, and an upload form.

use super::{PageResult, redirect, render, render_as, run};
use crate::auth::Viewer;
use crate::error::{PageError, Problem, problem_from};
use crate::upload::{self, Unread};
use crate::view::{CellView, Layout, TableView};
use crate::{AppState, MAX_UPLOAD_BYTES, WebState};
use askama::Template;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;
use swforce_app::AppError;
use swforce_domain::access::Permission;
use swforce_import::Diagnostic;
use swforce_store::ImportOutcome;

/// The imports page (an upload is routed with the other uploads, under their size limit).
pub fn routes() -> Router<WebState> {
    Router::new().route("/imports", get(index))
}

#[derive(Debug, Deserialize)]
pub struct Params {
    imported: Option<i64>,
    already: Option<i64>,
}

#[derive(Template)]
#[template(path = "imports.html")]
pub struct ImportsPage {
    pub layout: Layout,
    pub problems: Vec<Problem>,
    pub diagnostics: Vec<Diagnostic>,
    pub banner: Option<(String, String)>,
    pub table: TableView,
    pub read_only: bool,
    pub max_mb: usize,
    /// Whether the viewer may import; else the page says who may.
    pub can_import: bool,
    pub signed_in: bool,
}

fn page(
    state: &WebState,
    params: &Params,
    problems: Vec<Problem>,
    diagnostics: Vec<Diagnostic>,
) -> Result<ImportsPage, PageError> {
    let snap = state.app.snapshot()?;
    let imports = snap.imports();
    let banner = params
        .imported
        .or(params.already)
        .and_then(|id| imports.iter().find(|i| i.id == id))
        .map(|i| {
            let p = &i.provenance;
            if params.already.is_some() {
                (
                    "This file was already imported".to_string(),
                    format!(
                        "{} was imported on {}; nothing changed.",
                        p.file_name,
                        swforce_app::display::when(&p.imported_at)
                    ),
                )
            } else {
                (
                    format!("{} imported", p.file_name),
                    format!(
                        "{}: {} rows, {} to {}.",
                        p.release, p.rows, p.first_year, p.last_year
                    ),
                )
            }
        });
    let head = [
        "File",
        "Release",
        "Rows",
        "Warnings",
        "Imported (UTC)",
        "SHA-256",
    ]
    .iter()
    .enumerate()
    .map(|(i, h)| CellView {
        numeric: i == 2 || i == 3,
        ..CellView::text(*h)
    })
    .collect();
    let rows = imports
        .iter()
        .map(|i| {
            let p = &i.provenance;
            vec![
                CellView::text(p.file_name.clone()),
                CellView::text(format!("{} ({})", p.release, p.publisher)),
                CellView::number(
                    swforce_app::display::grouped(p.rows as f64, 0),
                    p.rows.to_string(),
                ),
                CellView::number(p.warnings.len().to_string(), p.warnings.len().to_string()),
                CellView::text(swforce_app::display::when(&p.imported_at)),
                CellView {
                    text: format!("{}…", &p.sha256[..p.sha256.len().min(12)]),
                    raw: p.sha256.clone(),
                    ..CellView::text("")
                },
            ]
        })
        .collect();
    Ok(ImportsPage {
        layout: Layout::new(if problems.is_empty() {
            "Imports"
        } else {
            "Error: Imports"
        })
        .nav("imports"),
        problems,
        diagnostics,
        banner,
        table: TableView {
            caption: "Files imported".into(),
            head,
            rows,
            download: String::new(),
        },
        read_only: state.options.read_only,
        max_mb: MAX_UPLOAD_BYTES / (1024 * 1024),
        can_import: crate::auth::current().can(Permission::ImportStatistics),
        signed_in: crate::auth::current().principal.is_some(),
    })
}

pub async fn index(State(state): AppState, Query(params): Query<Params>) -> PageResult {
    run(move || Ok(render(&page(&state, &params, Vec::new(), Vec::new())?)?.into_response())).await
}

fn form_error(
    state: &WebState,
    status: StatusCode,
    problems: Vec<Problem>,
    diagnostics: Vec<Diagnostic>,
) -> PageResult {
    let p = Params {
        imported: None,
        already: None,
    };
    render_as(status, &page(state, &p, problems, diagnostics)?)
}

/// Why an upload was not imported, beside the file field.
fn unread(u: Unread) -> (StatusCode, Vec<Problem>) {
    match u {
        Unread::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            upload::problem(
                format!(
                    "The selected file is larger than {} MB",
                    MAX_UPLOAD_BYTES / (1024 * 1024)
                ),
                "Published statistics files are under 1 MB: check you chose the right file",
            ),
        ),
        Unread::Stalled => upload::stalled(),
        Unread::Broken(detail) => (
            StatusCode::BAD_REQUEST,
            upload::problem(
                format!("The upload could not be read ({detail})"),
                "Choose the file again and select Import",
            ),
        ),
        Unread::Missing => (
            StatusCode::BAD_REQUEST,
            upload::problem(
                "Select a CSV file to import",
                "Use Choose file to pick the file you downloaded",
            ),
        ),
    }
}

pub async fn create(
    State(state): AppState,
    viewer: Viewer,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ImportStatistics)?;
    let file = upload::file(form).await;
    run(move || {
        let (name, bytes) = match file {
            Err(u) => {
                let (status, problems) = unread(u);
                return form_error(&state, status, problems, Vec::new());
            }
            Ok((_, bytes)) if bytes.is_empty() => {
                let problems = upload::problem(
                    "The selected file is empty",
                    "Choose the CSV file downloaded from Explore Education Statistics",
                );
                return form_error(
                    &state,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    problems,
                    Vec::new(),
                );
            }
            Ok(f) => f,
        };
        match state
            .app
            .import_file_as(&who, &name, bytes.as_slice(), &viewer.origin)
        {
            Ok(report) => {
                let id = match &report.outcome {
                    ImportOutcome::Imported { import, .. } => format!("imported={}", import.id),
                    ImportOutcome::AlreadyImported { import } => format!("already={}", import.id),
                };
                Ok(redirect(&format!("/imports?{id}")).into_response())
            }
            Err(AppError::Refused(r)) => {
                let problems = r.errors().take(10).map(problem_from).collect();
                form_error(
                    &state,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    problems,
                    r.diagnostics,
                )
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}
