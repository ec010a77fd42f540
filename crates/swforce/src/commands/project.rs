//! `swforce project` and `swforce backtest`.

use crate::Failure;
use crate::commands::fail;
use crate::config::StoreArgs;
use std::path::PathBuf;
use swforce_app::App;
use swforce_app::display::counted;
use swforce_app::projection::{Report, rows};
use swforce_domain::Year;
use swforce_engine::scenario::MAX_YEARS;
use swforce_engine::simulate::MAX_RUNS;
use swforce_engine::{Indicator, RunSpec, Scenario};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Indicators down, years across: the median and the 5th to 95th percentile band.
    Table,
    /// One row per place, year, scenario and indicator.
    Csv,
    /// An array of objects, one per place, year, scenario and indicator.
    Json,
}

fn parse_year(text: &str) -> Result<Year, String> {
    Year::parse(text).map_err(|e| e.to_string())
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A scenario file (TOML) with Train, Retain, Reform, agency and demand levers; the baseline
    /// alone when left out.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// The last year of history to use (the latest on record when left out).
    #[arg(long, value_parser = parse_year)]
    origin: Option<Year>,
    /// Years to project, 1 to 15.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=i64::from(MAX_YEARS)))]
    years: u16,
    /// Monte Carlo runs: 1 to 100,000 here (the web page, which shares its server, allows 100
    /// to 10,000); fewer for many places over many years (`--geography all` over 15 years takes
    /// up to about 55,000), as the error then says.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_RUNS)))]
    runs: u32,
    /// Seed: the same seed gives the same answer.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A place (England, a region or an authority, by code or name), or `all`.
    #[arg(long, short, default_value = "E92000001", value_name = "CODE|all")]
    geography: String,
    /// How to write the projection.
    #[arg(long, short, value_enum, default_value = "table")]
    format: Format,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[allow(clippy::print_stdout)]
pub fn run(app: &App, args: &Args) -> Result<(), Failure> {
    let snap = app.snapshot().map_err(fail)?;
    let mut scenarios = Vec::new();
    if let Some(path) = &args.scenario {
        let name = path.display().to_string();
        let text = read_scenario(path, &name)?;
        let scenario = Scenario::from_toml(&name, &text).map_err(|errors| report(&errors))?;
        if scenario.is_baseline() {
            eprintln!(
                "note: {name} sets no lever (train, retain, reform, agency or demand): the projection is the baseline only"
            );
        }
        let baseline = snap.baseline(args.origin).map_err(fail)?;
        let codes: Vec<&str> = baseline
            .authorities
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        scenario
            .validate(&name, baseline.origin, args.years, &codes)
            .map_err(|errors| report(&errors))?;
        scenarios.push(scenario);
    }
    let report_on = if args.geography.eq_ignore_ascii_case("all") {
        Report::All
    } else {
        Report::One(args.geography.clone())
    };
    let spec = RunSpec {
        years: args.years,
        runs: args.runs,
        seed: args.seed,
        volatility: 1.0,
    };
    let (baseline, projection) = snap
        .project(args.origin, &scenarios, spec, &report_on)
        .map_err(fail)?;
    let place = match &report_on {
        Report::All => None,
        Report::One(name) => snap.find(name).ok(),
    };
    for note in &snap.projection_notes(&baseline, place) {
        eprintln!("note: {note}");
    }
    let rows = rows(&projection);
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        ),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for r in &rows {
                if w.serialize(r).is_err() {
                    return Err(Failure::Refused);
                }
            }
            print!(
                "{}",
                String::from_utf8_lossy(&w.into_inner().unwrap_or_default())
            );
        }
        Format::Table => print!("{}", table(&projection, &rows)),
    }
    Ok(())
}

fn report(errors: &[swforce_engine::ScenarioError]) -> Failure {
    for e in errors {
        eprintln!("{e}");
    }
    eprintln!("error: the scenario was not run");
    Failure::Refused
}

fn table(
    p: &swforce_engine::Projection,
    rows: &[swforce_app::projection::ProjectionRow],
) -> String {
    let mut out = format!(
        "Projection from {} for {}, {} (seed {}). Median, with the 5th to 95th percentile band.\n",
        p.origin,
        counted(p.years.len(), "year", "years"),
        counted(p.spec.runs as usize, "run", "runs"),
        p.spec.seed
    );
    // Each row by place, scenario, indicator and year: every place's table reads its own.
    let index: std::collections::HashMap<
        (&str, &str, &str, u16),
        &swforce_app::projection::ProjectionRow,
    > = rows
        .iter()
        .map(|r| {
            (
                (
                    r.geography_code.as_str(),
                    r.scenario.as_str(),
                    r.indicator,
                    r.year,
                ),
                r,
            )
        })
        .collect();
    let mut keys: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.geography_code.clone(), r.scenario.clone()))
        .collect();
    keys.dedup();
    for (code, scenario) in keys {
        let name = rows
            .iter()
            .find(|r| r.geography_code == code)
            .map_or(String::new(), |r| r.geography_name.clone());
        out.push_str(&format!("\n{name} ({code}): {scenario}\n"));
        out.push_str(&format!("{:<48}", "Indicator"));
        for y in &p.years {
            out.push_str(&format!(" {:>26}", y.to_string()));
        }
        out.push('\n');
        for ind in Indicator::ALL {
            out.push_str(&format!("{:<48}", ind.label()));
            for y in &p.years {
                let r = index
                    .get(&(code.as_str(), scenario.as_str(), ind.name(), y.get()))
                    .copied();
                let cell = r.map_or(String::new(), |r| {
                    let (v, lo, hi) = if ind.is_rate() || ind == Indicator::CaseloadFte {
                        (
                            format!("{:.1}", r.p50),
                            format!("{:.1}", r.p5),
                            format!("{:.1}", r.p95),
                        )
                    } else {
                        (
                            format!("{:.0}", r.p50),
                            format!("{:.0}", r.p5),
                            format!("{:.0}", r.p95),
                        )
                    };
                    // A figure that rounds to zero is 0, never "-0".
                    let tidy = |t: String| {
                        if t.trim_start_matches('-')
                            .chars()
                            .all(|c| c == '0' || c == '.')
                        {
                            t.trim_start_matches('-').to_string()
                        } else {
                            t
                        }
                    };
                    let (v, lo, hi) = (tidy(v), tidy(lo), tidy(hi));
                    format!("{v} ({lo} to {hi})")
                });
                out.push_str(&format!(" {cell:>26}"));
            }
            out.push('\n');
        }
    }
    out.push_str("\nRates are percentages. FTE: full-time equivalent. Method: docs/model.md.\n");
    out
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["origin", "rolling"])))]
pub struct BacktestArgs {
    /// Fit on history up to and including this year only.
    #[arg(long, value_parser = parse_year)]
    origin: Option<Year>,
    /// Instead of one origin, every origin the history allows, every horizon, scored beside
    /// the naive and drift forecasts (MdAPE, MAPE, MASE, band coverage, interval score).
    #[arg(long, conflicts_with = "horizon")]
    rolling: bool,
    /// Years to project and score (as far as actual figures exist).
    #[arg(long, default_value_t = 3)]
    horizon: u16,
    /// Monte Carlo runs: 1 to 100,000 here (the web page, which shares its server, allows 100
    /// to 10,000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_RUNS)))]
    runs: u32,
    /// Seed: the same seed gives the same answer.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How to write the scores: a table to read, or JSON.
    #[arg(long, short, value_enum, default_value = "table")]
    format: BacktestFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum BacktestFormat {
    Table,
    Json,
}

#[allow(clippy::print_stdout)]
pub fn backtest(app: &App, args: &BacktestArgs) -> Result<(), Failure> {
    let snap = app.snapshot().map_err(fail)?;
    let Some(origin) = args.origin.filter(|_| !args.rolling) else {
        let r = snap.rolling_backtest(args.runs, args.seed).map_err(fail)?;
        match args.format {
            BacktestFormat::Json => {
                println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default())
            }
            BacktestFormat::Table => print_rolling(&r),
        }
        return Ok(());
    };
    let bt = snap
        .backtest(origin, args.horizon, args.runs, args.seed)
        .map_err(fail)?;
    match args.format {
        BacktestFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&bt).unwrap_or_default())
        }
        BacktestFormat::Table => {
            println!(
                "Backtest: fitted on figures up to {}, projected {} ({}), scored against the published figures.",
                bt.origin,
                counted(usize::from(bt.horizon), "year", "years"),
                counted(bt.runs as usize, "run", "runs")
            );
            println!(
                "MAPE: mean absolute percentage error of the projection's median; naive: the {} figure carried forward.",
                bt.origin
            );
            println!();
            println!(
                "{:<16} {:<28} {:>7} {:>8} {:>11} {:>17}",
                "Level", "Indicator", "Pairs", "MAPE", "Naive MAPE", "Within P5 to P95"
            );
            for r in &bt.rows {
                println!(
                    "{:<16} {:<28} {:>7} {:>7.1}% {:>10.1}% {:>16.0}%",
                    r.level,
                    r.indicator.name(),
                    r.pairs,
                    r.mape,
                    r.naive_mape,
                    r.coverage * 100.0
                );
            }
        }
    }
    Ok(())
}

/// A scenario file's text, refused when it is larger than any scenario (a file with no end,
/// such as /dev/zero, included) or not UTF-8.
fn read_scenario(path: &std::path::Path, name: &str) -> Result<String, Failure> {
    use std::io::Read;
    let most = swforce_engine::scenario::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(most + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            eprintln!("error: cannot read {name}: {e}");
            Failure::Refused
        })?;
    if bytes.len() as u64 > most {
        eprintln!(
            "error: {name} is larger than {} KB, which no scenario needs\n  fix: give the scenario file (a few dozen lines of TOML; see docs/examples/levers.toml)",
            most / 1024
        );
        return Err(Failure::Refused);
    }
    String::from_utf8(bytes).map_err(|_| {
        eprintln!("error: {name} is not UTF-8 text\n  fix: save it as UTF-8 text");
        Failure::Refused
    })
}

#[allow(clippy::print_stdout)]
fn print_rolling(r: &swforce_engine::Rolling) {
    let origins: Vec<String> = r.origins.iter().map(ToString::to_string).collect();
    println!(
        "Rolling evaluation: fitted at each origin ({}), projected to every later year on record ({} runs), scored against the published figures.",
        origins.join(", "),
        r.runs
    );
    println!(
        "Beside two simple forecasts: naive (the origin's figure carried forward) and drift (the place's own straight line to the origin)."
    );
    println!(
        "MdAPE: median absolute percentage error of the median. MASE: mean absolute error over the place's mean one-year change to the origin. Interval score of the P5-P95 band, % of the actual."
    );
    println!();
    println!(
        "{:<16} {:<26} {:>7} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>9}",
        "Level",
        "Indicator",
        "Horizon",
        "Pairs",
        "MdAPE",
        "naive",
        "drift",
        "MASE",
        "naive",
        "drift",
        "P5-P95",
        "Interval"
    );
    let opt = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.2}"));
    for s in &r.scores {
        println!(
            "{:<16} {:<26} {:>7} {:>6} {:>6.1}% {:>6.1}% {:>6.1}% {:>7} {:>7} {:>7} {:>7.0}% {:>8.1}%",
            s.level,
            s.indicator.name(),
            s.horizon
                .map_or_else(|| "all".to_string(), |h| h.to_string()),
            s.pairs,
            s.mdape,
            s.naive_mdape,
            s.drift_mdape,
            opt(s.mase),
            opt(s.naive_mase),
            opt(s.drift_mase),
            s.coverage * 100.0,
            s.interval_score
        );
    }
    if !r.unscored.is_empty() {
        let names: Vec<&str> = r.unscored.iter().map(|i| i.name()).collect();
        println!();
        println!(
            "Not scored (no published figures to score against): {}.",
            names.join(", ")
        );
    }
}
