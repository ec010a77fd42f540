//! `swforce agency`: check a council's agency engagements against the national rules, keep them
//! as its register, and write the quarterly return.

use crate::Failure;
use crate::commands::{fail, report_error};
use crate::config::StoreArgs;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use swforce_app::agency::AgencyCheck;
use swforce_app::{App, AppError};
use swforce_domain::agency::{Outcome, Quarter, Status};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check a CSV file of engagements against the national rules (stores nothing; with no
    /// database in the data folder, none is made).
    #[command(
        after_help = "Examples:\n  swforce agency example > engagements.csv\n  swforce agency check engagements.csv --breaches-only"
    )]
    Check(CheckArgs),
    /// Print the example register shipped with swforce (13 engagements of Kent County
    /// Council, invented people), to try the check on.
    Example,
    /// A regional alliance's price caps: import a CSV file of them, or export those on record.
    #[command(subcommand)]
    Caps(CapsCommand),
    /// Keep a file of engagements as the council's register, all or nothing, each matched by
    /// its reference (the council is the one the rows' la_code names).
    Import(ImportArgs),
    /// Write a council's quarterly return for the Department for Education as CSV.
    Return(ReturnArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Report,
    Json,
    Csv,
}

#[derive(Debug, clap::Subcommand)]
pub enum CapsCommand {
    /// Keep a CSV file of price caps (region, job_type, hourly_cap, in_force_from), all or
    /// nothing; each replaces a cap of the same region, job type and date.
    Import(ImportArgs),
    /// Write the price caps on record as CSV, in the shape `caps import` reads.
    Export(CapsExportArgs),
}

#[derive(Debug, clap::Args)]
pub struct CapsExportArgs {
    /// Only this region's caps: its ONS code (E12000008) or name (South East).
    #[arg(long)]
    region: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The CSV file of engagements (see --template for its columns).
    #[arg(required_unless_present = "template")]
    file: Option<PathBuf>,
    /// Print a CSV template to fill in (a comment line per column, then the header) instead
    /// of checking a file.
    #[arg(long, conflicts_with_all = ["file", "caps", "format", "breaches_only", "fail_on_breach"])]
    template: bool,
    /// Check against the price caps in this CSV file instead of those on record.
    #[arg(long, value_name = "FILE")]
    caps: Option<PathBuf>,
    /// report: a line per engagement with its breaches and gaps; json: everything; csv: a row
    /// per engagement and rule, with the evidence.
    #[arg(long, short, value_enum, default_value = "report")]
    format: ReportFormat,
    /// Only the engagements (report, json) or rows (csv) with a breach.
    #[arg(long)]
    breaches_only: bool,
    /// Exit with 1 when any engagement breaches a rule (the report is printed all the same).
    #[arg(long)]
    fail_on_breach: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct ReturnArgs {
    /// The council's ONS code, such as E10000016.
    #[arg(long)]
    la: String,
    /// The calendar quarter, such as 2025Q1 (January to March 2025).
    #[arg(long, value_parser = parse_quarter)]
    quarter: Quarter,
    /// assignments: a row per engagement running in the quarter; council: the council's own
    /// part (compliance by rule, explanations, price-cap breaches, agencies, monthly cost).
    #[arg(long, value_enum, default_value = "assignments")]
    part: Part,
    /// Write the return to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Part {
    Assignments,
    Council,
}

impl Command {
    /// Where the command's data is (none for `example`, which only prints).
    pub fn store_args(&self) -> Option<&StoreArgs> {
        match self {
            Self::Check(a) => Some(&a.store),
            Self::Example => None,
            Self::Caps(CapsCommand::Import(a)) | Self::Import(a) => Some(&a.store),
            Self::Caps(CapsCommand::Export(a)) => Some(&a.store),
            Self::Return(a) => Some(&a.store),
        }
    }

    /// Whether the command can run without any store (on a fresh data folder, it makes none).
    pub fn needs_no_store(&self) -> bool {
        matches!(
            self,
            Self::Check(_) | Self::Example | Self::Caps(CapsCommand::Export(_))
        )
    }
}

/// What a command would refuse on a data folder with no database, refused before one is made:
/// a file that does not read, or a council that cannot be on record yet.
pub fn precheck(command: &Command) -> Result<(), Failure> {
    let no_council = |la: &str| {
        eprintln!(
            "error: No organisation on record is the council {la}: this data folder has no database yet\n  fix: Add the council as an organisation first: swforce admin org create --type council --la CODE (or under Administration on the web)"
        );
        Failure::Refused
    };
    match command {
        Command::Import(a) => {
            let file = name(&a.file);
            let read = swforce_import::agency::read_engagements_csv(&file, open(&a.file)?)
                .map_err(|r| {
                    refused(AppError::Refused(r), |f| {
                        format!("nothing was imported from {f}")
                    })
                })?;
            let la = read
                .engagements
                .first()
                .map(|(_, e)| e.la_code.clone())
                .unwrap_or_default();
            Err(no_council(&la))
        }
        Command::Return(a) => Err(no_council(a.la.trim())),
        Command::Caps(CapsCommand::Import(a)) => {
            swforce_app::agency::read_caps_file(&name(&a.file), open(&a.file)?)
                .map_err(|e| refused(e, |f| format!("{f} was not imported; nothing was stored")))?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Runs a command that needs no store ([`Command::needs_no_store`]): the check places councils
/// by the geography shipped with swforce, with the caps of `--caps` or none.
pub fn run_alone(command: &Command) -> Result<(), Failure> {
    match command {
        Command::Check(a) => check_with(a, |file, reader, caps| {
            swforce_app::agency::check_agency_file_alone(file, reader, caps.unwrap_or(&[]))
        }),
        Command::Example => {
            example();
            Ok(())
        }
        // No store: no caps on record, the header alone.
        Command::Caps(CapsCommand::Export(a)) => {
            export_region(a)?;
            write_out(&a.out, &swforce_import::agency::write_caps_csv(&[]), |_| {
                "wrote 0 price caps".to_string()
            })
        }
        _ => Ok(()),
    }
}

#[allow(clippy::print_stdout)]
fn example() {
    print!("{}", swforce_import::agency::EXAMPLE);
}

/// The statuses in the order the summary counts them.
const STATUSES: [Status; 4] = [
    Status::Compliant,
    Status::Breach,
    Status::MissingInformation,
    Status::NotInScope,
];

fn parse_quarter(text: &str) -> Result<Quarter, String> {
    Quarter::parse(text).ok_or_else(|| {
        "not a calendar quarter of 2000 to 2100\n  fix: write it like 2025Q1 (January to March 2025)"
            .to_string()
    })
}

fn open(path: &Path) -> Result<BufReader<std::fs::File>, Failure> {
    std::fs::File::open(path)
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(|e| {
            report_error(&anyhow::Error::new(e).context(format!("cannot open {}", path.display())));
            Failure::Refused
        })
}

fn name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Prints a refusal's diagnostics under `summary`, or any other error as usual.
fn refused(e: AppError, summary: impl FnOnce(&str) -> String) -> Failure {
    match e {
        AppError::Refused(r) => {
            for d in &r.diagnostics {
                eprintln!("{d}");
            }
            eprintln!("error: {}", summary(&r.file));
            Failure::Refused
        }
        e => fail(e),
    }
}

pub fn run(app: &App, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Check(a) => check_with(a, |file, reader, caps| match caps {
            Some(caps) => app.check_agency_file_with_caps(file, reader, caps),
            None => app.check_agency_file(file, reader),
        }),
        Command::Example => {
            example();
            Ok(())
        }
        Command::Caps(CapsCommand::Import(a)) => caps_import(app, a),
        Command::Caps(CapsCommand::Export(a)) => caps_export(app, a),
        Command::Import(a) => import(app, a),
        Command::Return(a) => agency_return(app, a),
    }
}

#[allow(clippy::print_stdout)]
fn caps_import(app: &App, a: &ImportArgs) -> Result<(), Failure> {
    let file = name(&a.file);
    let (outcome, caps) = app
        .import_price_caps_file(&file, open(&a.file)?)
        .map_err(|e| refused(e, |f| format!("{f} was not imported; nothing was stored")))?;
    println!(
        "{file}: {} price cap{} kept: {} added, {} updated, {} unchanged",
        caps.len(),
        if caps.len() == 1 { "" } else { "s" },
        outcome.added,
        outcome.updated,
        outcome.unchanged
    );
    Ok(())
}

#[allow(clippy::print_stdout)]
fn caps_export(app: &App, a: &CapsExportArgs) -> Result<(), Failure> {
    let region = export_region(a)?;
    let csv = app.price_caps_csv(region.as_deref()).map_err(fail)?;
    write_out(&a.out, &csv, |n| {
        format!("wrote {n} price cap{}", if n == 1 { "" } else { "s" })
    })
}

/// The region `--region` names, as its ONS code.
fn export_region(a: &CapsExportArgs) -> Result<Option<String>, Failure> {
    Ok(match &a.region {
        None => None,
        Some(r) => Some(
            swforce_domain::geography::REGIONS
                .iter()
                .find(|(code, name)| code.eq_ignore_ascii_case(r.trim()) || name.eq_ignore_ascii_case(r.trim()))
                .map(|(code, _)| code.to_string())
                .ok_or_else(|| {
                    eprintln!(
                        "error: --region {r:?} is not an English region\n  fix: give its ONS code (E12000001 to E12000009) or its name, such as South East"
                    );
                    Failure::Refused
                })?,
        ),
    })
}

/// Prints `csv`, or writes it to `out` and says so with `said(rows)`.
#[allow(clippy::print_stdout)]
fn write_out(
    out: &Option<PathBuf>,
    csv: &str,
    said: impl FnOnce(usize) -> String,
) -> Result<(), Failure> {
    match out {
        None => print!("{csv}"),
        Some(path) => {
            std::fs::write(path, csv).map_err(|e| {
                report_error(
                    &anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
                );
                Failure::Refused
            })?;
            let n = csv.lines().count().saturating_sub(1);
            println!("{} to {}", said(n), path.display());
        }
    }
    Ok(())
}

fn print_warnings(check: &AgencyCheck) {
    for w in &check.warnings {
        eprintln!("{w}");
    }
}

/// `12 engagements: 3 compliant, 5 breach, 4 missing information, 0 not in scope`.
fn summary_line(check: &AgencyCheck) -> String {
    let n = check.checked.len();
    let counts: Vec<String> = STATUSES
        .iter()
        .map(|s| format!("{} {}", check.count(*s), s.label().to_lowercase()))
        .collect();
    format!(
        "{n} engagement{}: {}",
        if n == 1 { "" } else { "s" },
        counts.join(", ")
    )
}

fn line_of(line: Option<u64>) -> String {
    line.map(|l| l.to_string()).unwrap_or_default()
}

#[allow(clippy::print_stdout)]
fn check_with(
    a: &CheckArgs,
    checker: impl FnOnce(
        &str,
        BufReader<std::fs::File>,
        Option<&[swforce_domain::agency::PriceCap]>,
    ) -> Result<AgencyCheck, AppError>,
) -> Result<(), Failure> {
    if a.template {
        print!("{}", swforce_import::agency::template_csv());
        return Ok(());
    }
    let Some(path) = &a.file else {
        return Ok(());
    };
    let caps = match &a.caps {
        None => None,
        Some(caps) => Some(
            swforce_app::agency::read_caps_file(&name(caps), open(caps)?).map_err(|e| {
                refused(e, |f| format!("{f} could not be read; nothing was checked"))
            })?,
        ),
    };
    let file = name(path);
    let check = checker(&file, open(path)?, caps.as_deref()).map_err(|e| {
        refused(e, |f| {
            format!("{f} could not be checked; nothing was stored")
        })
    })?;
    print_warnings(&check);
    let shown = |c: &&swforce_app::agency::Checked| {
        !a.breaches_only || c.assessment.status == Status::Breach
    };
    match a.format {
        ReportFormat::Report => {
            for c in check.checked.iter().filter(shown) {
                let (e, s) = (&c.engagement, &c.assessment);
                println!(
                    "line {}  {}  {}  {}",
                    line_of(c.line),
                    e.reference,
                    e.swe,
                    s.status.label().to_lowercase()
                );
                for f in &s.findings {
                    match &f.outcome {
                        Outcome::Breach { evidence } => println!(
                            "    {} {}: breach — {evidence}",
                            f.rule.id(),
                            f.rule.title()
                        ),
                        Outcome::Missing { fields, evidence } => {
                            println!("    missing {} — {evidence}", fields.join(", "));
                        }
                        // A compliant result that rests on something unconfirmed says so.
                        Outcome::Compliant { evidence } if evidence.contains("(warning: ") => {
                            println!(
                                "    {} {}: compliant, with a warning — {evidence}",
                                f.rule.id(),
                                f.rule.title()
                            );
                        }
                        Outcome::Compliant { .. } | Outcome::NotApplicable { .. } => {}
                    }
                }
            }
            println!("{}", summary_line(&check));
        }
        ReportFormat::Json => {
            let engagements: Vec<serde_json::Value> = check
                .checked
                .iter()
                .filter(shown)
                .map(|c| {
                    serde_json::json!({
                        "line": c.line,
                        "reference": c.engagement.reference,
                        "swe_number": c.engagement.swe,
                        "status": c.assessment.status,
                        "judged_at": c.assessment.judged_at,
                        "findings": c.assessment.findings,
                    })
                })
                .collect();
            let mut summary = serde_json::Map::new();
            summary.insert("engagements".into(), check.checked.len().into());
            for s in STATUSES {
                summary.insert(s.id().into(), check.count(s).into());
            }
            let v = serde_json::json!({
                "file": check.file,
                "engagements": engagements,
                "summary": summary,
                "warnings": check.warnings,
            });
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        ReportFormat::Csv => print!("{}", check.results_csv(a.breaches_only)),
    }
    let breaches = check.count(Status::Breach);
    if a.fail_on_breach && breaches > 0 {
        eprintln!(
            "error: {breaches} engagement{} in {file} breach{} the national rules",
            if breaches == 1 { "" } else { "s" },
            if breaches == 1 { "es" } else { "" }
        );
        return Err(Failure::Refused);
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn import(app: &App, a: &ImportArgs) -> Result<(), Failure> {
    let file = name(&a.file);
    let (org, outcome, check) = app
        .import_agency_file(&file, open(&a.file)?)
        .map_err(fail)?;
    print_warnings(&check);
    println!(
        "{file}: stored for {} ({}): {} added, {} updated, {} unchanged",
        org.name,
        org.la_code.as_deref().unwrap_or_default(),
        outcome.added,
        outcome.updated,
        outcome.unchanged
    );
    println!("{}", summary_line(&check));
    Ok(())
}

#[allow(clippy::print_stdout)]
fn agency_return(app: &App, a: &ReturnArgs) -> Result<(), Failure> {
    let part = match a.part {
        Part::Assignments => swforce_app::agency::ReturnPart::Assignments,
        Part::Council => swforce_app::agency::ReturnPart::Council,
    };
    let csv = app.agency_return_of(&a.la, a.quarter, part).map_err(|e| {
        refused(e, |_| {
            format!(
                "the {} return for {} was not written: add what is missing, then export again",
                a.quarter,
                a.la.trim()
            )
        })
    })?;
    write_out(&a.out, &csv, |n| {
        format!(
            "wrote the {} {} return for {} ({n} {})",
            a.quarter,
            match part {
                swforce_app::agency::ReturnPart::Assignments => "assignments",
                swforce_app::agency::ReturnPart::Council => "council",
            },
            a.la.trim(),
            match (part, n) {
                (swforce_app::agency::ReturnPart::Council, 1) => "line",
                (swforce_app::agency::ReturnPart::Council, _) => "lines",
                (_, 1) => "engagement",
                _ => "engagements",
            }
        )
    })
}
