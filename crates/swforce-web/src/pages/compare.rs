//! Comparing up to six local authorities, indicator by indicator, or one authority with its ten
//! statistical neighbours.

use super::indicator::{Column, IndicatorSection, comparable, section};
use super::place::href;
use super::{PageResult, csv_response, render_as, run};
use crate::error::{PageError, Problem};
use crate::view::{CellView, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use swforce_app::profile::MAX_COMPARED;
use swforce_app::{Comparison, Snapshot, display};
use swforce_domain::{GeographicLevel, Geography};

/// The comparison of authorities, and its CSV.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/compare", get(show))
        .route("/compare.csv", get(download))
}

/// A chosen place, with the address of the comparison without it.
#[derive(Debug, Clone)]
pub struct Chosen {
    pub name: String,
    pub code: String,
    pub href: String,
    pub remove_href: String,
}

#[derive(Template)]
#[template(path = "compare.html")]
pub struct ComparePage {
    pub layout: Layout,
    pub problems: Vec<Problem>,
    pub chosen: Vec<Chosen>,
    /// `(region, [(code, name)])` for the "add an authority" list.
    pub options: Vec<(String, Vec<(String, String)>)>,
    pub can_add: bool,
    pub max: usize,
    pub sections: Vec<IndicatorSection>,
    pub download: String,
    /// In a comparison with statistical neighbours: the authority, the model and its ten.
    pub neighbours: Option<NeighbourList>,
    /// The first chosen authority's neighbour comparison, offered beside a chosen comparison.
    pub offer_neighbours: Option<(String, String)>,
}

/// The ten neighbours of the compared authority, as the comparison lists them.
#[derive(Debug, Clone)]
pub struct NeighbourList {
    pub name: String,
    pub href: String,
    pub model: String,
    /// `(other model, its address)`.
    pub other_models: Vec<(String, String)>,
    pub table: TableView,
    pub notes: Vec<String>,
}

/// The codes asked for, in order, without repeats: `la=` (repeated), `add=` and the lines of
/// `several=`, minus `remove=`.
fn requested(query: Option<&str>) -> Vec<String> {
    let pairs: Vec<(String, String)> = query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let removed: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "remove")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut out: Vec<String> = Vec::new();
    // `several=` holds names or codes, one a line, to add at once.
    let asked = pairs.iter().flat_map(|(k, v)| match k.as_str() {
        "la" | "add" => vec![v.trim()],
        "several" => v.lines().map(str::trim).collect(),
        _ => Vec::new(),
    });
    for v in asked {
        if !v.is_empty() && !removed.contains(&v) && !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

fn query_for(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|c| format!("la={c}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Resolves the requested codes; unknown ones and any beyond six become problems.
fn resolve<'a>(snap: &'a Snapshot, codes: &[String]) -> (Vec<&'a Geography>, Vec<Problem>) {
    let mut places = Vec::new();
    let mut problems = Vec::new();
    for code in codes {
        // A member of a jointly reported unit is compared as the unit, whose figures its
        // workforce figures are (the unit's name names both).
        let found = snap.find(code).map(|g| snap.unit_of(&g.code).unwrap_or(g));
        match found {
            // Authorities only: a region or England is drawn beside them already.
            Ok(g) if g.level != GeographicLevel::LocalAuthority => problems.push(Problem {
                text: format!(
                    "{} is {}, not a local authority",
                    g.name,
                    if g.level == GeographicLevel::Regional {
                        "a region"
                    } else {
                        "a country"
                    }
                ),
                fix: "Its figures are drawn beside the authorities' rates; choose authorities"
                    .into(),
                target: "add".into(),
            }),
            Ok(g) if !places.iter().any(|p: &&Geography| p.code == g.code) => places.push(g),
            Ok(_) => {}
            Err(_) => problems.push(Problem {
                text: format!("No local authority has the name or code \u{201c}{code}\u{201d}"),
                fix: "Choose an authority from the list, or check the name's spelling".into(),
                target: "add".into(),
            }),
        }
    }
    if places.len() > MAX_COMPARED {
        problems.push(Problem {
            text: format!(
                "You chose {} authorities; a comparison shows up to {MAX_COMPARED}",
                places.len()
            ),
            fix: format!(
                "Only the first {MAX_COMPARED} are shown. Remove one before adding another"
            ),
            target: "add".into(),
        });
        places.truncate(MAX_COMPARED);
    }
    (places, problems)
}

fn options(snap: &Snapshot) -> Vec<(String, Vec<(String, String)>)> {
    let Some(england) = snap.england() else {
        return Vec::new();
    };
    snap.children(&england.code)
        .into_iter()
        .map(|region| {
            let las = snap
                .children(&region.code)
                .into_iter()
                .map(|g| (g.code.to_string(), g.name.clone()))
                .collect();
            (region.name.clone(), las)
        })
        .collect()
}

fn sections(snap: &Snapshot, c: &Comparison, query: &str) -> Vec<IndicatorSection> {
    let refs = references(snap, &c.places);
    c.measures
        .iter()
        .filter(|(_, per_place)| per_place.iter().flatten().any(Option::is_some))
        .map(|(measure, per_place)| {
            let mut columns: Vec<Column> = c
                .places
                .iter()
                .zip(per_place)
                .map(|(p, figs)| Column::of(snap, p, measure, &c.years, figs.clone()))
                .collect();
            // Rates and shares beside the regions of the authorities chosen and England (a
            // count follows the size of the place, so it has none).
            if comparable(measure) {
                for r in &refs {
                    let figures = c
                        .years
                        .iter()
                        .map(|y| snap.figure(&r.code, measure, "", *y))
                        .collect();
                    columns.push(Column::of(snap, r, measure, &c.years, figures));
                }
            }
            let download = format!("/compare.csv?{query}&measure={}", measure.name);
            let mut s = section(
                &measure.name.replace('_', "-"),
                measure,
                &c.years,
                columns,
                download,
                true,
            );
            let latest = c.years.len().checked_sub(1);
            if let Some(i) = latest {
                let parts: Vec<String> = c
                    .places
                    .iter()
                    .zip(per_place)
                    .map(|(p, figs)| {
                        format!("{} {}", p.name, display::figure(measure, figs[i].as_ref()))
                    })
                    .collect();
                s.summary = format!("{}, {}: {}.", measure.label, c.years[i], parts.join("; "));
            }
            s
        })
        .collect()
}

/// The places a comparison's rates are set beside: the regions of the authorities chosen (each
/// once, in the order first met) and England; as many as the chart's six lines leave room for,
/// England first to stay.
fn references<'a>(snap: &'a Snapshot, places: &[Geography]) -> Vec<&'a Geography> {
    let mut out: Vec<&Geography> = Vec::new();
    for p in places {
        if let Some(r) = snap.region_of(p) {
            if !out.iter().any(|o| o.code == r.code) {
                out.push(r);
            }
        }
    }
    out.extend(snap.england());
    let room = MAX_COMPARED.saturating_sub(places.len());
    if out.len() > room {
        out.drain(..out.len() - room);
    }
    out
}

/// `neighbours=CODE[&model=YEAR]`, if the query asks for a neighbour comparison.
fn neighbours_asked(query: Option<&str>) -> Option<(String, Option<String>)> {
    let pairs: Vec<(String, String)> = query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let code = pairs
        .iter()
        .find(|(k, _)| k == "neighbours")
        .map(|(_, v)| v.trim().to_string())
        .filter(|c| !c.is_empty())?;
    let model = pairs
        .iter()
        .find(|(k, _)| k == "model")
        .map(|(_, v)| v.trim().to_string())
        .filter(|m| !m.is_empty());
    Some((code, model))
}

/// An authority beside its statistical neighbours: every place in the table, the authority and
/// its neighbours' median in the chart.
fn neighbour_comparison(
    snap: &Snapshot,
    code: &str,
    model: Option<&str>,
) -> Result<(ComparePage, Comparison), PageError> {
    let place = snap.find(code)?;
    let place = snap.unit_of(&place.code).unwrap_or(place);
    let model = model.map(super::place::parse_model).transpose()?;
    let (n, c) = snap.compare_with_neighbours(place, model)?;
    let query = format!("neighbours={}&model={}", place.code, n.model);
    let table = super::neighbour_views::list_table(snap, &n);
    let median_name = format!("Statistical neighbours (median, {} model)", n.model);
    let sections = c
        .measures
        .iter()
        .filter(|(_, per_place)| per_place.iter().flatten().any(Option::is_some))
        .map(|(measure, per_place)| {
            let medians: Vec<Option<swforce_app::Figure>> = c
                .years
                .iter()
                .map(|y| {
                    let b = snap.neighbour_benchmark(&n, measure, *y);
                    b.median.map(|m| swforce_app::Figure {
                        year: *y,
                        cell: swforce_domain::Cell::Value(m),
                        origin: swforce_app::Origin::NeighbourMedian {
                            with: b.with_figures,
                            of: b.of,
                        },
                    })
                })
                .collect();
            let median = Column {
                name: median_name.clone(),
                checks: vec![None; c.years.len()],
                figures: medians,
            };
            let mut all: Vec<Column> = c
                .places
                .iter()
                .zip(per_place)
                .map(|(p, figs)| Column::of(snap, p, measure, &c.years, figs.clone()))
                .collect();
            let subject = all.first().cloned();
            all.push(median.clone());
            let download = format!("/compare.csv?{query}&measure={}", measure.name);
            let id = measure.name.replace('_', "-");
            // The chart holds the authority and the median: eleven lines would be unreadable.
            let mut s = section(
                &id,
                measure,
                &c.years,
                subject.into_iter().chain([median]).collect(),
                download.clone(),
                true,
            );
            s.table = section(&id, measure, &c.years, all, download, true).table;
            s
        })
        .collect();
    let others = n
        .models
        .iter()
        .filter(|m| **m != n.model)
        .map(|m| {
            (
                m.to_string(),
                format!("/compare?neighbours={}&model={m}", place.code),
            )
        })
        .collect();
    let page = ComparePage {
        layout: Layout::new(&format!("{} and its statistical neighbours", place.name))
            .nav("compare"),
        problems: Vec::new(),
        chosen: Vec::new(),
        options: Vec::new(),
        can_add: false,
        max: MAX_COMPARED,
        sections,
        download: format!("/compare.csv?{query}"),
        neighbours: Some(NeighbourList {
            name: place.name.clone(),
            href: href(place),
            model: n.model.to_string(),
            other_models: others,
            table,
            notes: n.neighbours.iter().filter_map(|x| x.note.clone()).collect(),
        }),
        offer_neighbours: None,
    };
    Ok((page, c))
}

fn comparison(
    state: &WebState,
    query: Option<&str>,
) -> Result<(ComparePage, Option<Comparison>), PageError> {
    let snap = state.app.snapshot()?;
    if let Some((code, model)) = neighbours_asked(query) {
        let (page, c) = neighbour_comparison(&snap, &code, model.as_deref())?;
        return Ok((page, Some(c)));
    }
    let codes = requested(query);
    let (places, problems) = resolve(&snap, &codes);
    let codes_now: Vec<&str> = places.iter().map(|p| p.code.as_str()).collect();
    let chosen = places
        .iter()
        .map(|p| {
            let rest: Vec<&str> = codes_now
                .iter()
                .copied()
                .filter(|c| *c != p.code.as_str())
                .collect();
            Chosen {
                name: p.name.clone(),
                code: p.code.to_string(),
                href: href(p),
                remove_href: format!("/compare?{}", query_for(&rest)),
            }
        })
        .collect();
    let comparison = if places.is_empty() {
        None
    } else {
        Some(snap.compare(&places)?)
    };
    let page = ComparePage {
        layout: Layout::new("Compare local authorities").nav("compare"),
        problems,
        chosen,
        options: options(&snap),
        can_add: places.len() < MAX_COMPARED,
        max: MAX_COMPARED,
        sections: comparison
            .as_ref()
            .map(|c| sections(&snap, c, &query_for(&codes_now)))
            .unwrap_or_default(),
        download: if places.is_empty() {
            String::new()
        } else {
            format!("/compare.csv?{}", query_for(&codes_now))
        },
        neighbours: None,
        offer_neighbours: places
            .first()
            .filter(|p| {
                snap.neighbours(p, None)
                    .ok()
                    .flatten()
                    .is_some_and(|n| !n.neighbours.is_empty())
            })
            .map(|p| (p.name.clone(), format!("/compare?neighbours={}", p.code))),
    };
    Ok((page, comparison))
}

pub async fn show(State(state): AppState, RawQuery(query): RawQuery) -> PageResult {
    run(move || {
        let (page, _) = comparison(&state, query.as_deref())?;
        let status = if page.problems.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        render_as(status, &page)
    })
    .await
}

/// Every measure and year for the chosen places, one column per place.
pub async fn download(State(state): AppState, RawQuery(query): RawQuery) -> PageResult {
    run(move || {
        let (_, comparison) = comparison(&state, query.as_deref())?;
        let snap = state.app.snapshot()?;
        let pairs: Vec<(String, String)> = query
            .as_deref()
            .and_then(|q| serde_urlencoded::from_str(q).ok())
            .unwrap_or_default();
        let only = pairs
            .iter()
            .find(|(k, _)| k == "measure")
            .map(|(_, v)| v.clone());
        let c = comparison.ok_or_else(|| {
            PageError::new(
                StatusCode::BAD_REQUEST,
                "There is a problem",
                "No authorities were chosen",
                "Add la=CODE for each authority, such as /compare.csv?la=E09000007&la=E09000003",
            )
        })?;
        // In a comparison with statistical neighbours, their median closes each row.
        let neighbours = match neighbours_asked(query.as_deref()) {
            Some((code, model)) => {
                let place = snap.find(&code)?;
                let place = snap.unit_of(&place.code).unwrap_or(place);
                let model = model.and_then(|m| m.parse::<u16>().ok());
                snap.neighbours(place, model)?
            }
            None => None,
        };
        let mut head = vec![CellView::text("measure"), CellView::text("year")];
        head.extend(
            c.places
                .iter()
                .map(|p| CellView::text(format!("{} ({})", p.name, p.code))),
        );
        if let Some(n) = &neighbours {
            head.push(CellView::text(format!(
                "Statistical neighbours (median, {} model)",
                n.model
            )));
        }
        let mut rows = Vec::new();
        for (m, per_place) in c
            .measures
            .iter()
            .filter(|(m, _)| only.as_deref().is_none_or(|o| o == m.name))
        {
            for (i, y) in c.years.iter().enumerate() {
                let mut row = vec![CellView::text(m.name), CellView::text(y.to_string())];
                row.extend(c.places.iter().zip(per_place).map(|(p, figs)| {
                    let raw = figs[i]
                        .as_ref()
                        .map(|f| display::plain_cell(m, f.cell))
                        .unwrap_or_default();
                    CellView::number(raw.clone(), raw)
                        .with_check(snap.check(&p.code, m, *y))
                        .with_origin(figs[i].as_ref())
                }));
                if let Some(n) = &neighbours {
                    let median = snap.neighbour_benchmark(n, m, *y).median;
                    let raw = median.map(|v| display::plain(m, v)).unwrap_or_default();
                    row.push(CellView::number(raw.clone(), raw));
                }
                rows.push(row);
            }
        }
        let table = TableView {
            caption: "Comparison".into(),
            head,
            rows,
            download: String::new(),
        };
        Ok(csv_response("swforce-comparison.csv", table.to_csv()))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::requested;

    #[test]
    fn repeated_codes_adds_and_removals_make_one_ordered_list() {
        let q = "la=E1&la=E2&la=E1&add=E3&remove=E2&add=";
        assert_eq!(requested(Some(q)), vec!["E1".to_string(), "E3".to_string()]);
        assert!(requested(None).is_empty());
        assert!(requested(Some("la=%ZZ&&&")).is_empty() || requested(Some("la=%ZZ&&&")).len() == 1);
    }
}
