//! Statistics: imports, releases that revise each other, vintages and breakdowns.

use super::{code, geographies, import, provenance, rows, year};
use crate::{ImportOutcome, Store};
use swforce_domain::{Cell, Dataset, EesSymbol, Measure, Row};

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
        changed,
        outranked,
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!((cells, superseded, changed, outranked), (8, 0, 0, 0));
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
        changed,
        outranked,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        (superseded, changed, outranked),
        (4, 1, 0),
        "the 2022 cells of the first release, of which only the figure in post is new"
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

pub fn a_release_repeating_the_figures_replaces_them_without_changing_any(store: &dyn Store) {
    import(store, "a", &[2021, 2022], 100.0, "BCP");
    // The same figures in another file (another order or layout: other bytes).
    let out = import(store, "c", &[2021, 2022], 100.0, "BCP");
    let ImportOutcome::Imported {
        superseded,
        changed,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!((superseded, changed), (8, 0));
}
