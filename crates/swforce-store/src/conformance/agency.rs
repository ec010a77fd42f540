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
