//! Time for social work: the landing page, a leader's view of the organisation and its teams,
//! the public views of England and its regions, their downloads, and the diary settings. The
//! diary itself is in `diary.rs`.
//!
//! Nobody's diary is ever shown to anyone but them: every other page is built from sums.

mod group;
mod national;
mod organisation;
mod settings;

use super::{PageResult, render, run};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::view::Layout;
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use national::region_links;
use serde::Deserialize;
use swforce_app::agency::today;
use swforce_app::diary::period;
use swforce_domain::access::Permission;
use swforce_domain::diary::{Week, percent};

/// Time for social work: the published figures and an organisation's settings.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/time", get(index))
        .route("/time/organisation", get(organisation::show))
        .route(
            "/time/organisation/download.csv",
            get(organisation::download),
        )
        .route("/time/england", get(national::england))
        .route("/time/england/download.csv", get(national::england_csv))
        .route("/time/regions/{code}", get(national::region))
        .route(
            "/time/regions/{code}/download.csv",
            get(national::region_csv),
        )
        .route("/time/settings", get(settings::show))
        .route("/time/settings/categories", post(settings::save_category))
        .route("/time/settings/opt-in", post(settings::save_opt_in))
}

pub(super) fn pct(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_string(), percent)
}

/// The period and choices of a view, from its address.
#[derive(Debug, Default, Deserialize)]
pub struct ViewParams {
    pub from: Option<String>,
    pub to: Option<String>,
    pub team: Option<String>,
    pub shift: Option<String>,
    /// The period's dates as the form's GOV.UK date inputs send them (day, month and year
    /// each in a box); they win over `from` and `to`, which links use.
    #[serde(rename = "from-day")]
    pub from_day: Option<String>,
    #[serde(rename = "from-month")]
    pub from_month: Option<String>,
    #[serde(rename = "from-year")]
    pub from_year: Option<String>,
    #[serde(rename = "to-day")]
    pub to_day: Option<String>,
    #[serde(rename = "to-month")]
    pub to_month: Option<String>,
    #[serde(rename = "to-year")]
    pub to_year: Option<String>,
}

impl ViewParams {
    /// The `from` and `to` dates asked for, each as `YYYY-MM-DD` or as typed in a link; a date
    /// typed in the boxes that is not a real date is a problem beside its boxes.
    pub fn dates(&self) -> Result<(Option<String>, Option<String>), crate::error::Problem> {
        let side = |id: &str,
                    name: &str,
                    parts: [&Option<String>; 3],
                    linked: &Option<String>|
         -> Result<Option<String>, crate::error::Problem> {
            let typed: Vec<&str> = parts
                .iter()
                .map(|p| p.as_deref().map_or("", str::trim))
                .collect();
            if typed.iter().all(|t| t.is_empty()) {
                return Ok(linked.clone());
            }
            let real = |text: String| crate::error::Problem {
                text,
                fix: "Check the day, the month and the year, such as 3 3 2025".into(),
                target: format!("{id}-day"),
            };
            // Each box a number (any size); then a real day of a four-digit year.
            let number = |t: &str| t.parse::<u64>().ok();
            match (number(typed[0]), number(typed[1]), number(typed[2])) {
                (Some(d), Some(m), Some(y)) => {
                    let small = |v: u64| u8::try_from(v).unwrap_or(0);
                    match i32::try_from(y)
                        .ok()
                        .filter(|y| (1000..=9999).contains(y))
                        .and_then(|y| swforce_domain::date::Date::new(y, small(m), small(d)).ok())
                    {
                        Some(date) => Ok(Some(date.to_string())),
                        None => Err(real(format!("\u{201c}{name}\u{201d} must be a real date"))),
                    }
                }
                _ => Err(crate::error::Problem {
                    fix: "Write each as a number, such as 3 3 2025".into(),
                    ..real(format!(
                        "\u{201c}{name}\u{201d} must include a day, a month and a year"
                    ))
                }),
            }
        };
        Ok((
            side(
                "from",
                "From",
                [&self.from_day, &self.from_month, &self.from_year],
                &self.from,
            )?,
            side(
                "to",
                "To",
                [&self.to_day, &self.to_month, &self.to_year],
                &self.to,
            )?,
        ))
    }
}

/// The period a view asks for. When its dates are wrong, the default period (the last 13
/// weeks) with the problem to show beside the form, so the page keeps the form and the person's
/// dates rather than ending on an error.
pub(super) fn period_or_default(
    q: &ViewParams,
) -> Result<((Week, Week), Option<crate::error::Problem>), PageError> {
    let (from, to) = match q.dates() {
        Ok(dates) => dates,
        Err(problem) => return Ok((period(None, None, today())?, Some(problem))),
    };
    match period(from.as_deref(), to.as_deref(), today()) {
        Ok(p) => Ok((p, None)),
        Err(swforce_app::AppError::Invalid { problem, fix }) => {
            // The error points at the first box of the date it is about.
            let target = if problem.contains("\"to\"") || problem.contains("ends") {
                "to-day"
            } else {
                "from-day"
            };
            Ok((
                period(None, None, today())?,
                Some(crate::error::Problem {
                    text: problem,
                    fix,
                    target: target.into(),
                }),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) fn week_param(text: Option<&str>) -> Result<Option<Week>, PageError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Week::parse(t).map(Some).map_err(|_| {
            PageError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                format!("\u{201c}{t}\u{201d} is not a date"),
                "Write the week as a date, like 2025-03-03",
            )
        }),
    }
}

pub(super) fn short_date(w: Week) -> String {
    w.monday().short()
}

#[derive(Template)]
#[template(path = "time_index.html")]
struct IndexPage {
    layout: Layout,
    signed_in: bool,
    leader: bool,
    manager: bool,
    england: String,
    england_shown: bool,
    england_synthetic: bool,
    participants: Vec<String>,
    regions: Vec<(String, String)>,
}

pub async fn index(State(state): AppState, viewer: Viewer) -> PageResult {
    run(move || {
        let (from, to) = period(None, None, today())?;
        let g = state.app.national_time(None, from, to)?;
        let participants = state
            .app
            .diary_participants()?
            .into_iter()
            .map(|o| {
                if o.synthetic {
                    format!("{} (synthetic: invented diaries)", o.name)
                } else {
                    o.name
                }
            })
            .collect();
        let who = viewer.principal.as_ref();
        let page = IndexPage {
            layout: Layout::new("Time for social work").nav("time"),
            signed_in: who.is_some(),
            leader: who.is_some_and(|p| p.can(Permission::ViewTimeAggregates)),
            manager: who.is_some_and(|p| p.can(Permission::ManageTimeDiary)),
            england: pct(g.relationship_share),
            england_shown: g.shown,
            england_synthetic: g.shown && g.synthetic,
            participants,
            regions: region_links(),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}
