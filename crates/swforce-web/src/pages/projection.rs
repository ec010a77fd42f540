//! Projection pages: the levers as a form and fan charts of the results for a place, saved
//! scenarios with shareable links, and the method with its backtest.

use super::ids::{self, Kind};
use super::place::href;
use super::scenario_form::{self, Group as FieldGroup};
use super::{PageResult, csv_response, redirect, render, run};
use crate::chart::{Band, FanChart, Series};
use crate::error::{PageError, Problem};
use crate::view::{CellView, Crumb, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use swforce_app::display;
use swforce_app::projection::{Report, rows};
use swforce_app::{AppError, Snapshot};
use swforce_domain::{Geography, Measure, Year};
use swforce_engine::{Indicator, Projection, Summary};

/// Projections and saved scenarios (saving one is routed with the uploads, under their size limit).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/projections", get(index))
        .route("/projections/{code}", get(show))
        .route("/projections/{code}/download.csv", get(download))
        .route("/scenarios/{id}", get(super::scenarios::saved))
}

/// A fan chart section.
#[derive(Debug, Clone)]
pub struct FanSection {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub chart: String,
    /// A scenario's difference from the baseline, with its own band.
    pub difference: Option<String>,
    pub table: TableView,
    pub has_scenario: bool,
}

#[derive(Template)]
#[template(path = "projection.html")]
pub struct ProjectionPage {
    pub layout: Layout,
    pub crumbs: Vec<Crumb>,
    pub place: String,
    pub code: String,
    pub groups: Vec<FieldGroup>,
    pub problems: Vec<Problem>,
    pub name: String,
    pub result: bool,
    pub has_scenario: bool,
    pub scenario_name: String,
    pub notes: Vec<String>,
    pub heading: String,
    pub summary: Option<TableView>,
    pub sections: Vec<FanSection>,
    pub download: String,
    pub query: String,
    /// The saved scenario whose link opened the page, or which was just saved.
    pub saved: Option<super::scenarios::SavedNote>,
}

impl ProjectionPage {
    /// This page's address, encoded to come back to after signing in.
    pub fn self_link(&self) -> String {
        crate::error::form_urlencoded_component(&format!(
            "/projections/{}?{}",
            self.code, self.query
        ))
    }
}

/// Indicators charted, in order; the reform ones only when reform is a lever.
const CHARTED: [Indicator; 12] = [
    Indicator::InpostFte,
    Indicator::VacancyRateFte,
    Indicator::AgencyRateFte,
    Indicator::CaseloadFte,
    Indicator::GapFte,
    Indicator::TurnoverRateFte,
    Indicator::StartersFte,
    Indicator::LeaversFte,
    Indicator::AgencyFte,
    Indicator::PostsNeeded,
    Indicator::DirectHoursPerWeek,
    Indicator::EquivalentFte,
];

/// The published measure behind a projected indicator, for the history line.
fn published(indicator: Indicator) -> Option<&'static Measure> {
    match indicator {
        Indicator::PostsNeeded
        | Indicator::GapFte
        | Indicator::DirectHoursPerWeek
        | Indicator::EquivalentFte => None,
        i => Measure::named(i.name()),
    }
}

fn format_value(indicator: Indicator, v: f64) -> String {
    if indicator.is_rate() {
        format!("{}%", display::grouped(v * 100.0, 1))
    } else if indicator == Indicator::CaseloadFte {
        display::grouped(v, 1)
    } else {
        display::grouped(v, 0)
    }
}

fn raw_value(indicator: Indicator, v: f64) -> String {
    let v = if indicator.is_rate() { v * 100.0 } else { v };
    format!("{}", (v * 100.0).round() / 100.0)
}

fn band_text(indicator: Indicator, s: &Summary) -> String {
    format!(
        "{} ({} to {})",
        format_value(indicator, s.p50),
        format_value(indicator, s.p5),
        format_value(indicator, s.p95)
    )
}

/// A difference: for a rate, in percentage points.
fn difference_text(indicator: Indicator, s: &Summary) -> String {
    if indicator.is_rate() {
        let pts = |v: f64| display::grouped(v * 100.0, 1);
        format!("{} points ({} to {})", pts(s.p50), pts(s.p5), pts(s.p95))
    } else {
        band_text(indicator, s)
    }
}

fn axis(indicator: Indicator) -> fn(f64) -> String {
    if indicator.is_rate() {
        // A difference chart's steps can be a fraction of a percentage point.
        |v| {
            let pct = v * 100.0;
            let places = if (pct - pct.round()).abs() > 1e-6 {
                1
            } else {
                0
            };
            format!("{}%", display::grouped(pct, places))
        }
    } else {
        |v| display::grouped(v, if v.fract().abs() > 1e-9 { 1 } else { 0 })
    }
}

fn sections(snap: &Snapshot, place: &Geography, p: &Projection, reform: bool) -> Vec<FanSection> {
    let Some(g) = p.groups.first() else {
        return Vec::new();
    };
    let all_history: Vec<Year> = snap
        .years(swforce_domain::Dataset::CswwHeadline)
        .into_iter()
        .filter(|y| *y <= p.origin)
        .collect();
    let has_scenario = g.series.len() > 1;
    CHARTED
        .iter()
        .filter(|i| reform || !matches!(i, Indicator::EquivalentFte))
        .map(|&indicator| {
            let k = Indicator::ALL
                .iter()
                .position(|i| *i == indicator)
                .unwrap_or(0);
            let measure = published(indicator);
            // An indicator only the projection has starts at the origin: no empty years of
            // history before it.
            let history_years: Vec<Year> = if measure.is_some() {
                all_history.clone()
            } else {
                all_history.last().copied().into_iter().collect()
            };
            let mut labels: Vec<String> = history_years.iter().map(ToString::to_string).collect();
            labels.extend(p.years.iter().map(ToString::to_string));
            let h = history_years.len();
            let history: Vec<Option<f64>> = history_years
                .iter()
                .map(|y| {
                    measure
                        .and_then(|m| snap.figure(&place.code, m, "", *y))
                        .and_then(|f| f.value())
                })
                .collect();
            let mut bands = Vec::new();
            for s in &g.series {
                let pad = |f: &dyn Fn(&Summary) -> f64| -> Vec<Option<f64>> {
                    // The band starts from the last published figure, so it joins the history.
                    let mut v: Vec<Option<f64>> = vec![None; h];
                    if let Some(last) = history.last().copied().flatten() {
                        v[h - 1] = Some(last);
                    }
                    v.extend(s.values.iter().map(|year| Some(f(&year[k]))));
                    v
                };
                bands.push(Band {
                    lower: pad(&|x| x.p5),
                    median: pad(&|x| x.p50),
                    upper: pad(&|x| x.p95),
                });
            }
            let last = p.years.len() - 1;
            let base = g.series[0].values[last][k];
            let mut summary = format!("{}, {}: ", indicator.label(), place.name);
            if let (Some(y), Some(v)) = (history_years.last(), history.last().copied().flatten()) {
                summary.push_str(&format!(
                    "{} published for {y}. ",
                    format_value(indicator, v)
                ));
            }
            summary.push_str(&format!(
                "By {} the baseline's median is {} (5th to 95th percentile {} to {})",
                p.years[last],
                format_value(indicator, base.p50),
                format_value(indicator, base.p5),
                format_value(indicator, base.p95)
            ));
            if let Some(s) = g.series.get(1) {
                let v = s.values[last][k];
                let d = s.difference.as_ref().map(|d| d[last][k]);
                summary.push_str(&format!(
                    "; with {} it is {}",
                    s.scenario,
                    format_value(indicator, v.p50)
                ));
                if let Some(d) = d {
                    summary.push_str(&format!(
                        ", a difference of {}",
                        difference_text(indicator, &d)
                    ));
                }
            }
            summary.push('.');
            if indicator == Indicator::GapFte && base.p50 < 0.0 {
                summary.push_str(
                    " A gap below zero means more staff, in post and agency, than the target caseload needs.",
                );
            }
            let chart = FanChart {
                id: format!("fan-{}", indicator.name().replace('_', "-")),
                title: format!(
                    "{}, {}: published and projected",
                    indicator.label(),
                    place.name
                ),
                description: summary.clone(),
                x_labels: labels.clone(),
                history: measure.map(|_| Series {
                    name: "Published".into(),
                    values: history
                        .iter()
                        .copied()
                        .chain(std::iter::repeat_n(None, p.years.len()))
                        .collect(),
                }),
                bands,
                axis_format: axis(indicator),
                first_style: 0,
            }
            .to_svg();
            // The scenario's difference from the baseline, run by run, with its own band: from
            // zero at the origin.
            let difference = g
                .series
                .get(1)
                .and_then(|s| s.difference.as_ref().map(|d| (s, d)))
                .map(|(s, d)| {
                    let from_origin = |f: &dyn Fn(&Summary) -> f64| -> Vec<Option<f64>> {
                        std::iter::once(Some(0.0))
                            .chain(d.iter().map(|year| Some(f(&year[k]))))
                            .collect()
                    };
                    let d_last = d[last][k];
                    FanChart {
                        id: format!("difference-{}", indicator.name().replace('_', "-")),
                        title: format!(
                            "{}, {}: {} less the baseline",
                            indicator.label(),
                            place.name,
                            s.scenario
                        ),
                        description: format!(
                            "{} less the baseline, run by run, from 0 in {}: by {} a median of {}, the bracket being the 5th to 95th percentile.",
                            s.scenario,
                            p.origin,
                            p.years[last],
                            difference_text(indicator, &d_last)
                        ),
                        x_labels: std::iter::once(p.origin.to_string())
                            .chain(p.years.iter().map(|y| y.to_string()))
                            .collect(),
                        history: None,
                        bands: vec![Band {
                            lower: from_origin(&|x| x.p5),
                            median: from_origin(&|x| x.p50),
                            upper: from_origin(&|x| x.p95),
                        }],
                        axis_format: axis(indicator),
                        first_style: 1,
                    }
                    .to_svg()
                });
            let mut head = vec![
                CellView::text("Year"),
                CellView {
                    numeric: true,
                    ..CellView::text("Published")
                },
            ];
            head.push(CellView {
                numeric: true,
                ..CellView::text("Baseline: median (5th to 95th percentile)")
            });
            if let Some(s) = g.series.get(1) {
                head.push(CellView {
                    numeric: true,
                    ..CellView::text(format!("{}: median (5th to 95th percentile)", s.scenario))
                });
                head.push(CellView {
                    numeric: true,
                    ..CellView::text("Difference: median (5th to 95th percentile)")
                });
            }
            let mut rows_out = Vec::new();
            for (i, y) in history_years.iter().enumerate() {
                let mut row = vec![CellView::text(y.to_string())];
                row.push(history[i].map_or_else(
                    || CellView::number("\u{2013}", ""),
                    |v| CellView::number(format_value(indicator, v), raw_value(indicator, v)),
                ));
                row.extend((0..if has_scenario { 3 } else { 1 }).map(|_| CellView::number("", "")));
                rows_out.push(row);
            }
            for (j, y) in p.years.iter().enumerate() {
                let mut row = vec![CellView::text(y.to_string()), CellView::number("", "")];
                for s in &g.series {
                    let v = s.values[j][k];
                    row.push(CellView::number(
                        band_text(indicator, &v),
                        raw_value(indicator, v.p50),
                    ));
                }
                if let Some(d) = g.series.get(1).and_then(|s| s.difference.as_ref()) {
                    let v = d[j][k];
                    row.push(CellView::number(
                        difference_text(indicator, &v),
                        raw_value(indicator, v.p50),
                    ));
                }
                rows_out.push(row);
            }
            FanSection {
                id: indicator.name().replace('_', "-"),
                title: indicator.label().to_string(),
                summary,
                chart,
                difference,
                table: TableView {
                    caption: format!("{}, {}", indicator.label(), place.name),
                    head,
                    rows: rows_out,
                    download: String::new(),
                },
                has_scenario,
            }
        })
        .collect()
}

fn summary_table(p: &Projection) -> Option<TableView> {
    let g = p.groups.first()?;
    let last = p.years.len().checked_sub(1)?;
    let mut head = vec![
        CellView::text("Indicator"),
        CellView {
            numeric: true,
            ..CellView::text("Baseline")
        },
    ];
    if let Some(s) = g.series.get(1) {
        head.push(CellView {
            numeric: true,
            ..CellView::text(s.scenario.clone())
        });
        head.push(CellView {
            numeric: true,
            ..CellView::text("Difference")
        });
    }
    let rows = Indicator::ALL
        .iter()
        .enumerate()
        .map(|(k, ind)| {
            let mut row = vec![CellView::text(ind.label())];
            for s in &g.series {
                row.push(CellView::number(
                    band_text(*ind, &s.values[last][k]),
                    raw_value(*ind, s.values[last][k].p50),
                ));
            }
            if let Some(d) = g.series.get(1).and_then(|s| s.difference.as_ref()) {
                row.push(CellView::number(
                    difference_text(*ind, &d[last][k]),
                    raw_value(*ind, d[last][k].p50),
                ));
            }
            row
        })
        .collect();
    Some(TableView {
        caption: format!("In {}: median (5th to 95th percentile)", p.years[last]),
        head,
        rows,
        download: String::new(),
    })
}

fn snapshot(state: &WebState) -> Result<std::sync::Arc<Snapshot>, PageError> {
    Ok(state.app.snapshot()?)
}

/// What a projection request gives: the page, and when the levers were valid, the projection
/// and the scenario they describe.
pub(super) struct Outcome {
    pub(super) status: StatusCode,
    pub(super) page: ProjectionPage,
    pub(super) projection: Option<Projection>,
    pub(super) scenario: Option<swforce_engine::Scenario>,
}

pub(super) fn page(
    state: &WebState,
    code: &str,
    query: Option<&str>,
) -> Result<Outcome, PageError> {
    let snap = snapshot(state)?;
    let place = snap.find(code)?.clone();
    let baseline = snap.baseline(None)?;
    let pairs: Vec<(String, String)> = query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    // On an authority's page the Train lever says how national places reach it, and takes
    // places of its own.
    let local = baseline
        .authorities
        .iter()
        .find(|a| a.code == place.code.as_str())
        .map(|a| {
            let all: f64 = baseline
                .authorities
                .iter()
                .map(|b| b.start.vacancies.max(0.0))
                .sum();
            scenario_form::Local {
                code: a.code.clone(),
                name: place.name.clone(),
                share: if all > 0.0 {
                    a.start.vacancies.max(0.0) / all
                } else {
                    0.0
                },
            }
        });
    let mut form = scenario_form::read_for(
        &pairs,
        baseline.origin,
        baseline.england_caseload,
        local.as_ref(),
    );
    super::neighbour_views::suggestions(&snap, &place, &pairs, &mut form.groups);
    let mut problems = form.problems.clone();
    let ran = form.problems.is_empty();
    let mut projection = None;
    let mut status = if ran {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    if ran {
        let scenarios: Vec<swforce_engine::Scenario> = form.scenario.clone().into_iter().collect();
        match snap.project(
            None,
            &scenarios,
            form.spec,
            &Report::One(place.code.to_string()),
        ) {
            Ok((_, p)) => projection = Some(p),
            Err(AppError::Invalid { problem, fix }) => {
                status = StatusCode::BAD_REQUEST;
                problems.push(Problem {
                    text: problem,
                    fix,
                    target: String::new(),
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    let query_string = pairs
        .iter()
        .filter(|(k, _)| k != "saved" && k != "new")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect::<Vec<_>>();
    let query_string = serde_urlencoded::to_string(&query_string).unwrap_or_default();
    let mut crumbs = vec![Crumb {
        text: "Projections".into(),
        href: "/projections".into(),
    }];
    crumbs.push(Crumb {
        text: place.name.clone(),
        href: href(&place),
    });
    let has_scenario = form.scenario.is_some();
    let notes = snap.projection_notes(&baseline, Some(&place));
    let p = ProjectionPage {
        layout: Layout::new(&format!("Projection: {}", place.name)).nav("projections"),
        crumbs,
        place: place.name.clone(),
        code: place.code.to_string(),
        groups: form.groups,
        problems,
        name: form.name.clone(),
        result: projection.is_some(),
        has_scenario,
        scenario_name: form
            .scenario
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        notes,
        heading: projection.as_ref().map_or(String::new(), |p| {
            format!(
                "{} to {}, {}",
                p.years[0],
                p.years[p.years.len() - 1],
                display::counted(p.spec.runs as usize, "run", "runs")
            )
        }),
        summary: projection.as_ref().and_then(summary_table),
        sections: projection
            .as_ref()
            .map(|p| {
                sections(
                    &snap,
                    &place,
                    p,
                    form.scenario.as_ref().is_some_and(|s| s.reform.is_some()),
                )
            })
            .unwrap_or_default(),
        download: format!(
            "/projections/{}/download.csv{}",
            place.code,
            if query_string.is_empty() {
                String::new()
            } else {
                format!("?{query_string}")
            }
        ),
        query: query_string,
        saved: super::scenarios::note(state, place.code.as_str(), &pairs),
    };
    Ok(Outcome {
        status,
        page: p,
        projection,
        scenario: form.scenario,
    })
}

/// `/projections/{code}`: the levers and, below them, the projection they give.
pub async fn show(
    State(state): AppState,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    run(move || {
        let o = page(&state, &code, query.as_deref())?;
        Ok((o.status, render(&o.page)?).into_response())
    })
    .await
}

/// `/projections/{code}/download.csv`: every summary, as `swforce project --format csv`.
pub async fn download(
    State(state): AppState,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    run(move || {
        let Outcome {
            page: p,
            projection,
            ..
        } = page(&state, &code, query.as_deref())?;
        let projection = projection.ok_or_else(|| {
            PageError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                p.problems
                    .first()
                    .map_or("the projection could not run".into(), |x| x.text.clone()),
                "Correct the levers on the projection page",
            )
        })?;
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in rows(&projection) {
            let _ = w.serialize(r);
        }
        let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
        Ok(csv_response(&format!("projection-{}.csv", p.code), body))
    })
    .await
}

/// A saved scenario in the list.
#[derive(Debug, Clone)]
pub struct SavedLink {
    pub name: String,
    pub place: String,
    pub href: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "projections.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub options: Vec<(String, Vec<(String, String)>)>,
    pub saved: Vec<SavedLink>,
}

/// `/projections`: choose a place, or open a saved scenario.
pub async fn index(
    State(state): AppState,
    viewer: crate::auth::Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    run(move || {
        let pairs: Vec<(String, String)> = query
            .as_deref()
            .and_then(|q| serde_urlencoded::from_str(q).ok())
            .unwrap_or_default();
        if let Some((_, code)) = pairs.iter().find(|(k, v)| k == "place" && !v.is_empty()) {
            return Ok(redirect(&format!("/projections/{code}")).into_response());
        }
        let snap = snapshot(&state)?;
        let mut options = Vec::new();
        if let Some(e) = snap.england() {
            let regions = snap.children(&e.code);
            options.push((
                "England and regions".to_string(),
                std::iter::once(e)
                    .chain(regions.iter().copied())
                    .map(|g| (g.code.to_string(), g.name.clone()))
                    .collect(),
            ));
            for r in regions {
                options.push((
                    r.name.clone(),
                    snap.children(&r.code)
                        .into_iter()
                        .map(|g| (g.code.to_string(), g.name.clone()))
                        .collect(),
                ));
            }
        }
        // A token without the scope to read them sees the public page without them.
        let saved = match state.app.scenarios(viewer.principal.as_ref()) {
            Err(swforce_app::AppError::Forbidden { .. }) => Vec::new(),
            other => other?,
        }
        .into_iter();
        let public = ids::encoder(&state, Kind::Scenario)?;
        let saved = saved
            .map(|s| SavedLink {
                place: snap
                    .find(&s.geography_code)
                    .map_or(s.geography_code.clone(), |g| g.name.clone()),
                name: s.name,
                href: format!("/scenarios/{}", public(s.id)),
                created: swforce_app::display::when(&s.created_at),
            })
            .collect();
        let page = IndexPage {
            layout: Layout::new("Projections").nav("projections"),
            options,
            saved,
        };
        Ok(render(&page)?.into_response())
    })
    .await
}
