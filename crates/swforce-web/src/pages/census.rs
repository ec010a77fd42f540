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
use axum::routing::{get, post};
use swforce_app::census::{CensusCheck, Verdict};
use swforce_app::display;
use swforce_app::{App, AppError};
use swforce_domain::{Cell, Dataset, Measure};
use swforce_import::census::Severity;
use swforce_import::census::notes::{guarded, read_notes};
use swforce_import::census::rules::RULES;

/// The census page and its schema (a check of a return is routed with the uploads, under their size limit).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/census", get(show))
        .route("/census/schema.xsd", get(schema))
        .route("/census/notes.csv", post(notes_csv))
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
    /// The problems shown beside the return's field and beside the notes' field.
    pub file_errors: Vec<String>,
    pub notes_errors: Vec<String>,
    pub rules: Vec<RuleView>,
    pub result: bool,
    pub file: String,
    pub summary: String,
    pub valid: bool,
    pub errors: usize,
    pub queries: usize,
    pub explained: usize,
    /// Ready to submit: no errors, every query explained.
    pub ready: bool,
    /// Every query shown, each with the box for its explanation (filled in where one was given).
    pub to_explain: Vec<QueryView>,
    /// Explanations given that match no query here, carried into the notes file so none is lost.
    pub kept: Vec<QueryView>,
    /// Explanations that matched no query.
    pub unused: Vec<String>,
    /// The comparison with last year's stored return, or why there is none.
    pub continuity: Option<TableView>,
    pub continuity_summary: String,
    pub findings: Option<TableView>,
    pub more: usize,
    /// The findings as a CSV file carried in the page (`(file name, data: address)`), so they
    /// download without choosing the return again; `None` when there are none, or too many to
    /// carry.
    pub findings_download: Option<(String, String)>,
    pub indicators: Option<TableView>,
    pub breakdowns: Vec<TableView>,
    pub year: String,
    /// Whether the viewer may store their authority's return.
    pub can_store: bool,
}

/// A rule as the page lists it.
pub struct RuleView {
    pub id: &'static str,
    pub severity: String,
    pub statement: &'static str,
    pub source: &'static str,
}

/// A query, for writing its explanation.
pub struct QueryView {
    pub rule: &'static str,
    pub record: String,
    pub what: String,
    pub note: String,
    /// The id of its text box.
    pub field: String,
}

fn rules() -> Vec<RuleView> {
    RULES
        .iter()
        .map(|r| RuleView {
            id: r.id,
            severity: r.severity.to_string(),
            statement: r.statement,
            source: r.source,
        })
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
        file_errors: problems
            .iter()
            .filter(|p| p.target != "notes")
            .map(|p| p.text.clone())
            .collect(),
        notes_errors: problems
            .iter()
            .filter(|p| p.target == "notes")
            .map(|p| p.text.clone())
            .collect(),
        problems,
        rules: rules(),
        result: false,
        file: String::new(),
        summary: String::new(),
        valid: false,
        errors: 0,
        queries: 0,
        explained: 0,
        ready: false,
        to_explain: Vec::new(),
        kept: Vec::new(),
        unused: Vec::new(),
        continuity: None,
        continuity_summary: String::new(),
        findings: None,
        more: 0,
        findings_download: None,
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
    let head = ["Where", "Rule", "Problem", "How to fix it", "Explanation"]
        .iter()
        .map(|h| CellView::text(*h))
        .collect();
    let rows = check
        .read
        .findings
        .iter()
        .take(SHOWN)
        .map(|f| {
            vec![
                CellView::text(format!(
                    "Line {}, column {}{}: {}",
                    f.line,
                    f.column,
                    f.record.map_or(String::new(), |r| format!(", record {r}")),
                    f.path
                )),
                CellView::text(format!("{} ({})", f.rule, f.severity)),
                CellView::text(f.message.clone()),
                CellView::text(f.fix.clone()),
                CellView::text(match (f.severity, check.explanation(f)) {
                    (Severity::Query, Some(n)) => n.note.clone(),
                    (Severity::Query, None) => "Not explained yet".to_string(),
                    (Severity::Error, _) => "Errors are corrected, not explained".to_string(),
                }),
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

fn result_page(check: &CensusCheck, year: String) -> CensusPage {
    let r = &check.read;
    let mut page = blank(Vec::new(), year);
    page.layout = Layout::new("Census return checked").nav("census");
    page.result = true;
    page.file = r.file.clone();
    page.valid = r.is_valid();
    page.errors = r.errors;
    page.queries = r.queries;
    page.explained = check.explained();
    page.ready = check.verdict() == Verdict::Ready;
    for (i, f) in r
        .findings
        .iter()
        .take(SHOWN)
        .filter(|f| f.severity == Severity::Query)
        .enumerate()
    {
        let q = QueryView {
            rule: f.rule,
            record: f.record.map(|r| r.to_string()).unwrap_or_default(),
            what: match f.record {
                Some(n) => format!("{} on record {n}: {}", f.rule, f.message),
                None => format!("{}: {}", f.rule, f.message),
            },
            note: check
                .explanation(f)
                .map(|n| n.note.clone())
                .unwrap_or_default(),
            field: format!("note-{}", i + 1),
        };
        page.to_explain.push(q);
    }
    page.kept = check
        .unused_notes()
        .iter()
        .map(|n| QueryView {
            rule: n.rule,
            record: n.record.map(|r| r.to_string()).unwrap_or_default(),
            what: String::new(),
            note: n.note.clone(),
            field: String::new(),
        })
        .collect();
    page.unused = check
        .unused_notes()
        .iter()
        .map(|n| {
            format!(
                "Line {}: the explanation of {}{} matches no query of this return",
                n.line,
                n.rule,
                n.record
                    .map_or(String::new(), |r| format!(" on record {r}"))
            )
        })
        .collect();
    (page.continuity, page.continuity_summary) = continuity(check);
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
    page.findings_download = (!r.findings.is_empty())
        .then(|| check.findings_csv())
        .filter(|csv| csv.len() <= MAX_CARRIED_CSV)
        .map(|csv| {
            use base64::Engine;
            (
                findings_file(check),
                format!(
                    "data:text/csv;charset=utf-8;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(csv)
                ),
            )
        });
    page.more = (r.errors + r.queries).saturating_sub(SHOWN.min(r.findings.len()));
    if let Some(ind) = &check.indicators {
        let (table, breakdowns) = indicator_tables(ind);
        page.indicators = Some(table);
        page.breakdowns = breakdowns;
    }
    page
}

/// The comparison with last year's stored return as a table, with a sentence on it; or only the
/// sentence saying why there is none.
fn continuity(check: &CensusCheck) -> (Option<TableView>, String) {
    let Some(c) = &check.continuity else {
        let text = match &check.authority {
            Some((_, who)) => format!(
                "Not compared with last year: the comparison needs the {who} return for the year before stored here, and someone signed in from {who} who handles its census."
            ),
            None => {
                "Not compared with last year: the return does not name an authority swforce knows."
                    .to_string()
            }
        };
        return (None, text);
    };
    let head = ["Measure", "Last year", "This return", "Change", "Query"]
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: (1..4).contains(&i),
            ..CellView::text(*h)
        })
        .collect();
    let show = |v: Option<f64>| v.map_or("not available".to_string(), |v| display::grouped(v, 1));
    let rows = c
        .changes
        .iter()
        .map(|x| {
            let change = match (x.last, x.this) {
                (Some(l), Some(t)) => format!(
                    "{}{}",
                    if t >= l { "+" } else { "" },
                    display::grouped(t - l, 1)
                ),
                _ => String::new(),
            };
            vec![
                CellView::text(x.label),
                CellView::number(show(x.last), show(x.last)),
                CellView::number(show(x.this), show(x.this)),
                CellView::number(change.clone(), change),
                CellView::text(x.queried.unwrap_or("")),
            ]
        })
        .collect();
    (
        Some(TableView {
            caption: format!("Compared with the {} return", c.year),
            head,
            rows,
            download: String::new(),
        }),
        format!(
            "Compared with your stored {} return: of the {} social workers in post on 30 September {}, {} {} neither in post nor a leaver in this return.",
            c.year,
            display::grouped(f64::from(c.in_post_last_year), 0),
            c.year,
            display::grouped(f64::from(c.missing), 0),
            if c.missing == 1 { "is" } else { "are" }
        ),
    )
}

/// The indicators of a return as tables: the headline measures, then each breakdown.
pub(crate) fn indicator_tables(
    ind: &swforce_stats::census::CensusIndicators,
) -> (TableView, Vec<TableView>) {
    {
        let rows = Measure::of(Dataset::CswwHeadline)
            .filter_map(|m| {
                if let Some(w) = ind.withheld.iter().find(|w| w.measure == m.name) {
                    return Some(vec![
                        CellView::text(m.label),
                        CellView {
                            note: format!("Withheld: {}", w.reason),
                            ..CellView::number("withheld", "")
                        },
                    ]);
                }
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
        Unread::Stalled => upload::stalled(),
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

/// The largest findings file a results page carries (a return with tens of thousands of
/// findings is downloaded with the form's CSV button instead).
const MAX_CARRIED_CSV: usize = 1 << 20;

/// The name a return's findings download under.
fn findings_file(check: &CensusCheck) -> String {
    format!("{}-findings.csv", check.read.file.trim_end_matches(".xml"))
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
    let mut check = sent.check.await.map_err(|e| {
        PageError::internal(
            anyhow::Error::new(e).context("checking a census return"),
            state.request_id(),
        )
    })??;
    check.notes = sent.notes;
    if sent.csv {
        return Ok(csv_response(&findings_file(&check), check.findings_csv()));
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
    notes: Option<swforce_import::census::notes::Notes>,
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
    let mut notes = None;
    let mut job = None;
    let viewer = crate::auth::current();
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
            Some("notes") => {
                let name = field.file_name().unwrap_or("notes.csv").to_string();
                let bytes = field.bytes().await.map_err(|e| unread(e.into()))?;
                if !bytes.is_empty() {
                    notes = Some(read_notes(&name, bytes.as_ref()).map_err(|refused| {
                        let problems = refused
                            .diagnostics
                            .iter()
                            .take(10)
                            .map(|d| Problem {
                                text: format!(
                                    "{}{}: {}",
                                    d.file,
                                    d.line.map_or(String::new(), |l| format!(" line {l}")),
                                    d.problem
                                ),
                                fix: d.fix.clone(),
                                target: "notes".into(),
                            })
                            .collect();
                        (StatusCode::UNPROCESSABLE_ENTITY, problems)
                    })?);
                }
            }
            Some("file") => {
                let (app, y) = (app.clone(), year);
                let viewer = viewer.clone();
                let (j, n) = upload::stream(field, move |name, reader| {
                    app.check_census_for(
                        viewer.principal.as_ref(),
                        &name,
                        reader,
                        y,
                        &viewer.origin,
                    )
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
        notes,
        check,
    })
}

/// `POST /census/notes.csv`: the explanations written on the results, as a notes file to keep
/// and give with the return next time. The fields come in threes: rule, record, note.
pub async fn notes_csv(axum::Form(fields): axum::Form<Vec<(String, String)>>) -> PageResult {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["rule", "record", "note"]);
    let (mut rule, mut record) = (String::new(), String::new());
    for (k, v) in fields {
        match k.as_str() {
            "rule" => rule = v,
            "record" => record = v,
            "note" if !v.trim().is_empty() => {
                // A browser sends a text box's line breaks as CRLF; a note keeps one per break.
                let note = guarded(&v.trim().replace("\r\n", "\n"));
                let _ = w.write_record([rule.as_str(), record.as_str(), note.as_str()]);
            }
            _ => {}
        }
    }
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    Ok(csv_response("census-notes.csv", body))
}
