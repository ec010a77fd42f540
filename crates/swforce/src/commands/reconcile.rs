//! `swforce reconcile`: recompute every published rate from the published counts.

use crate::Failure;
use crate::commands::fail;
use crate::config::StoreArgs;
use swforce_app::App;
use swforce_domain::Dataset;
use swforce_stats::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print every rate checked, as CSV, rather than a summary.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[allow(clippy::print_stdout)]
pub fn run(app: &App, args: &Args) -> Result<(), Failure> {
    let snap = app.snapshot().map_err(fail)?;
    if args.all {
        println!("dataset,year,geography_code,breakdown,measure,published,computed,outcome");
    }
    let mut unreproduced = 0;
    for dataset in Dataset::ALL {
        let findings = snap.reconcile(dataset);
        if args.all {
            for f in &findings {
                let computed = match f.computed {
                    Some(swforce_domain::Cell::Value(v)) => format!("{v:.4}"),
                    Some(swforce_domain::Cell::Symbol(s)) => s.to_string(),
                    None => String::new(),
                };
                let decimals = swforce_domain::Measure::named(f.measure)
                    .map_or(1, |m| m.unit.decimals() as usize);
                let published = match f.published {
                    swforce_domain::Cell::Value(v) => format!("{v:.decimals$}"),
                    swforce_domain::Cell::Symbol(s) => s.to_string(),
                };
                let outcome = match &f.outcome {
                    Outcome::Unreproducible { reason } => format!("not reproduced: {reason}"),
                    Outcome::RebuiltFromAuthorities { authorities, of } => {
                        format!("rebuilt from {authorities} of {of} authorities")
                    }
                    Outcome::PopulationNotOnRecord { used } => format!(
                        "reproduced with {used:.0} children; the estimates on record have none for this place and year"
                    ),
                    Outcome::EarlierPopulation { used, current } => format!(
                        "reproduced with {used:.0} children, the population estimate of its time (now {current:.0})"
                    ),
                    other => format!("{other:?}").to_lowercase(),
                };
                let mut w = csv::Writer::from_writer(Vec::new());
                let _ = w.write_record([
                    dataset.id(),
                    &f.year.to_string(),
                    f.geography.as_str(),
                    &f.breakdown,
                    f.measure,
                    &published,
                    &computed,
                    &outcome,
                ]);
                if let Ok(bytes) = w.into_inner() {
                    print!("{}", String::from_utf8_lossy(&bytes));
                }
            }
            unreproduced += findings.iter().filter(|f| !f.outcome.reproduced()).count();
            continue;
        }
        if findings.is_empty() {
            continue;
        }
        let count = |p: fn(&Outcome) -> bool| findings.iter().filter(|f| p(&f.outcome)).count();
        let exact = count(|o| *o == Outcome::Exact);
        let rounding = count(|o| *o == Outcome::WithinInputRounding);
        let rebuilt = count(|o| matches!(o, Outcome::RebuiltFromAuthorities { .. }));
        let none = count(|o| *o == Outcome::NoValue);
        let earlier: Vec<_> = findings
            .iter()
            .filter(|f| matches!(f.outcome, Outcome::EarlierPopulation { .. }))
            .collect();
        let bad: Vec<_> = findings
            .iter()
            .filter(|f| !f.outcome.reproduced())
            .collect();
        println!(
            "{}: {} published rates checked",
            dataset.title(),
            findings.len()
        );
        println!("  {exact} match exactly when computed from the published counts");
        println!("  {rounding} match within the rounding of the published counts");
        if rebuilt > 0 {
            println!(
                "  {rebuilt} aggregate figures match when rebuilt from the authorities that returned both counts"
            );
        }
        if !earlier.is_empty() {
            let years: std::collections::BTreeSet<_> = earlier.iter().map(|f| f.year).collect();
            let years: Vec<String> = years.iter().map(ToString::to_string).collect();
            println!(
                "  {} rates per 10,000 children match with the population estimate of their time, which ONS has since revised (years {}; swforce reconcile --all lists each with both numbers of children)",
                earlier.len(),
                years.join(", ")
            );
        }
        let unrecorded = count(|o| matches!(o, Outcome::PopulationNotOnRecord { .. }));
        if unrecorded > 0 {
            println!(
                "  {unrecorded} rates per 10,000 children of places and years the population estimates do not cover agree with their counts through one number of children"
            );
        }
        println!("  {none} are published without a value, and none can be computed");
        println!("  {} cannot be reproduced", bad.len());
        for f in &bad {
            if let Outcome::Unreproducible { reason } = &f.outcome {
                println!(
                    "    {} {} {} {}: {reason}",
                    f.year, f.geography, f.breakdown, f.measure
                );
            }
        }
        unreproduced += bad.len();
    }
    if unreproduced > 0 {
        Err(Failure::Refused)
    } else {
        Ok(())
    }
}
