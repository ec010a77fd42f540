//! England, region and local authority pages, and the CSV behind every table on them.

use super::cards::{Card, cards};
use super::indicator::{Column, IndicatorSection, comparable, section};
use super::neighbour_views::{neighbour_table, neighbours_column, neighbours_view};
use super::{PageResult, csv_response, redirect, render, run};
use crate::error::PageError;
use crate::view::{CellView, Crumb, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use swforce_app::neighbours::rank_words;
use swforce_app::profile::{IndicatorView, Profile, SeriesRow};
use swforce_app::{Figure, Snapshot, display};
use swforce_domain::{GeographicLevel, Geography, Measure, Year};
use swforce_stats::Direction;

/// England, regional and authority pages, and the CSV behind their tables.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(england))
        .route("/regions/{code}", get(region))
        .route("/authorities/{code}", get(authority))
        .route("/places/{code}", get(any))
        .route("/download/{code}/{table}", get(download))
}

#[derive(Template)]
#[template(path = "place.html")]
pub struct PlacePage {
    pub layout: Layout,
    pub crumbs: Vec<Crumb>,
    pub heading: String,
    pub caption: String,
    pub notices: Vec<String>,
    /// For a jointly reported unit or one of its members: what joint reporting means here, with
    /// links to the other pages.
    pub joint: Option<JointNote>,
    pub latest_year: String,
    pub cards: Vec<Card>,
    pub benchmarks: Option<TableView>,
    /// The headline figures against the statistical neighbours.
    pub neighbour_benchmarks: Option<TableView>,
    pub children: Option<TableView>,
    pub headline: Vec<IndicatorSection>,
    pub more: Vec<IndicatorSection>,
    pub demand: Vec<IndicatorSection>,
    pub ethnicity: Option<TableView>,
    pub compare_href: String,
    /// Every figure of the place in one CSV file.
    pub download_all: String,
    pub is_authority: bool,
    /// The authority's statistical neighbours, with the model choice.
    pub neighbours: Option<super::neighbour_views::NeighboursView>,
    /// Workforce measures with no figure in any year on record.
    pub unpublished: String,
}

impl PlacePage {
    /// The page's sections, as its contents list links to them: `(anchor, words)`.
    pub fn contents(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.neighbours.is_some() {
            out.push(("neighbours", "Statistical neighbours".to_string()));
        }
        if self.benchmarks.is_some() {
            out.push(("benchmarks", "Benchmarks".to_string()));
        }
        if self.children.is_some() {
            out.push((
                "places",
                if self.is_authority {
                    "Places".to_string()
                } else {
                    format!("Places in {}", self.heading)
                },
            ));
        }
        let sections = [
            ("indicators", "Indicators over time", &self.headline),
            ("more", "All workforce measures", &self.more),
            (
                "demand",
                "Demand: children in need and referrals",
                &self.demand,
            ),
        ];
        for (id, text, list) in sections {
            if !list.is_empty() {
                out.push((id, text.to_string()));
            }
        }
        if self.ethnicity.is_some() {
            out.push((
                "ethnicity",
                "Social workers by role and ethnicity".to_string(),
            ));
        }
        out
    }
}

/// The address of a place's page.
pub fn href(g: &Geography) -> String {
    match g.level {
        GeographicLevel::National => "/".to_string(),
        GeographicLevel::Regional => format!("/regions/{}", g.code),
        GeographicLevel::LocalAuthority => format!("/authorities/{}", g.code),
    }
}

fn snapshot(state: &WebState) -> Result<std::sync::Arc<Snapshot>, PageError> {
    Ok(state.app.snapshot()?)
}

/// Finds the place for a path, or the canonical address to send the browser to instead.
fn locate<'a>(
    snap: &'a Snapshot,
    code: &str,
    level: GeographicLevel,
) -> Result<Result<&'a Geography, String>, PageError> {
    let g = snap.find(code)?;
    if g.code.as_str() != code || g.level != level {
        return Ok(Err(href(g)));
    }
    Ok(Ok(g))
}

pub async fn england(State(state): AppState) -> PageResult {
    run(move || {
        let snap = snapshot(&state)?;
        let Some(england) = snap.england() else {
            return Err(PageError::not_found(
                "No statistics have been imported yet",
                "Import the published files on the Imports page, or run swforce demo",
            ));
        };
        render(&place_page(&snap, england))
    })
    .await
}

pub async fn region(State(state): AppState, Path(code): Path<String>) -> PageResult {
    show(state, code, GeographicLevel::Regional, None).await
}

pub async fn authority(
    State(state): AppState,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    show(state, code, GeographicLevel::LocalAuthority, query).await
}

/// `/places/{code}`: sends the browser to the page for the place's level.
pub async fn any(State(state): AppState, Path(code): Path<String>) -> PageResult {
    run(move || {
        let snap = snapshot(&state)?;
        let g = snap.find(&code)?;
        Ok(redirect(&href(g)).into_response())
    })
    .await
}

/// The neighbour model a page's query asks for (`neighbours=2021`; the first, if given twice),
/// or `None` for the newest that lists the place.
pub fn model_asked(query: Option<&str>) -> Result<Option<u16>, PageError> {
    let pairs: Vec<(String, String)> = query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let asked = pairs
        .iter()
        .find(|(k, _)| k == "neighbours" || k == "model")
        .map(|(_, v)| v.trim().to_string());
    match asked.as_deref() {
        None | Some("") => Ok(None),
        Some(text) => parse_model(text).map(Some),
    }
}

/// A neighbour model's year as a page's query writes it, or the problem with it.
pub fn parse_model(text: &str) -> Result<u16, PageError> {
    text.trim().parse::<u16>().map_err(|_| {
        PageError::from(swforce_app::AppError::Invalid {
            problem: format!("{text:?} is not a statistical neighbour model"),
            fix: "choose a model year from the list on the page, such as 2025".into(),
        })
    })
}

async fn show(
    state: WebState,
    code: String,
    level: GeographicLevel,
    query: Option<String>,
) -> PageResult {
    run(move || {
        let snap = snapshot(&state)?;
        match locate(&snap, &code, level)? {
            Err(canonical) => Ok(Redirect::permanent(&canonical).into_response()),
            Ok(g) => {
                let model = model_asked(query.as_deref())?;
                Ok(render(&place_page_with(&snap, g, model)?)?.into_response())
            }
        }
    })
    .await
}

fn measure_id(m: &Measure) -> String {
    m.name.replace('_', "-").to_lowercase()
}

/// The CSV of one table on a place's page, with the neighbour model the page shows.
pub fn download_href(p: &Profile, table: &str) -> String {
    match &p.neighbours {
        Some(n) => format!(
            "/download/{}/{table}.csv?neighbours={}",
            p.place.code, n.model
        ),
        None => format!("/download/{}/{table}.csv", p.place.code),
    }
}

/// The columns of one indicator: the place, then its region and England.
fn columns(snap: &Snapshot, p: &Profile, view: &IndicatorView, years: &[Year]) -> Vec<Column> {
    let m = view.measure;
    let mut cols = vec![Column::of(
        snap,
        &p.place,
        m,
        years,
        view.rows.iter().map(|r| r.this.clone()).collect(),
    )];
    if let Some(region) = &p.region {
        cols.push(Column::of(
            snap,
            region,
            m,
            years,
            view.rows.iter().map(|r| r.region.clone()).collect(),
        ));
    }
    if let (Some(england), true) = (snap.england(), p.place.level != GeographicLevel::National) {
        cols.push(Column {
            name: "England".into(),
            ..Column::of(
                snap,
                england,
                m,
                years,
                view.rows.iter().map(|r| r.england.clone()).collect(),
            )
        });
    }
    if let Some(n) = &p.neighbours {
        cols.push(Column {
            name: neighbours_column(n),
            figures: view.rows.iter().map(|r| r.neighbours.clone()).collect(),
            checks: vec![None; years.len()],
        });
    }
    cols
}

fn indicator_section(snap: &Snapshot, p: &Profile, view: &IndicatorView) -> IndicatorSection {
    let years: Vec<Year> = view.rows.iter().map(|r| r.year).collect();
    section(
        &measure_id(view.measure),
        view.measure,
        &years,
        columns(snap, p, view, &years),
        download_href(p, view.measure.name),
        false,
    )
}

fn children_table(snap: &Snapshot, p: &Profile) -> Option<TableView> {
    if p.children.is_empty() {
        return None;
    }
    let what = if p.place.level == GeographicLevel::National {
        "Regions"
    } else {
        "Local authorities"
    };
    let year = p.latest_year.map(|y| y.to_string()).unwrap_or_default();
    let mut head = vec![CellView::text(
        if p.place.level == GeographicLevel::National {
            "Region"
        } else {
            "Local authority"
        },
    )];
    head.extend(p.headline_measures.iter().map(|m| CellView {
        numeric: true,
        ..CellView::text(m.label)
    }));
    let rows = p
        .children
        .iter()
        .map(|c| {
            let mut row = vec![CellView::link(c.place.name.clone(), href(&c.place))];
            row.extend(p.headline_measures.iter().zip(&c.figures).map(|(m, f)| {
                let text = display::figure(m, f.as_ref());
                let raw = f.as_ref().map(|f| display::plain_cell(m, f.cell));
                let check = p.latest_year.and_then(|y| snap.check(&c.place.code, m, y));
                CellView::number(text, raw.unwrap_or_default())
                    .with_check(check)
                    .with_origin(f.as_ref())
            }));
            row
        })
        .collect();
    Some(TableView {
        caption: format!("{what} in {}, {year}", p.place.name),
        head,
        rows,
        download: download_href(p, "places"),
    })
}

fn benchmark_table(p: &Profile) -> Option<TableView> {
    if p.place.level != GeographicLevel::LocalAuthority {
        return None;
    }
    let year = p.latest_year?;
    let region = p
        .region
        .as_ref()
        .map_or("Region".to_string(), |r| r.name.clone());
    let head: Vec<CellView> = [
        "Indicator",
        &p.place.name,
        &region,
        "England",
        "Difference from England",
        "Rank among authorities",
        "Quarter",
        "Since the year before",
    ]
    .iter()
    .enumerate()
    .map(|(i, h)| CellView {
        numeric: i > 0 && i < 6,
        ..CellView::text(*h)
    })
    .collect();

    let rows = p
        .workforce
        .iter()
        .filter(|v| v.measure.headline)
        .filter_map(|v| {
            let b = v.benchmark.as_ref()?;
            let m = v.measure;
            let value =
                |x: Option<f64>| x.map_or_else(|| "\u{2013}".to_string(), |x| display::value(m, x));
            let raw = |x: Option<f64>| x.map(|x| display::plain(m, x)).unwrap_or_default();
            // The figures compared, for where each comes from.
            let shown = v.rows.iter().find(|r| r.year == year);
            let figure =
                |pick: fn(&SeriesRow) -> &Option<Figure>| shown.and_then(|r| pick(r).as_ref());
            let vs_england = b.vs_england.filter(|_| comparable(m));
            let since = match (b.direction, b.improving) {
                (Some(Direction::Up), Some(true)) => "Up (better)",
                (Some(Direction::Up), Some(false)) => "Up (worse)",
                (Some(Direction::Up), None) => "Up",
                (Some(Direction::Down), Some(true)) => "Down (better)",
                (Some(Direction::Down), Some(false)) => "Down (worse)",
                (Some(Direction::Down), None) => "Down",
                (Some(Direction::Same), _) => "No change",
                (None, _) => "\u{2013}",
            };
            Some(vec![
                CellView::text(m.label),
                CellView::number(value(b.value), raw(b.value)).with_origin(figure(|r| &r.this)),
                CellView::number(value(b.region), raw(b.region)).with_origin(figure(|r| &r.region)),
                CellView::number(value(b.england), raw(b.england))
                    .with_origin(figure(|r| &r.england)),
                CellView::number(
                    // Counts differ with the size of the place: only rates and shares compare.
                    vs_england.map_or_else(|| "\u{2013}".into(), |d| display::difference(m, d)),
                    raw(vs_england),
                ),
                // The download says the rank as the page does: a bare number could be read from
                // either end.
                CellView::number(
                    b.rank_from_highest
                        .map_or_else(|| "\u{2013}".into(), |r| rank_words(r, b.ranked)),
                    b.rank_from_highest
                        .map(|r| rank_words(r, b.ranked))
                        .unwrap_or_default(),
                ),
                CellView::text(
                    b.quartile
                        .map_or_else(|| "\u{2013}".into(), |q| q.describe(m.polarity).to_string()),
                ),
                CellView::text(since),
            ])
        })
        .collect();
    Some(TableView {
        caption: format!("How {} compares, {year}", p.place.name),
        head,
        rows,
        download: download_href(p, "benchmarks"),
    })
}

fn ethnicity_table(p: &Profile) -> Option<TableView> {
    let e = p.ethnicity.as_ref()?;
    let known = Measure::named("known_headcount")?;
    let mut head = vec![
        CellView::text("Role"),
        CellView {
            numeric: true,
            ..CellView::text("Known ethnicity (people)")
        },
    ];
    head.extend(e.groups.iter().map(|g| CellView {
        numeric: true,
        ..CellView::text(g.label)
    }));
    let rows = e
        .rows
        .iter()
        .map(|(role, total, shares)| {
            let mut row = vec![CellView::text(role.clone())];
            row.push(
                CellView::number(
                    display::figure(known, total.as_ref()),
                    total
                        .as_ref()
                        .map(|f| display::plain_cell(known, f.cell))
                        .unwrap_or_default(),
                )
                .with_origin(total.as_ref()),
            );
            row.extend(e.groups.iter().zip(shares).map(|(g, f)| {
                CellView::number(
                    display::figure(g, f.as_ref()),
                    f.as_ref()
                        .map(|f| display::plain_cell(g, f.cell))
                        .unwrap_or_default(),
                )
                .with_origin(f.as_ref())
            }));
            row
        })
        .collect();
    Some(TableView {
        caption: format!(
            "Social workers by role and ethnic group, {} ({})",
            p.place.name, e.year
        ),
        head,
        rows,
        download: download_href(p, "ethnicity"),
    })
}

fn crumbs(p: &Profile) -> Vec<Crumb> {
    let mut out = Vec::new();
    if p.place.level != GeographicLevel::National {
        out.push(Crumb {
            text: "England".into(),
            href: "/".into(),
        });
    }
    if let Some(r) = &p.region {
        if r.code != p.place.code {
            out.push(Crumb {
                text: r.name.clone(),
                href: href(r),
            });
        }
    }
    out
}

fn notices(p: &Profile) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = p.formed_by {
        out.push(format!(
            "{} was formed on {}. {}",
            p.place.name,
            long_date(r.effective),
            r.note
        ));
    }
    if let Some(r) = p.ended_by {
        let successors: Vec<&str> = r.successors.iter().map(|(_, _, n)| *n).collect();
        out.push(format!(
            "{} no longer exists: on {} it was replaced by {}. {}",
            p.place.name,
            long_date(r.effective),
            successors.join(" and "),
            r.note
        ));
    }
    out
}

/// A sentence about joint reporting that ends in links.
#[derive(Debug)]
pub struct JointNote {
    pub text: String,
    pub links: Vec<Crumb>,
}

fn joint_note(snap: &Snapshot, place: &Geography) -> Option<JointNote> {
    if let Some(unit) = snap.unit_of(&place.code) {
        let partners: Vec<&str> = unit
            .members()
            .into_iter()
            .filter(|(c, _)| *c != place.code)
            .map(|(_, n)| n)
            .collect();
        return Some(JointNote {
            text: format!(
                "{} shares its children's services with {}, and the Department for Education \
                 reports their social work workforce jointly: its workforce figures are those of",
                place.name,
                partners.join(" and ")
            ),
            links: vec![Crumb {
                text: unit.name.clone(),
                href: href(unit),
            }],
        });
    }
    let members = place.members();
    (!members.is_empty()).then(|| JointNote {
        text: format!(
            "{} share their children's services and are reported as one unit, counted once in \
             their region and England. Years before the unit was published are shown from the \
             authority that reported for both, or from both added together where each published \
             its own figures. Each authority's page:",
            members
                .iter()
                .map(|(_, n)| *n)
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        links: members
            .iter()
            .map(|(code, name)| Crumb {
                text: name.to_string(),
                href: snap
                    .geography(code)
                    .map_or_else(|| format!("/authorities/{code}"), href),
            })
            .collect(),
    })
}

fn long_date(iso: &str) -> String {
    swforce_domain::Date::parse(iso).map_or_else(|_| iso.to_string(), |d| d.long())
}

pub fn place_page(snap: &Snapshot, place: &Geography) -> PlacePage {
    page_of(snap, place, snap.profile(place))
}

/// A place's page with a chosen statistical neighbour model (the newest when `None`).
pub fn place_page_with(
    snap: &Snapshot,
    place: &Geography,
    model: Option<u16>,
) -> Result<PlacePage, PageError> {
    let mut page = page_of(snap, place, snap.profile_with_model(place, model)?);
    if let (Some(m), None, GeographicLevel::LocalAuthority, false) =
        (model, &page.neighbours, place.level, snap.is_former(place))
    {
        page.notices.push(format!(
            "The {m} statistical neighbour model does not list {}. Its page without a chosen model shows the newest model that does.",
            place.name
        ));
    }
    Ok(page)
}

fn page_of(snap: &Snapshot, place: &Geography, p: Profile) -> PlacePage {
    let mut page = page_parts(snap, place, p);
    if let Some((with, service)) = snap.shared_with(&place.code) {
        page.notices.push(format!(
            "{}'s children's social work workforce is reported with {}'s ({service}): the releases on record give the pair's figures under {}, and show {} as not applicable.",
            place.name, with.name, with.name, place.name
        ));
    }
    page
}

fn page_parts(snap: &Snapshot, place: &Geography, p: Profile) -> PlacePage {
    // A member of a jointly reported unit has no workforce figures of its own: the unit's page
    // holds them, and the joint note links there.
    let reported_jointly = snap.unit_of(&place.code).is_some()
        && !p
            .workforce
            .iter()
            .any(|v| v.rows.iter().any(|r| r.this.is_some()));
    let (published, unpublished): (Vec<&IndicatorView>, Vec<&IndicatorView>) = p
        .workforce
        .iter()
        .filter(|_| !reported_jointly)
        .partition(|v| !v.rows.is_empty());
    let (headline, more): (Vec<_>, Vec<_>) =
        published.into_iter().partition(|v| v.measure.headline);
    let caption = match place.level {
        GeographicLevel::National => "Children's social work workforce".to_string(),
        GeographicLevel::Regional => "Region".to_string(),
        GeographicLevel::LocalAuthority => {
            let mut c = "Local authority".to_string();
            if let Some(r) = &p.region {
                c.push_str(&format!(" in {}", r.name));
            }
            if let Some(s) = &p.sub_region {
                c.push_str(&format!(" ({})", s.name));
            }
            if snap.is_former(place) {
                c = format!("Former l{}", &c[1..]);
            }
            c
        }
    };
    PlacePage {
        layout: Layout::new(&place.name).nav(if place.level == GeographicLevel::National {
            "home"
        } else {
            ""
        }),
        crumbs: crumbs(&p),
        heading: place.name.clone(),
        caption,
        notices: notices(&p),
        joint: joint_note(snap, place),
        latest_year: p.latest_year.map(|y| y.to_string()).unwrap_or_default(),
        cards: if reported_jointly {
            Vec::new()
        } else {
            cards(snap, &p)
        },
        benchmarks: benchmark_table(&p).filter(|_| !reported_jointly),
        neighbour_benchmarks: neighbour_table(&p).filter(|_| !reported_jointly),
        children: children_table(snap, &p),
        headline: headline
            .iter()
            .map(|v| indicator_section(snap, &p, v))
            .collect(),
        more: more
            .iter()
            .map(|v| indicator_section(snap, &p, v))
            .collect(),
        demand: p
            .demand
            .iter()
            .filter(|v| v.rows.iter().any(|r| r.this.is_some()))
            .map(|v| indicator_section(snap, &p, v))
            .collect(),
        ethnicity: ethnicity_table(&p),
        compare_href: format!("/compare?la={}", place.code),
        download_all: format!("/compare.csv?la={}", place.code),
        is_authority: place.level == GeographicLevel::LocalAuthority,
        neighbours: p.neighbours.as_ref().map(|n| neighbours_view(snap, n)),
        unpublished: unpublished
            .iter()
            .map(|v| v.measure.label)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `/download/{code}/{table}.csv`: the CSV of one table on a place's page.
pub async fn download(
    State(state): AppState,
    Path((code, table)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> PageResult {
    run(move || {
        let snap = snapshot(&state)?;
        let place = snap.find(&code)?;
        let model = model_asked(query.as_deref())?;
        let missing = || {
            PageError::not_found(
                format!("{} has no table called {table}", place.name),
                "Use the download link under the table on the place's page",
            )
        };
        let name = table.strip_suffix(".csv").ok_or_else(missing)?;
        let page = place_page_with(&snap, place, model)?;
        let found = match name {
            "places" => page.children,
            "benchmarks" => page.benchmarks,
            "neighbours" => page.neighbour_benchmarks,
            "ethnicity" => page.ethnicity,
            measure => page
                .headline
                .into_iter()
                .chain(page.more)
                .chain(page.demand)
                .find(|s| Measure::named(measure).is_some_and(|m| measure_id(m) == s.id))
                .map(|s| s.table),
        };
        let table_view = found.ok_or_else(missing)?;
        let filename = format!("{}-{}.csv", place.code, name);
        Ok(csv_response(&filename, table_view.to_csv()))
    })
    .await
}
