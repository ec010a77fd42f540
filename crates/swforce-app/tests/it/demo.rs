use crate::{demo_app, empty_app};
use swforce_app::AppError;
use swforce_domain::Dataset;

#[test]
fn the_demo_loads_every_dataset_once_and_a_second_load_changes_nothing() {
    let t = empty_app();
    assert!(t.app.load_demo_if_empty().unwrap());
    let snap = t.app.snapshot().unwrap();
    for d in Dataset::ALL {
        assert!(!snap.years(d).is_empty(), "{d}");
    }
    let generation = snap.generation;
    assert!(!t.app.load_demo_if_empty().unwrap());
    let again = t.app.load_demo().unwrap();
    assert!(again.iter().all(|r| r.already_imported()));
    assert_eq!(t.app.snapshot().unwrap().generation, generation);
}

#[test]
fn a_refused_file_leaves_the_store_as_it_was() {
    let t = demo_app();
    let before = t.app.snapshot().unwrap().generation;
    let bad = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,la_name,Referrals\n2022,Reporting year,National,E92000001,England,,,,,-5\n";
    let err = t.app.import_file("bad.csv", bad.as_bytes()).unwrap_err();
    let AppError::Refused(r) = err else {
        panic!("{err:?}")
    };
    assert_eq!(r.errors().next().unwrap().line, Some(2));
    assert_eq!(t.app.snapshot().unwrap().generation, before);
}

#[test]
fn a_later_release_revises_an_overlapping_year_and_the_snapshot_follows() {
    let t = demo_app();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-import/tests/fixtures/csww_headline_2022_to_2023_new_names.csv");
    let report = t
        .app
        .import_file(
            "csww_headline_2022_to_2023_new_names.csv",
            std::fs::File::open(path).unwrap(),
        )
        .unwrap();
    assert!(!report.already_imported());
    let snap = t.app.snapshot().unwrap();
    let england = snap.england().unwrap();
    let rows = snap.indicators(england, None).unwrap();
    let y2022 = rows.iter().find(|r| r.year.get() == 2022).unwrap();
    let inpost = y2022
        .values
        .iter()
        .find(|(m, _)| m.name == "inpost_fte")
        .unwrap()
        .1
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(inpost, 31640.0, "the 2023 release's revision of 2022 wins");
    assert_eq!(snap.latest_year(Dataset::CswwHeadline).unwrap().get(), 2023);
    let vintages = t.app.store().vintages(&england.code, "inpost_fte").unwrap();
    assert_eq!(vintages.iter().filter(|v| v.year.get() == 2022).count(), 2);
}

#[test]
fn cumbrias_successors_continue_its_series_and_say_so() {
    let t = demo_app();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-import/tests/fixtures/csww_headline_2022_to_2023_new_names.csv");
    t.app
        .import_file("new.csv", std::fs::File::open(path).unwrap())
        .unwrap();
    let snap = t.app.snapshot().unwrap();
    let inpost = swforce_domain::Measure::named("inpost_fte").unwrap();
    for code in ["E06000063", "E06000064"] {
        let place = snap.find(code).unwrap();
        let series = snap.series(&place.code, inpost, "");
        assert_eq!(series.len(), 7, "2017 to 2023 for {}", place.name);
        // 2022 comes from the 2023 release's restatement of Cumbria.
        let y2022 = series.iter().find(|f| f.year.get() == 2022).unwrap();
        assert_eq!(y2022.value(), Some(253.1));
        assert!(
            matches!(&y2022.origin, swforce_app::Origin::Continued { predecessors } if predecessors == &["Cumbria".to_string()])
        );
    }
    let cumbria = snap.find("E10000006").unwrap();
    assert!(snap.is_former(cumbria));
    let north_west = snap.find("North West").unwrap();
    assert!(
        snap.children(&north_west.code)
            .iter()
            .any(|g| g.name == "Cumberland")
    );
    assert!(
        !snap
            .children(&north_west.code)
            .iter()
            .any(|g| g.name == "Cumbria")
    );
}
