//! An authority's stored census returns: store one, see its indicators, download it. Only for
//! people of the authority's own organisation with the roles that handle personal data.

use super::census::{indicator_tables, unread};
use super::{PageResult, redirect, render, render_as, run};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::upload::{self, problem};
use crate::view::{CellView, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_domain::access::Permission;
use swforce_store::CensusOutcome;

/// An authority's stored census returns (storing one is routed with the uploads, under their size limit).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/census/returns", get(index))
        .route("/census/returns/{year}", get(show))
        .route("/census/returns/{year}/return.xml", get(export))
}

#[derive(Template)]
#[template(path = "census_returns.html")]
struct ReturnsPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    organisation: String,
    authority: String,
    heading: String,
    returns: Option<TableView>,
    indicators: Option<TableView>,
    breakdowns: Vec<TableView>,
    summary: String,
    year: i32,
    can_export: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    stored: Option<i32>,
    same: Option<i32>,
}

fn authority_name(state: &WebState, who: &Principal) -> String {
    let code = who.org.la_code.clone().unwrap_or_default();
    state
        .app
        .snapshot()
        .ok()
        .and_then(|s| s.find(&code).ok().map(|g| format!("{} ({code})", g.name)))
        .unwrap_or(code)
}

fn list_page(
    state: &WebState,
    who: &Principal,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
) -> Result<ReturnsPage, PageError> {
    let returns = state.app.census_returns_for(who)?;
    let table = (!returns.is_empty()).then(|| TableView {
        caption: "Returns on record".into(),
        head: ["Collection year", "File", "Workers", "Stored (UTC)"]
            .iter()
            .enumerate()
            .map(|(i, h)| CellView {
                numeric: i == 2,
                ..CellView::text(*h)
            })
            .collect(),
        rows: returns
            .iter()
            .map(|r| {
                vec![
                    CellView::link(
                        format!("Year to 30 September {}", r.year),
                        format!("/census/returns/{}", r.year),
                    ),
                    CellView::text(r.file_name.clone()),
                    CellView::number(r.workers.to_string(), r.workers.to_string()),
                    CellView::text(swforce_app::display::when(&r.imported_at)),
                ]
            })
            .collect(),
        download: String::new(),
    });
    Ok(ReturnsPage {
        layout: Layout::new(if problems.is_empty() {
            "Your authority's census returns"
        } else {
            "Error: Your authority's census returns"
        })
        .nav("census"),
        problems,
        banner,
        organisation: who.org.name.clone(),
        authority: authority_name(state, who),
        heading: "Your authority's census returns".into(),
        returns: table,
        indicators: None,
        breakdowns: Vec::new(),
        summary: String::new(),
        year: 0,
        can_export: who.can(Permission::ExportCensus),
    })
}

pub async fn index(State(state): AppState, viewer: Viewer, Query(q): Query<Params>) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let banner = match (q.stored, q.same) {
            (Some(y), _) => Some((
                format!("Return for {y} stored"),
                "Its indicators are below the list.".into(),
            )),
            (_, Some(y)) => Some((
                format!("The return for {y} was already stored"),
                "Nothing changed.".into(),
            )),
            _ => None,
        };
        Ok(render(&list_page(&state, &who, Vec::new(), banner)?)?.into_response())
    })
    .await
}

pub async fn store(
    State(state): AppState,
    viewer: Viewer,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ImportCensus)?;
    let refuse = |state: WebState, who: Principal, status: StatusCode, problems: Vec<Problem>| async move {
        run(move || render_as(status, &list_page(&state, &who, problems, None)?)).await
    };
    let mut form = match form {
        Ok(f) => f,
        Err(e) => {
            return refuse(
                state,
                who,
                StatusCode::BAD_REQUEST,
                problem(
                    format!("The upload could not be read ({})", e.body_text()),
                    "Choose the file again",
                ),
            )
            .await;
        }
    };
    let mut job = None;
    let mut bytes = 0;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            let app = state.app.clone();
            let (w, origin) = (who.clone(), viewer.origin.clone());
            match upload::stream(field, move |name, reader| {
                app.import_census_for(&w, &name, reader, None, &origin)
            })
            .await
            {
                Ok((j, n)) => {
                    job = Some(j);
                    bytes = n;
                }
                Err(u) => {
                    let (status, p) = unread(u);
                    return refuse(state, who, status, p).await;
                }
            }
        }
    }
    let Some(job) = job.filter(|_| bytes > 0) else {
        return refuse(
            state,
            who,
            StatusCode::UNPROCESSABLE_ENTITY,
            problem(
                "Select your authority's census return",
                "Use Choose file to pick the XML file",
            ),
        )
        .await;
    };
    let outcome = job.await.map_err(|e| {
        PageError::internal(
            anyhow::Error::new(e).context("storing a census return"),
            state.request_id(),
        )
    })?;
    match outcome {
        Ok(CensusOutcome::Imported { census, .. }) => {
            Ok(redirect(&format!("/census/returns?stored={}", census.year)).into_response())
        }
        Ok(CensusOutcome::AlreadyImported { census }) => {
            Ok(redirect(&format!("/census/returns?same={}", census.year)).into_response())
        }
        Err(AppError::CensusRefused(r)) => {
            let problems = r
                .findings
                .iter()
                .filter(|f| f.is_error())
                .take(10)
                .map(|f| Problem {
                    text: format!("Line {}: {} {}", f.line, f.path, f.message),
                    fix: f.fix.clone(),
                    target: "file".into(),
                })
                .collect();
            refuse(state, who, StatusCode::UNPROCESSABLE_ENTITY, problems).await
        }
        Err(AppError::Forbidden { problem: p, fix } | AppError::Invalid { problem: p, fix }) => {
            refuse(
                state,
                who,
                StatusCode::UNPROCESSABLE_ENTITY,
                problem(p, fix),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn year_from(text: &str) -> Result<i32, PageError> {
    text.parse().map_err(|_| {
        PageError::not_found(
            format!("There is no return for {text}"),
            "Choose a return from the list",
        )
    })
}

pub async fn show(State(state): AppState, viewer: Viewer, Path(year): Path<String>) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let year = year_from(&year)?;
    run(move || {
        let (c, ind) = state
            .app
            .census_indicators_for(&who, year, &viewer.origin)?;
        let (table, breakdowns) = indicator_tables(&ind);
        let mut page = list_page(&state, &who, Vec::new(), None)?;
        page.layout = Layout::new(&format!("Census return {year}")).nav("census");
        page.heading = format!("Census return: year to 30 September {year}");
        page.summary = format!(
            "{} worker records from {}, stored {}.",
            c.workers,
            c.file_name,
            swforce_app::display::when(&c.imported_at)
        );
        page.indicators = Some(table);
        page.breakdowns = breakdowns;
        page.year = year;
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn export(
    State(state): AppState,
    viewer: Viewer,
    Path(year): Path<String>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let year = year_from(&year)?;
    run(move || {
        let mut out = Vec::new();
        state
            .app
            .export_census_for(&who, year, &mut out, &viewer.origin)?;
        let la = who.org.la_code.clone().unwrap_or_default();
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/xml; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"census-{la}-{year}.xml\""),
                ),
            ],
            out,
        )
            .into_response())
    })
    .await
}
