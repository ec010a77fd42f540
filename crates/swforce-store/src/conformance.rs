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
    assert!(store.scenarios(None).unwrap().is_empty());
    let new = NewScenario {
        name: "More Frontline",
        geography_code: "E92000001",
        query: "years=10&frontline_places=300",
        toml: "[train]\n",
        created_at: "2026-11-25T10:00:00Z",
        org_id: None,
        user_id: None,
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
    let all = store.scenarios(None).unwrap();
    assert_eq!(all, vec![b.clone(), a.clone()], "newest first");
    // An organisation's scenarios are its own; everyone's are seen by all.
    let org = organisation(store, "Kent County Council", Some("E10000016"));
    let other = organisation(store, "Surrey County Council", Some("E10000030"));
    let own = store
        .save_scenario(&NewScenario {
            name: "Kent only",
            org_id: Some(org.id),
            ..new.clone()
        })
        .unwrap();
    assert_eq!(own.org_id, Some(org.id));
    assert_eq!(
        store.scenarios(Some(org.id)).unwrap(),
        vec![own, b.clone(), a.clone()]
    );
    assert_eq!(
        store.scenarios(Some(other.id)).unwrap(),
        vec![b.clone(), a.clone()]
    );
    assert_eq!(store.scenarios(None).unwrap(), vec![b, a]);
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

fn organisation(store: &dyn Store, name: &str, la: Option<&str>) -> crate::Organisation {
    store
        .create_organisation(&crate::NewOrganisation {
            name,
            kind: swforce_domain::access::OrgKind::LocalAuthority,
            la_code: la,
            email_domain: None,
            created_at: "2026-11-25T10:00:00Z",
        })
        .unwrap()
}

fn person(store: &dyn Store, org: i64, email: &str) -> crate::User {
    use swforce_domain::access::Role;
    store
        .create_user(&crate::NewUser {
            org_id: org,
            team_id: None,
            email,
            name: "Sam Patel",
            roles: &[Role::SocialWorker, Role::TeamManager],
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
            created_at: "2026-11-25T10:00:00Z",
        })
        .unwrap()
}

pub fn organisations_and_teams_are_unique_and_found(store: &dyn Store) {
    use crate::{SsoConfig, StoreError};
    assert!(store.organisations().unwrap().is_empty());
    let kent = organisation(store, "Kent County Council", Some("E10000016"));
    assert_eq!(kent.la_code.as_deref(), Some("E10000016"));
    assert_eq!(store.organisation(kent.id).unwrap(), Some(kent.clone()));
    assert_eq!(store.organisation(kent.id + 100).unwrap(), None);
    let again = store.create_organisation(&crate::NewOrganisation {
        name: "Kent County Council",
        kind: swforce_domain::access::OrgKind::Campaign,
        la_code: None,
        email_domain: None,
        created_at: "2026-11-25T10:00:00Z",
    });
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let twice_la = store.create_organisation(&crate::NewOrganisation {
        name: "Kent Children's Trust",
        kind: swforce_domain::access::OrgKind::ChildrensTrust,
        la_code: Some("E10000016"),
        email_domain: None,
        created_at: "2026-11-25T10:00:00Z",
    });
    assert!(
        matches!(twice_la, Err(StoreError::Conflict(_))),
        "one organisation per authority"
    );
    let sso = SsoConfig {
        issuer: "https://login.example/tenant/v2.0".into(),
        client_id: "swforce".into(),
        client_secret: "s3cret".into(),
    };
    store
        .set_sso(kent.id, Some(&sso), Some("Kent.gov.uk"))
        .unwrap();
    let found = store
        .organisation_by_domain("kent.gov.uk")
        .unwrap()
        .unwrap();
    assert_eq!(found.id, kent.id);
    assert_eq!(found.sso, Some(sso));
    assert_eq!(
        found.email_domain.as_deref(),
        Some("kent.gov.uk"),
        "domains are kept in lower case"
    );
    assert!(
        !format!("{found:?}").contains("s3cret"),
        "the client secret is not printed"
    );
    let surrey = organisation(store, "Surrey County Council", None);
    assert!(matches!(
        store.set_sso(surrey.id, None, Some("kent.gov.uk")),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .organisations()
            .unwrap()
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["Kent County Council", "Surrey County Council"]
    );
    let a = store.create_team(kent.id, "Assessment").unwrap();
    store.create_team(surrey.id, "Assessment").unwrap();
    assert!(matches!(
        store.create_team(kent.id, "Assessment"),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.teams(kent.id).unwrap(), vec![a]);
}

pub fn users_are_unique_by_email_in_any_case_and_updated_whole(store: &dyn Store) {
    use crate::{StoreError, UserStatus};
    use swforce_domain::access::Role;
    let kent = organisation(store, "Kent County Council", None);
    let surrey = organisation(store, "Surrey County Council", None);
    assert_eq!(store.count_users().unwrap(), 0);
    let sam = person(store, kent.id, "Sam.Patel@Kent.gov.uk");
    assert_eq!(sam.email, "sam.patel@kent.gov.uk");
    assert_eq!(sam.roles, [Role::SocialWorker, Role::TeamManager]);
    assert_eq!(sam.status, UserStatus::Active);
    assert_eq!(sam.failed_sign_ins, 0);
    let dup = store.create_user(&crate::NewUser {
        org_id: surrey.id,
        team_id: None,
        email: "SAM.PATEL@kent.gov.uk",
        name: "Other",
        roles: &[],
        password_hash: None,
        created_at: "2026-11-25T10:00:00Z",
    });
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    assert_eq!(
        store.user_by_email(" sam.PATEL@kent.gov.uk ").unwrap(),
        Some(sam.clone())
    );
    assert_eq!(store.user(sam.id).unwrap(), Some(sam.clone()));
    assert_eq!(store.user(sam.id + 100).unwrap(), None);
    person(store, surrey.id, "jo@surrey.gov.uk");
    assert_eq!(store.users(kent.id).unwrap(), vec![sam.clone()]);
    assert_eq!(store.count_users().unwrap(), 2);
    let team = store.create_team(kent.id, "Fostering").unwrap();
    let changed = crate::User {
        team_id: Some(team.id),
        name: "Sam Patel-Jones".into(),
        roles: vec![Role::OrgAdmin],
        password_hash: None,
        status: UserStatus::Locked,
        failed_sign_ins: 3,
        locked_until: Some("2026-11-25T10:15:00Z".into()),
        last_sign_in: Some("2026-11-25T10:01:00Z".into()),
        ..sam.clone()
    };
    store.update_user(&changed).unwrap();
    assert_eq!(store.user(sam.id).unwrap(), Some(changed.clone()));
    // The address changes too (in lower case), but never to one another account has.
    let moved = crate::User {
        email: "Sam.Jones@kent.gov.uk".into(),
        ..changed.clone()
    };
    store.update_user(&moved).unwrap();
    assert_eq!(
        store.user(sam.id).unwrap().unwrap().email,
        "sam.jones@kent.gov.uk"
    );
    let taken = crate::User {
        email: "jo@surrey.gov.uk".into(),
        ..changed
    };
    assert!(matches!(
        store.update_user(&taken),
        Err(crate::StoreError::Conflict(_))
    ));
}

pub fn sessions_expire_and_sign_out_everywhere_ends_them_all(store: &dyn Store) {
    use crate::Session;
    let kent = organisation(store, "Kent County Council", None);
    let sam = person(store, kent.id, "sam@kent.gov.uk");
    let jo = person(store, kent.id, "jo@kent.gov.uk");
    let s = |id: &str, user: i64| Session {
        id_hash: id.into(),
        user_id: user,
        csrf_token: format!("csrf-{id}"),
        created_at: "2026-11-25T10:00:00Z".into(),
        expires_at: "2026-11-25T18:00:00Z".into(),
    };
    for (id, u) in [("a", sam.id), ("b", sam.id), ("c", jo.id)] {
        store.create_session(&s(id, u)).unwrap();
    }
    assert_eq!(
        store.session("a", "2026-11-25T12:00:00Z").unwrap(),
        Some(s("a", sam.id))
    );
    assert_eq!(
        store.session("a", "2026-11-25T18:00:00Z").unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.session("zz", "2026-11-25T12:00:00Z").unwrap(), None);
    store.delete_session("a").unwrap();
    assert_eq!(store.session("a", "2026-11-25T12:00:00Z").unwrap(), None);
    store.create_session(&s("d", sam.id)).unwrap();
    assert_eq!(store.delete_sessions_of(sam.id).unwrap(), 2);
    assert_eq!(store.session("b", "2026-11-25T12:00:00Z").unwrap(), None);
    assert!(
        store
            .session("c", "2026-11-25T12:00:00Z")
            .unwrap()
            .is_some(),
        "others stay signed in"
    );
}

pub fn one_time_tokens_work_once_and_only_while_live(store: &dyn Store) {
    use crate::{OneTimeToken, TokenKind};
    let kent = organisation(store, "Kent County Council", None);
    let t = OneTimeToken {
        kind: TokenKind::Invitation,
        hash: "h1".into(),
        org_id: Some(kent.id),
        user_id: None,
        email: Some("new@kent.gov.uk".into()),
        payload: r#"{"roles":["social_worker"]}"#.into(),
        expires_at: "2026-11-26T10:00:00Z".into(),
    };
    store.create_token(&t).unwrap();
    store
        .create_token(&OneTimeToken {
            hash: "h2".into(),
            ..t.clone()
        })
        .unwrap();
    assert_eq!(
        store
            .take_token(TokenKind::PasswordReset, "h1", "2026-11-25T10:00:00Z")
            .unwrap(),
        None,
        "kinds are apart"
    );
    assert_eq!(
        store
            .take_token(TokenKind::Invitation, "h2", "2026-11-26T10:00:00Z")
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store
            .take_token(TokenKind::Invitation, "h1", "2026-11-25T10:00:00Z")
            .unwrap(),
        Some(t)
    );
    assert_eq!(
        store
            .take_token(TokenKind::Invitation, "h1", "2026-11-25T10:00:01Z")
            .unwrap(),
        None,
        "used once"
    );
}

pub fn failed_sign_ins_are_counted_per_key_and_window(store: &dyn Store) {
    for at in [
        "2026-11-25T10:00:00Z",
        "2026-11-25T10:05:00Z",
        "2026-11-25T10:10:00Z",
    ] {
        store.record_failed_sign_in("sam@kent.gov.uk", at).unwrap();
    }
    store
        .record_failed_sign_in("203.0.113.9", "2026-11-25T10:10:00Z")
        .unwrap();
    assert_eq!(
        store
            .failed_sign_ins("sam@kent.gov.uk", "2026-11-25T10:00:00Z")
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .failed_sign_ins("sam@kent.gov.uk", "2026-11-25T10:05:00Z")
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .failed_sign_ins("203.0.113.9", "2026-11-25T09:00:00Z")
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .failed_sign_ins("jo@kent.gov.uk", "2026-11-25T09:00:00Z")
            .unwrap(),
        0
    );
}

pub fn api_tokens_are_scoped_to_their_owner_and_revocable(store: &dyn Store) {
    use crate::ApiToken;
    let kent = organisation(store, "Kent County Council", None);
    let sam = person(store, kent.id, "sam@kent.gov.uk");
    let jo = person(store, kent.id, "jo@kent.gov.uk");
    let new = ApiToken {
        id: 0,
        user_id: sam.id,
        name: "Power BI".into(),
        hash: "hash-a".into(),
        scopes: vec!["statistics:read".into(), "census:read".into()],
        created_at: "2026-11-25T10:00:00Z".into(),
        expires_at: "2027-02-23T10:00:00Z".into(),
        revoked_at: None,
        last_used: None,
    };
    let a = store.create_api_token(&new).unwrap();
    assert!(a.id > 0);
    assert_eq!(a.scopes, new.scopes);
    assert!(matches!(
        store.create_api_token(&ApiToken {
            user_id: jo.id,
            ..new.clone()
        }),
        Err(crate::StoreError::Conflict(_))
    ));
    assert_eq!(store.api_token_by_hash("hash-a").unwrap(), Some(a.clone()));
    assert_eq!(store.api_token_by_hash("nope").unwrap(), None);
    assert_eq!(store.api_tokens(sam.id).unwrap(), vec![a.clone()]);
    assert!(store.api_tokens(jo.id).unwrap().is_empty());
    store.touch_api_token(a.id, "2026-11-25T11:00:00Z").unwrap();
    assert!(
        !store
            .revoke_api_token(jo.id, a.id, "2026-11-25T12:00:00Z")
            .unwrap(),
        "not jo's to revoke"
    );
    assert!(
        store
            .revoke_api_token(sam.id, a.id, "2026-11-25T12:00:00Z")
            .unwrap()
    );
    assert!(
        store
            .revoke_api_token(sam.id, a.id, "2026-11-25T13:00:00Z")
            .unwrap()
    );
    let after = store.api_token_by_hash("hash-a").unwrap().unwrap();
    assert_eq!(
        after.revoked_at.as_deref(),
        Some("2026-11-25T12:00:00Z"),
        "the first revocation stands"
    );
    assert_eq!(after.last_used.as_deref(), Some("2026-11-25T11:00:00Z"));
}

/// A provider's subject links to one account once, per issuer; an organisation's verified
/// domain is replaced, never added to.
pub fn sign_on_identities_link_once_and_domains_are_verified_per_organisation(store: &dyn Store) {
    let org = organisation(store, "Linked Council", None);
    let sam = person(store, org.id, "sam@linked.example");
    let kim = person(store, org.id, "kim@linked.example");
    let issuer = "https://login.example/tenant";
    assert_eq!(store.sso_user(issuer, "sub-1").unwrap(), None);
    store
        .link_sso(issuer, "sub-1", sam.id, "2026-01-01T00:00:00Z")
        .unwrap();
    assert_eq!(store.sso_user(issuer, "sub-1").unwrap(), Some(sam.id));
    assert_eq!(
        store.sso_subject(issuer, sam.id).unwrap().as_deref(),
        Some("sub-1")
    );
    assert_eq!(
        store.sso_subject("https://other.example", sam.id).unwrap(),
        None
    );
    assert!(matches!(
        store.link_sso(issuer, "sub-1", kim.id, "2026-01-01T00:00:00Z"),
        Err(crate::StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.link_sso(issuer, "sub-2", sam.id, "2026-01-01T00:00:00Z"),
        Err(crate::StoreError::Conflict(_))
    ));
    store
        .link_sso(
            "https://other.example",
            "sub-1",
            kim.id,
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
    assert_eq!(store.verified_domain(org.id).unwrap(), None);
    store
        .set_verified_domain(org.id, "linked.example", "2026-02-01T00:00:00Z", "admin@x")
        .unwrap();
    store
        .set_verified_domain(org.id, "linked.gov.uk", "2026-03-01T00:00:00Z", "admin@x")
        .unwrap();
    assert_eq!(
        store.verified_domain(org.id).unwrap(),
        Some(("linked.gov.uk".into(), "2026-03-01T00:00:00Z".into()))
    );
    store.forget_verified_domain(org.id).unwrap();
    assert_eq!(store.verified_domain(org.id).unwrap(), None);
}

/// The first secret kept under a name is the one every later caller gets, whatever fresh one
/// it offers; older links may name only the records made before opaque ids (none, in a store
/// made empty), however many are made after.
pub fn a_site_secret_is_made_once_and_older_ids_are_fixed_when_the_store_is_made(
    store: &dyn Store,
) {
    let first = store.site_secret("public_ids", "first").unwrap();
    assert_eq!(first, "first");
    assert_eq!(store.site_secret("public_ids", "second").unwrap(), "first");
    assert_eq!(store.site_secret("other", "third").unwrap(), "third");
    let before = store.legacy_ids().unwrap();
    let kinds: Vec<&str> = before.iter().map(|(k, _)| k.as_str()).collect();
    for kind in [
        "organisation",
        "person",
        "team",
        "scenario",
        "token",
        "example",
        "form",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert!(before.iter().all(|(_, n)| *n == 0), "{before:?}");
    organisation(store, "Later Council", None);
    assert_eq!(store.legacy_ids().unwrap(), before);
}

pub fn the_audit_log_is_append_only_newest_first_and_per_organisation(store: &dyn Store) {
    use crate::AuditEvent;
    let kent = organisation(store, "Kent County Council", None);
    let surrey = organisation(store, "Surrey County Council", None);
    let e = |org: Option<i64>, action: &str| AuditEvent {
        id: 0,
        at: "2026-11-25T10:00:00Z".into(),
        org_id: org,
        user_id: None,
        actor: "sam@kent.gov.uk".into(),
        action: action.into(),
        target: "census E10000016 2022".into(),
        detail: String::new(),
        ip: "203.0.113.9".into(),
    };
    store.append_audit(&e(Some(kent.id), "sign_in")).unwrap();
    store.append_audit(&e(Some(surrey.id), "sign_in")).unwrap();
    store.append_audit(&e(Some(kent.id), "export")).unwrap();
    store.append_audit(&e(None, "sign_in_failed")).unwrap();
    let k = store.audit(Some(kent.id), 100).unwrap();
    assert_eq!(
        k.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["export", "sign_in"]
    );
    assert!(k[0].id > k[1].id);
    assert_eq!(k[0].target, "census E10000016 2022");
    assert_eq!(store.audit(None, 100).unwrap().len(), 4);
    assert_eq!(store.audit(None, 2).unwrap().len(), 2);
}

/// Declares one `#[test]` per behaviour, each on a fresh store made by `$fresh` (an expression
/// of type `Box<dyn Store>`), so a failure names the behaviour that broke.
///
/// For a backend that needs a server, `conformance_tests!(optional $fresh)` takes an expression
/// of type `Option<Box<dyn Store>>` instead: where it is `None` (no server to test against) the
/// test returns at once, and `$fresh` is the place to say so or to fail.
#[macro_export]
macro_rules! conformance_tests {
    (optional $fresh:expr) => {
        $crate::conformance_tests!(@list optional $fresh);
    };
    ($fresh:expr) => {
        $crate::conformance_tests!(@list required $fresh);
    };
    (@list $mode:ident $fresh:expr) => {
        $crate::conformance_tests!(@each $mode $fresh;
            an_empty_store_has_nothing_and_generation_zero,
            an_import_stores_rows_symbols_geographies_and_provenance,
            reimporting_the_same_file_changes_nothing,
            a_later_release_wins_and_the_earlier_stays_as_a_vintage,
            an_older_release_imported_later_does_not_win,
            a_failing_import_writes_nothing,
            breakdowns_are_kept_apart,
            scenarios_are_saved_listed_and_found_by_id,
            a_census_return_is_stored_whole_replaced_by_a_new_file_and_kept_by_the_same,
            organisations_and_teams_are_unique_and_found,
            users_are_unique_by_email_in_any_case_and_updated_whole,
            sessions_expire_and_sign_out_everywhere_ends_them_all,
            one_time_tokens_work_once_and_only_while_live,
            failed_sign_ins_are_counted_per_key_and_window,
            api_tokens_are_scoped_to_their_owner_and_revocable,
            a_site_secret_is_made_once_and_older_ids_are_fixed_when_the_store_is_made,
            sign_on_identities_link_once_and_domains_are_verified_per_organisation,
            the_audit_log_is_append_only_newest_first_and_per_organisation,
            agency_engagements_caps_and_costs_are_kept_per_organisation,
            examples_are_stored_whole_found_by_status_and_author_and_refused_twice,
            published_examples_are_searched_filtered_and_sorted_the_same_way,
            forms_responses_and_pages_are_kept_until_their_day,
            diaries_are_kept_per_person_and_summed_for_any_period_without_reading_them,
            a_closed_week_is_released_once_and_later_changes_only_in_batches_of_five,
        );
    };
    (@each required $fresh:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let store: Box<dyn $crate::Store> = $fresh;
                $crate::conformance::$name(store.as_ref());
            }
        )*
    };
    (@each optional $fresh:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let store: Option<Box<dyn $crate::Store>> = $fresh;
                let Some(store) = store else {
                    return;
                };
                $crate::conformance::$name(store.as_ref());
            }
        )*
    };
}

fn engagement(reference: &str, swe: &str) -> swforce_domain::agency::Engagement {
    use swforce_domain::agency::{Charge, Engagement, JobType, Pence};
    let date = |s: &str| swforce_domain::Date::parse(s).expect("conformance dates are valid");
    Engagement {
        reference: reference.into(),
        swe: swe.into(),
        agency: "Brightwork Social Care".into(),
        la_code: "E10000016".into(),
        job_type: JobType::CaseHolder,
        start: date("2025-03-03"),
        end: None,
        hours_per_week: Some(37.0),
        charge: Charge {
            pay: Some(Pence(4500)),
            employer_ni: Some(Pence(520)),
            apprenticeship_levy: Some(Pence(22)),
            agency_margin: None,
        },
        qualified: Some(date("2018-07-01")),
        pqe_years: Some(6.5),
        previous_employer: Some("none".into()),
        previous_la_code: None,
        previous_region: None,
        left_on: None,
        leaving: None,
        practice_reference: Some(true),
        notice_weeks: Some(4.0),
        council_notice_weeks: None,
        project_team: Some("Project A".into()),
        dcs_signoff: None,
        ceo_signoff: None,
    }
}

pub fn agency_engagements_caps_and_costs_are_kept_per_organisation(store: &dyn Store) {
    use crate::UpsertOutcome;
    use swforce_domain::agency::{JobType, Pence, PriceCap};
    let kent = organisation(store, "Kent County Council", Some("E10000016"));
    let surrey = organisation(store, "Surrey County Council", Some("E10000030"));
    let at = "2026-11-25T10:00:00Z";
    let a = engagement("KCC-1", "SW100001");
    let b = engagement("KCC-2", "SW100002");
    assert_eq!(
        store
            .upsert_engagements(kent.id, &[a.clone(), b.clone()], at)
            .unwrap(),
        UpsertOutcome {
            added: 2,
            updated: 0,
            unchanged: 0
        }
    );
    // The same batch again changes nothing; a changed one is replaced, matched by reference.
    let mut b2 = b.clone();
    b2.notice_weeks = Some(2.0);
    assert_eq!(
        store
            .upsert_engagements(kent.id, &[a.clone(), b2.clone()], "2026-11-26T10:00:00Z")
            .unwrap(),
        UpsertOutcome {
            added: 0,
            updated: 1,
            unchanged: 1
        }
    );
    let kept = store.engagements(kent.id).unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].engagement, a, "whole, optional fields and all");
    assert_eq!(kept[1].engagement, b2);
    assert_eq!(kept[1].created_at, at);
    assert_eq!(kept[1].updated_at, "2026-11-26T10:00:00Z");
    // Another organisation sees none of them and may use the same reference.
    assert!(store.engagements(surrey.id).unwrap().is_empty());
    assert_eq!(store.engagement(surrey.id, kept[0].id).unwrap(), None);
    assert_eq!(
        store
            .upsert_engagements(surrey.id, std::slice::from_ref(&a), at)
            .unwrap()
            .added,
        1
    );
    assert_eq!(
        store.engagement(kent.id, kept[0].id).unwrap().as_ref(),
        Some(&kept[0])
    );
    assert!(
        !store.delete_engagement(surrey.id, kept[0].id).unwrap(),
        "not Surrey's to delete"
    );
    assert!(store.delete_engagement(kent.id, kept[0].id).unwrap());
    assert_eq!(store.engagements(kent.id).unwrap().len(), 1);

    let date = |s: &str| swforce_domain::Date::parse(s).expect("valid");
    let cap = |from: &str, pence: i64| PriceCap {
        region: "E12000008".into(),
        job_type: JobType::CaseHolder,
        from: date(from),
        hourly: Pence(pence),
    };
    store
        .set_price_cap(&cap("2024-10-31", 5500), "analyst@se.test", at)
        .unwrap();
    store
        .set_price_cap(&cap("2025-04-01", 5600), "analyst@se.test", at)
        .unwrap();
    store
        .set_price_cap(&cap("2025-04-01", 5700), "lead@se.test", at)
        .unwrap();
    let caps = store.price_caps().unwrap();
    assert_eq!(caps.len(), 2, "one cap per region, job type and date");
    assert_eq!(caps[1].cap, cap("2025-04-01", 5700));
    assert_eq!(caps[1].set_by, "lead@se.test");
    assert!(
        store
            .delete_price_cap("E12000008", JobType::CaseHolder, date("2024-10-31"))
            .unwrap()
    );
    assert!(
        !store
            .delete_price_cap("E12000008", JobType::CaseHolder, date("2024-10-31"))
            .unwrap()
    );
    assert_eq!(store.price_caps().unwrap().len(), 1);

    store
        .set_permanent_cost(kent.id, JobType::CaseHolder, Some(Pence(3850)))
        .unwrap();
    store
        .set_permanent_cost(kent.id, JobType::TeamManager, Some(Pence(4700)))
        .unwrap();
    store
        .set_permanent_cost(kent.id, JobType::CaseHolder, Some(Pence(3900)))
        .unwrap();
    assert_eq!(
        store.permanent_costs(kent.id).unwrap(),
        vec![
            (JobType::CaseHolder, Pence(3900)),
            (JobType::TeamManager, Pence(4700))
        ]
    );
    store
        .set_permanent_cost(kent.id, JobType::TeamManager, None)
        .unwrap();
    assert_eq!(store.permanent_costs(kent.id).unwrap().len(), 1);
    assert!(store.permanent_costs(surrey.id).unwrap().is_empty());
}

fn example(title: &str, problem: &str, change: &str) -> swforce_domain::exchange::Example {
    use swforce_domain::exchange::{Example, Setting, Status};
    Example {
        id: 0,
        status: Status::Draft,
        title: title.into(),
        problem: problem.into(),
        change: change.into(),
        setting: Setting::ChildrenAndFamilies,
        org_kind: Some(swforce_domain::access::OrgKind::LocalAuthority),
        region: Some("E12000008".into()),
        themes: vec!["admin-support".into()],
        hours_saved: None,
        direct_before: None,
        direct_after: None,
        contact_consent: false,
        author_user: None,
        author_name: "Sam Author".into(),
        author_email: "sam@example.org".into(),
        moderator_note: String::new(),
        fingerprint: String::new(),
        created_at: "2026-11-01T10:00:00Z".into(),
        updated_at: "2026-11-01T10:00:00Z".into(),
        published_at: None,
        helped: 0,
    }
}

fn publish(store: &dyn Store, mut e: swforce_domain::exchange::Example, at: &str) -> i64 {
    e.status = swforce_domain::exchange::Status::Published;
    e.published_at = Some(at.into());
    store.save_example(&e).unwrap().id
}

pub fn examples_are_stored_whole_found_by_status_and_author_and_refused_twice(store: &dyn Store) {
    use crate::StoreError;
    use swforce_domain::exchange::{Status, seed_themes};
    for t in seed_themes() {
        store.save_theme(&t).unwrap();
    }
    let mut retired = seed_themes()[0].clone();
    retired.active = false;
    store.save_theme(&retired).unwrap();
    let themes = store.themes().unwrap();
    assert_eq!(
        themes.len(),
        seed_themes().len(),
        "a theme is replaced by its id"
    );
    assert!(!themes.iter().find(|t| t.id == retired.id).unwrap().active);

    let org = organisation(store, "Kent County Council", Some("E10000016"));
    let author = person(store, org.id, "author@kent.test");
    let mut e = example(
        "Admin support freed a day",
        "Typing twice.",
        "A business support officer.",
    );
    e.author_user = Some(author.id);
    e.themes = vec!["admin-support".into(), "duplicate-recording".into()];
    e.hours_saved = Some(7.5);
    e.direct_before = Some(20);
    e.direct_after = Some(35);
    e.fingerprint = "f1".into();
    let saved = store.save_example(&e).unwrap();
    assert!(saved.id > 0);
    let mut expected = e.clone();
    expected.id = saved.id;
    assert_eq!(saved, expected);
    assert_eq!(
        store.example(saved.id).unwrap(),
        Some(expected.clone()),
        "whole, themes and all"
    );
    assert_eq!(store.example(saved.id + 100).unwrap(), None);
    // The same fingerprint again is refused, and nothing is written.
    let mut twice = e.clone();
    twice.title = "Another".into();
    assert!(matches!(
        store.save_example(&twice),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.examples_of(author.id).unwrap().len(), 1);
    // Replaced whole, with fewer themes.
    let mut changed = expected.clone();
    changed.status = Status::Submitted;
    changed.themes = vec!["duplicate-recording".into()];
    changed.updated_at = "2026-11-02T10:00:00Z".into();
    assert_eq!(store.save_example(&changed).unwrap(), changed);
    assert_eq!(store.example(saved.id).unwrap(), Some(changed.clone()));
    let other = store
        .save_example(&{
            let mut o = example("Guest idea", "p", "c");
            o.status = Status::Submitted;
            o.updated_at = "2026-11-01T09:00:00Z".into();
            o
        })
        .unwrap();
    let queue = store.examples_in(Status::Submitted, 10).unwrap();
    assert_eq!(
        queue.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![other.id, saved.id],
        "oldest change first"
    );
    assert_eq!(store.examples_in(Status::Submitted, 1).unwrap().len(), 1);
    assert!(store.examples_in(Status::Published, 10).unwrap().is_empty());
    // Erased whole when withdrawn.
    let mut gone = changed.clone();
    gone.erase();
    store.save_example(&gone).unwrap();
    let back = store.example(saved.id).unwrap().unwrap();
    assert!(back.author_email.is_empty() && back.title.is_empty() && back.author_user.is_none());
    assert!(store.examples_of(author.id).unwrap().is_empty());
}

pub fn published_examples_are_searched_filtered_and_sorted_the_same_way(store: &dyn Store) {
    use crate::{ExampleQuery, ExampleSort};
    use swforce_domain::exchange::{Setting, Status, seed_themes};
    for t in seed_themes() {
        store.save_theme(&t).unwrap();
    }
    let q = |text: &str| ExampleQuery {
        text: text.into(),
        limit: 20,
        ..ExampleQuery::default()
    };
    let titles = |page: crate::ExamplePage| -> Vec<String> {
        page.examples.into_iter().map(|e| e.title).collect()
    };
    let a = publish(
        store,
        example(
            "Dictation saved hours",
            "Recording took most evenings.",
            "Voice-to-text dictation on every laptop.",
        ),
        "2026-11-03T10:00:00Z",
    );
    let mut adults = example(
        "Shorter panels",
        "Funding panels met weekly for hours.",
        "Panels decide by email; recording is shared.",
    );
    adults.setting = Setting::Adults;
    adults.region = Some("E12000007".into());
    adults.themes = vec!["shorter-meetings".into()];
    adults.hours_saved = Some(2.0);
    let b = publish(store, adults, "2026-11-04T10:00:00Z");
    let mut draft = example("Dictation draft", "Recording", "dictation");
    draft.status = Status::Submitted;
    store.save_example(&draft).unwrap();

    // Words match in any case, whole or as the start of a word, and every word must match.
    assert_eq!(
        titles(store.search_examples(&q("dictation")).unwrap()),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        titles(store.search_examples(&q("DICTAT")).unwrap()),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        titles(store.search_examples(&q("evenings")).unwrap()),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        titles(store.search_examples(&q("recording")).unwrap()),
        vec!["Shorter panels", "Dictation saved hours"],
        "newest first when no order is asked for"
    );
    assert_eq!(
        titles(store.search_examples(&q("recording email")).unwrap()),
        vec!["Shorter panels"]
    );
    assert!(titles(store.search_examples(&q("recording zebra")).unwrap()).is_empty());
    assert!(
        store
            .search_examples(&q("cording"))
            .unwrap()
            .examples
            .is_empty(),
        "no matches inside words"
    );
    // Punctuation and operators are only separators.
    assert_eq!(
        titles(store.search_examples(&q("\"voice-to-text\" *")).unwrap()),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        store.search_examples(&q("")).unwrap().total,
        2,
        "drafts are never found"
    );

    // Filters.
    let filtered = |f: ExampleQuery| titles(store.search_examples(&f).unwrap());
    assert_eq!(
        filtered(ExampleQuery {
            setting: Some(Setting::Adults),
            ..q("")
        }),
        vec!["Shorter panels"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            theme: Some("admin-support".into()),
            ..q("")
        }),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            region: Some("E12000007".into()),
            ..q("")
        }),
        vec!["Shorter panels"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            measured: true,
            ..q("")
        }),
        vec!["Shorter panels"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            theme: Some("admin-support".into()),
            ..q("panels")
        }),
        Vec::<String>::new()
    );

    // Helped once per person; sorting by it and by hours.
    assert!(
        store
            .mark_helped(a, "user:1", "2026-11-05T10:00:00Z")
            .unwrap()
    );
    assert!(
        !store
            .mark_helped(a, "user:1", "2026-11-05T11:00:00Z")
            .unwrap(),
        "once per person"
    );
    assert!(
        store
            .mark_helped(a, "browser:abc", "2026-11-05T11:00:00Z")
            .unwrap()
    );
    assert_eq!(store.example(a).unwrap().unwrap().helped, 2);
    assert_eq!(
        filtered(ExampleQuery {
            sort: ExampleSort::MostHelpful,
            ..q("")
        }),
        vec!["Dictation saved hours", "Shorter panels"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            sort: ExampleSort::MostHours,
            ..q("")
        }),
        vec!["Shorter panels", "Dictation saved hours"]
    );
    // Pages of results know the total.
    let first = store
        .search_examples(&ExampleQuery { limit: 1, ..q("") })
        .unwrap();
    assert_eq!((first.examples.len(), first.total), (1, 2));
    let second = store
        .search_examples(&ExampleQuery {
            limit: 1,
            offset: 1,
            ..q("")
        })
        .unwrap();
    assert_eq!(second.examples[0].id, a);
    assert_eq!(first.examples[0].id, b);
}

pub fn forms_responses_and_pages_are_kept_until_their_day(store: &dyn Store) {
    use swforce_domain::exchange::{FeedbackForm, ResourcePage, Response};
    let form = store
        .save_form(&FeedbackForm {
            id: 0,
            title: "How much time did the new templates save?".into(),
            intro: "Tell us in a minute.".into(),
            questions: vec!["Hours saved a week?".into(), "What else would help?".into()],
            open: true,
            retention_days: 90,
            created_at: "2026-11-01T10:00:00Z".into(),
        })
        .unwrap();
    assert!(form.id > 0);
    let mut closed = form.clone();
    closed.open = false;
    store.save_form(&closed).unwrap();
    assert_eq!(store.form(form.id).unwrap(), Some(closed.clone()));
    assert_eq!(store.forms().unwrap(), vec![closed]);
    let response = |form_id: i64, email: &str, delete_on: &str| Response {
        id: 0,
        form_id,
        name: "Ann".into(),
        email: email.into(),
        answers: vec![
            "3".into(),
            "Fewer forms, please; and \"less\" duplication".into(),
        ],
        consent: "I agree".into(),
        created_at: "2026-11-02T10:00:00Z".into(),
        delete_on: delete_on.into(),
    };
    let r1 = store
        .save_response(&response(form.id, "a@example.org", "2027-01-31"))
        .unwrap();
    store
        .save_response(&response(form.id, "b@example.org", "2027-03-01"))
        .unwrap();
    store
        .save_response(&response(0, "steer@example.org", "2027-11-01"))
        .unwrap();
    let kept = store.responses(form.id).unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(
        kept[0],
        Response {
            id: r1,
            ..response(form.id, "a@example.org", "2027-01-31")
        }
    );
    assert_eq!(
        store.responses(0).unwrap().len(),
        1,
        "the steering group apart"
    );
    assert_eq!(store.purge_responses("2027-01-30").unwrap(), 0);
    assert_eq!(
        store.purge_responses("2027-01-31").unwrap(),
        1,
        "deleted on its day"
    );
    assert_eq!(store.responses(form.id).unwrap().len(), 1);

    let page = ResourcePage {
        slug: "top-tips".into(),
        title: "Top tips".into(),
        body: "1. Plan the week around families.".into(),
        updated_by: "mod@campaign.test".into(),
        updated_at: "2026-11-01T10:00:00Z".into(),
    };
    store.save_page(&page).unwrap();
    let mut edited = page.clone();
    edited.body.push_str("\n2. Ask for admin support.");
    store.save_page(&edited).unwrap();
    store
        .save_page(&ResourcePage {
            slug: "support".into(),
            title: "Support for social workers".into(),
            ..page.clone()
        })
        .unwrap();
    assert_eq!(store.page("top-tips").unwrap(), Some(edited));
    assert_eq!(store.page("nope").unwrap(), None);
    assert_eq!(
        store
            .pages()
            .unwrap()
            .iter()
            .map(|p| p.slug.as_str())
            .collect::<Vec<_>>(),
        vec!["support", "top-tips"],
        "by title"
    );
}

pub fn diaries_are_kept_per_person_and_summed_for_any_period_without_reading_them(
    store: &dyn Store,
) {
    use crate::diary::{DiaryCategory, DiaryScope, Published, StoredDiary, SyntheticPerson};
    use std::collections::BTreeMap;
    use swforce_domain::diary::{Activity, Diary, Obstacle, Week};
    let kent = organisation(store, "Kent County Council", Some("E10000016"));
    let surrey = organisation(store, "Surrey County Council", Some("E10000030"));
    let team = store.create_team(kent.id, "Child protection east").unwrap();
    // Categories: ids are kept, a label is unique within an organisation only.
    let face = store
        .save_diary_category(&DiaryCategory {
            id: 0,
            org_id: kent.id,
            label: "Direct work face to face".into(),
            activity: Activity::DirectFaceToFace,
            position: 1,
            retired: false,
        })
        .unwrap();
    let notes = store
        .save_diary_category(&DiaryCategory {
            id: 0,
            org_id: kent.id,
            label: "Case recording".into(),
            activity: Activity::CaseRecording,
            position: 2,
            retired: false,
        })
        .unwrap();
    let same_label = DiaryCategory {
        id: 0,
        org_id: kent.id,
        label: "Case recording".into(),
        activity: Activity::Other,
        position: 3,
        retired: false,
    };
    assert!(matches!(
        store.save_diary_category(&same_label),
        Err(crate::StoreError::Conflict(_))
    ));
    store
        .save_diary_category(&DiaryCategory {
            org_id: surrey.id,
            ..same_label.clone()
        })
        .unwrap();
    let renamed = DiaryCategory {
        label: "Recording and notes".into(),
        ..notes.clone()
    };
    store.save_diary_category(&renamed).unwrap();
    let kent_categories = store.diary_categories(kent.id).unwrap();
    assert_eq!(kent_categories, vec![face.clone(), renamed.clone()]);
    assert_eq!(store.diary_categories(surrey.id).unwrap().len(), 1);

    let week = |n: i64| Week::parse("2025-01-06").unwrap().plus_weeks(n);
    let diary = |n: i64, face_min: u32, notes_min: u32| Diary {
        week: week(n),
        minutes: [(face.id, face_min), (notes.id, notes_min)]
            .into_iter()
            .filter(|(_, m)| *m > 0)
            .collect(),
        contracted: 37 * 60,
        obstacles: vec![Obstacle::Forms],
        note: String::new(),
        share_note: false,
    };
    let keep = |person: i64, team_id: Option<i64>, d: Diary| StoredDiary {
        person_id: person,
        org_id: kent.id,
        team_id,
        diary: d,
        updated_at: "2026-11-25T10:00:00Z".into(),
        eligible: true,
    };
    // Person 1 keeps weeks 0, 3, then 1 (out of order); person 2 week 2, in no team.
    store
        .save_diary(&keep(1, Some(team.id), diary(0, 600, 1200)))
        .unwrap();
    store
        .save_diary(&keep(1, Some(team.id), diary(3, 300, 1500)))
        .unwrap();
    store
        .save_diary(&keep(1, Some(team.id), diary(1, 660, 1140)))
        .unwrap();
    let mut shared = diary(2, 120, 2000);
    shared.note = "The new form takes an hour".into();
    shared.share_note = true;
    shared.obstacles = vec![Obstacle::Forms, Obstacle::ItProblems];
    store.save_diary(&keep(2, None, shared)).unwrap();
    // Replacing a week before it is published changes its sums, not the count of people.
    store
        .save_diary(&keep(1, Some(team.id), diary(0, 700, 1100)))
        .unwrap();
    let org = DiaryScope::Org(kent.id);
    assert_eq!(
        store.diary_sums(&org, week(0), week(3)).unwrap(),
        Default::default(),
        "nothing is in the sums before it is published"
    );
    assert_eq!(
        store.publish_diaries(week(3), 5, None).unwrap(),
        Published {
            first: 4,
            batched: 0,
            waiting: 0
        }
    );
    assert_eq!(
        store.publish_diaries(week(3), 5, None).unwrap(),
        Published::default(),
        "publishing again changes nothing"
    );

    let t = DiaryScope::Team {
        org_id: kent.id,
        team_id: team.id,
    };
    let distinct = |scope: &DiaryScope, a: i64, b: i64| {
        store
            .diary_sums(scope, week(a), week(b))
            .unwrap()
            .contributors
    };
    assert_eq!(distinct(&org, 0, 3), 2);
    assert_eq!(distinct(&org, 1, 1), 1);
    assert_eq!(distinct(&org, 1, 2), 2);
    assert_eq!(distinct(&org, 2, 3), 2);
    assert_eq!(distinct(&org, 4, 9), 0);
    assert_eq!(distinct(&t, 0, 3), 1);
    assert_eq!(distinct(&t, 2, 2), 0);

    let sums = store.diary_sums(&org, week(0), week(3)).unwrap();
    assert_eq!(sums.weeks.len(), 4);
    let w0 = &sums.weeks[0];
    assert_eq!(w0.week, Some(week(0)));
    assert_eq!(w0.diaries, 1);
    assert_eq!(
        w0.minutes,
        BTreeMap::from([(face.id, 700), (notes.id, 1100)])
    );
    assert_eq!(w0.contracted_minutes, 37 * 60);
    let forms = Obstacle::ALL
        .iter()
        .position(|o| *o == Obstacle::Forms)
        .unwrap();
    let it = Obstacle::ALL
        .iter()
        .position(|o| *o == Obstacle::ItProblems)
        .unwrap();
    assert_eq!(sums.weeks[2].obstacles[forms], 1);
    assert_eq!(sums.weeks[2].obstacles[it], 1);
    assert_eq!(sums.weeks[2].shared_notes, 1);
    let total: u64 = sums.weeks.iter().flat_map(|w| w.minutes.values()).sum();
    assert_eq!(total, 700 + 1100 + 660 + 1140 + 120 + 2000 + 300 + 1500);
    assert_eq!(
        store.diary_sums(&t, week(0), week(3)).unwrap().weeks.len(),
        3,
        "the team's sums leave out person 2"
    );
    assert_eq!(
        store
            .diary_sums(&DiaryScope::Org(surrey.id), week(0), week(3))
            .unwrap(),
        Default::default()
    );
    assert_eq!(
        store
            .diary_sums(&DiaryScope::Orgs(vec![]), week(0), week(3))
            .unwrap(),
        Default::default()
    );

    // Own diaries, whole; the last one before a week, to pre-fill the next.
    let mine = store.diaries_of(1, week(0), week(9)).unwrap();
    assert_eq!(
        mine.iter().map(|d| d.diary.week).collect::<Vec<_>>(),
        vec![week(0), week(1), week(3)]
    );
    assert_eq!(mine[0].diary, diary(0, 700, 1100));
    assert_eq!(mine[0].team_id, Some(team.id));
    assert_eq!(
        store
            .last_diary_before(1, week(3))
            .unwrap()
            .map(|d| d.diary.week),
        Some(week(1))
    );
    assert_eq!(store.last_diary_before(1, week(0)).unwrap(), None);
    assert!(store.diaries_of(3, week(0), week(9)).unwrap().is_empty());

    // Shared notes: the words and the week, for the organisation.
    assert_eq!(
        store
            .shared_diary_notes(kent.id, week(0), week(9), 10)
            .unwrap(),
        vec![(week(2), "The new form takes an hour".to_string())]
    );
    assert!(
        store
            .shared_diary_notes(surrey.id, week(0), week(9), 10)
            .unwrap()
            .is_empty()
    );

    // Opting in.
    assert!(!store.diary_opt_in(kent.id).unwrap());
    store.set_diary_opt_in(kent.id, true).unwrap();
    store.set_diary_opt_in(surrey.id, true).unwrap();
    store.set_diary_opt_in(surrey.id, false).unwrap();
    assert!(store.diary_opt_in(kent.id).unwrap());
    assert_eq!(store.diary_opted_in().unwrap(), vec![kent.id]);

    // Synthetic people add to the same sums, with new negative ids.
    let people: Vec<SyntheticPerson> = (0..3)
        .map(|_| SyntheticPerson {
            team_id: Some(team.id),
            diaries: vec![diary(1, 60, 60), diary(2, 60, 60)],
        })
        .collect();
    assert_eq!(
        store
            .add_synthetic_diaries(kent.id, &people, "2026-11-25T10:00:00Z", week(3))
            .unwrap(),
        6
    );
    let made = store.synthetic_people(kent.id).unwrap();
    assert_eq!(made.len(), 3);
    assert!(
        made.iter()
            .all(|(id, t, last)| *id < 0 && *t == Some(team.id) && *last == week(2))
    );
    assert!(made[0].0 > made[1].0, "in the order they were made");
    assert!(store.synthetic_people(surrey.id).unwrap().is_empty());
    assert_eq!(distinct(&org, 0, 3), 5);
    assert_eq!(distinct(&t, 2, 9), 4);
    assert_eq!(
        distinct(&DiaryScope::Orgs(vec![kent.id, surrey.id]), 0, 3),
        5
    );
    // A person's own diaries after the synthetic ones went in are untouched.
    assert_eq!(store.diaries_of(1, week(0), week(9)).unwrap(), mine);

    // Each week's diaries, for the organisation (team 0) and each team.
    assert_eq!(
        store.diary_week_counts(kent.id, week(0), week(3)).unwrap(),
        vec![
            (0, week(0), 1),
            (team.id, week(0), 1),
            (0, week(1), 4),
            (team.id, week(1), 4),
            (0, week(2), 4),
            (team.id, week(2), 3),
            (0, week(3), 1),
            (team.id, week(3), 1),
        ]
    );
    assert_eq!(
        store
            .diary_week_counts(kent.id, week(1), week(1))
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .diary_week_counts(surrey.id, week(0), week(3))
            .unwrap()
            .is_empty()
    );

    // Several organisations count an organisation's week only with five diaries or more: none
    // of Kent's weeks has five, so only Surrey's week of five counts.
    let five: Vec<SyntheticPerson> = (0..5)
        .map(|_| SyntheticPerson {
            team_id: None,
            diaries: vec![diary(1, 120, 60)],
        })
        .collect();
    store
        .add_synthetic_diaries(surrey.id, &five, "2026-11-25T10:00:00Z", week(3))
        .unwrap();
    let both = store
        .diary_sums(
            &DiaryScope::Orgs(vec![kent.id, surrey.id]),
            week(0),
            week(3),
        )
        .unwrap();
    assert_eq!(
        both.contributors, 10,
        "people are counted whatever their week"
    );
    assert_eq!(both.weeks.len(), 1);
    assert_eq!(both.weeks[0].week, Some(week(1)));
    assert_eq!(both.weeks[0].diaries, 5);
    assert_eq!(both.weeks[0].minutes.values().sum::<u64>(), 5 * 180);
    // One organisation's own sums keep every week: its views decide what counts.
    assert_eq!(
        store
            .diary_sums(&org, week(0), week(3))
            .unwrap()
            .weeks
            .len(),
        4
    );
}

pub fn a_closed_week_is_released_once_and_later_changes_only_in_batches_of_five(store: &dyn Store) {
    use crate::diary::{DiaryCategory, DiaryScope, Published, StoredDiary};
    use swforce_domain::diary::{Activity, Diary, Week};
    let kent = organisation(store, "Kent County Council", Some("E10000016"));
    let team = store.create_team(kent.id, "Front door").unwrap();
    let face = store
        .save_diary_category(&DiaryCategory {
            id: 0,
            org_id: kent.id,
            label: "Face to face".into(),
            activity: Activity::DirectFaceToFace,
            position: 1,
            retired: false,
        })
        .unwrap();
    let week = |n: i64| Week::parse("2025-01-06").unwrap().plus_weeks(n);
    let keep = |person: i64, team_id: Option<i64>, n: i64, minutes: u32, eligible: bool| {
        store
            .save_diary(&StoredDiary {
                person_id: person,
                org_id: kent.id,
                team_id,
                diary: Diary {
                    week: week(n),
                    minutes: [(face.id, minutes)].into_iter().collect(),
                    contracted: 37 * 60,
                    obstacles: vec![],
                    note: String::new(),
                    share_note: false,
                },
                updated_at: "2026-11-25T10:00:00Z".into(),
                eligible,
            })
            .unwrap()
    };
    let org = DiaryScope::Org(kent.id);
    let t = DiaryScope::Team {
        org_id: kent.id,
        team_id: team.id,
    };
    let minutes = |scope: &DiaryScope| -> u64 {
        store
            .diary_sums(scope, week(0), week(0))
            .unwrap()
            .weeks
            .iter()
            .flat_map(|w| w.minutes.values())
            .sum()
    };
    // Six people keep week 0 in time, five in the team; week 1 is still open.
    for p in 1..=5 {
        keep(p, Some(team.id), 0, 600, true);
    }
    keep(6, None, 0, 600, true);
    keep(1, Some(team.id), 1, 600, true);
    assert_eq!(
        store.publish_diaries(week(0), 5, None).unwrap(),
        Published {
            first: 6,
            batched: 0,
            waiting: 0
        },
        "only the closed week is released"
    );
    assert_eq!(minutes(&org), 3600);
    assert_eq!(minutes(&t), 3000);
    assert!(
        store
            .diary_sums(&org, week(1), week(1))
            .unwrap()
            .weeks
            .is_empty()
    );

    // One person changes week 0 afterwards: it waits, and no figure moves.
    keep(1, Some(team.id), 0, 900, true);
    assert_eq!(store.publish_diaries(week(0), 5, None).unwrap().waiting, 1);
    assert_eq!(minutes(&org), 3600);
    // Three more, and a late diary by an account made after the week: still four who count.
    for p in 2..=4 {
        keep(p, Some(team.id), 0, 660, true);
    }
    keep(7, Some(team.id), 0, 300, false);
    assert_eq!(store.publish_diaries(week(0), 5, None).unwrap().waiting, 5);
    assert_eq!(minutes(&org), 3600);
    // The fifth who counts: all five changes enter the organisation's sums together, and the
    // team's week stays as it was first released.
    keep(6, None, 0, 500, true);
    assert_eq!(
        store.publish_diaries(week(0), 5, None).unwrap(),
        Published {
            first: 0,
            batched: 6,
            waiting: 0
        }
    );
    assert_eq!(minutes(&org), 900 + 3 * 660 + 600 + 500 + 300);
    assert_eq!(
        minutes(&t),
        3000,
        "a team's week is frozen at its first release"
    );
    let w0 = &store.diary_sums(&org, week(0), week(0)).unwrap().weeks[0];
    assert_eq!((w0.diaries, w0.eligible), (7, 6));
    assert_eq!(
        store
            .diary_sums(&org, week(0), week(0))
            .unwrap()
            .contributors,
        7
    );
    // The counts that decide which teams are held back stay those of the first release.
    assert_eq!(
        store.diary_week_counts(kent.id, week(0), week(0)).unwrap(),
        vec![(0, week(0), 6), (team.id, week(0), 5)]
    );
    // A person's own diary is always as they kept it.
    assert_eq!(
        store.diaries_of(1, week(0), week(0)).unwrap()[0]
            .diary
            .minutes[&face.id],
        900
    );

    // The open week is released in its turn, with its first release; asked for another
    // organisation's week only, nothing of Kent's moves.
    assert_eq!(
        store
            .publish_diaries(week(1), 5, Some((kent.id + 1000, week(1))))
            .unwrap(),
        Published::default()
    );
    assert_eq!(
        store
            .publish_diaries(week(1), 5, Some((kent.id, week(1))))
            .unwrap()
            .first,
        1
    );
    assert_eq!(
        store
            .diary_sums(&org, week(0), week(1))
            .unwrap()
            .contributors,
        7
    );
    assert_eq!(
        store.diary_sums(&t, week(0), week(1)).unwrap().contributors,
        5
    );
}
