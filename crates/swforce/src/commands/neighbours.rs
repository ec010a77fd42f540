//! `swforce neighbours CODE_OR_NAME [--model YEAR] [--format table|json]`: an authority's
//! statistical neighbours; and the neighbours' benchmark `swforce indicators --benchmark
//! neighbours` prints.

use crate::Failure;
use crate::commands::fail;
use crate::config::StoreArgs;
use serde_json::json;
use swforce_app::neighbours::{Neighbours, rank_words};
use swforce_app::{App, Snapshot, display};
use swforce_domain::{Dataset, Geography, Measure, Year};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// For reading.
    Table,
    /// One object, as the API answers.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The local authority: an ONS code (E10000016), a DfE code (886) or a name (Kent).
    #[arg(value_name = "CODE_OR_NAME")]
    place: String,
    /// The Department's model, by its year (2021 or 2025); the newest on record when left out.
    #[arg(long, value_name = "YEAR")]
    model: Option<u16>,
    /// How to write the neighbours.
    #[arg(long, short, value_enum, default_value = "table")]
    format: Format,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// The neighbours of `place`, or a refusal saying why there are none.
pub fn neighbours_of(
    snap: &Snapshot,
    place: &Geography,
    model: Option<u16>,
) -> Result<Neighbours, Failure> {
    let place = snap.unit_of(&place.code).unwrap_or(place);
    match snap.neighbours(place, model).map_err(fail)? {
        Some(n) => Ok(n),
        None => {
            let why = if snap.neighbour_models().is_empty() {
                "no statistical neighbour model is on record; load it with swforce demo, or import the Department's table (swforce import statistical_neighbours_2025.csv)".to_string()
            } else if place.level != swforce_domain::GeographicLevel::LocalAuthority {
                format!(
                    "{} is not a local authority: only authorities have statistical neighbours",
                    place.name
                )
            } else {
                format!(
                    "the model does not list {} ({}); try another with --model",
                    place.name, place.code
                )
            };
            eprintln!("error: {why}");
            Err(Failure::Refused)
        }
    }
}

pub fn run(app: &App, args: &Args) -> Result<(), Failure> {
    if args.place.trim().is_empty() {
        eprintln!("error: no authority was given");
        eprintln!(
            "  fix: give a local authority's code or name, such as swforce neighbours E10000016 or swforce neighbours Kent"
        );
        return Err(Failure::Refused);
    }
    let snap = app.snapshot().map_err(fail)?;
    let place = snap.find_for_neighbours(&args.place).map_err(fail)?;
    let n = neighbours_of(&snap, &place, args.model)?;
    let text = match args.format {
        Format::Json => {
            let value = json!({
                "geography_code": n.place.to_string(),
                "geography_name": n.place_name,
                "model": n.model.get(),
                "models": n.models.iter().map(|m| m.get()).collect::<Vec<_>>(),
                "listed_as": n.listed_as,
                "neighbours": n.neighbours.iter().map(|x| json!({
                    "rank": x.rank,
                    "code": x.code.to_string(),
                    "name": x.name,
                    "dfe_code": x.dfe_code,
                    "closeness": x.closeness,
                    "note": x.note,
                })).collect::<Vec<_>>(),
            });
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        Format::Table => {
            let mut out = format!(
                "Statistical neighbours of {} ({}), {} model, most similar first\n\n",
                n.place_name, n.place, n.model
            );
            let width = n
                .neighbours
                .iter()
                .map(|x| x.name.chars().count())
                .max()
                .unwrap_or(9)
                .max(9);
            out.push_str(&format!(
                "{:>4}  {:width$}  {:9}  {:>3}  {}\n",
                "Rank", "Authority", "Code", "DfE", "How close"
            ));
            for x in &n.neighbours {
                out.push_str(&format!(
                    "{:>4}  {:width$}  {:9}  {:>3}  {}\n",
                    x.rank,
                    x.name,
                    x.code.to_string(),
                    x.dfe_code,
                    x.closeness.words()
                ));
            }
            for x in n.neighbours.iter().filter_map(|x| x.note.as_ref()) {
                out.push_str(&format!("Note: {x}.\n"));
            }
            out.push_str(&format!(
                "Source: Department for Education, statistical neighbours ({} model); models on record: {}.\n",
                n.model,
                n.models.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ));
            out
        }
    };
    print(&text);
    Ok(())
}

#[allow(clippy::print_stdout)]
fn print(text: &str) {
    print!("{text}");
}

/// Each workforce measure of `place` in `year` against its neighbours: the figure, the
/// neighbours' median and where the place stands among itself and them, as `format` writes it.
pub fn benchmark(
    snap: &Snapshot,
    place: &Geography,
    year: Option<Year>,
    model: Option<u16>,
    format: super::indicators::Format,
) -> Result<(), Failure> {
    if let Some(r) = snap.ended_by(&place.code) {
        let successors: Vec<&str> = r.successors.iter().map(|(_, _, n)| *n).collect();
        eprintln!(
            "error: {} no longer exists (replaced on {} by {}), so it is not set against neighbours",
            place.name,
            r.effective,
            successors.join(" and ")
        );
        eprintln!(
            "  fix: benchmark its successor instead, such as swforce indicators --geography \"{}\" --benchmark neighbours",
            successors.first().copied().unwrap_or_default()
        );
        return Err(Failure::Refused);
    }
    if let Some((with, _)) = snap.shared_with(&place.code) {
        eprintln!(
            "error: {}'s workforce is reported with {}'s, so it has no figures of its own to set against neighbours",
            place.name, with.name
        );
        eprintln!(
            "  fix: swforce indicators --geography {} --benchmark neighbours",
            with.code
        );
        return Err(Failure::Refused);
    }
    let n = neighbours_of(snap, place, model)?;
    let Some(year) = year.or_else(|| snap.latest_year(Dataset::CswwHeadline)) else {
        eprintln!("error: there are no workforce figures; import them first (swforce demo)");
        return Err(Failure::Refused);
    };
    let place = snap.geography(&n.place).unwrap_or(place);
    let lines: Vec<(
        &'static Measure,
        Option<f64>,
        swforce_app::neighbours::NeighbourBenchmark,
    )> = Measure::of(Dataset::CswwHeadline)
        .filter(|m| m.joined.is_none())
        .map(|m| {
            let own = snap
                .figure(&place.code, m, "", year)
                .and_then(|f| f.value());
            (m, own, snap.neighbour_benchmark(&n, m, year))
        })
        .collect();
    let text = match format {
        super::indicators::Format::Json => {
            let rows: Vec<_> = lines
                .iter()
                .map(|(m, own, b)| {
                    let p =
                        |x: Option<f64>| x.map(|v| swforce_app::indicators::published_json(m, v));
                    json!({
                        "measure": m.name,
                        "value": p(*own),
                        "neighbours_median": p(b.median),
                        "with_figures": b.with_figures,
                        "neighbours": b.of,
                        "rank_from_highest": b.rank_from_highest,
                        "ranked": b.ranked,
                    })
                })
                .collect();
            let value = json!({
                "geography_code": place.code.to_string(),
                "geography_name": place.name,
                "year": year.get(),
                "benchmark": "neighbours",
                "model": n.model.get(),
                "neighbours": n.neighbours.iter().map(|x| x.code.to_string()).collect::<Vec<_>>(),
                "measures": rows,
            });
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        super::indicators::Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record([
                "measure",
                "year",
                "value",
                "neighbours_median",
                "with_figures",
                "rank_from_highest",
                "ranked",
                "model",
            ]);
            for (m, own, b) in &lines {
                let p = |x: Option<f64>| x.map(|v| display::plain(m, v)).unwrap_or_default();
                let _ = w.write_record([
                    m.name.to_string(),
                    year.to_string(),
                    p(*own),
                    p(b.median),
                    b.with_figures.to_string(),
                    b.rank_from_highest
                        .map(|r| r.to_string())
                        .unwrap_or_default(),
                    b.ranked.to_string(),
                    n.model.to_string(),
                ]);
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        super::indicators::Format::Table => {
            let mut out = format!(
                "{} ({}) against its statistical neighbours ({} model), year to 30 September {year}\n\n",
                place.name, place.code, n.model
            );
            let label = lines
                .iter()
                .map(|(m, _, _)| m.label.chars().count())
                .max()
                .unwrap_or(10);
            out.push_str(&format!(
                "{:label$}  {:>10}  {:>18}  {:>12}  {}\n",
                "Measure",
                "Figure",
                "Neighbours' median",
                "With figures",
                "Among itself and its neighbours"
            ));
            for (m, own, b) in &lines {
                let v =
                    |x: Option<f64>| x.map_or_else(|| "-".to_string(), |v| display::value(m, v));
                out.push_str(&format!(
                    "{:label$}  {:>10}  {:>18}  {:>12}  {}\n",
                    m.label,
                    v(*own),
                    v(b.median),
                    format!("{} of {}", b.with_figures, b.of),
                    b.rank_from_highest
                        .map_or_else(|| "-".to_string(), |r| rank_words(r, b.ranked))
                ));
            }
            out.push_str(&format!(
                "\nNeighbours, most similar first: {}.\n",
                n.neighbours
                    .iter()
                    .map(|x| x.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            out.push_str("Source: Department for Education, Children's social work workforce and statistical neighbours; ONS mid-year population estimates (Open Government Licence v3.0).\n");
            out
        }
    };
    print(&text);
    Ok(())
}
