//! The figures to check in the shipped workforce file: few, and each one defensible. The counts
//! are pinned so that a change of threshold is a deliberate change of this test and of
//! docs/statistics.md ("Figures to check").

use std::collections::BTreeMap;
use swforce_domain::GeographyCode;
use swforce_stats::quality::{History, Rule, check};

#[test]
fn the_published_workforce_figures_raise_few_flags_each_explained() {
    let file = crate::published::published("csww_headline_measures_2017_to_2022.csv");
    let names: BTreeMap<GeographyCode, String> = file
        .geographies
        .iter()
        .map(|g| (g.code.clone(), g.name.clone()))
        .collect();
    let mut places: BTreeMap<GeographyCode, History> = BTreeMap::new();
    for row in &file.rows {
        let year = places
            .entry(row.geography.clone())
            .or_default()
            .entry(row.year)
            .or_default();
        for (measure, cell) in &row.cells {
            if let Some(v) = cell.value() {
                year.insert(*measure, v);
            }
        }
    }
    let mut by_rule: BTreeMap<Rule, usize> = BTreeMap::new();
    let mut places_flagged = 0;
    for (code, history) in &places {
        let flags = check(history);
        places_flagged += usize::from(!flags.is_empty());
        for f in flags {
            *by_rule.entry(f.rule).or_default() += 1;
            eprintln!(
                "{} {} {} {}: {}",
                names[code],
                f.year,
                f.measure,
                f.rule.id(),
                f.reason
            );
        }
    }
    eprintln!("{by_rule:?} in {places_flagged} places");
    assert_eq!(
        (by_rule, places_flagged),
        (
            BTreeMap::from([
                (Rule::FteHeadcount, 9),
                (Rule::TooFew, 54),
                (Rule::Jump, 37)
            ]),
            39
        )
    );
}
