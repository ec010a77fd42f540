//! A round's published results: the report (also printable), and its CSV.

use super::{pct, round_id};
use crate::AppState;
use crate::auth::Viewer;
use crate::pages::{PageResult, csv_response, render, run};
use crate::view::Layout;
use askama::Template;
use axum::extract::{Path, State};
use swforce_app::agency::today;
use swforce_app::healthcheck::{GroupFigures, Summary, summary_csv};

/// A standard's row of the main table.
struct StandardRow {
    name: String,
    agree: String,
    disagree: String,
    change: String,
    region: String,
    england: String,
    assessment: String,
    bar: u32,
}

/// A breakdown as a table: each group a row, each standard a column.
struct BreakdownView {
    caption: String,
    groups: Vec<(String, String, Vec<String>)>,
}

/// The statements of one standard, folded under it.
struct StatementsView {
    name: String,
    rows: Vec<(String, String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "healthcheck_results.html")]
struct ResultsPage {
    layout: Layout,
    id: String,
    s: Summary,
    responses: String,
    stay: String,
    standards: Vec<StandardRow>,
    short_names: Vec<String>,
    breakdowns: Vec<BreakdownView>,
    statements: Vec<StatementsView>,
    reasons: Vec<(String, String)>,
    obstacles: Vec<(String, String)>,
    drivers: Vec<(String, String, String, u32)>,
    retain_link: String,
    /// The printable page: every statement open.
    print: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PrintParams {
    #[serde(default)]
    print: Option<String>,
}

fn row_of(g: &GroupFigures) -> Vec<String> {
    g.standards.iter().map(|f| pct(f.agree)).collect()
}

fn counted(f: &swforce_app::healthcheck::ReasonFigure) -> (String, String) {
    let n = if f.few {
        "fewer than 5".to_string()
    } else {
        f.count.map_or_else(|| "0".into(), |c| c.to_string())
    };
    (f.label.clone(), format!("{n} ({})", pct(f.share)))
}

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<PrintParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let n = round_id(&state, &id)?;
    run(move || {
        let s = state.app.health_summary(&who, n, today())?;
        let standards = s
            .overall
            .standards
            .iter()
            .map(|f| StandardRow {
                name: format!("{}. {}", f.number, f.title),
                agree: pct(f.agree),
                disagree: pct(f.disagree),
                change: match (f.agree, f.previous) {
                    (Some(a), Some(b)) => match ((a - b) * 100.0).round() as i64 {
                        0 => "no change".into(),
                        d => format!("{d:+} points"),
                    },
                    _ => "–".into(),
                },
                region: pct(f.region),
                england: pct(f.england),
                assessment: f
                    .assessment
                    .clone()
                    .unwrap_or_else(|| "Not assessed".into()),
                bar: f.agree.map_or(0, |a| (a * 20.0).round() as u32 * 5),
            })
            .collect();
        let breakdowns = s
            .breakdowns
            .iter()
            .filter(|b| !b.groups.is_empty())
            .map(|b| BreakdownView {
                caption: format!("Share agreeing by {}", b.by),
                groups: b
                    .groups
                    .iter()
                    .filter(|g| g.shown)
                    .map(|g| {
                        (
                            g.label.clone(),
                            g.responses.map_or_else(String::new, |n| n.to_string()),
                            row_of(g),
                        )
                    })
                    .collect(),
            })
            .collect();
        let mut statements: Vec<StatementsView> = Vec::new();
        for f in &s.overall.statements {
            let name = s.set.standard(&f.standard).map_or_else(
                || {
                    if f.standard == "stay" {
                        "Staying".to_string()
                    } else {
                        "Your organisation's own questions".to_string()
                    }
                },
                |st| format!("{}. {}", st.number, st.title),
            );
            if statements.last().is_none_or(|v| v.name != name) {
                statements.push(StatementsView {
                    name,
                    rows: Vec::new(),
                });
            }
            if let Some(v) = statements.last_mut() {
                v.rows.push((
                    f.text.clone(),
                    f.answered
                        .map_or_else(|| "fewer than 5".into(), |n| n.to_string()),
                    pct(f.agree),
                    pct(f.neutral),
                    pct(f.disagree),
                ));
            }
        }
        let retain_link = s.retain.as_ref().map_or_else(String::new, |r| {
            format!(
                "/projections/{}?retain_cut={:.0}#retain",
                r.la_code,
                r.cut * 100.0
            )
        });
        render(&ResultsPage {
            layout: Layout::new(&format!("Results: {}", s.round.title)).nav("healthcheck"),
            id,
            responses: s
                .overall
                .responses
                .map_or_else(|| "fewer than 5".into(), |n| format!("about {n}")),
            stay: pct(s.overall.stay),
            standards,
            short_names: s
                .set
                .standards
                .iter()
                .map(|x| format!("{}", x.number))
                .collect(),
            breakdowns,
            statements,
            reasons: s.reasons.iter().map(counted).collect(),
            obstacles: s.obstacles.iter().map(counted).collect(),
            drivers: s
                .drivers
                .iter()
                .map(|d| {
                    (
                        d.title.clone(),
                        format!("{:+.2}", d.rho),
                        format!("{:+.2} to {:+.2}", d.low, d.high),
                        (d.rho.max(0.0) * 20.0).round() as u32 * 5,
                    )
                })
                .collect(),
            retain_link,
            print: q.print.is_some(),
            s,
        })
    })
    .await
}

pub async fn download(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let n = round_id(&state, &id)?;
    run(move || {
        let s = state.app.health_summary(&who, n, today())?;
        if !s.published {
            return Err(swforce_app::AppError::Invalid {
                problem: "The results are not published yet: the round is still open".into(),
                fix: format!(
                    "Download them once it closes, after {}, or close it from the round's page",
                    swforce_app::display::when(&s.round.closes_on)
                ),
            }
            .into());
        }
        state.app.audit_event(
            Some(&who),
            "healthcheck.export",
            &s.round.title,
            "results CSV",
            &viewer.origin,
        )?;
        Ok(csv_response("healthcheck-results.csv", summary_csv(&s)))
    })
    .await
}
