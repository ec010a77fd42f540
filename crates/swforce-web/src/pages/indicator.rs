//! One indicator over time, as a page section: a sentence, a chart and the table behind it.

use crate::chart::{LineChart, STYLES, Series};
use crate::view::{CellView, TableView};
use swforce_app::display;
use swforce_app::{Check, Figure, Origin, Snapshot};
use swforce_domain::number::round_half_away;
use swforce_domain::{Cell, Dataset, Geography, Measure, Polarity, Unit, Year};

/// A section of a page for one measure.
#[derive(Debug, Clone)]
pub struct IndicatorSection {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub definition: String,
    /// Inline SVG, already escaped; empty when there is nothing to draw.
    pub chart: String,
    /// `(series name, style number 1-6)`.
    pub legend: Vec<(String, usize)>,
    pub table: TableView,
}

/// A named column of figures, one per year.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub figures: Vec<Option<Figure>>,
    /// Aligned with `figures`: why each should be checked, where a rule flagged it.
    pub checks: Vec<Option<Check>>,
}

impl Column {
    /// A place's figures of `measure` for `years`, with the flags on them.
    pub fn of(
        snap: &Snapshot,
        place: &Geography,
        measure: &Measure,
        years: &[Year],
        figures: Vec<Option<Figure>>,
    ) -> Self {
        Self {
            name: place.name.clone(),
            checks: years
                .iter()
                .map(|y| snap.check(&place.code, measure, *y).cloned())
                .collect(),
            figures,
        }
    }
}

/// Whether places of different sizes can share a chart: rates and ratios can, counts cannot
/// (England's 31,000 social workers would flatten a council's 150 into the axis).
pub fn comparable(measure: &Measure) -> bool {
    matches!(
        measure.unit,
        Unit::Percent | Unit::CasesPerFte | Unit::PerTenThousand
    )
}

fn cell(measure: &Measure, f: &Option<Figure>, check: Option<&Check>) -> CellView {
    let mut view = CellView::number(
        display::figure(measure, f.as_ref()),
        f.as_ref()
            .map(|f| display::plain_cell(measure, f.cell))
            .unwrap_or_default(),
    );
    // Workforce figures are the ones the rules judge; others download without a check column.
    if measure.dataset == Dataset::CswwHeadline {
        view = view.with_check(check);
    }
    view = view.with_origin(f.as_ref());
    match f {
        Some(fig) => match (&fig.origin, fig.cell) {
            (_, Cell::Symbol(s)) => view.with_note(s.meaning()),
            (Origin::Published, _) => view,
            // A measure no release publishes (social workers per 10,000 children) is always
            // computed: its definition says so once, not every cell.
            (Origin::Computed, _) if measure.always_computed() => view,
            (_, _) => view.with_note(display::origin_note(fig).unwrap_or_default()),
        },
        None => view,
    }
}

/// The measure's label with its unit in brackets, unless the label already says it: a label
/// ending in a bracket ("Social workers in post (FTE)", "(headcount)", "(%)") or naming the unit
/// ("Referrals per 10,000 children", "Working days lost...") is left as it is, as is a rate,
/// whose figures carry their own `%`.
fn labelled(measure: &Measure) -> String {
    let unit = measure.unit.label();
    let said = measure.unit == Unit::Percent
        || measure.label.ends_with(')')
        || measure.label.to_lowercase().contains(&unit.to_lowercase());
    if said {
        measure.label.to_string()
    } else {
        format!("{} ({unit})", measure.label)
    }
}

fn axis_format(unit: Unit) -> fn(f64) -> String {
    match unit {
        Unit::Percent => |v| {
            format!(
                "{}%",
                display::grouped(
                    v * 100.0,
                    if (v * 100.0).fract().abs() > 1e-9 {
                        1
                    } else {
                        0
                    }
                )
            )
        },
        _ => |v| display::grouped(v, if v.fract().abs() > 1e-9 { 1 } else { 0 }),
    }
}

/// Builds the section. The first column is the subject; `download` is the CSV address. Counts
/// are charted for the subject alone unless `like_for_like` says every column is the same kind
/// of place (a comparison of authorities).
pub fn section(
    id: &str,
    measure: &'static Measure,
    years: &[Year],
    columns: Vec<Column>,
    download: String,
    like_for_like: bool,
) -> IndicatorSection {
    let mut head = vec![CellView::text("Year")];
    head.extend(columns.iter().map(|c| CellView {
        numeric: true,
        ..CellView::text(c.name.clone())
    }));
    let rows = years
        .iter()
        .enumerate()
        .map(|(i, y)| {
            let mut row = vec![CellView::text(y.to_string())];
            row.extend(columns.iter().map(|c| {
                cell(
                    measure,
                    &c.figures[i],
                    c.checks.get(i).and_then(Option::as_ref),
                )
            }));
            row
        })
        .collect();
    let table = TableView {
        caption: format!("{}, by year", labelled(measure)),
        head,
        rows,
        download,
    };
    let charted: Vec<&Column> = if like_for_like || comparable(measure) {
        columns.iter().collect()
    } else {
        columns.iter().take(1).collect()
    };
    let series: Vec<Series> = charted
        .iter()
        .map(|c| Series {
            name: c.name.clone(),
            values: c
                .figures
                .iter()
                .map(|f| f.as_ref().and_then(Figure::value))
                .collect(),
        })
        .collect();
    let has_points = series.iter().any(|s| s.values.iter().any(Option::is_some));
    let summary = summarise(measure, years, &columns);
    let chart = if has_points {
        LineChart {
            id: format!("chart-{id}"),
            title: format!(
                "{}: {}",
                measure.label,
                charted
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            description: summary.clone(),
            x_labels: years.iter().map(ToString::to_string).collect(),
            series: series.clone(),
            axis_format: axis_format(measure.unit),
        }
        .to_svg()
    } else {
        String::new()
    };
    IndicatorSection {
        id: id.to_string(),
        title: measure.label.to_string(),
        summary,
        definition: measure.definition.to_string(),
        legend: if has_points {
            series
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name.clone(), i % STYLES.len() + 1))
                .collect()
        } else {
            Vec::new()
        },
        chart,
        table,
    }
}

/// One or two sentences a screen-reader user or a skim reader can take away.
pub fn summarise(measure: &Measure, years: &[Year], columns: &[Column]) -> String {
    let Some(subject) = columns.first() else {
        return String::new();
    };
    let latest = subject
        .figures
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, f)| f.as_ref().and_then(|f| f.value().map(|v| (i, v))));
    let Some((i, value)) = latest else {
        return format!(
            "No {} figures are published for {}.",
            measure.label.to_lowercase(),
            subject.name
        );
    };
    let mut text = format!(
        "{} in {}, {}: {}",
        measure.label,
        subject.name,
        years[i],
        display::value(measure, value)
    );
    let others: Vec<String> = columns
        .iter()
        .skip(1)
        .filter_map(|c| {
            c.figures[i]
                .as_ref()
                .and_then(Figure::value)
                .map(|v| format!("{} {}", c.name, display::value(measure, v)))
        })
        .collect();
    if !others.is_empty() && comparable(measure) {
        text.push_str(&format!(" ({})", others.join(", ")));
    }
    text.push('.');
    let first = subject
        .figures
        .iter()
        .enumerate()
        .find_map(|(j, f)| f.as_ref().and_then(|f| f.value().map(|v| (j, v))));
    if let Some((j, start)) = first.filter(|(j, _)| *j < i) {
        let shown = |v: f64| round_half_away(measure.unit.to_published(v), measure.unit.decimals());
        let word = match shown(value).total_cmp(&shown(start)) {
            std::cmp::Ordering::Greater => "Up from",
            std::cmp::Ordering::Less => "Down from",
            std::cmp::Ordering::Equal => "The same as",
        };
        let judgement = match (word, measure.polarity) {
            ("Up from", Polarity::LowerIsBetter) | ("Down from", Polarity::HigherIsBetter) => {
                " (worse)"
            }
            ("Down from", Polarity::LowerIsBetter) | ("Up from", Polarity::HigherIsBetter) => {
                " (better)"
            }
            _ => "",
        };
        text.push_str(&format!(
            " {word} {} in {}{judgement}.",
            display::value(measure, start),
            years[j]
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::labelled;
    use swforce_domain::measure::MEASURES;

    #[test]
    fn a_caption_names_its_unit_once() {
        for m in MEASURES {
            let caption = labelled(m);
            let unit = format!("({})", m.unit.label());
            assert!(!caption.contains(") ("), "{caption}");
            assert!(caption.matches(&unit).count() <= 1, "{caption}");
        }
        let named = |n: &str| labelled(swforce_domain::Measure::named(n).unwrap());
        assert_eq!(named("inpost_fte"), "Social workers in post (FTE)");
        assert_eq!(
            named("inpost_headcount"),
            "Social workers in post (headcount)"
        );
        assert_eq!(named("Referrals_rate"), "Referrals per 10,000 children");
        assert_eq!(named("caseload_fte"), "Average caseload (cases per FTE)");
        assert_eq!(named("cases"), "Cases held (number)");
    }
}
