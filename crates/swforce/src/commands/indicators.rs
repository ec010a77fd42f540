//! `swforce indicators --geography CODE_OR_NAME [--year YEAR] [--format table|csv|json]`.

use crate::Failure;
use crate::commands::fail;
use crate::config::StoreArgs;
use swforce_app::{App, IndicatorRow, display};
use swforce_domain::{Cell, Dataset, Year};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Measures down, years across, for reading.
    Table,
    /// One row per year, canonical column names, for spreadsheets; a last `check` column gives
    /// the reasons to check figures of the year.
    Csv,
    /// An array of objects, one per year, canonical names as keys.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The place: an ONS code (E06000058), a DfE code (839) or a name (Bournemouth).
    #[arg(long, short, value_name = "CODE_OR_NAME")]
    geography: String,
    /// One reporting year (to 30 September), such as 2022; all years when left out.
    #[arg(long, short, value_parser = parse_year)]
    year: Option<Year>,
    /// How to write the indicators.
    #[arg(long, short, value_enum, default_value = "table")]
    format: Format,
    /// Instead of every year, each measure of one year (the latest unless --year) against a
    /// benchmark: `neighbours`, the authority's statistical neighbours' median.
    #[arg(long, value_enum)]
    benchmark: Option<Benchmark>,
    /// With --benchmark neighbours: the Department's model, by its year (2021 or 2025); the
    /// newest when left out.
    #[arg(long, value_name = "YEAR", requires = "benchmark")]
    model: Option<u16>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Benchmark {
    /// The median of the authority's ten statistical neighbours, and its rank among them.
    Neighbours,
}

fn parse_year(text: &str) -> Result<Year, String> {
    Year::parse(text).map_err(|e| e.to_string())
}

pub fn run(app: &App, args: &Args) -> Result<(), Failure> {
    let snap = app.snapshot().map_err(fail)?;
    let place = snap.find(&args.geography).map_err(fail)?;
    if let Some(Benchmark::Neighbours) = args.benchmark {
        if let Some(y) = args.year {
            snap.indicators(place, Some(y)).map_err(fail)?;
        }
        return super::neighbours::benchmark(&snap, place, args.year, args.model, args.format);
    }
    let rows = snap.indicators(place, args.year).map_err(fail)?;
    if let (true, Some(unit)) = (rows.is_empty(), snap.unit_of(&place.code)) {
        eprintln!(
            "error: {} ({}) is reported jointly: its workforce figures are those of {}; run swforce indicators --geography {}",
            place.name, place.code, unit.name, unit.code
        );
        return Err(Failure::Refused);
    }
    if rows.is_empty() {
        eprintln!(
            "error: {} ({}) has no workforce figures{}",
            place.name,
            place.code,
            if snap.years(Dataset::CswwHeadline).is_empty() {
                "; import the workforce statistics first (swforce demo)"
            } else {
                ""
            }
        );
        return Err(Failure::Refused);
    }
    let text = match args.format {
        Format::Json => {
            serde_json::to_string_pretty(&rows).map_err(|e| fail_text(&e.to_string()))? + "\n"
        }
        Format::Csv => csv(&rows).map_err(|e| fail_text(&e))?,
        Format::Table => table(&rows),
    };
    print(&text);
    Ok(())
}

fn fail_text(problem: &str) -> Failure {
    eprintln!("error: {problem}");
    Failure::Refused
}

#[allow(clippy::print_stdout)]
fn print(text: &str) {
    print!("{text}");
}

fn plain(cell: Option<Cell<f64>>, measure: &swforce_domain::Measure) -> String {
    cell.map(|c| display::plain_cell(measure, c))
        .unwrap_or_default()
}

fn csv(rows: &[IndicatorRow]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let first = &rows[0];
    let mut header = vec![
        "geography_code".to_string(),
        "geography_name".into(),
        "geographic_level".into(),
        "year".into(),
    ];
    header.extend(first.values.iter().map(|(m, _)| m.name.to_string()));
    let derived: Vec<_> = first
        .values
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| m.formula.is_some())
        .collect();
    header.extend(derived.iter().map(|m| format!("computed_{}", m.name)));
    header.push("check".into());
    header.push("source".into());
    w.write_record(&header).map_err(|e| e.to_string())?;
    for r in rows {
        let mut rec = vec![
            r.geography_code.clone(),
            display::spreadsheet_safe(&r.geography_name),
            r.geographic_level.to_string(),
            r.year.to_string(),
        ];
        rec.extend(r.values.iter().map(|(m, c)| plain(*c, m)));
        rec.extend(derived.iter().map(|m| {
            r.computed
                .iter()
                .find(|(c, _)| c.name == m.name)
                .map(|(m, v)| display::plain(m, *v))
                .unwrap_or_default()
        }));
        rec.push(display::spreadsheet_safe(&checks(r).join("; ")));
        rec.push(display::spreadsheet_safe(r.source.as_deref().unwrap_or("")));
        w.write_record(&rec).map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// The reasons to check figures of one year: "leavers_fte: 0.0 leavers (FTE) in 2022 ...".
fn checks(row: &IndicatorRow) -> Vec<String> {
    row.checks
        .iter()
        .map(|(m, c)| format!("{}: {}", m.name, c.reason))
        .collect()
}

fn table(rows: &[IndicatorRow]) -> String {
    let first = &rows[0];
    let mut out = format!(
        "{} ({}), {}: children's social work workforce, years to 30 September\n\n",
        first.geography_name, first.geography_code, first.geographic_level
    );
    let label_width = first
        .values
        .iter()
        .map(|(m, _)| m.label.chars().count())
        .max()
        .unwrap_or(10);
    let cells: Vec<Vec<String>> = first
        .values
        .iter()
        .enumerate()
        .map(|(i, (m, _))| {
            rows.iter()
                .map(|r| {
                    let shown = r.values[i]
                        .1
                        .map_or_else(|| "-".to_string(), |c| display::cell(m, c));
                    let computed = r.computed.iter().any(|(c, _)| c.name == m.name);
                    let check = r.checks.iter().any(|(c, _)| c.name == m.name);
                    format!(
                        "{shown}{}{}",
                        if computed { "*" } else { "" },
                        if check { "!" } else { "" }
                    )
                })
                .collect()
        })
        .collect();
    let width = cells
        .iter()
        .flatten()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4)
        .max(5);
    out.push_str(&format!("{:label_width$}", "Measure"));
    for r in rows {
        out.push_str(&format!("  {:>width$}", r.year.to_string()));
    }
    out.push('\n');
    for ((m, _), line) in first.values.iter().zip(&cells) {
        out.push_str(&format!("{:label_width$}", m.label));
        for c in line {
            out.push_str(&format!("  {c:>width$}"));
        }
        out.push('\n');
    }
    let notes: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            r.computed.iter().map(move |(m, v)| {
                let published = r
                    .values
                    .iter()
                    .find(|(p, _)| p.name == m.name)
                    .and_then(|(_, c)| *c);
                format!(
                    "  {} {}: computed {} from the published counts; published {}",
                    r.year,
                    m.name,
                    display::value(m, *v),
                    published.map_or_else(|| "nothing".to_string(), |c| display::cell(m, c))
                )
            })
        })
        .collect();
    out.push_str("\nSymbols: z not applicable, x not available, c suppressed, low rounds to zero, - not in this release.\n");
    if !notes.is_empty() {
        out.push_str("* The published figure differs at its precision from the one computed from the published (rounded) counts:\n");
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    let checks: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            checks(r)
                .into_iter()
                .map(move |c| format!("  {} {c}", r.year))
        })
        .collect();
    if !checks.is_empty() {
        out.push_str("! Check this figure before relying on it (shown as published):\n");
        for c in checks {
            out.push_str(&c);
            out.push('\n');
        }
    }
    let sources: Vec<String> = rows
        .iter()
        .filter_map(|r| r.source.as_ref().map(|s| format!("  {}: {s}", r.year)))
        .collect();
    if !sources.is_empty() {
        out.push_str("Years that are not the place's own published row:\n");
        for s in sources {
            out.push_str(&s);
            out.push('\n');
        }
    }
    out.push_str("Source: Department for Education, Children's social work workforce (Open Government Licence v3.0).\n");
    out
}
