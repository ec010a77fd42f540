//! One group's time (a team, an organisation, a region or England) as a page and as CSV.

use super::{ViewParams, pct, short_date};
use crate::chart::{LineChart, Series};
use crate::error::Problem;
use crate::pages::{PageResult, render, render_as};
use crate::view::{CellView, Choices, DateInput, Field, Layout, TableView};
use askama::Template;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use swforce_app::agency::today;
use swforce_app::diary::GroupTime;
use swforce_domain::diary::{TARGET_SHARE, Week, long_date, percent};

#[derive(Template)]
#[template(path = "time_group.html")]
pub(super) struct GroupPage {
    layout: Layout,
    synthetic: bool,
    caption: String,
    heading: String,
    period: String,
    published: String,
    action: String,
    from: DateInput,
    to: DateInput,
    /// The period shown, for the capacity form to keep (`YYYY-MM-DD`).
    from_value: String,
    to_value: String,
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
    /// What was wrong with the dates asked for (the page then shows the default period).
    problems: Vec<Problem>,
}

impl GroupPage {
    /// Whether a team (not the whole organisation) is shown: only then does the page offer the
    /// whole organisation instead, or speak of a team's weeks.
    pub fn team_chosen(&self) -> bool {
        self.teams
            .as_ref()
            .is_some_and(|t| t.options.iter().any(|o| o.checked && !o.value.is_empty()))
    }

    /// The page, as a 400 when the dates asked for were wrong.
    pub(super) fn respond(&self) -> PageResult {
        if self.problems.is_empty() {
            Ok(render(self)?.into_response())
        } else {
            render_as(StatusCode::BAD_REQUEST, self)
        }
    }
}

/// Where a group's page sits: its caption, its form's address, its download, the place whose
/// projection its balance can seed, and links elsewhere.
pub(super) struct Placing<'a> {
    pub(super) caption: &'a str,
    pub(super) action: &'a str,
    pub(super) teams: Option<Choices>,
    pub(super) download: &'a str,
    pub(super) reform_code: Option<&'a str>,
    pub(super) others: Vec<(String, String)>,
    /// What was wrong with the dates asked for, if anything.
    pub(super) problem: Option<Problem>,
}

pub(super) fn group_page(g: &GroupTime, q: &ViewParams, placing: Placing<'_>) -> GroupPage {
    let Placing {
        caption,
        action,
        teams,
        download,
        reform_code,
        others,
        problem,
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
    // With a problem, the fields keep what was asked for, and say what is wrong.
    let problems: Vec<Problem> = problem.into_iter().collect();
    // With a problem, the boxes keep what was asked for (typed, or in the link).
    let box_of = |id: &str,
                  legend: &str,
                  shown: Week,
                  parts: [&Option<String>; 3],
                  linked: &Option<String>| {
        let d = DateInput::new(id, legend, "Any day of the week, such as 3 3 2025");
        let typed = parts
            .iter()
            .any(|p| p.as_deref().is_some_and(|t| !t.trim().is_empty()));
        let linked = linked
            .as_deref()
            .and_then(|t| swforce_domain::date::Date::parse(t.trim()).ok());
        match (problems.is_empty(), typed, linked) {
            (false, true, _) => d.typed(parts[0], parts[1], parts[2]),
            (false, false, Some(day)) => d.date(day),
            _ => d.date(shown.monday()),
        }
        .error_from(&problems)
    };
    let from = box_of(
        "from",
        "From (the week of)",
        g.from,
        [&q.from_day, &q.from_month, &q.from_year],
        &q.from,
    );
    let to = box_of(
        "to",
        "To (the week of)",
        g.to,
        [&q.to_day, &q.to_month, &q.to_year],
        &q.to,
    );
    GroupPage {
        layout: Layout::new(&format!("Time for social work: {}", g.name)).nav("time"),
        synthetic: g.synthetic,
        caption: caption.to_string(),
        heading: g.name.clone(),
        period: period_text(g),
        published: published_text(),
        action: action.to_string(),
        from_value: g.from.to_string(),
        to_value: g.to.to_string(),
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
        problems,
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
pub(super) fn group_csv(g: &GroupTime) -> String {
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
    let group = if g.synthetic {
        format!("{} (synthetic: invented diaries)", g.name)
    } else {
        g.name.clone()
    };
    let base = |item: &str| {
        vec![
            group.clone(),
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
