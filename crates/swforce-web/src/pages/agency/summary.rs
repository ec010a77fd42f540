//! A quarter's summary of agency engagements, as a council's and a region's pages show it.

use super::{Tag, money, pounds, tag};
use crate::error::PageError;
use crate::view::{CellView, Choices, TableView};
use axum::http::StatusCode;
use serde::Deserialize;
use swforce_app::agency::{AgencySummary, today};
use swforce_domain::agency::Quarter;

#[derive(Debug, Default, Deserialize)]
pub struct QuarterParams {
    #[serde(default)]
    pub(super) quarter: String,
    #[serde(default)]
    pub(super) saved: Option<String>,
    /// After an import, the numbers of engagements added, updated and unchanged, and of the
    /// file's columns not read: numbers only, so a link cannot put words in the banner.
    #[serde(default)]
    pub(super) imported: Option<String>,
    #[serde(default)]
    pub(super) updated: Option<String>,
    #[serde(default)]
    pub(super) unchanged: Option<String>,
    #[serde(default)]
    pub(super) ignored: Option<String>,
    #[serde(default)]
    pub(super) noted: Option<String>,
    #[serde(default)]
    pub(super) part: Option<String>,
}

pub(super) fn quarter_of(text: &str) -> Result<Quarter, PageError> {
    if text.trim().is_empty() {
        return Ok(Quarter::of(today()));
    }
    Quarter::parse(text).ok_or_else(|| {
        PageError::new(
            StatusCode::BAD_REQUEST,
            "There is a problem",
            format!("{text:?} is not a quarter"),
            "Write a quarter like 2025Q1 (January to March 2025)",
        )
    })
}

/// Quarters to choose from: from this one back to the first of the rules (October to December
/// 2024), and at least the last eight.
pub(super) fn quarter_choices(selected: Quarter) -> Choices {
    let mut q = Quarter::of(today());
    let first = Quarter::of(swforce_domain::agency::in_force());
    let mut c = Choices::new("quarter", "Quarter", "select");
    for i in 0.. {
        if i >= 8 && q < first {
            break;
        }
        c = c.option(
            &q.to_string(),
            &format!("{} ({q})", q.words()),
            "",
            q == selected,
        );
        let prev = q.first_day().plus_days(-1);
        q = Quarter::of(prev);
    }
    c
}

/// Figures of a summary, as a page shows them.
#[derive(Debug, Clone)]
pub(super) struct SummaryView {
    pub engagements: usize,
    pub compliance: String,
    pub fte: String,
    pub spend: String,
    pub premium: String,
    pub premium_note: String,
    pub spend_note: String,
    pub statuses: Vec<(Tag, usize)>,
    pub breaches: Option<TableView>,
    pub missing: Option<TableView>,
    pub jobs: Option<TableView>,
}

/// A two-column table of things and how many engagements each; `None` when empty.
fn counts_table(
    caption: String,
    what: &str,
    rows: impl Iterator<Item = (String, usize)>,
) -> Option<TableView> {
    let rows: Vec<Vec<CellView>> = rows
        .map(|(thing, n)| {
            vec![
                CellView::text(thing),
                CellView::number(n.to_string(), n.to_string()),
            ]
        })
        .collect();
    (!rows.is_empty()).then(|| TableView {
        caption,
        head: vec![
            CellView::text(what),
            CellView {
                numeric: true,
                ..CellView::text("Engagements")
            },
        ],
        rows,
        download: String::new(),
    })
}

pub(super) fn summary_view(s: &AgencySummary) -> SummaryView {
    let statuses = s
        .by_status
        .iter()
        .map(|(status, n)| (tag(*status), *n))
        .collect();
    let breaches = counts_table(
        format!("Breaches by rule, {}", s.quarter.words()),
        "Rule",
        s.breaches_by_rule
            .iter()
            .map(|(r, n)| (format!("{} {}", r.id(), r.title()), *n)),
    );
    let missing = counts_table(
        format!("Information missing, {}", s.quarter.words()),
        "Field",
        s.missing_by_field
            .iter()
            .map(|(f, n)| (super::form::named(f), *n)),
    );
    let jobs = (!s.by_job.is_empty()).then(|| TableView {
        caption: format!("By job type, {}", s.quarter.words()),
        head: [
            "Job type",
            "Engagements",
            "FTE",
            "Spend",
            "Mean hourly charge, margin included",
            "Price cap (on pay and on-costs)",
            "Permanent cost an hour",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: i > 0,
            ..CellView::text(*h)
        })
        .collect(),
        rows: s
            .by_job
            .iter()
            .map(|j| {
                vec![
                    CellView::text(j.job.label()),
                    CellView::number(j.active.to_string(), j.active.to_string()),
                    CellView::number(format!("{:.1}", j.fte), format!("{:.2}", j.fte)),
                    CellView::number(pounds(j.spend), j.spend.0.to_string()),
                    CellView::number(
                        money(j.mean_charge),
                        j.mean_charge.map(|p| p.0.to_string()).unwrap_or_default(),
                    ),
                    CellView::number(
                        money(j.cap),
                        j.cap.map(|p| p.0.to_string()).unwrap_or_default(),
                    ),
                    CellView::number(
                        money(j.permanent),
                        j.permanent.map(|p| p.0.to_string()).unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
        download: String::new(),
    });
    SummaryView {
        engagements: s.engagements,
        compliance: s
            .compliance_rate
            .map(|r| format!("{:.0}%", r * 100.0))
            .unwrap_or_else(|| "–".into()),
        fte: format!("{:.1}", s.fte),
        spend: if s.paid_to < s.quarter.last_day() {
            format!(
                "{} (to {}: the quarter is not over)",
                pounds(s.spend),
                s.paid_to.long()
            )
        } else {
            pounds(s.spend)
        },
        premium: s.premium.map(pounds).unwrap_or_else(|| "–".into()),
        spend_note: match s.spend_left_out {
            0 => String::new(),
            n => format!(
                "{n} engagement{} left out of spend and premium: {} hourly cost is not known (a part of the charge is blank).",
                if n == 1 { "" } else { "s" },
                if n == 1 { "its" } else { "their" }
            ),
        },
        premium_note: if s.premium_missing.is_empty() {
            String::new()
        } else {
            format!(
                "Set the permanent cost of {} to count their premium.",
                s.premium_missing
                    .iter()
                    .map(|j| j.label().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        statuses,
        breaches,
        missing,
        jobs,
    }
}
