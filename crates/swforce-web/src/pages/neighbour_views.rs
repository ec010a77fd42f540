//! Statistical neighbours as the pages show them: an authority's list with the model choice,
//! its headline figures against the neighbours, and the starting values a projection's levers
//! take from them.

use super::place::download_href;
use super::scenario_form;
use crate::view::{CellView, TableView};
use swforce_app::neighbours::{Neighbours, rank_words};
use swforce_app::profile::Profile;
use swforce_app::{Figure, Snapshot, display};

/// An authority's statistical neighbours as its page lists them.
#[derive(Debug, Clone)]
pub struct NeighboursView {
    pub model: String,
    /// `(year, chosen)` of every model on record, for the choice.
    pub models: Vec<(String, bool)>,
    pub table: TableView,
    pub compare_href: String,
    pub notes: Vec<String>,
}

/// The ten in order, each linked to its page where it has one (a council made after the
/// figures on record has none).
pub fn list_table(snap: &Snapshot, n: &Neighbours) -> TableView {
    let head = ["Rank", "Authority", "How close"]
        .iter()
        .map(|h| CellView::text(*h))
        .collect();
    let rows = n
        .neighbours
        .iter()
        .map(|x| {
            vec![
                CellView::text(x.rank.to_string()),
                match snap.geography(&x.code) {
                    Some(g) => CellView::link(x.name.clone(), super::place::href(g)),
                    None => CellView::text(format!("{} (no page of its own yet)", x.name)),
                },
                CellView::text(capitalised(x.closeness.words())),
            ]
        })
        .collect();
    TableView {
        caption: format!(
            "Statistical neighbours of {}, {} model, most similar first",
            n.place_name, n.model
        ),
        head,
        rows,
        download: String::new(),
    }
}

pub fn neighbours_view(snap: &Snapshot, n: &Neighbours) -> NeighboursView {
    NeighboursView {
        model: n.model.to_string(),
        models: n
            .models
            .iter()
            .map(|m| (m.to_string(), *m == n.model))
            .collect(),
        table: list_table(snap, n),
        compare_href: format!("/compare?neighbours={}&model={}", n.place, n.model),
        notes: n.neighbours.iter().filter_map(|x| x.note.clone()).collect(),
    }
}

/// A word or phrase with its first letter in capitals ("Very close").
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// The heading of the neighbours' median, naming the model.
pub fn neighbours_column(n: &Neighbours) -> String {
    format!("Statistical neighbours (median, {} model)", n.model)
}

/// Each headline figure against the statistical neighbours: their median and where the
/// authority stands among itself and them.
pub fn neighbour_table(p: &Profile) -> Option<TableView> {
    let n = p.neighbours.as_ref()?;
    let year = p.latest_year?;
    let head = [
        "Indicator",
        &p.place.name,
        "Neighbours' median",
        "Neighbours with a figure",
        "Among itself and its neighbours",
    ]
    .iter()
    .enumerate()
    .map(|(i, h)| CellView {
        numeric: (1..4).contains(&i),
        ..CellView::text(*h)
    })
    .collect();
    let rows = p
        .workforce
        .iter()
        .filter(|v| v.measure.headline)
        .filter_map(|v| {
            let b = v.neighbour_benchmark.as_ref()?;
            let m = v.measure;
            let own = v
                .rows
                .iter()
                .find(|r| r.year == year)
                .and_then(|r| r.this.as_ref());
            let value =
                |x: Option<f64>| x.map_or_else(|| "\u{2013}".to_string(), |x| display::value(m, x));
            let raw = |x: Option<f64>| x.map(|x| display::plain(m, x)).unwrap_or_default();
            let own_value = own.and_then(Figure::value);
            Some(vec![
                CellView::text(m.label),
                CellView::number(value(own_value), raw(own_value)).with_origin(own),
                CellView::number(value(b.median), raw(b.median)),
                CellView::number(
                    format!("{} of {}", b.with_figures, b.of),
                    b.with_figures.to_string(),
                ),
                CellView::text(
                    b.rank_from_highest
                        .map_or_else(|| "\u{2013}".into(), |r| rank_words(r, b.ranked)),
                ),
            ])
        })
        .collect();
    Some(TableView {
        caption: format!(
            "How {} compares with its statistical neighbours ({} model), {year}",
            p.place.name, n.model
        ),
        head,
        rows,
        download: download_href(p, "neighbours"),
    })
}

/// For an authority: turnover and the agency worker rate at its statistical neighbours'
/// median, as starting values for the Retain and agency levers, with the figures they come
/// from.
pub fn suggestions(
    snap: &Snapshot,
    place: &swforce_domain::Geography,
    pairs: &[(String, String)],
    groups: &mut [scenario_form::Group],
) {
    let Some(n) = snap.neighbours(place, None).ok().flatten() else {
        return;
    };
    let Some(year) = snap.latest_year(swforce_domain::Dataset::CswwHeadline) else {
        return;
    };
    let with = |key: &str, value: String| {
        let mut q: Vec<(&str, String)> = pairs
            .iter()
            .filter(|(k, _)| k != key && k != "saved")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        q.push((key, value));
        format!(
            "/projections/{}?{}",
            place.code,
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    };
    let pct = |v: f64| {
        format!(
            "{:.1}",
            swforce_domain::number::round_half_away(v * 100.0, 1)
        )
    };
    for (group, measure, key, words) in [
        (
            "retain",
            "turnover_rate_fte",
            "retain_cut",
            "turnover (FTE)",
        ),
        (
            "agency",
            "agency_rate_fte",
            "agency_cap",
            "agency worker rate (FTE)",
        ),
    ] {
        let Some(m) = swforce_domain::Measure::named(measure) else {
            continue;
        };
        let own = snap
            .figure(&place.code, m, "", year)
            .and_then(|f| f.value());
        let b = snap.neighbour_benchmark(&n, m, year);
        let (Some(own), Some(median)) = (own, b.median) else {
            continue;
        };
        let source = format!(
            "{}'s {words} was {}% in {year}; the median of its {} statistical neighbours with a figure ({} model) was {}%",
            place.name,
            pct(own),
            b.with_figures,
            n.model,
            pct(median)
        );
        let suggestion = match key {
            "retain_cut" if own > median => {
                let cut = 1.0 - median / own;
                scenario_form::Suggestion {
                    text: format!(
                        "Turnover at the neighbours' median: {source}. Bringing it there is a cut of {}%.",
                        pct(cut)
                    ),
                    link: Some((
                        "Start from turnover at the neighbours' median".into(),
                        with(key, pct(cut)) + "#retain",
                    )),
                }
            }
            "retain_cut" => scenario_form::Suggestion {
                text: format!(
                    "Turnover at the neighbours' median: {source}, so its turnover is already at or below theirs."
                ),
                link: None,
            },
            _ => scenario_form::Suggestion {
                text: format!(
                    "Agency rate at the neighbours' median: {source}.{}",
                    if own > median {
                        " A cap there brings it down to theirs."
                    } else {
                        " Its rate is already at or below theirs, so a cap there changes nothing today."
                    }
                ),
                link: Some((
                    "Start from an agency rate cap at the neighbours' median".into(),
                    with(key, pct(median)) + "#agency",
                )),
            },
        };
        if let Some(g) = groups.iter_mut().find(|g| g.id == group) {
            g.suggestions.push(suggestion);
        }
    }
}
