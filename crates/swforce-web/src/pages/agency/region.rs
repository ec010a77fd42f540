//! A regional alliance's agency page: its councils, its total, and its price caps.

use super::pounds;
use super::summary::{QuarterParams, SummaryView, quarter_choices, quarter_of, summary_view};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::{Fields, PageResult, redirect, render, run, unprocessable};
use crate::view::{CellView, Choices, Field, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_app::agency::today;
use swforce_domain::agency::{JobType, Quarter, Status};

#[derive(Template)]
#[template(path = "agency_region.html")]
struct RegionPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    organisation: String,
    region: String,
    quarter: Quarter,
    quarters: Choices,
    total: SummaryView,
    councils: Option<TableView>,
    caps: Vec<(String, String, String, String, String, String)>,
    cap_job: Choices,
    cap_from: Field,
    cap_hourly: Field,
}

fn region_page(
    state: &WebState,
    who: &Principal,
    quarter: Quarter,
    form: &Fields,
    problems: Vec<Problem>,
) -> Result<RegionPage, PageError> {
    let r = state.app.regional_agency(who, quarter)?;
    let caps = state.app.price_caps_of(&r.region)?;
    let councils = (!r.councils.is_empty()).then(|| TableView {
        caption: format!(
            "Councils of {} on swforce, {}",
            r.region_name,
            quarter.words()
        ),
        head: [
            "Council",
            "Engagements",
            "Compliance",
            "Breaches",
            "FTE",
            "Spend",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| CellView {
            numeric: i > 0,
            ..CellView::text(*h)
        })
        .collect(),
        rows: r
            .councils
            .iter()
            .map(|c| {
                let s = &c.summary;
                let breaches: usize = s
                    .by_status
                    .iter()
                    .filter(|(st, _)| *st == Status::Breach)
                    .map(|(_, n)| n)
                    .sum();
                vec![
                    CellView::text(c.org.name.clone()),
                    CellView::number(s.engagements.to_string(), s.engagements.to_string()),
                    CellView::number(
                        s.compliance_rate
                            .map(|v| format!("{:.0}%", v * 100.0))
                            .unwrap_or_else(|| "–".into()),
                        s.compliance_rate
                            .map(|v| format!("{v:.4}"))
                            .unwrap_or_default(),
                    ),
                    CellView::number(breaches.to_string(), breaches.to_string()),
                    CellView::number(format!("{:.1}", s.fte), format!("{:.2}", s.fte)),
                    CellView::number(pounds(s.spend), s.spend.0.to_string()),
                ]
            })
            .collect(),
        download: String::new(),
    });
    let mut cap_job = Choices::new("cap_job", "Job type", "select");
    for j in JobType::ALL {
        cap_job = cap_job.option(j.id(), j.label(), "", form.get("cap_job") == j.id());
    }
    Ok(RegionPage {
        banner: None,
        layout: Layout::new(if problems.is_empty() {
            "Your region's agency workers"
        } else {
            "Error: Your region's agency workers"
        })
        .nav("agency"),
        organisation: who.org.name.clone(),
        region: r.region_name.clone(),
        quarter,
        quarters: quarter_choices(quarter),
        total: summary_view(&r.total),
        councils,
        caps: caps
            .iter()
            .map(|c| {
                (
                    c.cap.job_type.label().to_string(),
                    c.cap.job_type.id().to_string(),
                    c.cap.from.to_string(),
                    c.cap.hourly.to_string(),
                    c.set_by.clone(),
                    swforce_app::display::when(&c.set_at),
                )
            })
            .collect(),
        cap_job: cap_job.error_from(&problems),
        cap_from: Field::new("cap_from", "Applies from")
            .hint("For example, 2025-04-01 or 01/04/2025")
            .value(&form.get("cap_from"))
            .width("10")
            .error_from(&problems),
        cap_hourly: Field::new("cap_hourly", "Most a council pays an hour, £")
            .hint("Pay with employer National Insurance, the apprenticeship levy and holiday pay (inside an umbrella or limited-company worker's rate; added to a PAYE worker's pay). Not the agency's margin")
            .value(&form.get("cap_hourly"))
            .width("10")
            .error_from(&problems),
        problems,
    })
}

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<QuarterParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let quarter = quarter_of(&q.quarter)?;
    run(move || {
        let mut page = region_page(&state, &who, quarter, &Fields(Vec::new()), Vec::new())?;
        page.banner = match q.saved.as_deref() {
            Some("cap") => Some(("Price cap saved".to_string(), String::new())),
            Some("removed") => Some(("Price cap removed".to_string(), String::new())),
            _ => None,
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn set_cap(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        match state.app.set_price_cap(
            &who,
            &form.get("cap_job"),
            &form.get("cap_from"),
            &form.get("cap_hourly"),
            &viewer.origin,
        ) {
            Ok(_) => Ok(redirect("/agency/region?saved=cap#success").into_response()),
            Err(AppError::Invalid { problem, fix }) => {
                let target = if problem.contains("date") {
                    "cap_from"
                } else if problem.contains("job type") {
                    "cap_job"
                } else {
                    "cap_hourly"
                };
                let problems = vec![Problem {
                    text: problem,
                    fix,
                    target: target.into(),
                }];
                let page = region_page(&state, &who, Quarter::of(today()), &form, problems)?;
                unprocessable(&page)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

pub async fn delete_cap(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        state
            .app
            .delete_price_cap(&who, &form.get("job"), &form.get("from"), &viewer.origin)?;
        Ok(redirect("/agency/region?saved=removed#success").into_response())
    })
    .await
}
