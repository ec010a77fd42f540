//! The new-generation children in need and referrals files, imported as `swforce import` does:
//! on their own, again, and after the older generation they restate.

use crate::{TestApp, demo_app, empty_app};
use swforce_app::ImportReport;
use swforce_domain::{Dataset, GeographyCode, Measure};
use swforce_stats::Outcome;

const CIN: &str = "children_in_need_2022_to_2023_new_generation.csv";
const REFERRALS: &str = "referrals_2022_to_2023_new_generation.csv";

fn import(t: &TestApp, name: &str) -> ImportReport {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-import/tests/fixtures")
        .join(name);
    t.app
        .import_file(name, std::fs::File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn code(text: &str) -> GeographyCode {
    GeographyCode::parse(text).unwrap()
}

#[test]
fn both_files_import_whole_without_warnings_and_a_second_import_changes_nothing() {
    let t = empty_app();
    for (name, dataset) in [
        (CIN, Dataset::ChildrenInNeed),
        (REFERRALS, Dataset::Referrals),
    ] {
        let report = import(&t, name);
        assert_eq!(report.dataset, dataset);
        assert_eq!(report.rows, 20, "{name}");
        assert!(report.warnings.is_empty(), "{name}: {:#?}", report.warnings);
        assert!(!report.already_imported());
    }
    let generation = t.app.snapshot().unwrap().generation;
    for name in [CIN, REFERRALS] {
        assert!(import(&t, name).already_imported(), "{name}");
    }
    assert_eq!(t.app.snapshot().unwrap().generation, generation);
}

#[test]
fn every_percentage_of_the_new_referrals_file_is_reproduced_from_its_counts() {
    let t = empty_app();
    import(&t, REFERRALS);
    let findings = t.app.snapshot().unwrap().reconcile(Dataset::Referrals);
    // 20 rows of 4 percentages, 10 of them suppressed or not available with their counts.
    assert_eq!(findings.len(), 80);
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.outcome != Outcome::NoValue)
            .count(),
        70
    );
    let not_reproduced: Vec<_> = findings
        .iter()
        .filter(|f| !f.outcome.reproduced())
        .collect();
    assert!(not_reproduced.is_empty(), "{not_reproduced:#?}");
}

#[test]
fn the_new_generation_continues_the_older_series_and_wins_the_year_they_share() {
    let t = demo_app();
    let places = t.app.snapshot().unwrap().geographies().count();
    import(&t, CIN);
    import(&t, REFERRALS);
    let snap = t.app.snapshot().unwrap();
    assert_eq!(
        snap.geographies().count(),
        places,
        "the same places, not new ones"
    );
    assert_eq!(
        snap.latest_year(Dataset::ChildrenInNeed).unwrap().get(),
        2023
    );
    assert_eq!(snap.latest_year(Dataset::Referrals).unwrap().get(), 2023);

    // One series per place, 2013 to 2023, with the 2023 release's restatement of 2022.
    let cases = [
        ("E92000001", "At31_episodes", 404310.0, 404340.0),
        ("E92000001", "Awaiting_assessment", 18160.0, 18160.0),
        ("E12000007", "Anypoint_episodes", 131010.0, 131020.0),
        ("E09000007", "Referrals", 1844.0, 1847.0),
        ("E09000007", "Re_referrals_child", 220.0, 221.0),
        ("E13000001", "Referrals", 43070.0, 43080.0),
    ];
    for (place, name, earlier, later) in cases {
        let measure = Measure::named(name).unwrap();
        let series = snap.series(&code(place), measure, "");
        let years: Vec<u16> = series.iter().map(|f| f.year.get()).collect();
        assert_eq!(years, (2013..=2023).collect::<Vec<_>>(), "{place} {name}");
        let y2022 = series.iter().find(|f| f.year.get() == 2022).unwrap();
        assert_eq!(
            y2022.value(),
            Some(later),
            "{place} {name}: the later release wins"
        );

        let vintages = t.app.store().vintages(&code(place), name).unwrap();
        let of_2022: Vec<_> = vintages.iter().filter(|v| v.year.get() == 2022).collect();
        assert_eq!(of_2022.len(), 2, "{place} {name}: both releases kept");
        let current: Vec<_> = of_2022.iter().filter(|v| v.current).collect();
        assert_eq!(current.len(), 1);
        assert_eq!(
            current[0].file_name,
            if name.starts_with('A') {
                CIN
            } else {
                REFERRALS
            }
        );
        assert_eq!(current[0].cell.value(), Some(later));
        let kept = of_2022.iter().find(|v| !v.current).unwrap();
        assert_eq!(
            kept.cell.value(),
            Some(earlier),
            "{place} {name}: the earlier kept"
        );
    }
    // Measures only the older generation publishes keep their published figures.
    let rate = Measure::named("Referrals_rate").unwrap();
    let rates = snap.series(&code("E09000007"), rate, "");
    assert_eq!(
        rates.iter().find(|f| f.year.get() == 2022).unwrap().value(),
        Some(505.7)
    );
    // The newer generation publishes no rate per 10,000 children: swforce computes it from
    // the referrals and the children of the year before (mid-2022 for the year to March 2023).
    let computed = rates.iter().find(|f| f.year.get() == 2023).unwrap();
    assert_eq!(computed.origin, swforce_app::Origin::Computed);
    let referrals = snap
        .figure(
            &code("E09000007"),
            Measure::named("Referrals").unwrap(),
            "",
            computed.year,
        )
        .and_then(|f| f.value())
        .unwrap();
    let children = snap
        .figure(
            &code("E09000007"),
            Measure::named("population_estimate").unwrap(),
            "",
            swforce_domain::Year::try_from(2022).unwrap(),
        )
        .and_then(|f| f.value())
        .unwrap();
    assert!((computed.value().unwrap() - referrals / children * 10_000.0).abs() < 1e-9);

    // The mixture still reproduces every published percentage.
    let not_reproduced: Vec<_> = snap
        .reconcile(Dataset::Referrals)
        .into_iter()
        .filter(|f| !f.outcome.reproduced())
        .collect();
    assert!(not_reproduced.is_empty(), "{not_reproduced:#?}");
}
