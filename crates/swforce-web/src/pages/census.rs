//! The census page: upload a return, see every finding and the indicators it gives. Nothing
//! uploaded here is stored: the file streams through the checks and is gone.

use super::{PageResult, csv_response, render, render_as};
use crate::error::{PageError, Problem};
use crate::upload::{self, Unread};
use crate::view::{CellView, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use swforce_app::census::CensusCheck;
use swforce_app::display;
use swforce_app::{App, AppError};
use swforce_domain::{Cell, Dataset, Measure};
use swforce_import::census::rules::RULES;

/// The census page and its schema (a check of a return is routed with the uploads, under their size limit).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/census", get(show))
        .route("/census/schema.xsd", get(schema))
}

/// Largest return accepted: an England-sized return is about 25 MB per 40,000 workers.
pub const MAX_RETURN_BYTES: usize = 1024 * 1024 * 1024;

/// Findings shown on the page; the CSV has every one kept.
const SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "census.html")]
pub struct CensusPage {
    pub layout: Layout,
    pub problems: Vec<Problem>,
    pub rules: Vec<(String, String, String)>,
    pub result: bool,
    pub file: String,
    pub summary: String,
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    pub findings: Option<TableView>,
    pub more: usize,
    pub indicators: Option<TableView>,
    pub breakdowns: Vec<TableView>,
    pub year: String,
    /// Whether the viewer may store their authority's return.
    pub can_store: bool,
}

fn rules() -> Vec<(String, String, String)> {
    RULES
        .iter()
        .map(|(id, sev, text)| (id.to_string(), sev.to_string(), text.to_string()))
        .collect()
}

fn blank(problems: Vec<Problem>, year: String) -> CensusPage {
    CensusPage {
        layout: Layout::new(if problems.is_empty() {
            "Check a census return"
        } else {
            "Error: Check a census return"
        })
        .nav("census"),
        problems,
        rules: rules(),
        result: false,
        file: String::new(),
        summary: String::new(),
        valid: false,
        errors: 0,
        warnings: 0,
        findings: None,
        more: 0,
        indicators: None,
        breakdowns: Vec::new(),
        year,
        can_store: crate::auth::current().principal.is_some_and(|p| {
            p.can(swforce_domain::access::Permission::ImportCensus) && p.org.la_code.is_some()
        }),
    }
}

pub async fn show() -> PageResult {
    Ok(render(&blank(Vec::new(), String::new()))?.into_response())
}

/// `GET /census/schema.xsd`: the 2022 schema the checks follow.
pub async fn schema() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"csww_census_2022.xsd\"",
            ),
        ],
        include_str!("../../../swforce-import/specs/csww_census_2022.xsd"),
    )
}

fn findings_table(check: &CensusCheck) -> TableView {
    let head = [
        "Line",
        "Column",
        "Record",
        "Where",
        "Rule",
        "Problem",
        "How to fix it",
    ]
    .iter()
    .enumerate()
    .map(|(i, h)| CellView {
        numeric: i < 3,
        ..CellView::text(*h)
    })
    .collect();
    let rows = check
        .read
        .findings
        .iter()
        .take(SHOWN)
        .map(|f| {
            vec![
                CellView::number(f.line.to_string(), f.line.to_string()),
                CellView::number(f.column.to_string(), f.column.to_string()),
                CellView::number(
                    f.record.map(|r| r.to_string()).unwrap_or_default(),
                    f.record.map(|r| r.to_string()).unwrap_or_default(),
                ),
                CellView::text(f.path.clone()),
                CellView::text(format!("{} ({})", f.rule, f.severity)),
                CellView::text(f.message.clone()),
                CellView::text(f.fix.clone()),
            ]
        })
        .collect();
    TableView {
        caption: "Findings".into(),
        head,
        rows,
        download: String::new(),
    }
}

fn findings_csv(check: &CensusCheck) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "rule", "severity", "line", "column", "path", "element", "record", "message", "fix",
    ]);
    for f in &check.read.findings {
        let _ = w.write_record([
            f.rule.to_string(),
            f.severity.to_string(),
            f.line.to_string(),
            f.column.to_string(),
            f.path.clone(),
            f.element.clone(),
            f.record.map(|r| r.to_string()).unwrap_or_default(),
            f.message.clone(),
            f.fix.clone(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn result_page(check: &CensusCheck, year: String) -> CensusPage {
    let r = &check.read;
    let mut page = blank(Vec::new(), year);
    page.layout = Layout::new("Census return checked").nav("census");
    page.result = true;
    page.file = r.file.clone();
    page.valid = r.is_valid();
    page.errors = r.errors;
    page.warnings = r.warnings;
    page.summary = format!(
        "{} worker record{}{}{}",
        display::grouped(f64::from(r.workers), 0),
        if r.workers == 1 { "" } else { "s" },
        check
            .authority
            .as_ref()
            .map_or(String::new(), |(c, n)| format!(" for {n} ({c})")),
        r.year.map_or(String::new(), |y| format!(
            ", collection year to 30 September {}",
            y.0
        ))
    );
    page.findings = (!r.findings.is_empty()).then(|| findings_table(check));
    page.more = (r.errors + r.warnings).saturating_sub(SHOWN.min(r.findings.len()));
    if let Some(ind) = &check.indicators {
        let (table, breakdowns) = indicator_tables(ind);
        page.indicators = Some(table);
        page.breakdowns = breakdowns;
    }
    page
}

/// The indicators of a return as tables: the headline measures, then each breakdown.
pub(crate) fn indicator_tables(
    ind: &swforce_stats::census::CensusIndicators,
) -> (TableView, Vec<TableView>) {
    {
        let rows = Measure::of(Dataset::CswwHeadline)
            .filter_map(|m| {
                ind.row.cell(m.name).map(|c| {
                    vec![
                        CellView::text(m.label),
                        CellView::number(display::cell(m, c), display::cell(m, c)),
                    ]
                })
            })
            .collect();
        let table = TableView {
            caption: "Indicators".into(),
            head: vec![
                CellView::text("Measure"),
                CellView {
                    numeric: true,
                    ..CellView::text("Value")
                },
            ],
            rows,
            download: String::new(),
        };
        let breakdowns = ind
            .breakdowns
            .iter()
            .map(|b| {
                let show = |c: &Cell<f64>, d: u32| match c {
                    Cell::Value(v) => display::grouped(*v, d),
                    Cell::Symbol(s) => s.to_string(),
                };
                TableView {
                    caption: format!("{} ({})", b.name, b.population),
                    head: vec![
                        CellView::text(b.name),
                        CellView {
                            numeric: true,
                            ..CellView::text("People")
                        },
                        CellView {
                            numeric: true,
                            ..CellView::text("FTE")
                        },
                    ],
                    rows: b
                        .cells
                        .iter()
                        .map(|c| {
                            vec![
                                CellView::text(c.label.clone()),
                                CellView::number(show(&c.headcount, 0), show(&c.headcount, 0)),
                                CellView::number(show(&c.fte, 1), show(&c.fte, 1)),
                            ]
                        })
                        .collect(),
                    download: String::new(),
                }
            })
            .collect();
        (table, breakdowns)
    }
}

/// Why a return could not be read, beside the file field.
pub(crate) fn unread(u: Unread) -> (StatusCode, Vec<Problem>) {
    match u {
        Unread::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            upload::problem(
                "The selected file is larger than 1 GB",
                "Check you chose the census return",
            ),
        ),
        Unread::Broken(detail) => (
            StatusCode::BAD_REQUEST,
            upload::problem(
                format!("The upload could not be read ({detail})"),
                "Choose the file again",
            ),
        ),
        Unread::Missing => (
            StatusCode::BAD_REQUEST,
            upload::problem(
                "Select a census return to check",
                "Use Choose file to pick the XML file",
            ),
        ),
    }
}

fn form_error(status: StatusCode, problems: Vec<Problem>) -> PageResult {
    render_as(status, &blank(problems, String::new()))
}

/// `POST /census`: checks the uploaded return as it streams in.
pub async fn check(
    State(state): AppState,
    form: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let sent = match read_form(state.app.clone(), form).await {
        Ok(sent) => sent,
        Err((status, problems)) => return form_error(status, problems),
    };
    let check = sent.check.await.map_err(|e| {
        PageError::internal(
            anyhow::Error::new(e).context("checking a census return"),
            state.request_id(),
        )
    })??;
    if sent.csv {
        let name = format!("{}-findings.csv", check.read.file.trim_end_matches(".xml"));
        return Ok(csv_response(&name, findings_csv(&check)));
    }
    let status = if check.read.is_valid() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_as(status, &result_page(&check, sent.year))
}

/// What the census form sent: the year as typed, whether the findings are wanted as CSV, and
/// the check of the return, which started while the file arrived.
struct Sent {
    year: String,
    csv: bool,
    check: tokio::task::JoinHandle<Result<CensusCheck, AppError>>,
}

/// Reads the form, starting the check of the return as it streams in; or the problem to show.
async fn read_form(
    app: App,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Sent, (StatusCode, Vec<Problem>)> {
    let mut form = form.map_err(|e| {
        (
            StatusCode::BAD_REQUEST,
            upload::problem(
                format!("The upload could not be read ({})", e.body_text()),
                "Choose the file again and select Check the return",
            ),
        )
    })?;
    let mut year: Option<i32> = None;
    let mut year_text = String::new();
    let mut csv = false;
    let mut job = None;
    let mut bytes = 0usize;
    while let Some(field) = form.next_field().await.map_err(|e| unread(e.into()))? {
        match field.name() {
            Some("year") => {
                year_text = field.text().await.unwrap_or_default().trim().to_string();
                if !year_text.is_empty() {
                    match year_text.parse::<i32>() {
                        Ok(y) if (2000..=2100).contains(&y) => year = Some(y),
                        _ => {
                            let mut p = upload::problem(
                                "The collection year must be a year such as 2022",
                                "Enter the year the collection ends (30 September)",
                            );
                            p[0].target = "year".into();
                            return Err((StatusCode::BAD_REQUEST, p));
                        }
                    }
                }
            }
            Some("action") => csv = field.text().await.unwrap_or_default() == "csv",
            Some("file") => {
                let (app, y) = (app.clone(), year);
                let (j, n) = upload::stream(field, move |name, reader| {
                    app.check_census(&name, reader, y)
                })
                .await
                .map_err(unread)?;
                job = Some(j);
                bytes = n;
            }
            _ => {}
        }
    }
    let check = job.ok_or_else(|| unread(Unread::Missing))?;
    if bytes == 0 {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            upload::problem(
                "The selected file is empty",
                "Choose the census return XML file",
            ),
        ));
    }
    Ok(Sent {
        year: year_text,
        csv,
        check,
    })
}
