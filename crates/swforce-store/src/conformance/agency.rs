//! Agency engagements, price caps and permanent costs.

use super::organisation;
use crate::Store;

fn engagement(reference: &str, swe: &str) -> swforce_domain::agency::Engagement {
    use swforce_domain::agency::{Charge, Engagement, JobType, Pence};
    let date = |s: &str| swforce_domain::Date::parse(s).expect("conformance dates are valid");
    Engagement {
        reference: reference.into(),
        swe: swe.into(),
        agency: "Brightwork Social Care".into(),
        la_code: "E10000016".into(),
        job_type: JobType::SocialWorker,
        start: date("2025-03-03"),
        end: None,
        hours_per_week: Some(37.0),
        pay_basis: Some(swforce_domain::agency::PayBasis::Paye),
        charge: Charge {
            pay: Some(Pence(4500)),
            employer_ni: Some(Pence(520)),
            apprenticeship_levy: Some(Pence(22)),
            holiday_pay: Some(Pence(543)),
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
        packaged_model: Some(false),
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
        job_type: JobType::SocialWorker,
        from: date(from),
        hourly: Pence(pence),
    };
    let set = store
        .set_price_caps(
            &[cap("2024-10-31", 5500), cap("2025-04-01", 5600)],
            "analyst@se.test",
            at,
        )
        .unwrap();
    assert_eq!((set.added, set.updated, set.unchanged), (2, 0, 0));
    let set = store
        .set_price_caps(
            &[cap("2024-10-31", 5500), cap("2025-04-01", 5700)],
            "lead@se.test",
            "2025-06-01T00:00:00Z",
        )
        .unwrap();
    assert_eq!((set.added, set.updated, set.unchanged), (0, 1, 1));
    let caps = store.price_caps().unwrap();
    assert_eq!(caps.len(), 2, "one cap per region, job type and date");
    assert_eq!(caps[1].cap, cap("2025-04-01", 5700));
    assert_eq!(caps[1].set_by, "lead@se.test");
    assert_eq!(
        caps[0].set_by, "analyst@se.test",
        "a cap set again at the same amount keeps who set it"
    );
    assert!(
        store
            .delete_price_cap("E12000008", JobType::SocialWorker, date("2024-10-31"))
            .unwrap()
    );
    assert!(
        !store
            .delete_price_cap("E12000008", JobType::SocialWorker, date("2024-10-31"))
            .unwrap()
    );
    assert_eq!(store.price_caps().unwrap().len(), 1);

    store
        .set_permanent_cost(kent.id, JobType::SocialWorker, Some(Pence(3850)))
        .unwrap();
    store
        .set_permanent_cost(kent.id, JobType::TeamManager, Some(Pence(4700)))
        .unwrap();
    store
        .set_permanent_cost(kent.id, JobType::SocialWorker, Some(Pence(3900)))
        .unwrap();
    assert_eq!(
        store.permanent_costs(kent.id).unwrap(),
        vec![
            (JobType::SocialWorker, Pence(3900)),
            (JobType::TeamManager, Pence(4700))
        ]
    );
    store
        .set_permanent_cost(kent.id, JobType::TeamManager, None)
        .unwrap();
    assert_eq!(store.permanent_costs(kent.id).unwrap().len(), 1);
    assert!(store.permanent_costs(surrey.id).unwrap().is_empty());
}

/// A council's notes for its quarterly return are kept per organisation and quarter, replaced
/// by kind and subject, and removed by an empty note.
pub fn return_notes_are_kept_per_organisation_and_quarter(store: &dyn Store) {
    use crate::{NoteKind, ReturnNote};
    let kent = organisation(store, "Kent County Council", Some("E10000016"));
    let surrey = organisation(store, "Surrey County Council", Some("E10000030"));
    let note = |quarter: &str, kind: NoteKind, subject: &str, text: &str| ReturnNote {
        quarter: quarter.into(),
        kind,
        subject: subject.into(),
        note: text.into(),
        set_by: "lead@kent.test".into(),
        set_at: "2026-11-25T10:00:00Z".into(),
    };
    let why = note(
        "2025Q2",
        NoteKind::Explanation,
        "AGY-2",
        "A returning worker",
    );
    let agency = note(
        "2025Q2",
        NoteKind::Agency,
        "Oakfield Locums",
        "Late references",
    );
    store.set_return_note(kent.id, &why).unwrap();
    store.set_return_note(kent.id, &agency).unwrap();
    store
        .set_return_note(
            kent.id,
            &note("2025Q3", NoteKind::Explanation, "AGY-2", "Later"),
        )
        .unwrap();
    assert_eq!(
        store.return_notes(kent.id, "2025Q2").unwrap(),
        [why.clone(), agency.clone()],
        "explanations first, then agencies"
    );
    assert!(store.return_notes(surrey.id, "2025Q2").unwrap().is_empty());
    let changed = note(
        "2025Q2",
        NoteKind::Explanation,
        "AGY-2",
        "Changed: unicode ✓",
    );
    store.set_return_note(kent.id, &changed).unwrap();
    assert_eq!(
        store.return_notes(kent.id, "2025Q2").unwrap(),
        [changed, agency]
    );
    store
        .set_return_note(
            kent.id,
            &note("2025Q2", NoteKind::Agency, "Oakfield Locums", ""),
        )
        .unwrap();
    assert_eq!(store.return_notes(kent.id, "2025Q2").unwrap().len(), 1);
    assert_eq!(store.return_notes(kent.id, "2025Q3").unwrap().len(), 1);
}

/// A register kept with the job types of an older swforce moves to the Department's five when
/// the database is migrated. `rewind` runs SQL on the database (to put it back as an older
/// swforce left it: migration 12 and later undone, old names written); `reopen` opens it again, which
/// migrates it.
pub fn registers_with_older_job_types_move_to_the_five(
    store: &dyn Store,
    rewind: &dyn Fn(&[String]),
    reopen: &dyn Fn() -> Box<dyn Store>,
) {
    use swforce_domain::agency::{JobType, Pence};
    let kent = organisation(store, "Kent County Council", Some("E10000016"));
    let refs = ["A", "B", "C", "D"];
    let engagements: Vec<_> = refs.iter().map(|r| engagement(r, "SW100001")).collect();
    store
        .upsert_engagements(kent.id, &engagements, "2026-11-25T10:00:00Z")
        .unwrap();
    let id = kent.id;
    let body = |reference: &str, old: &str| {
        format!(
            "UPDATE agency_engagements SET body = replace(body, '\"job_type\":\"social_worker\"', '\"job_type\":\"{old}\"') WHERE reference = '{reference}'"
        )
    };
    let cap = |job: &str, from: &str, pence: i64| {
        format!(
            "INSERT INTO agency_price_caps (region, job_type, from_date, hourly_pence, set_by, set_at) VALUES ('E12000008', '{job}', '{from}', {pence}, 'x', 'y')"
        )
    };
    let cost = |job: &str, pence: i64| {
        format!(
            "INSERT INTO agency_permanent_costs (org_id, job_type, hourly_pence) VALUES ({id}, '{job}', {pence})"
        )
    };
    rewind(&[
        // Migration 12 and those after it undone.
        "DELETE FROM schema_migrations WHERE version >= 12".to_string(),
        "DROP TABLE healthcheck_responses".to_string(),
        "DROP TABLE healthcheck_tickets".to_string(),
        "DROP TABLE healthcheck_rounds".to_string(),
        "DROP TABLE agency_return_notes".to_string(),
        "ALTER TABLE organisations DROP COLUMN synthetic".to_string(),
        body("A", "case_holder"),
        body("B", "senior_practitioner"),
        body("C", "senior_manager"),
        body("D", "team_manager"),
        cap("case_holder", "2024-10-31", 5500),
        cap("senior_practitioner", "2024-10-31", 6000),
        cap("team_manager", "2024-10-31", 6500),
        cap("senior_manager", "2024-10-31", 7000),
        cap("senior_manager", "2025-04-01", 7200),
        cost("case_holder", 3850),
        cost("senior_manager", 5200),
    ]);
    let store = reopen();
    let jobs: Vec<(String, JobType)> = store
        .engagements(kent.id)
        .unwrap()
        .into_iter()
        .map(|s| (s.engagement.reference, s.engagement.job_type))
        .collect();
    assert_eq!(
        jobs,
        [
            ("A".to_string(), JobType::SocialWorker),
            ("B".to_string(), JobType::SeniorSocialWorker),
            ("C".to_string(), JobType::TeamManager),
            ("D".to_string(), JobType::TeamManager),
        ]
    );
    let caps: Vec<(JobType, String, i64)> = store
        .price_caps()
        .unwrap()
        .into_iter()
        .map(|c| (c.cap.job_type, c.cap.from.to_string(), c.cap.hourly.0))
        .collect();
    assert_eq!(
        caps,
        [
            (JobType::SeniorSocialWorker, "2024-10-31".to_string(), 6000),
            (JobType::SocialWorker, "2024-10-31".to_string(), 5500),
            // A team manager's cap of the same date wins over a senior manager's.
            (JobType::TeamManager, "2024-10-31".to_string(), 6500),
            (JobType::TeamManager, "2025-04-01".to_string(), 7200),
        ]
    );
    assert_eq!(
        store.permanent_costs(kent.id).unwrap(),
        [
            (JobType::SocialWorker, Pence(3850)),
            (JobType::TeamManager, Pence(5200)),
        ]
    );
    assert!(store.return_notes(kent.id, "2025Q1").unwrap().is_empty());
}
