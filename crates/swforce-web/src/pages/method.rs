//! `/projections/method`: how the projection works, and how it did on past years.

use super::{PageResult, render, run};
use crate::view::{CellView, Crumb, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use swforce_app::{Snapshot, display};
use swforce_domain::{Dataset, Year};

/// How the projection works.
pub fn routes() -> Router<WebState> {
    Router::new().route("/projections/method", get(show))
}

#[derive(Template)]
#[template(path = "method.html")]
pub struct MethodPage {
    pub layout: Layout,
    pub crumbs: Vec<Crumb>,
    pub backtest: Option<TableView>,
    pub england: Option<TableView>,
    pub origin: String,
    pub horizon: String,
    pub runs: u32,
    /// Every origin, every horizon, beside the naive and drift benchmarks.
    pub rolling: Option<TableView>,
    /// The origins of the rolling evaluation, in words.
    pub rolling_origins: String,
}

/// A score table's head: the first two columns words, the rest numbers.
fn heading(names: &[&str]) -> Vec<CellView> {
    names
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: i >= 2,
            ..CellView::text(*h)
        })
        .collect()
}

/// The rolling evaluation's scores over every horizon, level by level.
fn rolling_table(r: &swforce_engine::Rolling) -> TableView {
    let head = heading(&[
        "Level",
        "Indicator",
        "Place-years",
        "Median error (MdAPE)",
        "Same as last year",
        "Own trend (drift)",
        "Scaled error (MASE)",
        "MASE, same as last year",
        "MASE, own trend",
        "Actual within the 5th to 95th percentile",
        "Interval score",
    ]);
    let pct = |v: f64| CellView::number(format!("{v:.1}%"), format!("{v:.2}"));
    let ratio = |v: Option<f64>| match v {
        Some(v) => CellView::number(format!("{v:.2}"), format!("{v:.3}")),
        None => CellView::number("\u{2013}".to_string(), String::new()),
    };
    let rows = r
        .scores
        .iter()
        .filter(|s| s.horizon.is_none())
        .map(|s| {
            vec![
                CellView::text(match s.level.as_str() {
                    "national" => "England",
                    "regional" => "Regions",
                    _ => "Local authorities",
                }),
                CellView::text(s.indicator.label()),
                CellView::number(display::grouped(s.pairs as f64, 0), s.pairs.to_string()),
                pct(s.mdape),
                pct(s.naive_mdape),
                pct(s.drift_mdape),
                ratio(s.mase),
                ratio(s.naive_mase),
                ratio(s.drift_mase),
                CellView::number(
                    format!("{:.0}%", s.coverage * 100.0),
                    format!("{:.3}", s.coverage),
                ),
                pct(s.interval_score),
            ]
        })
        .collect();
    TableView {
        caption: "Rolling evaluation: every origin and horizon, beside two simple forecasts".into(),
        head,
        rows,
        download: String::new(),
    }
}

/// Runs in the backtest shown on the page.
const RUNS: u32 = 500;

pub async fn show(State(state): AppState) -> PageResult {
    run(move || render(&method_page(&*state.app.snapshot()?))).await
}

/// The page: the method, and how a projection from a past year did against what happened.
fn method_page(snap: &Snapshot) -> MethodPage {
    let years = snap.years(Dataset::CswwHeadline);
    // Fit on all but the last three years, where there are enough; score the last three.
    let origin = years
        .len()
        .checked_sub(4)
        .and_then(|i| years.get(i).copied())
        .or_else(|| years.get(1).copied());
    let bt = origin.and_then(|o: Year| snap.backtest(o, 3, RUNS, 1).ok());
    let rolling = snap.rolling_for_pages().ok();
    let backtest = bt.as_ref().map(|bt| {
        let head = heading(&[
            "Level",
            "Indicator",
            "Place-years",
            "Error of the median (MAPE)",
            "Error of 'same as last year'",
            "Actual within the 5th to 95th percentile",
        ]);
        let rows = bt
            .rows
            .iter()
            .map(|r| {
                vec![
                    CellView::text(match r.level.as_str() {
                        "national" => "England",
                        "regional" => "Regions",
                        _ => "Local authorities",
                    }),
                    CellView::text(r.indicator.label()),
                    CellView::number(display::grouped(r.pairs as f64, 0), r.pairs.to_string()),
                    CellView::number(format!("{:.1}%", r.mape), format!("{:.2}", r.mape)),
                    CellView::number(
                        format!("{:.1}%", r.naive_mape),
                        format!("{:.2}", r.naive_mape),
                    ),
                    CellView::number(
                        format!("{:.0}%", r.coverage * 100.0),
                        format!("{:.3}", r.coverage),
                    ),
                ]
            })
            .collect();
        TableView {
            caption: format!(
                "Backtest: fitted on figures up to {}, scored on the {} years after",
                bt.origin, bt.horizon
            ),
            head,
            rows,
            download: String::new(),
        }
    });
    let england = bt.as_ref().map(|bt| {
        let head = heading(&[
            "Indicator",
            "Year",
            "Published",
            "Projected median",
            "5th to 95th percentile",
            "Same as last year",
        ]);
        let fmt = |ind: swforce_engine::Indicator, v: f64| {
            if ind.is_rate() {
                format!("{:.1}%", v * 100.0)
            } else if ind == swforce_engine::Indicator::CaseloadFte {
                format!("{v:.1}")
            } else {
                swforce_app::display::grouped(v, 0)
            }
        };
        let rows = bt
            .comparisons
            .iter()
            .filter(|c| c.level == "national")
            .map(|c| {
                vec![
                    CellView::text(c.indicator.label()),
                    CellView::text(c.year.to_string()),
                    CellView::number(fmt(c.indicator, c.actual), format!("{}", c.actual)),
                    CellView::number(
                        fmt(c.indicator, c.projected.p50),
                        format!("{}", c.projected.p50),
                    ),
                    CellView::number(
                        format!(
                            "{} to {}",
                            fmt(c.indicator, c.projected.p5),
                            fmt(c.indicator, c.projected.p95)
                        ),
                        String::new(),
                    ),
                    CellView::number(fmt(c.indicator, c.naive), format!("{}", c.naive)),
                ]
            })
            .collect();
        TableView {
            caption: "England, year by year".into(),
            head,
            rows,
            download: String::new(),
        }
    });
    MethodPage {
        layout: Layout::new("How the projection works").nav("projections"),
        crumbs: vec![Crumb {
            text: "Projections".into(),
            href: "/projections".into(),
        }],
        origin: bt
            .as_ref()
            .map(|b| b.origin.to_string())
            .unwrap_or_default(),
        horizon: bt
            .as_ref()
            .map(|b| b.horizon.to_string())
            .unwrap_or_default(),
        backtest,
        england,
        runs: RUNS,
        rolling: rolling.as_deref().map(rolling_table),
        rolling_origins: rolling
            .as_ref()
            .map(|r| {
                let o: Vec<String> = r.origins.iter().map(ToString::to_string).collect();
                o.join(", ")
            })
            .unwrap_or_default(),
    }
}
