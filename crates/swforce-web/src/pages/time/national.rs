//! The published figures for England and for each region.

use super::ViewParams;
use super::group::{Placing, group_csv, group_page};
use super::organisation::query_of;
use crate::error::{PageError, Problem};
use crate::pages::{PageResult, csv_response, run};
use crate::{AppState, WebState};
use axum::extract::{Path, Query, State};
use swforce_app::agency::today;
use swforce_app::diary::{GroupTime, period};
use swforce_domain::geography::REGIONS;

/// The figures of England or a region for the period asked for (the default period, with the
/// problem, when its dates are wrong).
fn national(
    state: &WebState,
    region: Option<&str>,
    q: &ViewParams,
) -> Result<(GroupTime, Option<Problem>), PageError> {
    let ((from, to), problem) = super::period_or_default(q)?;
    Ok((state.app.national_time(region, from, to)?, problem))
}

/// The figures for a download, which has no form to show a problem beside.
fn national_csv(
    state: &WebState,
    region: Option<&str>,
    q: &ViewParams,
) -> Result<GroupTime, PageError> {
    let (from, to) = q.dates().map_err(|p| {
        PageError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "There is a problem",
            p.text,
            p.fix,
        )
    })?;
    let (from, to) = period(from.as_deref(), to.as_deref(), today())?;
    Ok(state.app.national_time(region, from, to)?)
}

pub(super) fn region_links() -> Vec<(String, String)> {
    REGIONS
        .iter()
        .map(|(code, name)| (name.to_string(), format!("/time/regions/{code}")))
        .collect()
}

pub async fn england(State(state): AppState, Query(q): Query<ViewParams>) -> PageResult {
    run(move || {
        let (g, problem) = national(&state, None, &q)?;
        let page = group_page(
            &g,
            &q,
            Placing {
                caption: "Organisations that share their figures",
                action: "/time/england",
                teams: None,
                download: &format!("/time/england/download.csv{}", query_of(&q)),
                reform_code: Some("E92000001"),
                others: region_links(),
                problem,
            },
        );
        page.respond()
    })
    .await
}

pub async fn england_csv(State(state): AppState, Query(q): Query<ViewParams>) -> PageResult {
    run(move || {
        let g = national_csv(&state, None, &q)?;
        Ok(csv_response(
            "time-for-social-work-england.csv",
            group_csv(&g),
        ))
    })
    .await
}

pub async fn region(
    State(state): AppState,
    Path(code): Path<String>,
    Query(q): Query<ViewParams>,
) -> PageResult {
    run(move || {
        let (g, problem) = national(&state, Some(&code), &q)?;
        let page = group_page(
            &g,
            &q,
            Placing {
                caption: "Organisations in the region that share their figures",
                action: &format!("/time/regions/{code}"),
                teams: None,
                download: &format!("/time/regions/{code}/download.csv{}", query_of(&q)),
                reform_code: Some(&code),
                others: vec![("England".into(), "/time/england".into())],
                problem,
            },
        );
        page.respond()
    })
    .await
}

pub async fn region_csv(
    State(state): AppState,
    Path(code): Path<String>,
    Query(q): Query<ViewParams>,
) -> PageResult {
    run(move || {
        let g = national_csv(&state, Some(&code), &q)?;
        Ok(csv_response(
            "time-for-social-work-region.csv",
            group_csv(&g),
        ))
    })
    .await
}
