//! The behaviours every `Store` backend must show. Each backend's test file calls every
//! function here on a fresh, empty store.

use crate::{ImportOutcome, Provenance, Store};
use swforce_domain::{
    Cell, Dataset, EesSymbol, GeographicLevel, Geography, GeographyCode, Measure, OldLaCode, Row,
    Year,
};

fn code(c: &str) -> GeographyCode {
    GeographyCode::parse(c).expect("conformance codes are well formed")
}

fn year(y: u16) -> Year {
    Year::try_from(y).expect("conformance years are in range")
}

/// England, one region and one authority in it, the authority called `authority_name`.
pub fn geographies(authority_name: &str) -> Vec<Geography> {
    vec![
        Geography {
            code: code("E92000001"),
            name: "England".into(),
            level: GeographicLevel::National,
            parent: None,
            old_la_code: None,
        },
        Geography {
            code: code("E12000009"),
            name: "South West".into(),
            level: GeographicLevel::Regional,
            parent: Some(code("E92000001")),
            old_la_code: None,
        },
        Geography {
            code: code("E06000058"),
            name: authority_name.into(),
            level: GeographicLevel::LocalAuthority,
            parent: Some(code("E12000009")),
            old_la_code: OldLaCode::parse("839").ok(),
        },
    ]
}

/// Workforce rows for the authority: in post and leavers for each year, and a suppressed cell.
pub fn rows(years: &[u16], inpost: f64) -> Vec<Row> {
    let m = |n: &str| Measure::named(n).expect("conformance measures exist");
    years
        .iter()
        .map(|y| {
            let mut r = Row::new(Dataset::CswwHeadline, code("E06000058"), year(*y), "");
            r.set(m("inpost_fte"), Cell::Value(inpost + f64::from(*y - 2000)));
            r.set(m("leavers_fte"), Cell::Value(20.5));
            r.set(m("turnover_rate_fte"), Cell::Value(0.113));
            r.set(m("working_days_lost_fte"), Cell::Symbol(EesSymbol::C));
            r
        })
        .collect()
}

pub fn provenance(sha: &str, first: u16, last: u16, rows: u64) -> Provenance {
    Provenance {
        file_name: format!("csww_{first}_to_{last}.csv"),
        sha256: sha.repeat(64 / sha.len().max(1)),
        bytes: 1234,
        dataset: Dataset::CswwHeadline,
        publisher: "Department for Education".into(),
        release: format!("Children's social work workforce, {first} to {last}"),
        first_year: year(first),
        last_year: year(last),
        rows,
        warnings: vec!["column \"x\" is unknown".into()],
        renamed: vec![("social_worker_fte".into(), "inpost_fte".into())],
        imported_at: "2026-11-25T10:00:00Z".into(),
    }
}

fn import(store: &dyn Store, sha: &str, years: &[u16], inpost: f64, name: &str) -> ImportOutcome {
    let first = *years.iter().min().expect("at least one year");
    let last = *years.iter().max().expect("at least one year");
    store
        .import_batch(
            &provenance(sha, first, last, years.len() as u64),
            &geographies(name),
            &rows(years, inpost),
        )
        .expect("conformance import succeeds")
}

pub fn an_empty_store_has_nothing_and_generation_zero(store: &dyn Store) {
    assert_eq!(store.generation().unwrap(), 0);
    assert!(store.imports().unwrap().is_empty());
    assert!(store.geographies().unwrap().is_empty());
    assert!(
        store
            .current_rows(Dataset::CswwHeadline)
            .unwrap()
            .is_empty()
    );
}

pub fn an_import_stores_rows_symbols_geographies_and_provenance(store: &dyn Store) {
    let out = import(
        store,
        "a",
        &[2021, 2022],
        100.0,
        "Bournemouth, Christchurch and Poole",
    );
    let ImportOutcome::Imported {
        import,
        cells,
        superseded,
        outranked,
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!((cells, superseded, outranked), (8, 0, 0));
    assert_eq!(import.provenance, provenance("a", 2021, 2022, 2));
    let rows = store.current_rows(Dataset::CswwHeadline).unwrap();
    assert_eq!(rows, self::rows(&[2021, 2022], 100.0));
    assert_eq!(
        rows[0].cell("working_days_lost_fte"),
        Some(Cell::Symbol(EesSymbol::C))
    );
    let mut geos = store.geographies().unwrap();
    geos.sort_by(|a, b| a.code.cmp(&b.code));
    let mut expected = geographies("Bournemouth, Christchurch and Poole");
    expected.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(geos, expected);
    assert!(store.generation().unwrap() > 0);
    assert_eq!(store.imports().unwrap(), vec![import]);
}

pub fn reimporting_the_same_file_changes_nothing(store: &dyn Store) {
    import(store, "a", &[2021, 2022], 100.0, "BCP");
    let generation = store.generation().unwrap();
    let before = store.current_rows(Dataset::CswwHeadline).unwrap();
    let again = import(store, "a", &[2021, 2022], 100.0, "BCP");
    assert!(
        matches!(again, ImportOutcome::AlreadyImported { .. }),
        "{again:?}"
    );
    assert_eq!(store.generation().unwrap(), generation);
    assert_eq!(store.current_rows(Dataset::CswwHeadline).unwrap(), before);
    assert_eq!(store.imports().unwrap().len(), 1);
}

pub fn a_later_release_wins_and_the_earlier_stays_as_a_vintage(store: &dyn Store) {
    import(store, "a", &[2021, 2022], 100.0, "BCP");
    let out = import(store, "b", &[2022, 2023], 200.0, "BCP");
    let ImportOutcome::Imported {
        superseded,
        outranked,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        (superseded, outranked),
        (4, 0),
        "the 2022 cells of the first release"
    );
    let rows = store.current_rows(Dataset::CswwHeadline).unwrap();
    let by_year = |y: u16| {
        rows.iter()
            .find(|r| r.year.get() == y)
            .unwrap()
            .value("inpost_fte")
    };
    assert_eq!(by_year(2021), Some(121.0));
    assert_eq!(by_year(2022), Some(222.0));
    assert_eq!(by_year(2023), Some(223.0));
    let vintages = store.vintages(&code("E06000058"), "inpost_fte").unwrap();
    let v2022: Vec<_> = vintages.iter().filter(|v| v.year.get() == 2022).collect();
    assert_eq!(v2022.len(), 2);
    assert_eq!(v2022.iter().filter(|v| v.current).count(), 1);
    assert!(
        v2022
            .iter()
            .any(|v| !v.current && v.cell == Cell::Value(122.0))
    );
}

pub fn an_older_release_imported_later_does_not_win(store: &dyn Store) {
    import(
        store,
        "b",
        &[2022, 2023],
        200.0,
        "Bournemouth, Christchurch and Poole",
    );
    let out = import(store, "a", &[2021, 2022], 100.0, "BCP (old name)");
    let ImportOutcome::Imported {
        superseded,
        outranked,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!((superseded, outranked), (0, 4));
    let rows = store.current_rows(Dataset::CswwHeadline).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows.iter()
            .find(|r| r.year.get() == 2022)
            .unwrap()
            .value("inpost_fte"),
        Some(222.0)
    );
    let bcp = store
        .geographies()
        .unwrap()
        .into_iter()
        .find(|g| g.code.as_str() == "E06000058")
        .unwrap();
    assert_eq!(
        bcp.name, "Bournemouth, Christchurch and Poole",
        "the later release's name is kept"
    );
}

pub fn a_failing_import_writes_nothing(store: &dyn Store) {
    import(store, "a", &[2021], 100.0, "BCP");
    let generation = store.generation().unwrap();
    let mut bad_rows = rows(&[2022], 100.0);
    // A row for a place the batch does not name cannot be stored: the whole batch fails.
    bad_rows.push(Row::new(
        Dataset::CswwHeadline,
        code("E06000099"),
        year(2022),
        "",
    ));
    bad_rows[1].set(Measure::named("inpost_fte").unwrap(), Cell::Value(1.0));
    let result = store.import_batch(
        &provenance("c", 2022, 2022, 2),
        &geographies("Renamed"),
        &bad_rows,
    );
    assert!(result.is_err(), "{result:?}");
    assert_eq!(store.generation().unwrap(), generation);
    assert_eq!(store.imports().unwrap().len(), 1);
    assert_eq!(store.current_rows(Dataset::CswwHeadline).unwrap().len(), 1);
    assert!(
        store
            .geographies()
            .unwrap()
            .iter()
            .all(|g| g.name != "Renamed")
    );
}

pub fn breakdowns_are_kept_apart(store: &dyn Store) {
    let m = |n: &str| Measure::named(n).unwrap();
    let mut rows = Vec::new();
    for (role, n) in [("Case holder", 10.0), ("Senior manager", 2.0)] {
        let mut r = Row::new(
            Dataset::CswwRoleByEthnicity,
            code("E06000058"),
            year(2022),
            role,
        );
        r.set(m("known_headcount"), Cell::Value(n));
        r.set(m("white_perc"), Cell::Value(0.5));
        rows.push(r);
    }
    let mut p = provenance("e", 2022, 2022, 2);
    p.dataset = Dataset::CswwRoleByEthnicity;
    store.import_batch(&p, &geographies("BCP"), &rows).unwrap();
    let got = store.current_rows(Dataset::CswwRoleByEthnicity).unwrap();
    assert_eq!(got, rows);
    assert!(
        store
            .current_rows(Dataset::CswwHeadline)
            .unwrap()
            .is_empty()
    );
}

pub fn scenarios_are_saved_listed_and_found_by_id(store: &dyn Store) {
    use crate::NewScenario;
    assert!(store.scenarios().unwrap().is_empty());
    let new = NewScenario {
        name: "More Frontline",
        geography_code: "E92000001",
        query: "years=10&frontline_places=300",
        toml: "[train]\n",
        created_at: "2026-11-25T10:00:00Z",
    };
    let a = store.save_scenario(&new).unwrap();
    let b = store
        .save_scenario(&NewScenario {
            name: "Retain",
            ..new.clone()
        })
        .unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(a.name, "More Frontline");
    assert_eq!(a.query, "years=10&frontline_places=300");
    assert_eq!(store.scenario(a.id).unwrap(), Some(a.clone()));
    assert_eq!(store.scenario(9999).unwrap(), None);
    let all = store.scenarios().unwrap();
    assert_eq!(all, vec![b, a], "newest first");
    // Saving a scenario does not change the statistics' generation.
    assert_eq!(store.generation().unwrap(), 0);
}

fn census_return(
    sha: &str,
    workers: u32,
) -> (
    crate::CensusReturn,
    Vec<swforce_domain::census::CensusWorker>,
) {
    use swforce_domain::census::{CensusHeader, CensusWorker, LaVacancies, SweNumber};
    let ws: Vec<CensusWorker> = (1..=workers)
        .map(|r| {
            let mut w = CensusWorker::new(
                r,
                r % 5 == 0,
                SweNumber::parse(&format!("AB{r:010}")).expect("well formed"),
            );
            w.fte = Some(0.8);
            w.birth_date = swforce_domain::Date::parse("1980-01-31").ok();
            w.qual_inst.push("University of Kent".into());
            w
        })
        .collect();
    let c = crate::CensusReturn {
        id: 0,
        la_code: "E06000058".into(),
        year: 2022,
        file_name: "return.xml".into(),
        sha256: sha.repeat(64 / sha.len().max(1)),
        workers,
        header: CensusHeader {
            year: Some(2022),
            lea: OldLaCode::parse("839").ok(),
            ..CensusHeader::default()
        },
        vacancies: LaVacancies {
            vacancies_fte: 12.5,
            agency_cover_fte: 3.0,
            agency_cover_headcount: 3,
        },
        imported_at: "2026-11-25T10:00:00Z".into(),
    };
    (c, ws)
}

pub fn a_census_return_is_stored_whole_replaced_by_a_new_file_and_kept_by_the_same(
    store: &dyn Store,
) {
    use crate::CensusOutcome;
    let (c, ws) = census_return("a", 25);
    let out = store.import_census(&c, &ws).unwrap();
    assert!(
        matches!(
            out,
            CensusOutcome::Imported {
                replaced: false,
                ..
            }
        ),
        "{out:?}"
    );
    let (stored, workers) = store.census_return("E06000058", 2022).unwrap().unwrap();
    assert_eq!(workers, ws, "every field of every record comes back");
    assert_eq!(stored.vacancies, c.vacancies);
    assert_eq!(stored.header, c.header);
    let again = store.import_census(&c, &ws).unwrap();
    assert!(matches!(again, CensusOutcome::AlreadyImported { .. }));
    let (c2, ws2) = census_return("b", 10);
    let out = store.import_census(&c2, &ws2).unwrap();
    assert!(matches!(
        out,
        CensusOutcome::Imported { replaced: true, .. }
    ));
    assert_eq!(
        store
            .census_return("E06000058", 2022)
            .unwrap()
            .unwrap()
            .1
            .len(),
        10
    );
    assert_eq!(store.census_returns().unwrap().len(), 1);
    assert!(store.census_return("E06000058", 2021).unwrap().is_none());
    assert_eq!(
        store.generation().unwrap(),
        0,
        "census records are not published statistics"
    );
}

/// Declares one `#[test]` per behaviour, each on a fresh store made by `$fresh` (an expression
/// of type `Box<dyn Store>`), so a failure names the behaviour that broke.
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:expr) => {
        $crate::conformance_tests!(@each $fresh;
            an_empty_store_has_nothing_and_generation_zero,
            an_import_stores_rows_symbols_geographies_and_provenance,
            reimporting_the_same_file_changes_nothing,
            a_later_release_wins_and_the_earlier_stays_as_a_vintage,
            an_older_release_imported_later_does_not_win,
            a_failing_import_writes_nothing,
            breakdowns_are_kept_apart,
            scenarios_are_saved_listed_and_found_by_id,
            a_census_return_is_stored_whole_replaced_by_a_new_file_and_kept_by_the_same,
        );
    };
    (@each $fresh:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let store: Box<dyn $crate::Store> = $fresh;
                $crate::conformance::$name(store.as_ref());
            }
        )*
    };
}
