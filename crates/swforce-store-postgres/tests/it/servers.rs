//! Several app servers on one database: each is its own `PostgresStore`, as in production.

use crate::support::{fresh_database, raw};
use std::sync::{Arc, Barrier};
use std::thread;
use swforce_domain::Dataset;
use swforce_store::conformance::{geographies, provenance, rows};
use swforce_store::prelude::*;
use swforce_store::{ImportOutcome, NewOrganisation, NewUser, OneTimeToken, Session, TokenKind};
use swforce_store_postgres::PostgresStore;

fn two_servers() -> Option<(String, PostgresStore, PostgresStore)> {
    let url = fresh_database()?;
    let a = PostgresStore::connect(&url).unwrap();
    let b = PostgresStore::connect(&url).unwrap();
    Some((url, a, b))
}

fn token(hash: &str) -> OneTimeToken {
    OneTimeToken {
        kind: TokenKind::PasswordReset,
        hash: hash.into(),
        org_id: None,
        user_id: None,
        email: Some("sam@kent.gov.uk".into()),
        payload: "{}".into(),
        expires_at: "2026-11-26T10:00:00Z".into(),
    }
}

const NOW: &str = "2026-11-25T10:00:00Z";

#[test]
fn two_servers_see_each_others_sessions_and_a_token_works_once_across_them() {
    let Some((_, a, b)) = two_servers() else {
        return;
    };
    let org = a
        .create_organisation(&NewOrganisation {
            name: "Kent County Council",
            kind: swforce_domain::access::OrgKind::LocalAuthority,
            la_code: None,
            email_domain: None,
            created_at: NOW,
        })
        .unwrap();
    let sam = b
        .create_user(&NewUser {
            org_id: org.id,
            team_id: None,
            email: "sam@kent.gov.uk",
            name: "Sam Patel",
            roles: &[],
            password_hash: None,
            created_at: NOW,
        })
        .unwrap();
    let session = Session {
        id_hash: "s1".into(),
        user_id: sam.id,
        csrf_token: "csrf".into(),
        created_at: NOW.into(),
        expires_at: "2026-11-25T18:00:00Z".into(),
    };
    a.create_session(&session).unwrap();
    assert_eq!(b.session("s1", NOW).unwrap(), Some(session));
    b.delete_session("s1").unwrap();
    assert_eq!(a.session("s1", NOW).unwrap(), None, "signed out on both");

    a.create_token(&token("t1")).unwrap();
    assert!(
        b.take_token(TokenKind::PasswordReset, "t1", NOW)
            .unwrap()
            .is_some()
    );
    assert_eq!(
        a.take_token(TokenKind::PasswordReset, "t1", NOW).unwrap(),
        None,
        "already used through the other server"
    );
}

#[test]
fn a_token_asked_for_through_two_servers_at_once_is_given_once() {
    let Some((_, a, b)) = two_servers() else {
        return;
    };
    const TOKENS: usize = 200;
    for i in 0..TOKENS {
        a.create_token(&token(&format!("t{i}"))).unwrap();
    }
    let barrier = Arc::new(Barrier::new(2));
    let taken: Vec<Vec<bool>> = thread::scope(|s| {
        let handles: Vec<_> = [&a, &b]
            .into_iter()
            .map(|store| {
                let barrier = Arc::clone(&barrier);
                s.spawn(move || {
                    barrier.wait();
                    (0..TOKENS)
                        .map(|i| {
                            store
                                .take_token(TokenKind::PasswordReset, &format!("t{i}"), NOW)
                                .unwrap()
                                .is_some()
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, (a, b)) in taken[0].iter().zip(&taken[1]).enumerate() {
        assert!(
            a ^ b,
            "token {i} was given {} times",
            usize::from(*a) + usize::from(*b)
        );
    }
}

#[test]
fn servers_starting_at_once_on_a_fresh_database_take_turns_to_migrate() {
    let Some(url) = fresh_database() else { return };
    const SERVERS: usize = 4;
    let barrier = Arc::new(Barrier::new(SERVERS));
    let stores: Vec<PostgresStore> = thread::scope(|s| {
        let handles: Vec<_> = (0..SERVERS)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                let url = url.clone();
                s.spawn(move || {
                    barrier.wait();
                    PostgresStore::connect(&url)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().expect("every server starts"))
            .collect()
    });
    let versions: Vec<i64> = raw(&url)
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        versions,
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        "each migration applied once"
    );
    for store in &stores {
        assert_eq!(store.generation().unwrap(), 0);
    }
}

/// A release of `breakdowns` rows a year, large enough that two imports of it overlap in time.
fn release(years: &[u16], inpost: f64, breakdowns: usize) -> Vec<swforce_domain::Row> {
    let base = rows(years, inpost);
    (0..breakdowns)
        .flat_map(|b| {
            base.iter().map(move |r| {
                let mut r = r.clone();
                r.breakdown = format!("b{b}");
                r
            })
        })
        .collect()
}

/// Runs `job` on each store at once, from a thread each.
fn at_once<'a, T: Send>(jobs: Vec<Box<dyn FnOnce() -> T + Send + 'a>>) -> Vec<T> {
    let barrier = Barrier::new(jobs.len());
    thread::scope(|s| {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|job| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    job()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn imports_made_at_once_through_two_servers_come_out_as_if_made_in_turn() {
    const BREAKDOWNS: usize = 1500;
    for round in 0..4 {
        let Some((url, a, b)) = two_servers() else {
            return;
        };
        // The places are on record already, so the two imports below name none and nothing
        // but the store's own care keeps them from overlapping.
        let mut seed = provenance("0", 2020, 2020, 1);
        seed.dataset = Dataset::CswwRoleByEthnicity;
        a.import_batch(&seed, &geographies("BCP"), &[]).unwrap();
        let old = release(&[2021, 2022], 100.0, BREAKDOWNS);
        let new = release(&[2022, 2023], 200.0, BREAKDOWNS);
        let (old, new) = (&old, &new);
        let (a, b) = (&a, &b);
        let outcomes = at_once(vec![
            Box::new(move || a.import_batch(&provenance("a", 2021, 2022, 2), &[], old)),
            Box::new(move || b.import_batch(&provenance("b", 2022, 2023, 2), &[], new)),
        ]);
        for out in outcomes {
            out.unwrap();
        }
        let doubled: i64 = raw(&url)
            .query_one(
                "SELECT COUNT(*) FROM (SELECT 1 FROM observations WHERE is_current
                 GROUP BY geography_code, measure, breakdown, year HAVING COUNT(*) > 1) d",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(doubled, 0, "round {round}: one figure in use per cell");
        for store in [a, b] {
            let current = store.current_rows(Dataset::CswwHeadline).unwrap();
            assert_eq!(current.len(), 3 * BREAKDOWNS);
            assert!(
                current
                    .iter()
                    .filter(|r| r.year.get() == 2022)
                    .all(|r| r.value("inpost_fte") == Some(222.0)),
                "round {round}: the release reaching 2023 wins 2022, whichever import finished first"
            );
        }
    }
}

#[test]
fn the_same_file_imported_through_two_servers_at_once_is_stored_once() {
    let Some((_, a, b)) = two_servers() else {
        return;
    };
    let rows = release(&[2021, 2022], 100.0, 500);
    let (rows, a, b) = (&rows, &a, &b);
    let p = provenance("a", 2021, 2022, 2);
    let p = &p;
    let outcomes = at_once(vec![
        Box::new(move || a.import_batch(p, &geographies("BCP"), rows)),
        Box::new(move || b.import_batch(p, &geographies("BCP"), rows)),
    ]);
    let outcomes: Vec<_> = outcomes.into_iter().map(Result::unwrap).collect();
    let imported = outcomes
        .iter()
        .filter(|o| matches!(o, ImportOutcome::Imported { .. }))
        .count();
    assert_eq!(imported, 1, "{outcomes:?}");
    assert_eq!(a.imports().unwrap().len(), 1);
}

#[test]
fn one_store_serves_many_threads_at_once() {
    let Some(url) = fresh_database() else { return };
    let store = PostgresStore::connect(&url).unwrap();
    thread::scope(|s| {
        for t in 0..12 {
            let store = &store;
            s.spawn(move || {
                for i in 0..20 {
                    store
                        .record_failed_sign_in(
                            &format!("key{t}"),
                            &format!("2026-11-25T10:{i:02}:00Z"),
                        )
                        .unwrap();
                }
            });
        }
    });
    for t in 0..12 {
        assert_eq!(
            store
                .failed_sign_ins(&format!("key{t}"), "2026-11-25T10:00:00Z")
                .unwrap(),
            20
        );
    }
    let shown = format!("{store:?}");
    assert!(shown.contains("idle_connections"), "{shown}");
}
