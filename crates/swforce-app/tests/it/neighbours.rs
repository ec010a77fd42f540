//! Statistical neighbours and rates per 10,000 children, over the shipped data.

use crate::demo_app;
use swforce_app::Origin;
use swforce_app::neighbours::median;
use swforce_domain::neighbours::Closeness;
use swforce_domain::{Dataset, GeographyCode, Measure, Year};

fn code(c: &str) -> GeographyCode {
    GeographyCode::parse(c).unwrap()
}

fn y(n: u16) -> Year {
    Year::try_from(n).unwrap()
}

#[test]
fn an_authoritys_neighbours_are_the_models_in_order_with_their_closeness() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let kent = snap.find("E10000016").unwrap();
    let n = snap.neighbours(kent, None).unwrap().unwrap();
    assert_eq!(n.model.get(), 2025, "the newest model by default");
    let names: Vec<&str> = n.neighbours.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Essex",
            "East Sussex",
            "Devon",
            "Bexley",
            "Suffolk",
            "Norfolk",
            "Nottinghamshire",
            "West Sussex",
            "Bedford",
            "Somerset"
        ]
    );
    assert!(
        n.neighbours
            .iter()
            .all(|x| x.closeness == Closeness::VeryClose)
    );
    let older = snap.neighbours(kent, Some(2021)).unwrap().unwrap();
    assert_eq!(older.model.get(), 2021);
    assert_ne!(older.neighbours, n.neighbours);
    assert!(snap.neighbours(kent, Some(2019)).is_err(), "no such model");
    assert!(
        snap.neighbours(snap.england().unwrap(), None)
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_neighbour_made_by_a_reorganisation_stands_for_its_predecessors_figures() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let place = snap.find("North Lincolnshire").unwrap();
    let n = snap.neighbours(place, Some(2025)).unwrap().unwrap();
    let cumberland = n.neighbours.iter().find(|x| x.dfe_code == "942").unwrap();
    assert_eq!(cumberland.code.as_str(), "E06000063");
    assert_eq!(cumberland.name, "Cumberland");
    assert!(
        cumberland
            .note
            .as_deref()
            .unwrap()
            .contains("its figures before then are Cumbria's"),
        "{:?}",
        cumberland.note
    );
    // Its turnover is Cumbria's, continued, and counts in the median.
    let turnover = Measure::named("turnover_rate_fte").unwrap();
    let f = snap
        .figure(&cumberland.code, turnover, "", y(2022))
        .unwrap();
    assert!(matches!(f.origin, Origin::Continued { .. }));
    assert_eq!(
        f.value(),
        snap.figure(&code("E10000006"), turnover, "", y(2022))
            .unwrap()
            .value()
    );
    let b = snap.neighbour_benchmark(&n, turnover, y(2022));
    assert_eq!(b.with_figures, 10);
    let values: Vec<f64> = n
        .neighbours
        .iter()
        .filter_map(|x| snap.figure(&x.code, turnover, "", y(2022))?.value())
        .collect();
    assert_eq!(b.median, median(&values));
}

#[test]
fn cumbria_replaced_before_the_newest_model_has_the_older() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let cumbria = snap.find("E10000006").unwrap();
    let n = snap.neighbours(cumbria, None).unwrap().unwrap();
    assert_eq!(n.model.get(), 2021);
    assert!(snap.neighbours(cumbria, Some(2025)).unwrap().is_none());
}

#[test]
fn the_median_and_rank_match_a_hand_count_for_bournemouth_christchurch_and_poole() {
    // 2025 model for 839: 822, 882, 886, 878, 826, 303, 938, 926, 845, 881; their published
    // 2022 turnover (FTE): 22.9, 34.7, 15.9, 14.1, 22.4, 26.2, 16.1, 12.6, 7.9, 9.9; median 16.0.
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let bcp = snap.find("E06000058").unwrap();
    let n = snap.neighbours(bcp, None).unwrap().unwrap();
    let turnover = Measure::named("turnover_rate_fte").unwrap();
    let b = snap.neighbour_benchmark(&n, turnover, y(2022));
    assert!((b.median.unwrap() - 0.160).abs() < 1e-9, "{b:?}");
    // BCP's own 22.4%: below 22.9, 34.7 and 26.2, level with 22.4.
    assert_eq!(b.rank_from_highest, Some(4));
    assert_eq!(b.ranked, 11);
}

#[test]
fn rates_per_10000_children_are_counts_over_children_and_roll_up_from_counts() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let per = Measure::named("inpost_fte_per_10k").unwrap();
    let fte = Measure::named("inpost_fte").unwrap();
    let children = Measure::named("population_estimate").unwrap();
    for place in ["E06000013", "E13000001", "E12000008", "E92000001"] {
        let c = code(place);
        let got = snap.figure(&c, per, "", y(2022)).unwrap();
        assert_eq!(got.origin, Origin::Computed);
        let expect = snap.figure(&c, fte, "", y(2022)).unwrap().value().unwrap()
            / snap
                .figure(&c, children, "", y(2022))
                .unwrap()
                .value()
                .unwrap()
            * 10_000.0;
        assert!((got.value().unwrap() - expect).abs() < 1e-9, "{place}");
    }
    // England: 31,634.1 FTE over 11,901,267 children is 26.6 per 10,000, not the mean of the
    // authorities' rates.
    let england = snap.figure(&code("E92000001"), per, "", y(2022)).unwrap();
    assert!((england.value().unwrap() - 26.58).abs() < 0.01);
    let rates: Vec<f64> = snap
        .authority_rows(Dataset::CswwHeadline, "", y(2022))
        .iter()
        .filter_map(|r| snap.figure(&r.geography, per, "", y(2022))?.value())
        .collect();
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    assert!((mean - england.value().unwrap()).abs() > 0.1, "{mean}");
}

#[test]
fn children_in_need_and_referral_rates_are_all_reconciled_with_the_population() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    for dataset in [Dataset::ChildrenInNeed, Dataset::Referrals] {
        let findings = snap.reconcile(dataset);
        let bad: Vec<_> = findings
            .iter()
            .filter(|f| !f.outcome.reproduced())
            .collect();
        assert!(bad.is_empty(), "{dataset}: {bad:#?}");
        // England's referral rate for the year to March 2022 (552.9) implies 11,761,102
        // children, against 11,762,878 in the mid-2021 estimate on record.
        if dataset == Dataset::Referrals {
            let f = findings
                .iter()
                .find(|f| {
                    f.geography.as_str() == "E92000001"
                        && f.year.get() == 2022
                        && f.measure == "Referrals_rate"
                })
                .unwrap();
            match f.outcome {
                swforce_stats::Outcome::EarlierPopulation { used, current } => {
                    assert!((used - 11_761_102.0).abs() < 300.0, "{used}");
                    assert_eq!(current, 11_762_878.0);
                }
                ref o => panic!("{o:?}"),
            }
        }
    }
}

const HEADER_2025: &str = "old_la_code,la_name,region_ind,region_name,SN_1,SN_1P,SN_2,SN_2P,SN_3,SN_3P,SN_4,SN_4P,SN_5,SN_5P,SN_6,SN_6P,SN_7,SN_7P,SN_8,SN_8P,SN_9,SN_9P,SN_10,SN_10P\n";
const KENT: &str = "886,Kent,6,South East,845,Close,881,Close,878,Close,303,Close,935,Close,926,Close,891,Close,938,Close,822,Close,933,Close\n";

#[test]
fn a_model_imported_again_replaces_the_earlier_whole_and_the_same_bytes_change_nothing() {
    let t = demo_app();
    let barking = || {
        let snap = t.app.snapshot().unwrap();
        let g = snap.find("E09000002").unwrap().clone();
        snap.neighbours(&g, Some(2025)).unwrap()
    };
    assert!(barking().is_some());
    let table = format!("{HEADER_2025}{KENT}");
    let report = t
        .app
        .import_file("statistical_neighbours_2025.csv", table.as_bytes())
        .unwrap();
    assert!(!report.already_imported());
    // Barking and Dagenham is not in the new table, so not in the 2025 model any more.
    assert!(barking().is_none());
    let snap = t.app.snapshot().unwrap();
    let kent = snap.find("E10000016").unwrap();
    let n = snap.neighbours(kent, Some(2025)).unwrap().unwrap();
    assert_eq!(n.neighbours[0].name, "East Sussex");
    assert_eq!(n.neighbours[0].closeness, Closeness::Close);
    // The 2021 model is untouched; importing the same bytes again changes nothing.
    assert!(snap.neighbours(kent, Some(2021)).unwrap().is_some());
    let again = t
        .app
        .import_file("statistical_neighbours_2025.csv", table.as_bytes())
        .unwrap();
    assert!(again.already_imported());
}

#[test]
fn a_model_of_a_year_still_to_come_is_refused() {
    let t = demo_app();
    let before = t.app.snapshot().unwrap().neighbour_models();
    let e = t
        .app
        .import_file(
            "statistical_neighbours_2090.csv",
            format!("{HEADER_2025}{KENT}").as_bytes(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("a year still to come"), "{e}");
    assert_eq!(t.app.snapshot().unwrap().neighbour_models(), before);
}

#[test]
fn a_shared_services_pair_counts_its_children_together_and_stands_in_as_a_neighbour() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let per = Measure::named("inpost_fte_per_10k").unwrap();
    let children = Measure::named("population_estimate").unwrap();
    // North Northamptonshire reports the workforce of both councils of the children's trust.
    let both: f64 = ["E06000061", "E06000062"]
        .iter()
        .map(|c| {
            snap.figure(&code(c), children, "", y(2022))
                .unwrap()
                .value()
                .unwrap()
        })
        .sum();
    let fte = snap
        .figure(
            &code("E06000061"),
            Measure::named("inpost_fte").unwrap(),
            "",
            y(2022),
        )
        .unwrap()
        .value()
        .unwrap();
    let got = snap.figure(&code("E06000061"), per, "", y(2022)).unwrap();
    assert!((got.value().unwrap() - fte / both * 10_000.0).abs() < 1e-9);
    // Richmond upon Thames, whose workforce Kingston reports, stands for the pair's figures
    // as another authority's neighbour.
    let place = snap.find("Wokingham").unwrap();
    let n = snap.neighbours(place, Some(2025)).unwrap().unwrap();
    let richmond = n.neighbours.iter().find(|x| x.dfe_code == "318").unwrap();
    assert!(
        richmond
            .note
            .as_deref()
            .unwrap()
            .contains("Achieving for Children")
    );
    let turnover = Measure::named("turnover_rate_fte").unwrap();
    assert_eq!(
        snap.neighbour_benchmark(&n, turnover, y(2022)).with_figures,
        n.neighbours.len()
    );
    // Kingston's own neighbours list Richmond, whose figures are Kingston's: not counted.
    let kingston = snap.find("E09000021").unwrap();
    let k = snap.neighbours(kingston, Some(2025)).unwrap().unwrap();
    assert_eq!(
        snap.neighbour_benchmark(&k, turnover, y(2022)).with_figures,
        k.neighbours.len() - 1
    );
}

#[test]
fn a_council_made_after_the_figures_has_its_own_neighbours_by_code_or_name() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    for query in ["942", "Cumberland", "E06000063"] {
        let g = snap.find_for_neighbours(query).unwrap();
        assert_eq!(g.code.as_str(), "E06000063", "{query}");
        let n = snap.neighbours(&g, None).unwrap().unwrap();
        assert_eq!(n.model.get(), 2025);
        assert_eq!(n.neighbours[0].name, "Westmorland and Furness");
    }
    assert!(snap.find_for_neighbours("nowhere").is_err());
    // Places on record are found as ever.
    assert_eq!(
        snap.find_for_neighbours("909").unwrap().code.as_str(),
        "E10000006"
    );
}
