//! About the data: sources, definitions, symbols, reorganisations, how the figures are checked,
//! and the licence credit.

use super::{PageResult, render, run};
use crate::view::{CellView, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use swforce_domain::{Dataset, EesSymbol, Formula, LINEAGE, Measure};

/// About the data.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/about", get(show))
        .route("/about/downloads", get(super::downloads::show))
}

/// A dataset on record.
#[derive(Debug, Clone)]
pub struct Source {
    pub title: String,
    pub publication: String,
    pub years: String,
    pub year_end: String,
    pub publisher: &'static str,
    pub checked: String,
}

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage {
    pub layout: Layout,
    pub sources: Vec<Source>,
    pub definitions: Vec<TableView>,
    pub symbols: TableView,
    pub reorganisations: Vec<(String, String, String)>,
}

fn formula_words(f: Formula) -> String {
    match f {
        Formula::Ratio {
            numerator,
            denominator,
        } => format!("{numerator} ÷ {denominator}"),
        Formula::Share { part, rest } => format!("{part} ÷ ({part} + {rest})"),
        Formula::PerTenThousand { count, children } => format!("{count} ÷ {children} × 10,000"),
        Formula::Absence { days_lost, fte } => {
            format!("{days_lost} ÷ ({fte} × working days in the year: 253, or 254 in 2020)")
        }
    }
}

fn definitions(dataset: Dataset) -> TableView {
    let head = [
        "Measure",
        "Name in the data",
        "Older names",
        "Definition",
        "Computed as",
    ]
    .iter()
    .map(|h| CellView::text(*h))
    .collect();
    let rows = Measure::of(dataset)
        .map(|m| {
            vec![
                CellView::text(m.label),
                CellView::text(m.name),
                CellView::text(m.legacy.join(", ")),
                CellView::text(m.definition),
                CellView::text(match (m.formula, m.joined) {
                    (Some(f), _) => formula_words(f),
                    (None, Some(from)) => format!("joined from {}", from.title()),
                    (None, None) => "as published".into(),
                }),
            ]
        })
        .collect();
    TableView {
        caption: dataset.title().to_string(),
        head,
        rows,
        download: String::new(),
    }
}

pub async fn show(State(state): AppState) -> PageResult {
    run(move || {
        let snap = state.app.snapshot()?;
        let sources = Dataset::ALL
            .iter()
            .map(|d| {
                let years = snap.years(*d);
                let r = snap.reproduced(*d);
                Source {
                    title: d.title().to_string(),
                    publication: d.publication().to_string(),
                    years: match (years.first(), years.last()) {
                        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
                        (Some(a), _) => a.to_string(),
                        _ => "not imported".to_string(),
                    },
                    year_end: match d {
                        Dataset::StatisticalNeighbours => "the models of those years".into(),
                        _ => format!("years to {}", d.year_end()),
                    },
                    publisher: d.publisher(),
                    checked: if *d == Dataset::ChildPopulation {
                        "Figures as published: the children of each area, the denominator of every rate per 10,000 children (children in need and referrals rates are recomputed with them).".into()
                    } else if *d == Dataset::StatisticalNeighbours {
                        "Each authority's ten neighbours as published, in order, each found among the authorities on record by its DfE code (a council made by a reorganisation after the figures on record stands for its predecessor's figures).".into()
                    } else if !r.any {
                        "No rate in this dataset can be recomputed from its own counts (rates per 10,000 children need population figures that are not published with it).".into()
                    } else {
                        format!("{} of {} published rates are reproduced from the published counts to the published precision.", swforce_app::display::grouped(r.reproduced as f64, 0), swforce_app::display::grouped(r.with_value as f64, 0))
                    },
                }
            })
            .collect();
        let symbols = TableView {
            caption: "Symbols used in place of a number".into(),
            head: vec![CellView::text("Symbol"), CellView::text("Meaning")],
            rows: EesSymbol::ALL.iter().map(|s| vec![CellView::text(s.as_str()), CellView::text(s.meaning())]).collect(),
            download: String::new(),
        };
        let reorganisations = LINEAGE
            .iter()
            .map(|r| {
                let before: Vec<&str> = r.predecessors.iter().map(|p| p.2).collect();
                let after: Vec<&str> = r.successors.iter().map(|p| p.2).collect();
                (format!("{}: {} became {}", swforce_app::display::when(r.effective), before.join(", "), after.join(" and ")), r.note.to_string(), r.effective.to_string())
            })
            .collect();
        let page = AboutPage {
            layout: Layout::new("About the data").nav("about"),
            sources,
            definitions: Dataset::ALL
                .iter()
                .filter(|d| d.holds_figures())
                .map(|d| definitions(*d))
                .collect(),
            symbols,
            reorganisations,
        };
        render(&page)
    })
    .await
}
