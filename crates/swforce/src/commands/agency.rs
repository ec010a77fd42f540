//! `swforce agency`: check a council's agency engagements against the national rules, keep them
//! as its register, and write the quarterly return.

use crate::Failure;
use crate::commands::{fail, report_error};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use swforce_app::agency::AgencyCheck;
use swforce_app::{App, AppError};
use swforce_domain::agency::{Outcome, Quarter, Status};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check a CSV file of engagements against the national rules (stores nothing).
    Check(CheckArgs),
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

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    file: PathBuf,
    #[arg(long, short, value_enum, default_value = "report")]
    format: ReportFormat,
    /// Exit with 1 when any engagement breaches a rule (the report is printed all the same).
    #[arg(long)]
    fail_on_breach: bool,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ReturnArgs {
    /// The council's ONS code, such as E10000016.
    #[arg(long)]
    la: String,
    /// The calendar quarter, such as 2025Q1 (January to March 2025).
    #[arg(long, value_parser = parse_quarter)]
    quarter: Quarter,
    /// Write the return to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
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
        Command::Check(a) => check(app, a),
        Command::Import(a) => import(app, a),
        Command::Return(a) => agency_return(app, a),
    }
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

/// The fields missing for any rule, each once, in the order the rules name them.
fn missing_fields(findings: &[swforce_domain::agency::Finding]) -> Vec<&str> {
    let mut fields: Vec<&str> = Vec::new();
    for f in findings {
        if let Outcome::Missing {
            fields: of_rule, ..
        } = &f.outcome
        {
            for field in of_rule {
                if !fields.contains(&field.as_str()) {
                    fields.push(field);
                }
            }
        }
    }
    fields
}

fn line_of(line: Option<u64>) -> String {
    line.map(|l| l.to_string()).unwrap_or_default()
}

#[allow(clippy::print_stdout)]
fn check(app: &App, a: &CheckArgs) -> Result<(), Failure> {
    let file = name(&a.file);
    let check = app.check_agency_file(&file, open(&a.file)?).map_err(|e| {
        refused(e, |f| {
            format!("{f} could not be checked; nothing was stored")
        })
    })?;
    print_warnings(&check);
    match a.format {
        ReportFormat::Report => {
            for c in &check.checked {
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
        ReportFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            let _ = w.write_record([
                "line",
                "reference",
                "swe_number",
                "status",
                "breaches",
                "missing",
            ]);
            for c in &check.checked {
                let s = &c.assessment;
                let breaches: Vec<&str> = s.breaches().map(|f| f.rule.id()).collect();
                let _ = w.write_record([
                    line_of(c.line).as_str(),
                    &c.engagement.reference,
                    &c.engagement.swe,
                    s.status.id(),
                    &breaches.join(" "),
                    &missing_fields(&s.findings).join(" "),
                ]);
            }
            let _ = w.flush();
        }
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
    let csv = app.agency_return_of(&a.la, a.quarter).map_err(|e| {
        refused(e, |_| {
            format!(
                "the {} return for {} was not written: add what is missing, then export again",
                a.quarter,
                a.la.trim()
            )
        })
    })?;
    match &a.out {
        None => print!("{csv}"),
        Some(path) => {
            std::fs::write(path, &csv).map_err(|e| {
                report_error(
                    &anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
                );
                Failure::Refused
            })?;
            let n = csv.lines().count().saturating_sub(1);
            println!(
                "wrote the {} return for {} ({n} engagement{}) to {}",
                a.quarter,
                a.la.trim(),
                if n == 1 { "" } else { "s" },
                path.display()
            );
        }
    }
    Ok(())
}
