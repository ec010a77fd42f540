//! `swforce census`: check, import, aggregate, export and generate census returns.

use crate::Failure;
use crate::commands::{fail, report_error};
use crate::config::StoreArgs;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;
use swforce_app::App;
use swforce_app::census::{CensusCheck, Verdict};
use swforce_app::display::counted;
use swforce_domain::{Cell, OldLaCode};
use swforce_import::census::generate::{Defect, GenerateSpec, generate, mutate};
use swforce_import::census::notes::read_notes;
use swforce_stats::census::CensusIndicators;
use swforce_store::CensusOutcome;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check a return against the 2022 schema and the business rules (exit 1 on any error).
    #[command(
        after_help = "Examples:\n  swforce census validate return.xml\n  swforce census validate return.xml --notes notes.csv --format csv > findings.csv"
    )]
    Validate(ValidateArgs),
    /// Import a valid return as its authority's worker records for the year.
    Import(ImportArgs),
    /// The indicators and breakdowns a return gives.
    Indicators(IndicatorsArgs),
    /// Write an authority's stored return for a year as a census file.
    Export(ExportArgs),
    /// Write a synthetic return of invented workers (for testing and benchmarks).
    Generate(GenerateArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Report,
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The return: a CSWW census XML file.
    file: PathBuf,
    /// The collection year, when the return's header has none.
    #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
    year: Option<i32>,
    /// Explanations of queries: a CSV with the columns rule, record and note (the findings CSV
    /// with its note column filled in will do). Explained queries no longer stand between the
    /// return and "ready to submit".
    #[arg(long, value_name = "FILE")]
    notes: Option<PathBuf>,
    /// How to write the findings: a report to read, JSON, or CSV (one finding a row, with a
    /// note column for explaining queries).
    #[arg(long, short, value_enum, default_value = "report")]
    format: ReportFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The return: a CSWW census XML file.
    file: PathBuf,
    /// The authority (ONS or DfE code, or name), when the header has no LEA.
    #[arg(long)]
    la: Option<String>,
    /// The collection year, when the return's header has none.
    #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
    year: Option<i32>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum IndicatorFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct IndicatorsArgs {
    /// The return: a CSWW census XML file.
    file: PathBuf,
    /// The collection year, when the return's header has none.
    #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
    year: Option<i32>,
    /// Suppress small cells as for publication outside the authority.
    #[arg(long)]
    disclosed: bool,
    /// How to write the indicators: a table to read, or JSON.
    #[arg(long, short, value_enum, default_value = "table")]
    format: IndicatorFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The authority (ONS or DfE code, or name).
    #[arg(long)]
    la: String,
    /// The collection year of the return on record.
    #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
    year: i32,
    /// The file to write the return to (personal data: keep it inside the organisation).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// How many invented workers the return holds (at most a million, about 1 GB of XML; the
    /// largest authority has a few thousand).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    workers: u32,
    /// The seed: the same seed gives the same return.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The authority's DfE code for the header.
    #[arg(long, default_value = "839")]
    la: String,
    /// The collection year (ending 30 September).
    #[arg(long, default_value_t = 2022, value_parser = clap::value_parser!(i32).range(2000..=2100))]
    year: i32,
    /// Spoil the return with one defect, to see the check find it (see `--defect list`).
    #[arg(long, value_name = "DEFECT")]
    defect: Option<String>,
    /// The file to write (not needed for `--defect list`).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

fn open(path: &PathBuf) -> Result<BufReader<std::fs::File>, Failure> {
    std::fs::File::open(path)
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(|e| {
            report_error(&anyhow::Error::new(e).context(format!("cannot open {}", path.display())));
            Failure::Refused
        })
}

fn name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl Command {
    /// Where the command's data is (none for `generate`, which only writes a file).
    pub fn store_args(&self) -> Option<&StoreArgs> {
        match self {
            Command::Validate(a) => Some(&a.store),
            Command::Import(a) => Some(&a.store),
            Command::Indicators(a) => Some(&a.store),
            Command::Export(a) => Some(&a.store),
            Command::Generate(_) => None,
        }
    }
}

pub fn run(app: &App, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Validate(a) => validate(app, a),
        Command::Import(a) => import(app, a),
        Command::Indicators(a) => indicators(app, a),
        Command::Export(a) => export(app, a),
        Command::Generate(a) => generate_file(a),
    }
}

#[allow(clippy::print_stdout)]
fn validate(app: &App, a: &ValidateArgs) -> Result<(), Failure> {
    let file = name(&a.file);
    let notes = match &a.notes {
        Some(path) => Some(read_notes(&name(path), open(path)?).map_err(|refused| {
            for d in &refused.diagnostics {
                eprintln!("{d}");
            }
            eprintln!(
                "error: the explanations in {} were not read: {}; the return was not checked",
                refused.file,
                counted(refused.diagnostics.len(), "problem", "problems")
            );
            Failure::Refused
        })?),
        None => None,
    };
    let mut check = app
        .check_census_with_history(&file, open(&a.file)?, a.year)
        .map_err(fail)?;
    check.notes = notes;
    let r = &check.read;
    let verdict = check.verdict();
    match a.format {
        ReportFormat::Report => {
            println!(
                "{file}: {}{}{}",
                counted(r.workers as usize, "worker record", "worker records"),
                check
                    .authority
                    .as_ref()
                    .map_or(String::new(), |(c, n)| format!(", {n} ({c})")),
                r.year.map_or(String::new(), |y| format!(
                    ", collection year to 30 September {}",
                    y.0
                ))
            );
            if check.authority.is_none()
                && r.header.lea.is_some()
                && !r.findings.iter().any(|f| f.rule == "CSWW-B20")
            {
                println!(
                    "note: the LEA was not checked, as no statistics are loaded here (run `swforce demo`, or import the published statistics)"
                );
            }
            if let Some(c) = &check.continuity {
                println!(
                    "compared with the stored {} return: {} of its {} social workers in post are neither in post nor leavers here",
                    c.year, c.missing, c.in_post_last_year
                );
            }
            for f in &r.findings {
                println!("{file}:{f}");
                if let Some(n) = check.explanation(f) {
                    println!(
                        "  explained ({}:{}): {}",
                        n.line,
                        n.rule,
                        n.note.replace('\n', "\n    ")
                    );
                }
            }
            let shown = r.findings.len();
            if r.errors + r.queries > shown {
                println!(
                    "... and {} more not shown",
                    counted(r.errors + r.queries - shown, "finding", "findings")
                );
            }
            for n in check.unused_notes() {
                println!(
                    "{}:{}: note: the explanation of {} {} matches no query of this return",
                    check.notes.as_ref().map_or("", |n| n.file.as_str()),
                    n.line,
                    n.rule,
                    n.record
                        .map_or("for the whole return".to_string(), |r| format!(
                            "record {r}"
                        ))
                );
            }
            println!(
                "{}, {} ({} explained): {}",
                counted(r.errors, "error", "errors"),
                counted(r.queries, "query", "queries"),
                check.explained(),
                match verdict {
                    Verdict::Ready => "ready to submit".to_string(),
                    Verdict::QueriesToExplain(n) => format!(
                        "no errors; explain the {n} quer{} (--notes) or correct the return before submitting",
                        if n == 1 { "y" } else { "ies" }
                    ),
                    Verdict::Errors(_) => "correct the errors before submitting".to_string(),
                }
            );
        }
        ReportFormat::Json => {
            let v = serde_json::json!({
                "file": file,
                "workers": r.workers,
                "year": r.year.map(|y| y.0),
                "authority": check.authority.as_ref().map(|(c, n)| serde_json::json!({"code": c, "name": n})),
                "errors": r.errors,
                "queries": r.queries,
                "explained": check.explained(),
                "valid": r.is_valid(),
                "ready_to_submit": verdict == Verdict::Ready,
                "findings": r.findings.iter().map(|f| {
                    let mut v = serde_json::to_value(f).unwrap_or_default();
                    if let Some(n) = check.explanation(f) {
                        v["note"] = serde_json::json!(n.note);
                    }
                    v
                }).collect::<Vec<_>>(),
                "continuity": check.continuity.as_ref().map(|c| serde_json::json!({
                    "year": c.year,
                    "in_post_last_year": c.in_post_last_year,
                    "missing": c.missing,
                    "changes": c.changes.iter().map(|x| serde_json::json!({
                        "measure": x.measure, "last": x.last, "this": x.this, "queried": x.queried,
                    })).collect::<Vec<_>>(),
                })),
            });
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        ReportFormat::Csv => {
            let mut out = std::io::stdout();
            let _ = out.write_all(check.findings_csv().as_bytes());
        }
    }
    if r.is_valid() {
        Ok(())
    } else {
        Err(Failure::Refused)
    }
}

#[allow(clippy::print_stdout)]
fn import(app: &App, a: &ImportArgs) -> Result<(), Failure> {
    let file = name(&a.file);
    match app
        .import_census_from_command_line(&file, open(&a.file)?, a.la.as_deref(), a.year)
        .map_err(fail)?
    {
        CensusOutcome::Imported { census, replaced } => {
            println!(
                "{file}: imported the {} census return for {}: {}{}",
                census.year,
                census.la_code,
                counted(census.workers as usize, "worker record", "worker records"),
                if replaced {
                    ", in place of the earlier return"
                } else {
                    ""
                }
            );
        }
        CensusOutcome::AlreadyImported { census } => println!(
            "{file}: already the {} return for {} (imported {}); nothing changed",
            census.year, census.la_code, census.imported_at
        ),
    }
    Ok(())
}

fn cell(c: &Cell<f64>, decimals: usize) -> String {
    match c {
        Cell::Value(v) => format!("{v:.decimals$}"),
        Cell::Symbol(s) => s.to_string(),
    }
}

fn print_indicators(ind: &CensusIndicators, title: &str) -> String {
    let mut out = format!("{title}\n\n");
    for m in swforce_domain::Measure::of(swforce_domain::Dataset::CswwHeadline) {
        if let Some(w) = ind.withheld.iter().find(|w| w.measure == m.name) {
            out.push_str(&format!(
                "  {:<58} {:>12}\n    withheld: {}\n",
                m.label, "withheld", w.reason
            ));
        } else if let Some(c) = ind.row.cell(m.name) {
            out.push_str(&format!(
                "  {:<58} {:>12}\n",
                m.label,
                swforce_app::display::cell(m, c)
            ));
        }
    }
    for b in &ind.breakdowns {
        out.push_str(&format!("\n{} ({})\n", b.name, b.population));
        for c in &b.cells {
            out.push_str(&format!(
                "  {:<70} {:>8} people {:>10} FTE\n",
                c.label,
                cell(&c.headcount, 0),
                cell(&c.fte, 1)
            ));
        }
    }
    if ind.disclosed {
        out.push_str(
            "\nCells of one to four people, and a second cell where needed, are suppressed (c).\n",
        );
    } else {
        out.push_str("\nThese figures are not suppressed: keep them within the authority, or use --disclosed.\n");
    }
    out
}

#[allow(clippy::print_stdout)]
fn indicators(app: &App, a: &IndicatorsArgs) -> Result<(), Failure> {
    let file = name(&a.file);
    let check: CensusCheck = app
        .check_census(&file, open(&a.file)?, a.year)
        .map_err(fail)?;
    let Some(ind) = check.indicators else {
        eprintln!(
            "error: {file} could not be aggregated: {}",
            check.read.findings.first().map_or(
                "it gives no collection year (use --year)".to_string(),
                |f| f.message.clone()
            )
        );
        return Err(Failure::Refused);
    };
    if !check.read.is_valid() {
        eprintln!(
            "warning: {file} has {}; the figures below count the records as they are",
            counted(check.read.errors, "error", "errors")
        );
    }
    let ind = if a.disclosed { ind.disclosed() } else { ind };
    match a.format {
        IndicatorFormat::Json => {
            let mut measures = serde_json::Map::new();
            for (name, c) in &ind.row.cells {
                if let Some(m) = swforce_domain::Measure::named(name) {
                    measures.insert(
                        name.to_string(),
                        match c {
                            Cell::Value(v) => swforce_app::indicators::published_json(m, *v),
                            Cell::Symbol(s) => serde_json::json!(s.as_str()),
                        },
                    );
                }
            }
            let v = serde_json::json!({"file": file, "year": check.read.year.map(|y| y.0), "indicators": measures, "breakdowns": ind.breakdowns, "withheld": ind.withheld, "disclosed": ind.disclosed});
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        IndicatorFormat::Table => print!(
            "{}",
            print_indicators(
                &ind,
                &format!(
                    "{file}: {}",
                    counted(
                        check.read.workers as usize,
                        "worker record",
                        "worker records"
                    )
                )
            )
        ),
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn export(app: &App, a: &ExportArgs) -> Result<(), Failure> {
    // Written beside the target and renamed into place once whole: a failed export leaves any
    // file already there as it was.
    let partial = a.out.with_file_name(format!(
        ".{}.partial",
        a.out
            .file_name()
            .map_or_else(|| "return.xml".into(), |n| n.to_string_lossy())
    ));
    let file = std::fs::File::create(&partial).map_err(|e| {
        report_error(&anyhow::Error::new(e).context(format!("cannot write {}", a.out.display())));
        Failure::Refused
    })?;
    let mut out = BufWriter::new(file);
    let written = app
        .export_census(&a.la, a.year, &mut out)
        .map_err(fail)
        .and_then(|n| {
            out.flush()
                .and_then(|()| std::fs::rename(&partial, &a.out))
                .map(|()| n)
                .map_err(|e| {
                    report_error(
                        &anyhow::Error::new(e)
                            .context(format!("writing the return to {}", a.out.display())),
                    );
                    Failure::Refused
                })
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    println!(
        "wrote {} to {}",
        counted(written? as usize, "worker record", "worker records"),
        a.out.display()
    );
    Ok(())
}

#[allow(clippy::print_stdout)]
pub fn generate_file(a: &GenerateArgs) -> Result<(), Failure> {
    let defect = match a.defect.as_deref() {
        None => None,
        Some(name) => match Defect::named(name) {
            Some(d) => Some(d),
            None => {
                let names: Vec<String> = Defect::ALL.iter().map(|d| d.name()).collect();
                if name == "list" {
                    for d in Defect::ALL {
                        let (rule, element) = d.expected();
                        println!("{:<32} {rule} {element}", d.name());
                    }
                    return Ok(());
                }
                eprintln!("error: --defect {name:?} is not a defect the generator makes");
                eprintln!("  fix: give one of: {}", names.join(", "));
                return Err(Failure::Refused);
            }
        },
    };
    let lea = OldLaCode::parse(&a.la).map_err(|e| {
        eprintln!("error: --la {e}");
        Failure::Refused
    })?;
    let Some(out_path) = &a.out else {
        eprintln!("error: say where to write the return");
        eprintln!("  fix: add --out FILE, such as --out synthetic.xml");
        return Err(Failure::Refused);
    };
    let file = std::fs::File::create(out_path).map_err(|e| {
        report_error(
            &anyhow::Error::new(e).context(format!("cannot write {}", out_path.display())),
        );
        Failure::Refused
    })?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let spec = GenerateSpec {
        workers: a.workers,
        seed: a.seed,
        lea,
        year: a.year,
    };
    match defect {
        None => generate(&mut out, &spec),
        Some(d) => {
            let mut valid = Vec::new();
            generate(&mut valid, &spec).and_then(|()| {
                out.write_all(mutate(&String::from_utf8_lossy(&valid), d, a.year).as_bytes())
            })
        }
    }
    .and_then(|()| out.flush())
    .map_err(|e| {
        report_error(&anyhow::Error::new(e).context("writing the return"));
        Failure::Refused
    })?;
    println!(
        "wrote a synthetic return of {} invented workers to {}{}",
        a.workers,
        out_path.display(),
        defect.map_or(String::new(), |d| {
            let (rule, element) = d.expected();
            format!(", spoiled by the defect {} ({rule} at {element})", d.name())
        })
    );
    Ok(())
}
