//! The figures to check as people see them: every place's workforce figures as the pages show
//! them, over the shipped data. The counts are pinned so that a change of rule is a deliberate
//! change of this test, of docs/statistics.md ("Figures to check") and of the CHANGELOG.

use crate::demo_app;
use std::collections::{BTreeMap, BTreeSet};
use swforce_domain::{GeographyCode, Measure, Year};

#[test]
fn the_demo_data_shows_the_documented_number_of_figures_to_check() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    let mut places = BTreeSet::new();
    let mut lines = Vec::new();
    for (code, measure, year, check) in snap.checks().iter() {
        *by_rule.entry(check.rule).or_default() += 1;
        places.insert(code.clone());
        let name = snap
            .geography(code)
            .map_or(code.to_string(), |g| g.name.clone());
        lines.push(format!(
            "{name} {year} {measure} {}: {}",
            check.rule, check.reason
        ));
    }
    lines.sort();
    for l in &lines {
        eprintln!("{l}");
    }
    eprintln!("{by_rule:?} in {} places", places.len());
    assert_eq!(
        (by_rule, places.len()),
        (
            BTreeMap::from([("fte_headcount", 9), ("jump", 37), ("too_few", 54)]),
            39
        )
    );
}

#[test]
fn years_continued_from_predecessors_do_not_make_a_jump() {
    // Bournemouth, Christchurch and Poole's turnover of 36.0% in 2021 came with in post falling
    // from 244.6 to 198.4 and agency workers rising from 50.8 to 118.4: real. Only against
    // Bournemouth and Poole's figures added up for 2017 and 2018 did it look like a jump.
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let bcp = GeographyCode::parse("E06000058").unwrap();
    let turnover = Measure::named("turnover_rate_fte").unwrap();
    let y2021 = Year::try_from(2021).unwrap();
    assert!(snap.figure(&bcp, turnover, "", y2021).is_some());
    assert_eq!(snap.check(&bcp, turnover, y2021), None);
}
