//! Time for social work: the landing page, a leader's view of the organisation and its teams,
//! the public views of England and its regions, their downloads, and the diary settings. The
//! diary itself is in `diary.rs`.
//!
//! Nobody's diary is ever shown to anyone but them: every other page is built from sums.

use super::ids::{Kind, PublicIds};
use super::{Fields, PageResult, csv_response, render, run, unprocessable};
use crate::auth::Viewer;
use crate::chart::{LineChart, Series};
use crate::error::{PageError, Problem};
use crate::view::{CellView, Choices, Field, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::access::Principal;
use swforce_app::agency::today;
use swforce_app::diary::{CategoryInput, Group, GroupTime, period};
use swforce_domain::access::Permission;
use swforce_domain::diary::{Activity, TARGET_SHARE, Week, long_date, percent};
use swforce_domain::geography::REGIONS;

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

// ---------------------------------------------------------------------------------------------
// Group views: a team, the organisation, a region, England

#[derive(Template)]
#[template(path = "time_group.html")]
struct GroupPage {
    layout: Layout,
    caption: String,
    heading: String,
    period: String,
    published: String,
    action: String,
    from: Field,
    to: Field,
    teams: Option<Choices>,
    shown: bool,
    share: String,
    contributors: String,
    diaries: String,
    lines: TableView,
    chart: String,
    trend: TableView,
    obstacles: TableView,
    capacity: Vec<(String, String)>,
    shift: Field,
    shift_answer: String,
    reform_href: String,
    notes: Vec<(String, String)>,
    others: Vec<(String, String)>,
}

/// Where a group's page sits: its caption, its form's address, its download, the place whose
/// projection its balance can seed, and links elsewhere.
struct Placing<'a> {
    caption: &'a str,
    action: &'a str,
    teams: Option<Choices>,
    download: &'a str,
    reform_code: Option<&'a str>,
    others: Vec<(String, String)>,
}

fn group_page(g: &GroupTime, q: &ViewParams, placing: Placing<'_>) -> GroupPage {
    let Placing {
        caption,
        action,
        teams,
        download,
        reform_code,
        others,
    } = placing;
    let lines = TableView {
        caption: format!("Where the time went, {}", period_text(g)),
        head: vec![
            CellView::text("Activity"),
            CellView::text("Direct work"),
            CellView::number("Hours a week per person", ""),
            CellView::number("Share of time", ""),
        ],
        rows: g
            .lines
            .iter()
            .map(|l| {
                vec![
                    CellView::text(l.label.clone()),
                    CellView::text(if l.relationship_based { "Yes" } else { "No" }),
                    CellView::number(
                        format!("{:.1}", l.hours_per_week),
                        format!("{:.1}", l.hours_per_week),
                    ),
                    CellView::number(percent(l.share), format!("{:.2}", l.share)),
                ]
            })
            .collect(),
        download: download.to_string(),
    };
    let trend = TableView {
        caption: "Share of time on direct work, by week".into(),
        head: vec![
            CellView::text("Week"),
            CellView::number("Diaries", ""),
            CellView::number("Direct work", ""),
        ],
        rows: g
            .trend
            .iter()
            .map(|t| {
                vec![
                    CellView::text(long_date(t.week.monday())),
                    match t.relationship_share {
                        Some(_) => CellView::number(t.diaries.to_string(), t.diaries.to_string()),
                        None => CellView::number("–", ""),
                    },
                    match t.relationship_share {
                        Some(s) => CellView::number(percent(s), format!("{s:.2}")),
                        None if t.held_back => CellView::number("–", "").with_note(
                            "held back: the rest of the organisation could be worked out",
                        ),
                        None => CellView::number("–", "")
                            .with_note("fewer than 5 people who count kept a diary"),
                    },
                ]
            })
            .collect(),
        download: String::new(),
    };
    let chart = (g.trend.len() >= 2).then(|| LineChart {
        id: "balance".into(),
        title: format!("Share of time on direct work, {}", g.name),
        description: format!(
            "The share of recorded time on direct, relationship-based work each week, {}, against the 80:20 aim. Weeks that do not count are gaps: fewer than 5 people who count kept a diary, or the week is held back so that nobody can be worked out.",
            period_text(g)
        ),
        x_labels: g.trend.iter().map(|t| short_date(t.week)).collect(),
        series: vec![
            Series {
                name: g.name.clone(),
                values: g
                    .trend
                    .iter()
                    .map(|t| t.relationship_share.map(|s| s * 100.0))
                    .collect(),
            },
            Series {
                name: "80:20 aim".into(),
                values: g.trend.iter().map(|_| Some(TARGET_SHARE * 100.0)).collect(),
            },
        ],
        axis_format: |v| format!("{v:.0}%"),
    });
    let obstacles = TableView {
        caption: "What got in the way".into(),
        head: vec![
            CellView::text("Reason"),
            CellView::number("Diaries that ticked it", ""),
            CellView::number("Share of diaries", ""),
            CellView::number("Earlier half of the period", ""),
            CellView::number("Later half", ""),
        ],
        rows: g
            .obstacles
            .iter()
            .map(|o| {
                vec![
                    CellView::text(o.label),
                    match o.diaries {
                        Some(n) => CellView::number(n.to_string(), n.to_string()),
                        None => CellView::number("fewer than 5", ""),
                    },
                    match o.share {
                        Some(v) => CellView::number(percent(v), format!("{v:.2}")),
                        None => CellView::number("–", ""),
                    },
                    CellView::number(
                        pct(o.earlier),
                        o.earlier.map(|v| format!("{v:.2}")).unwrap_or_default(),
                    ),
                    CellView::number(
                        pct(o.later),
                        o.later.map(|v| format!("{v:.2}")).unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
        download: String::new(),
    };
    let points = q
        .shift
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("10");
    let mut shift = Field::new("shift", "Percentage points of time moved to direct work")
        .hint("For example 10 moves the balance from 20% to 30%")
        .value(points)
        .width("3");
    let shift_answer = match points.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => g
            .shift_in_fte(p)
            .map(|fte| {
                format!(
                    "Moving {p} percentage points of recorded time to direct work would give {} the direct work of {fte:.1} more full-time social workers.",
                    g.name
                )
            })
            .unwrap_or_default(),
        _ => {
            shift.error = "Enter a number of percentage points from 0 to 100".into();
            String::new()
        }
    };
    let capacity = g
        .capacity
        .as_ref()
        .map(|c| {
            vec![
                (
                    "Hours of direct work per full-time equivalent (FTE) a week".to_string(),
                    format!("{:.1}", c.relationship_hours_per_fte),
                ),
                (
                    "Hours of direct work a week, all contributors".to_string(),
                    format!("{:.1}", c.relationship_hours_per_week),
                ),
                (
                    "Hours recorded per FTE a week".to_string(),
                    format!("{:.1}", c.recorded_hours_per_fte),
                ),
                (
                    "FTE contributing a week, on average".to_string(),
                    format!("{:.1}", c.fte),
                ),
            ]
        })
        .unwrap_or_default();
    let reform_href = match (reform_code, g.relationship_share) {
        (Some(code), Some(s)) if s > 0.0 => format!(
            "/projections/{code}?direct_now={:.0}#reform",
            (s * 100.0).clamp(1.0, 100.0)
        ),
        _ => String::new(),
    };
    let mut from = Field::new("from", "From (week of)")
        .value(&g.from.to_string())
        .width("10");
    from.kind = "date";
    let mut to = Field::new("to", "To (week of)")
        .value(&g.to.to_string())
        .width("10");
    to.kind = "date";
    GroupPage {
        layout: Layout::new(&format!("Time for social work: {}", g.name)).nav("time"),
        caption: caption.to_string(),
        heading: g.name.clone(),
        period: period_text(g),
        published: published_text(),
        action: action.to_string(),
        from,
        to,
        teams,
        shown: g.shown,
        share: pct(g.relationship_share),
        contributors: g.contributors.to_string(),
        diaries: g.diaries.to_string(),
        lines,
        chart: chart.map(|c| c.to_svg()).unwrap_or_default(),
        trend,
        obstacles,
        capacity,
        shift,
        shift_answer,
        reform_href,
        notes: g
            .notes
            .iter()
            .map(|(w, n)| (w.describe(), n.clone()))
            .collect(),
        others,
    }
}

fn period_text(g: &GroupTime) -> String {
    format!(
        "{} to {}",
        long_date(g.from.monday()),
        long_date(g.to.sunday())
    )
}

/// When the figures were last brought up to date, for the sentence under the period.
fn published_text() -> String {
    format!(
        "A week's figures are published {} days after it ends, so the latest week in them is the week of {}",
        swforce_domain::diary::PUBLISH_AFTER_DAYS,
        long_date(Week::published_through(today()).monday())
    )
}

/// The CSV of a group's view: the lines, then the obstacles, or a single line saying there
/// were not enough responses.
fn group_csv(g: &GroupTime) -> String {
    let mut rows: Vec<Vec<String>> = vec![vec![
        "group".into(),
        "from".into(),
        "to".into(),
        "item".into(),
        "relationship_based".into(),
        "hours_per_person_week".into(),
        "share".into(),
        "contributors".into(),
    ]];
    let base = |item: &str| {
        vec![
            g.name.clone(),
            g.from.monday().to_string(),
            g.to.sunday().to_string(),
            item.to_string(),
        ]
    };
    if !g.shown {
        let mut r = base("not enough responses");
        r.extend(["".into(), "".into(), "".into(), "too few".into()]);
        rows.push(r);
    } else {
        for l in &g.lines {
            let mut r = base(&l.label);
            r.extend([
                if l.relationship_based { "yes" } else { "no" }.into(),
                format!("{:.1}", l.hours_per_week),
                format!("{:.2}", l.share),
                g.contributors.to_string(),
            ]);
            rows.push(r);
        }
        let mut r = base("all direct, relationship-based work");
        r.extend([
            "yes".into(),
            String::new(),
            g.relationship_share
                .map(|s| format!("{s:.2}"))
                .unwrap_or_default(),
            g.contributors.to_string(),
        ]);
        rows.push(r);
        for o in &g.obstacles {
            let mut r = base(&format!("got in the way: {}", o.label));
            r.extend([
                String::new(),
                String::new(),
                o.share.map(|v| format!("{v:.2}")).unwrap_or_default(),
                g.contributors.to_string(),
            ]);
            rows.push(r);
        }
    }
    let cells = |r: Vec<String>| r.into_iter().map(CellView::text).collect::<Vec<_>>();
    let mut rows = rows.into_iter();
    TableView {
        caption: String::new(),
        head: rows.next().map(cells).unwrap_or_default(),
        rows: rows.map(cells).collect(),
        download: String::new(),
    }
    .to_csv()
}

fn team_choices(teams: &[swforce_store::Team], chosen: Option<i64>, ids: &PublicIds) -> Choices {
    let mut c = Choices::new("team", "Team", "select").option(
        "",
        "Whole organisation",
        "",
        chosen.is_none(),
    );
    for t in teams {
        c = c.option(
            &ids.encode(Kind::Team, t.id),
            &t.name,
            "",
            chosen == Some(t.id),
        );
    }
    c
}

fn team_of(state: &WebState, q: &ViewParams) -> Result<Option<i64>, PageError> {
    match q.team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => match super::ids::all(state)?.read(Kind::Team, t) {
            Some(found) => Ok(Some(found.id())),
            None => Err(PageError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                format!("\u{201c}{t}\u{201d} is not a team"),
                "Choose a team from the list",
            )),
        },
    }
}

fn org_view(
    state: &WebState,
    who: &Principal,
    q: &ViewParams,
) -> Result<(GroupTime, Vec<swforce_store::Team>, Option<i64>), PageError> {
    let (from, to) = period(q.from.as_deref(), q.to.as_deref(), today())?;
    let team = team_of(state, q)?;
    let teams = state.app.diary_teams(who)?;
    let group = team.map_or(Group::Organisation, Group::Team);
    let g = state.app.org_time(who, &group, from, to)?;
    Ok((g, teams, team))
}

fn query_of(q: &ViewParams) -> String {
    let mut parts = Vec::new();
    for (k, v) in [("team", &q.team), ("from", &q.from), ("to", &q.to)] {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            parts.push(format!(
                "{k}={}",
                crate::error::form_urlencoded_component(v.trim())
            ));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

pub async fn organisation(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<ViewParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let (g, teams, team) = org_view(&state, &who, &q)?;
        let caption = if team.is_some() {
            who.org.name.clone()
        } else {
            "Your organisation".to_string()
        };
        let page = group_page(
            &g,
            &q,
            Placing {
                caption: &caption,
                action: "/time/organisation",
                teams: Some(team_choices(&teams, team, &*super::ids::all(&state)?)),
                download: &format!("/time/organisation/download.csv{}", query_of(&q)),
                reform_code: Some(who.org.la_code.as_deref().unwrap_or("E92000001")),
                others: vec![("England".into(), "/time/england".into())],
            },
        );
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn organisation_csv(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<ViewParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let (g, _, _) = org_view(&state, &who, &q)?;
        Ok(csv_response("time-for-social-work.csv", group_csv(&g)))
    })
    .await
}

fn national(
    state: &WebState,
    region: Option<&str>,
    q: &ViewParams,
) -> Result<GroupTime, PageError> {
    let (from, to) = period(q.from.as_deref(), q.to.as_deref(), today())?;
    Ok(state.app.national_time(region, from, to)?)
}

fn region_links() -> Vec<(String, String)> {
    REGIONS
        .iter()
        .map(|(code, name)| (name.to_string(), format!("/time/regions/{code}")))
        .collect()
}

pub async fn england(State(state): AppState, Query(q): Query<ViewParams>) -> PageResult {
    run(move || {
        let g = national(&state, None, &q)?;
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
            },
        );
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn england_csv(State(state): AppState, Query(q): Query<ViewParams>) -> PageResult {
    run(move || {
        let g = national(&state, None, &q)?;
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
        let g = national(&state, Some(&code), &q)?;
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
            },
        );
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn region_csv(
    State(state): AppState,
    Path(code): Path<String>,
    Query(q): Query<ViewParams>,
) -> PageResult {
    run(move || {
        let g = national(&state, Some(&code), &q)?;
        Ok(csv_response(
            "time-for-social-work-region.csv",
            group_csv(&g),
        ))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The landing page

#[derive(Template)]
#[template(path = "time_index.html")]
struct IndexPage {
    layout: Layout,
    signed_in: bool,
    leader: bool,
    manager: bool,
    england: String,
    england_shown: bool,
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
            .map(|o| o.name)
            .collect();
        let who = viewer.principal.as_ref();
        let page = IndexPage {
            layout: Layout::new("Time for social work").nav("time"),
            signed_in: who.is_some(),
            leader: who.is_some_and(|p| p.can(Permission::ViewTimeAggregates)),
            manager: who.is_some_and(|p| p.can(Permission::ManageTimeDiary)),
            england: pct(g.relationship_share),
            england_shown: g.shown,
            participants,
            regions: region_links(),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Settings: categories and opting in

#[derive(Template)]
#[template(path = "time_settings.html")]
struct SettingsPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    organisation: String,
    categories: Vec<CategoryRow>,
    new_label: Field,
    new_activity: Choices,
    opt_in: Choices,
}

/// One category on the settings page, with its form.
struct CategoryRow {
    /// The category's opaque id.
    id: String,
    label: String,
    kind: String,
    retired: bool,
    name: Field,
    activity: Choices,
    position: Field,
    retire: Choices,
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsParams {
    pub saved: Option<String>,
}

fn activity_choices(id: &str, chosen: Option<Activity>, error: String) -> Choices {
    let mut c = Choices::new(id, "Counts as", "select");
    c.error = error;
    if chosen.is_none() {
        c = c.option("", "Choose a kind of work", "", true);
    }
    for a in Activity::ALL {
        let label = format!(
            "{}{}",
            a.label(),
            if a.relationship_based() {
                " (direct work)"
            } else {
                ""
            }
        );
        c = c.option(a.id(), &label, "", chosen == Some(a));
    }
    c
}

fn settings_page(
    state: &WebState,
    who: &Principal,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
) -> Result<SettingsPage, PageError> {
    let categories = state.app.diary_categories(who.org.id)?;
    let opted = state.app.diary_opt_in(who)?;
    let public = super::ids::encoder(state, Kind::Category)?;
    let error_of = |id: &str| {
        problems
            .iter()
            .find(|p| p.target == id)
            .map(|p| p.text.clone())
            .unwrap_or_default()
    };
    let rows = categories
        .iter()
        .map(|c| {
            let mut label = Field::new(&format!("label-{}", public(c.id)), "Name").value(&c.label);
            label.error = error_of(&label.id);
            let activity = activity_choices(
                &format!("activity-{}", public(c.id)),
                Some(c.activity),
                error_of(&format!("activity-{}", public(c.id))),
            );
            let mut position =
                Field::new(&format!("position-{}", public(c.id)), "Order on the diary")
                    .value(&c.position.to_string())
                    .width("4");
            position.error = error_of(&position.id);
            let retired = Choices::new(&format!("retired-{}", public(c.id)), "In use", "checkbox")
                .option(
                    "yes",
                    "Retire it: take it off the diary and keep its history",
                    "",
                    c.retired,
                );
            CategoryRow {
                id: public(c.id),
                label: c.label.clone(),
                kind: if c.activity.relationship_based() {
                    "Direct work".to_string()
                } else {
                    c.activity.label().to_string()
                },
                retired: c.retired,
                name: label,
                activity,
                position,
                retire: retired,
            }
        })
        .collect();
    let mut new_label = Field::new("label-0", "Name of the new category")
        .hint("For example: Family time supervision");
    new_label.error = error_of("label-0");
    Ok(SettingsPage {
        layout: Layout::new("Time diary settings").nav("time"),
        banner,
        organisation: who.org.name.clone(),
        categories: rows,
        new_label,
        new_activity: activity_choices("activity-0", None, error_of("activity-0")),
        opt_in: Choices::new(
            "opt_in",
            "Add your organisation's figures to its region's and England's?",
            "radio",
        )
        .hint("Only sums go, and only where at least 5 people contributed. Your organisation is named in the list of those taking part.")
        .option("yes", "Yes, share our figures", "", opted)
        .option("no", "No, keep them within our organisation", "", !opted),
        problems,
    })
}

pub async fn settings(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<SettingsParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require_read(Permission::ManageTimeDiary)?;
    run(move || {
        let banner = q
            .saved
            .as_ref()
            .map(|what| ("Saved".to_string(), what.clone()));
        let page = settings_page(&state, &who, Vec::new(), banner)?;
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn save_category(
    State(state): AppState,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ManageTimeDiary)?;
    run(move || {
        // The category by its opaque id ("0" for a new one); its boxes are named by the same.
        let id = fields.get("id").trim().to_string();
        let number = match id.as_str() {
            "0" => 0,
            text => super::ids::all(&state)?
                .read(Kind::Category, text)
                .map_or(-1, |found| found.id()),
        };
        let input = CategoryInput {
            id: number,
            label: fields.get(&format!("label-{id}")),
            activity: fields.get(&format!("activity-{id}")),
            position: fields.get(&format!("position-{id}")),
            retired: fields.get(&format!("retired-{id}")) == "yes",
        };
        match state
            .app
            .save_diary_category(&who, &input, &viewer.origin)?
        {
            Ok(c) => Ok(super::redirect(&format!(
                "/time/settings?saved={}",
                crate::error::form_urlencoded_component(&format!(
                    "Category \u{201c}{}\u{201d} saved.",
                    c.label
                ))
            ))
            .into_response()),
            Err(found) => {
                let problems = found
                    .into_iter()
                    .map(|p| Problem {
                        target: format!("{}-{id}", p.field),
                        text: p.message,
                        fix: String::new(),
                    })
                    .collect();
                let page = settings_page(&state, &who, problems, None)?;
                unprocessable(&page)
            }
        }
    })
    .await
}

pub async fn save_opt_in(
    State(state): AppState,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ManageTimeDiary)?;
    run(move || {
        let choice = fields.get("opt_in");
        if choice != "yes" && choice != "no" {
            let problems = vec![Problem {
                text: "Choose whether to share your organisation's figures".into(),
                fix: String::new(),
                target: "opt_in-1".into(),
            }];
            let page = settings_page(&state, &who, problems, None)?;
            return unprocessable(&page);
        }
        state
            .app
            .set_diary_opt_in(&who, choice == "yes", &viewer.origin)?;
        let what = if choice == "yes" {
            "Your organisation's figures now count towards its region's and England's."
        } else {
            "Your organisation's figures are kept within it."
        };
        Ok(super::redirect(&format!(
            "/time/settings?saved={}",
            crate::error::form_urlencoded_component(what)
        ))
        .into_response())
    })
    .await
}
