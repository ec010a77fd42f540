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

fn audit_line(action: &str, detail: &str) -> crate::AuditEvent {
    crate::AuditEvent {
        id: 0,
        at: "2026-11-25T10:00:00Z".into(),
        org_id: None,
        user_id: None,
        actor: "swforce command line".into(),
        action: action.into(),
        target: "the file".into(),
        detail: detail.into(),
        ip: String::new(),
    }
}

/// A statistics import or a census import and its audit line are one transaction: a failure
/// between the change and its line (here, a panic while the line is made, after every row is
/// written) leaves neither; otherwise both are there, the line saying what the change did.
pub fn an_import_and_its_audit_line_commit_together(store: &dyn Store) {
    use crate::{CensusOutcome, ImportOutcome};
    use std::panic::{AssertUnwindSafe, catch_unwind};
    let p = super::provenance("audited", 2021, 2022, 2);
    let (g, r) = (
        super::geographies("Bournemouth"),
        super::rows(&[2021, 2022], 100.0),
    );
    let crashed = catch_unwind(AssertUnwindSafe(|| {
        store.import_batch_audited(&p, &g, &r, Some(&|_: &ImportOutcome| panic!("crash")))
    }));
    assert!(crashed.is_err());
    assert!(
        store.imports().unwrap().is_empty(),
        "no import without its line"
    );
    assert!(
        store.audit(None, 10).unwrap().is_empty(),
        "no line without its import"
    );
    let (c, ws) = census_return("a", 5);
    let crashed = catch_unwind(AssertUnwindSafe(|| {
        store.import_census_audited(&c, &ws, Some(&|_: &CensusOutcome| panic!("crash")))
    }));
    assert!(crashed.is_err());
    assert!(store.census_returns().unwrap().is_empty());
    assert!(store.audit(None, 10).unwrap().is_empty());

    let line = |o: &ImportOutcome| {
        audit_line(
            "import_statistics",
            match o {
                ImportOutcome::Imported { .. } => "imported",
                ImportOutcome::AlreadyImported { .. } => "already on record",
            },
        )
    };
    store.import_batch_audited(&p, &g, &r, Some(&line)).unwrap();
    store.import_batch_audited(&p, &g, &r, Some(&line)).unwrap();
    let census_line = |o: &CensusOutcome| {
        audit_line(
            "import_census",
            match o {
                CensusOutcome::Imported { .. } => "imported",
                CensusOutcome::AlreadyImported { .. } => "already on record",
            },
        )
    };
    store
        .import_census_audited(&c, &ws, Some(&census_line))
        .unwrap();
    assert_eq!(store.imports().unwrap().len(), 1);
    assert_eq!(store.census_returns().unwrap().len(), 1);
    let lines: Vec<(String, String)> = store
        .audit(None, 10)
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| (e.action, e.detail))
        .collect();
    let pair = |a: &str, d: &str| (a.to_string(), d.to_string());
    assert_eq!(
        lines,
        [
            pair("import_statistics", "imported"),
            pair("import_statistics", "already on record"),
            pair("import_census", "imported"),
        ]
    );
}
