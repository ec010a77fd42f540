//! The imports page: every file on record with its provenance, and an upload form.

use super::render;
use crate::error::{PageError, Problem, problem_from};
use crate::view::{CellView, Layout, TableView};
use crate::{AppState, MAX_UPLOAD_BYTES, WebState, blocking};
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use swforce_app::AppError;
use swforce_domain::access::Permission;
use swforce_import::Diagnostic;

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
    let snap = state
        .app
        .snapshot()
        .map_err(|e| PageError::from_app(e, state.request_id()))?;
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
                        p.file_name, p.imported_at
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
                CellView::number(p.rows.to_string(), p.rows.to_string()),
                CellView::number(p.warnings.len().to_string(), p.warnings.len().to_string()),
                CellView::text(p.imported_at.clone()),
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

pub async fn index(
    State(state): AppState,
    Query(params): Query<Params>,
) -> Result<Response, PageError> {
    blocking(move || {
        Ok(render(&page(&state, &params, Vec::new(), Vec::new())?, || {
            state.request_id()
        })?
        .into_response())
    })
    .await?
}

/// Refuses a form posted from another site: until sign-in arrives, the browser's own
/// `Sec-Fetch-Site` and `Origin` headers are what stops a cross-site form from importing.
pub fn same_origin(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return false;
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin.split("://").nth(1).is_some_and(|o| o == host),
        _ => true,
    }
}

fn form_error(
    state: &WebState,
    status: StatusCode,
    problems: Vec<Problem>,
    diagnostics: Vec<Diagnostic>,
) -> Result<Response, PageError> {
    let p = Params {
        imported: None,
        already: None,
    };
    Ok((
        status,
        render(&page(state, &p, problems, diagnostics)?, || {
            state.request_id()
        })?,
    )
        .into_response())
}

fn problem(text: &str, fix: &str) -> Vec<Problem> {
    vec![Problem {
        text: text.into(),
        fix: fix.into(),
        target: "file".into(),
    }]
}

fn too_large() -> Vec<Problem> {
    problem(
        &format!(
            "The selected file is larger than {} MB",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
        "Published statistics files are under 1 MB: check you chose the right file",
    )
}

/// Reads the uploaded file from the form: its name and bytes.
pub(crate) async fn read_file(
    mut form: Multipart,
) -> Result<Option<(String, Vec<u8>)>, MultipartError> {
    while let Some(mut field) = form.next_field().await? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload.csv").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await? {
            bytes.extend_from_slice(&chunk);
        }
        return Ok(Some((name, bytes)));
    }
    Ok(None)
}

pub async fn create(
    State(state): AppState,
    viewer: crate::auth::Viewer,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    if state.options.read_only {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "Imports are switched off",
            "This service is read-only",
            "Import files with the swforce command on the server",
        ));
    }
    if !same_origin(&headers) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "There is a problem",
            "The form was sent from another website",
            "Open the imports page on this service and upload the file there",
        ));
    }
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ImportStatistics)
        .map_err(|e| PageError::from_app(e, state.request_id()))?;
    let upload = match form {
        Ok(form) => read_file(form).await,
        Err(e) => {
            let s = state.clone();
            let detail = e.body_text();
            return blocking(move || {
                form_error(
                    &s,
                    StatusCode::BAD_REQUEST,
                    problem(
                        &format!("The upload could not be read ({detail})"),
                        "Choose the file again and select Import",
                    ),
                    Vec::new(),
                )
            })
            .await?;
        }
    };
    let s = state.clone();
    blocking(move || match upload {
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            form_error(&s, StatusCode::PAYLOAD_TOO_LARGE, too_large(), Vec::new())
        }
        Err(e) => form_error(
            &s,
            StatusCode::BAD_REQUEST,
            problem(
                &format!("The upload could not be read ({})", e.body_text()),
                "Choose the file again and select Import",
            ),
            Vec::new(),
        ),
        Ok(None) => form_error(
            &s,
            StatusCode::BAD_REQUEST,
            problem(
                "Select a CSV file to import",
                "Use Choose file to pick the file you downloaded",
            ),
            Vec::new(),
        ),
        Ok(Some((_, bytes))) if bytes.is_empty() => form_error(
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            problem(
                "The selected file is empty",
                "Choose the CSV file downloaded from Explore Education Statistics",
            ),
            Vec::new(),
        ),
        Ok(Some((name, bytes))) => {
            match s
                .app
                .import_file_as(&who, &name, bytes.as_slice(), &viewer.origin)
            {
                Ok(report) => {
                    let id = match &report.outcome {
                        swforce_store::ImportOutcome::Imported { import, .. } => {
                            format!("imported={}", import.id)
                        }
                        swforce_store::ImportOutcome::AlreadyImported { import } => {
                            format!("already={}", import.id)
                        }
                    };
                    Ok(super::redirect(&format!("/imports?{id}")).into_response())
                }
                Err(AppError::Refused(r)) => {
                    let problems = r.errors().take(10).map(problem_from).collect();
                    form_error(
                        &s,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        problems,
                        r.diagnostics,
                    )
                }
                Err(e) => Err(PageError::from_app(e, s.request_id())),
            }
        }
    })
    .await?
}
