//! Every published rate in the shipped files, recomputed from the published counts.

use std::collections::HashMap;
use std::path::PathBuf;
use swforce_import::{ParsedFile, read_ees_csv};
use swforce_stats::{Hierarchy, Outcome, reconcile};

pub fn published(name: &str) -> ParsedFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-app/data")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "published file {} is missing ({e}); it ships in crates/swforce-app/data",
            path.display()
        )
    });
    read_ees_csv(name, bytes.as_slice()).unwrap()
}

fn findings(name: &str) -> Vec<swforce_stats::Finding> {
    let f = published(name);
    let levels: HashMap<_, _> = f
        .geographies
        .iter()
        .map(|g| (g.code.clone(), g.level))
        .collect();
    let hierarchy = Hierarchy::new(f.geographies.iter());
    reconcile(&f.rows, &levels, &hierarchy)
}

fn describe(f: &swforce_stats::Finding) -> String {
    let reason = match &f.outcome {
        Outcome::Unreproducible { reason } => reason.clone(),
        other => format!("{other:?}"),
    };
    format!(
        "{} {} {} {}: {}",
        f.year, f.geography, f.breakdown, f.measure, reason
    )
}

/// Reconciles one file, prints the tally and returns the findings that were not reproduced.
fn unreproduced(name: &str) -> Vec<String> {
    // Rates per 10,000 children need the population estimates, another dataset: the app's
    // reconciliation joins them (see swforce-app's tests); a file alone cannot.
    let all: Vec<_> = findings(name)
        .into_iter()
        .filter(|f| {
            !matches!(
                swforce_domain::Measure::named(f.measure).and_then(|m| m.formula),
                Some(swforce_domain::Formula::PerTenThousand { .. })
            )
        })
        .collect();
    let unreproduced: Vec<String> = all
        .iter()
        .filter(|f| !f.outcome.reproduced())
        .map(describe)
        .collect();
    let exact = all.iter().filter(|f| f.outcome == Outcome::Exact).count();
    let rounding = all
        .iter()
        .filter(|f| f.outcome == Outcome::WithinInputRounding)
        .count();
    let rebuilt = all
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::RebuiltFromAuthorities { .. }))
        .count();
    eprintln!(
        "{name}: {} rates: {exact} exact, {rounding} within input rounding, {rebuilt} rebuilt from authorities, {} not reproduced",
        all.len(),
        unreproduced.len()
    );
    for line in &unreproduced {
        eprintln!("  {line}");
    }
    assert!(!all.is_empty(), "{name} has no derived rates");
    unreproduced
}

#[test]
fn every_published_workforce_rate_is_reproduced_from_the_published_counts() {
    assert_eq!(
        unreproduced("csww_headline_measures_2017_to_2022.csv"),
        Vec::<String>::new()
    );
}

#[test]
fn every_ethnicity_share_is_reproduced_from_the_published_headcounts() {
    assert_eq!(
        unreproduced("csww_role_by_ethnicity_2019_to_2022.csv"),
        Vec::<String>::new()
    );
}

#[test]
fn every_referral_percentage_is_reproduced_from_the_published_counts() {
    assert_eq!(
        unreproduced("referrals_2013_to_2022.csv"),
        Vec::<String>::new()
    );
}

#[test]
fn rates_per_10000_children_are_not_recomputed_from_the_file_alone_which_lacks_the_population() {
    // Without the population estimates joined in, a rate per 10,000 children has no
    // denominator: each is reported as such, never as matching.
    let all = findings("children_in_need_2013_to_2022.csv");
    assert!(!all.is_empty());
    assert!(all.iter().all(|f| !matches!(
        f.outcome,
        Outcome::Exact | Outcome::WithinInputRounding | Outcome::EarlierPopulation { .. }
    )));
}

#[test]
fn agency_cover_in_2017_follows_the_authorities_that_returned_it() {
    let all = findings("csww_headline_measures_2017_to_2022.csv");
    let england_2017 = all
        .iter()
        .find(|f| {
            f.year.get() == 2017
                && f.geography.as_str() == "E92000001"
                && f.measure == "agency_cover_rate_fte"
        })
        .unwrap();
    // Surrey and Kingston upon Thames could not return agency cover (x) that year.
    assert!(
        matches!(
            england_2017.outcome,
            Outcome::RebuiltFromAuthorities {
                authorities: 149,
                of: 151
            }
        ),
        "{:?}",
        england_2017.outcome
    );
}
