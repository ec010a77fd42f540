//! Census returns.

use crate::Store;
use swforce_domain::OldLaCode;

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
