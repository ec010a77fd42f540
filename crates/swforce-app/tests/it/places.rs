use crate::demo_app;
use swforce_app::{AppError, Origin};
use swforce_domain::{Cell, Dataset, EesSymbol, Measure, Year};

#[test]
fn places_are_found_by_code_old_code_and_name() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    assert_eq!(
        snap.find("E06000058").unwrap().name,
        "Bournemouth, Christchurch and Poole"
    );
    assert_eq!(snap.find("839").unwrap().code.as_str(), "E06000058");
    assert_eq!(snap.find("bristol").unwrap().name, "Bristol, City of");
    assert_eq!(
        snap.find("Dorset").unwrap().code.as_str(),
        "E06000059",
        "the current Dorset, not the former county"
    );
    assert_eq!(
        snap.find("E10000009").unwrap().name,
        "Dorset",
        "the former county by its code"
    );
    assert_eq!(
        snap.find("Northamptonshire").unwrap().code.as_str(),
        "E10000021",
        "an exact name, though former"
    );
    assert!(
        matches!(snap.find("Northampton"), Err(AppError::Ambiguous { .. })),
        "North and West Northamptonshire"
    );
    let err = snap.find("Atlantis").unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
}

#[test]
fn a_merged_authority_continues_from_its_predecessors() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let bcp = snap.find("E06000058").unwrap();
    let inpost = Measure::named("inpost_fte").unwrap();
    let f2018 = snap
        .figure(&bcp.code, inpost, "", Year::try_from(2018).unwrap())
        .unwrap();
    // Bournemouth 146.4 + Poole 97.5
    assert!((f2018.value().unwrap() - 243.9).abs() < 1e-9);
    assert!(matches!(&f2018.origin, Origin::Continued { predecessors } if predecessors.len() == 2));
    let turnover = Measure::named("turnover_rate_fte").unwrap();
    let t2018 = snap
        .figure(&bcp.code, turnover, "", Year::try_from(2018).unwrap())
        .unwrap();
    // (28.2 + 11.3) / 243.9, from counts
    assert!((t2018.value().unwrap() - 39.5 / 243.9).abs() < 1e-9);
    assert_eq!(snap.series(&bcp.code, inpost, "").len(), 6);
}

#[test]
fn tiny_authorities_give_not_applicable_rather_than_nonsense() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let scilly = snap.find("Isles of Scilly").unwrap();
    let rows = snap
        .indicators(scilly, Some(Year::try_from(2022).unwrap()))
        .unwrap();
    let turnover = rows[0]
        .values
        .iter()
        .find(|(m, _)| m.name == "turnover_rate_fte")
        .unwrap()
        .1;
    assert_eq!(turnover, Some(Cell::Symbol(EesSymbol::Z)));
    let profile = snap.profile(scilly);
    let view = profile
        .workforce
        .iter()
        .find(|v| v.measure.name == "turnover_rate_fte")
        .unwrap();
    let b = view.benchmark.as_ref().unwrap();
    assert_eq!((b.rank, b.quartile), (None, None));
}

#[test]
fn an_authority_profile_sets_it_beside_its_region_and_england() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let camden = snap.find("Camden").unwrap();
    let p = snap.profile(camden);
    assert_eq!(p.region.as_ref().unwrap().name, "London");
    assert_eq!(p.sub_region.as_ref().unwrap().name, "Inner London");
    let turnover = p
        .workforce
        .iter()
        .find(|v| v.measure.name == "turnover_rate_fte")
        .unwrap();
    assert_eq!(turnover.rows.len(), 6);
    let latest = turnover.rows.last().unwrap();
    assert!((latest.this.as_ref().unwrap().value().unwrap() - 0.158).abs() < 1e-9);
    assert!((latest.england.as_ref().unwrap().value().unwrap() - 0.171).abs() < 1e-9);
    let b = turnover.benchmark.as_ref().unwrap();
    assert!(b.ranked >= 140 && b.rank.is_some() && b.quartile.is_some());
    assert!(p.ethnicity.as_ref().unwrap().rows[0].0.starts_with("All"));
    assert!(!p.demand.is_empty());
}

#[test]
fn regions_list_their_current_authorities_and_london_takes_both_halves() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let england = snap.england().unwrap();
    assert_eq!(snap.children(&england.code).len(), 9);
    let london = snap.find("E12000007").unwrap();
    assert_eq!(snap.children(&london.code).len(), 33);
    let south_west = snap.find("South West").unwrap();
    let names: Vec<_> = snap
        .children(&south_west.code)
        .iter()
        .map(|g| g.name.clone())
        .collect();
    assert!(names.contains(&"Bournemouth, Christchurch and Poole".to_string()));
    assert!(
        !names.contains(&"Poole".to_string()),
        "former authorities are not listed"
    );
}

#[test]
fn more_than_six_places_cannot_be_compared() {
    let t = demo_app();
    let snap = t.app.snapshot().unwrap();
    let places: Vec<_> = snap.children(&snap.find("North East").unwrap().code);
    assert!(places.len() > 6);
    assert!(matches!(
        snap.compare(&places),
        Err(AppError::Invalid { .. })
    ));
    let c = snap.compare(&places[..3]).unwrap();
    assert_eq!(c.places.len(), 3);
    assert_eq!(c.measures.len(), Measure::of(Dataset::CswwHeadline).count());
}
