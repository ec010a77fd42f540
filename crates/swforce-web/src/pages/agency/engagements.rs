//! A council's register of engagements, and each engagement's result rule by rule.

use super::{FindingView, RowView, Tag, counts, engagement_id, findings, money, row};
use crate::AppState;
use crate::auth::Viewer;
use crate::pages::ids::Kind;
use crate::pages::{PageResult, ids, redirect, render, run};
use crate::view::Layout;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::IntoResponse;
use swforce_domain::agency::Engagement;

#[derive(Template)]
#[template(path = "agency_register.html")]
struct RegisterPage {
    layout: Layout,
    organisation: String,
    counts: Vec<(Tag, usize)>,
    rows: Vec<RowView>,
}

pub async fn register(State(state): AppState, viewer: Viewer) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let checked = state.app.agency_register(&who, &viewer.origin)?;
        let page = RegisterPage {
            layout: Layout::new("Agency engagements").nav("agency"),
            organisation: who.org.name.clone(),
            counts: counts(&checked),
            rows: {
                let ids = ids::all(&state)?;
                checked.iter().map(|c| row(c, Some(&ids))).collect()
            },
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "agency_engagement.html")]
struct EngagementPage {
    layout: Layout,
    /// The confirmation straight after the engagement was saved.
    banner: Option<(String, String)>,
    row: RowView,
    /// The engagement's opaque id.
    id: String,
    judged_at: String,
    legacy: bool,
    findings: Vec<FindingView>,
    details: Vec<(&'static str, String)>,
}

fn details(e: &Engagement) -> Vec<(&'static str, String)> {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "Not recorded".into());
    let yes_no = |b: Option<bool>| opt(b.map(|b| if b { "Yes" } else { "No" }.to_string()));
    vec![
        ("Hours a week", opt(e.hours_per_week.map(|h| h.to_string()))),
        (
            "How the worker is paid",
            opt(e.pay_basis.map(|b| b.label().to_string())),
        ),
        ("Pay", money(e.charge.pay)),
        ("Employer National Insurance", money(e.charge.employer_ni)),
        ("Apprenticeship levy", money(e.charge.apprenticeship_levy)),
        ("Holiday pay", money(e.charge.holiday_pay)),
        ("Agency margin", money(e.charge.agency_margin)),
        ("Hourly charge", money(e.charge.total(e.pay_basis))),
        ("Qualified on", opt(e.qualified.map(|d| d.to_string()))),
        (
            "Post-qualifying experience in child and family social work",
            opt(e.pqe_years.map(|y| format!("{y} years"))),
        ),
        (
            "Previous substantive employer",
            opt(e.previous_employer.clone()),
        ),
        ("Its council code", opt(e.previous_la_code.clone())),
        ("Its region", opt(e.previous_region.clone())),
        ("Left on", opt(e.left_on.map(|d| d.to_string()))),
        (
            "How they left",
            opt(e.leaving.map(|l| l.label().to_string())),
        ),
        (
            "Practice-based reference received",
            yes_no(e.practice_reference),
        ),
        (
            "Notice period",
            opt(e.notice_weeks.map(|w| format!("{w} weeks"))),
        ),
        (
            "Council's notice for the equivalent role",
            opt(e.council_notice_weeks.map(|w| format!("{w} weeks"))),
        ),
        ("Project team", opt(e.project_team.clone())),
        ("Packaged model", yes_no(e.packaged_model)),
        (
            "Above-cap sign-off: director of children's services",
            opt(e.dcs_signoff.map(|d| d.long())),
        ),
        (
            "Above-cap sign-off: chief executive",
            opt(e.ceo_signoff.map(|d| d.long())),
        ),
    ]
}

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let found = engagement_id(&state, &id)?;
    run(move || {
        let c = state
            .app
            .agency_engagement(&who, found.id(), &viewer.origin)?;
        if let Some(moved) = ids::moved(&state, &viewer.path, found, Kind::Engagement)? {
            return Ok(moved);
        }
        let ids = ids::all(&state)?;
        let page = EngagementPage {
            layout: Layout::new(&format!("Engagement {}", c.engagement.reference)).nav("agency"),
            banner: (query.as_deref() == Some("saved=1")).then(|| {
                (
                    format!("Engagement {} saved", c.engagement.reference),
                    "It is on the register, checked against the rules below.".to_string(),
                )
            }),
            row: row(&c, Some(&ids)),
            id: ids.encode(Kind::Engagement, found.id()),
            judged_at: c.assessment.judged_at.long(),
            legacy: c.engagement.legacy(),
            findings: findings(&c),
            details: details(&c.engagement),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn delete(State(state): AppState, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let id = engagement_id(&state, &id)?.id();
    run(move || {
        state.app.delete_engagement(&who, id, &viewer.origin)?;
        Ok(redirect("/agency/council/engagements"))
    })
    .await
}
