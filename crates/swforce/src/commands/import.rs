//! `swforce import FILE...` and `swforce demo`.

use crate::Failure;
use crate::commands::{fail, report_error};
use crate::config::StoreArgs;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use swforce_app::{App, ImportReport};
use swforce_store::ImportOutcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to import; each is imported whole or not at all.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Files above this size show their progress while being read.
const PROGRESS_FROM_BYTES: u64 = 2 * 1024 * 1024;

/// Reports how far through a large file the reader is, every tenth, on standard error.
struct Progress<R> {
    inner: R,
    name: String,
    read: u64,
    total: u64,
    shown: u64,
    terminal: bool,
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let tenth = (self.read * 10)
            .checked_div(self.total)
            .unwrap_or(10)
            .min(10);
        if tenth > self.shown {
            self.shown = tenth;
            let mut err = std::io::stderr().lock();
            if self.terminal {
                let _ = write!(err, "\rreading {}: {}%", self.name, tenth * 10);
                if tenth == 10 {
                    let _ = writeln!(err);
                }
            } else {
                let _ = writeln!(err, "reading {}: {}%", self.name, tenth * 10);
            }
        }
        Ok(n)
    }
}

pub fn run(app: &App, args: &Args) -> Result<(), Failure> {
    let mut failed = false;
    for path in &args.files {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                report_error(
                    &anyhow::Error::new(e).context(format!("cannot open {}", path.display())),
                );
                failed = true;
                continue;
            }
        };
        let total = file.metadata().map(|m| m.len()).unwrap_or(0);
        // On the audit log as the command line, in the import's own transaction.
        let operator = app.operator();
        let here = swforce_app::access::Origin::default();
        let result = if total >= PROGRESS_FROM_BYTES {
            let reader = Progress {
                inner: file,
                name: name.clone(),
                read: 0,
                total,
                shown: 0,
                terminal: std::io::stderr().is_terminal(),
            };
            app.import_file_as(&operator, &name, std::io::BufReader::new(reader), &here)
        } else {
            app.import_file_as(&operator, &name, std::io::BufReader::new(file), &here)
        };
        match result {
            Ok(report) => summarise(&report),
            Err(e) => {
                fail(e);
                failed = true;
            }
        }
    }
    if failed {
        Err(Failure::Refused)
    } else {
        Ok(())
    }
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    #[command(subcommand)]
    action: Option<DemoAction>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Subcommand)]
enum DemoAction {
    /// Remove every synthetic organisation (the demo, and those `diary generate` made) with
    /// its invented people and all they hold, on the audit log as the command line.
    Remove(StoreArgs),
}

impl DemoArgs {
    /// Where the command's data is.
    pub fn store_args(&self) -> &StoreArgs {
        match &self.action {
            Some(DemoAction::Remove(store)) => store,
            None => &self.store,
        }
    }

    /// Whether this removes the demo (rather than loads it).
    pub fn removes(&self) -> bool {
        matches!(self.action, Some(DemoAction::Remove(_)))
    }
}

pub fn demo(app: &App, args: &DemoArgs) -> Result<(), Failure> {
    match args.action {
        Some(DemoAction::Remove(_)) => remove_demo(app),
        None => load_demo(app, args.store.database_url.is_none()),
    }
}

#[allow(clippy::print_stdout)]
fn remove_demo(app: &App) -> Result<(), Failure> {
    let removed = app
        .remove_synthetic_organisations(&app.operator(), &swforce_app::access::Origin::default())
        .map_err(fail)?;
    if removed.is_empty() {
        println!("no synthetic organisation on record: nothing to remove");
    } else {
        for name in &removed {
            println!("removed {name} and its invented people");
        }
        println!(
            "the published statistics stay; `swforce diary generate` makes invented people again"
        );
    }
    Ok(())
}

/// The published files; on the embedded default (SQLite), also the demo organisation of
/// invented people, as `serve` makes on first start. A database server gets none.
#[allow(clippy::print_stdout)]
fn load_demo(app: &App, embedded: bool) -> Result<(), Failure> {
    let reports = app.load_demo().map_err(|e| {
        let failure = fail(e);
        eprintln!(
            "note: each shipped file is loaded whole or not at all; those loaded before this one stay, and `swforce demo` again loads only what is missing"
        );
        failure
    })?;
    for r in &reports {
        summarise(r);
    }
    if embedded
        && app
            .load_demo_diaries(swforce_app::agency::today())
            .map_err(fail)?
    {
        println!(
            "made the demo organisation of invented people (labelled synthetic, not in England's figures; swforce demo remove takes it away)"
        );
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn summarise(r: &ImportReport) {
    for w in &r.warnings {
        eprintln!("{w}");
    }
    match &r.outcome {
        ImportOutcome::AlreadyImported { import } => {
            println!(
                "{}: already imported on {} (sha256 {}); nothing changed",
                r.file,
                import.provenance.imported_at,
                &import.provenance.sha256[..12]
            );
        }
        ImportOutcome::Imported {
            cells,
            superseded,
            changed,
            outranked,
            ..
        } => {
            let years = if r.first_year == r.last_year {
                r.first_year.to_string()
            } else {
                format!("{} to {}", r.first_year, r.last_year)
            };
            println!(
                "{}: imported {}: {} rows, {years}, {} places, {cells} figures, {}",
                r.file,
                r.dataset_title,
                r.rows,
                r.geographies,
                swforce_app::display::counted(r.warnings.len(), "warning", "warnings")
            );
            if *superseded > 0 {
                println!(
                    "  {superseded} figures take the place of an earlier release's, which is kept as a vintage: {}",
                    if *changed == 0 {
                        "none with a new value (the same figures again)".to_string()
                    } else {
                        format!("{changed} with a new value or symbol")
                    }
                );
            }
            if *outranked > 0 {
                println!(
                    "  {outranked} figures are older than a later release already imported, which stays in use"
                );
            }
        }
    }
}
