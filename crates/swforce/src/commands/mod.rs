//! One module per subcommand: each parses its arguments, calls the application and prints.

pub mod admin;
pub mod agency;
pub mod census;
pub mod config;
pub mod diary;
pub mod healthcheck;
pub mod import;
pub mod indicators;
pub mod neighbours;
pub mod places;
pub mod project;
pub mod reconcile;
pub mod serve;

use crate::Failure;
use swforce_app::AppError;

/// Prints an error for a person: the top sentence, then each cause on its own line.
pub fn report_error(e: &anyhow::Error) {
    eprintln!("error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  because: {cause}");
    }
}

/// Prints an application error with its fix and says which exit code it deserves.
pub fn fail(e: AppError) -> Failure {
    match &e {
        AppError::NotFound { kind, query, .. } if query.is_empty() => {
            eprintln!("error: no {kind} matches what was given");
            match *kind {
                "place" | "region" => eprintln!(
                    "  fix: give a place's name or its 9-character code such as E06000058 (`swforce places NAME` searches)"
                ),
                _ => eprintln!(
                    "  fix: check it against the list (swforce admin user list --org ..., swforce admin org list)"
                ),
            }
        }
        AppError::NotFound { suggestions, .. } => {
            eprintln!("error: {e}");
            if suggestions.is_empty() {
                eprintln!(
                    "  fix: try `swforce places NAME` to search, or give the 9-character code such as E06000058"
                );
            } else {
                eprintln!("  fix: did you mean {}?", suggestions.join(", or "));
            }
        }
        AppError::Ambiguous { .. } => {
            eprintln!("error: {e}");
            eprintln!("  fix: give the full name or the code");
        }
        AppError::Invalid { problem, fix } | AppError::Forbidden { problem, fix } => {
            eprintln!("error: {problem}");
            eprintln!("  fix: {fix}");
        }
        AppError::Unavailable(problem) => eprintln!("error: {problem}"),
        AppError::Refused(r) => {
            for d in &r.diagnostics {
                eprintln!("{d}");
            }
            eprintln!("error: nothing was imported from {}", r.file);
        }
        AppError::CensusRefused(r) => {
            for f in r.findings.iter().filter(|f| f.is_error()) {
                eprintln!("{}:{f}", r.file);
            }
            eprintln!(
                "error: nothing was imported from {}: {}, {}",
                r.file,
                swforce_app::display::counted(r.errors, "error", "errors"),
                swforce_app::display::counted(r.queries, "query", "queries")
            );
        }
        AppError::Store(_) => report_error(&anyhow::Error::new(e)),
    }
    Failure::Refused
}
