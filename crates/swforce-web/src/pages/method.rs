//! `/projections/method`: how the projection works, and how it did on past years.

use super::{PageResult, render, run};
use crate::view::{CellView, Crumb, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use swforce_app::Snapshot;
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
    let backtest = bt.as_ref().map(|bt| {
        let head = [
            "Level",
            "Indicator",
            "Place-years",
            "Error of the median (MAPE)",
            "Error of 'same as last year'",
            "Actual within the 5th to 95th percentile",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: i >= 2,
            ..CellView::text(*h)
        })
        .collect();
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
                    CellView::number(r.pairs.to_string(), r.pairs.to_string()),
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
        let head = [
            "Indicator",
            "Year",
            "Published",
            "Projected median",
            "5th to 95th percentile",
            "Same as last year",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: i >= 2,
            ..CellView::text(*h)
        })
        .collect();
        let fmt = |ind: swforce_engine::Indicator, v: f64| {
            if ind.is_rate() {
                format!("{:.1}%", v * 100.0)
            } else if ind == swforce_engine::Indicator::CaseloadFte {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
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
    }
}
