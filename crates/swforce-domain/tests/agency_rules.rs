//! Every agency rule at its boundaries: exactly 3 years, 3 months to the day, month ends and
//! leap years, each exception, and the transition date for legacy engagements.

use swforce_domain::Date;
use swforce_domain::agency::{
    Charge, Context, Engagement, JobType, Leaving, Outcome, PayBasis, Pence, PriceCap, Quarter,
    Rule, Status, assess, days_within,
};

const KENT: &str = "E10000016";
const MEDWAY: &str = "E06000035";
const SOUTH_EAST: &str = "E12000008";
const LONDON: &str = "E12000007";

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn p(s: &str) -> Option<Pence> {
    Pence::parse(s)
}

/// A compliant engagement starting on 2025-03-03, to change one thing at a time.
fn base() -> Engagement {
    Engagement {
        reference: "KCC-001".into(),
        swe: "SW123456".into(),
        agency: "Brightwork Social Care".into(),
        la_code: KENT.into(),
        job_type: JobType::SocialWorker,
        start: d("2025-03-03"),
        end: None,
        hours_per_week: Some(37.0),
        pay_basis: Some(PayBasis::Paye),
        charge: Charge {
            pay: p("45.00"),
            employer_ni: p("5.20"),
            apprenticeship_levy: p("0.22"),
            holiday_pay: p("2.00"),
            agency_margin: p("4.00"),
        },
        qualified: Some(d("2018-07-01")),
        pqe_years: Some(6.5),
        previous_employer: Some("none".into()),
        previous_la_code: None,
        previous_region: None,
        left_on: None,
        leaving: None,
        practice_reference: Some(true),
        notice_weeks: Some(4.0),
        council_notice_weeks: None,
        project_team: None,
        packaged_model: None,
        dcs_signoff: None,
        ceo_signoff: None,
    }
}

fn caps() -> Vec<PriceCap> {
    vec![
        PriceCap {
            region: SOUTH_EAST.into(),
            job_type: JobType::SocialWorker,
            from: d("2024-10-31"),
            hourly: Pence(5500),
        },
        PriceCap {
            region: SOUTH_EAST.into(),
            job_type: JobType::SocialWorker,
            from: d("2025-04-01"),
            hourly: Pence(5700),
        },
    ]
}

fn outcome(e: &Engagement, rule: Rule) -> Outcome {
    let caps = caps();
    let a = assess(
        e,
        &Context {
            council_region: Some(SOUTH_EAST),
            previous_council_region: None,
            caps: &caps,
        },
    );
    a.findings
        .into_iter()
        .find(|f| f.rule == rule)
        .unwrap()
        .outcome
}

fn kind(o: &Outcome) -> &'static str {
    match o {
        Outcome::Compliant { .. } => "compliant",
        Outcome::Breach { .. } => "breach",
        Outcome::Missing { .. } => "missing",
        Outcome::NotApplicable { .. } => "n/a",
    }
}

fn check(cases: &[(&str, Engagement, &str)], rule: Rule) {
    for (name, e, expected) in cases {
        let o = outcome(e, rule);
        assert_eq!(kind(&o), *expected, "{} {name}: {o:?}", rule.id());
    }
}

#[test]
fn the_base_engagement_is_compliant() {
    let caps = caps();
    let a = assess(
        &base(),
        &Context {
            council_region: Some(SOUTH_EAST),
            previous_council_region: None,
            caps: &caps,
        },
    );
    assert_eq!(a.status, Status::Compliant, "{a:#?}");
    assert_eq!(a.findings.len(), Rule::ALL.len());
}

#[test]
fn three_years_experience_counts_to_the_day_with_leap_years() {
    let with = |qualified: &str, start: &str, pqe: f64| Engagement {
        qualified: Some(d(qualified)),
        start: d(start),
        pqe_years: Some(pqe),
        ..base()
    };
    check(
        &[
            (
                "exactly 3 years",
                with("2022-03-03", "2025-03-03", 3.0),
                "compliant",
            ),
            (
                "a day short",
                with("2022-03-04", "2025-03-03", 3.0),
                "breach",
            ),
            (
                "28 February three years on",
                with("2022-02-28", "2025-02-28", 3.0),
                "compliant",
            ),
            // 29 February plus 3 years is 28 February.
            (
                "qualified 29 Feb 2024 is 28 Feb 2027",
                with("2024-02-29", "2027-02-28", 3.0),
                "compliant",
            ),
            (
                "and not a day before",
                with("2024-02-29", "2027-02-27", 3.0),
                "breach",
            ),
            (
                "month end",
                with("2022-05-31", "2025-05-31", 3.0),
                "compliant",
            ),
            (
                "month end, day before",
                with("2022-05-31", "2025-05-30", 3.0),
                "breach",
            ),
            (
                "declared 2.99 years",
                with("2018-01-01", "2025-03-03", 2.99),
                "breach",
            ),
            (
                "declared exactly 3",
                with("2018-01-01", "2025-03-03", 3.0),
                "compliant",
            ),
        ],
        Rule::Experience,
    );
    let mut no_pqe = base();
    no_pqe.pqe_years = None;
    match outcome(&no_pqe, Rule::Experience) {
        Outcome::Missing { fields, .. } => assert_eq!(fields, vec!["pqe_years"]),
        o => panic!("{o:?}"),
    }
    // A breach shows its evidence.
    match outcome(&with("2022-03-04", "2025-03-03", 3.0), Rule::Experience) {
        Outcome::Breach { evidence } => {
            assert!(evidence.contains("2025-03-04"), "{evidence}")
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn three_months_after_leaving_a_nearby_council_to_the_day_with_each_exception() {
    let left =
        |on: &str, la: Option<&str>, region: &str, how: Option<Leaving>, start: &str| Engagement {
            previous_employer: Some("Previous Council".into()),
            previous_la_code: la.map(str::to_string),
            previous_region: Some(region.into()),
            left_on: Some(d(on)),
            leaving: how,
            start: d(start),
            ..base()
        };
    let r = Some(Leaving::Resigned);
    check(
        &[
            (
                "same council, exactly 3 months",
                left("2025-01-15", Some(KENT), SOUTH_EAST, r, "2025-04-15"),
                "compliant",
            ),
            (
                "same council, a day short",
                left("2025-01-15", Some(KENT), SOUTH_EAST, r, "2025-04-14"),
                "breach",
            ),
            (
                "same region, a day short",
                left("2025-01-15", Some(MEDWAY), SOUTH_EAST, r, "2025-04-14"),
                "breach",
            ),
            // 30 November + 3 months = 28 February (no 30 February), in a non-leap year...
            (
                "month end into February",
                left("2024-11-30", Some(MEDWAY), SOUTH_EAST, r, "2025-02-28"),
                "compliant",
            ),
            (
                "month end, day before",
                left("2024-11-30", Some(MEDWAY), SOUTH_EAST, r, "2025-02-27"),
                "breach",
            ),
            // ...and 29 February in a leap year.
            (
                "leap year February",
                left("2027-11-30", Some(MEDWAY), SOUTH_EAST, r, "2028-02-29"),
                "compliant",
            ),
            (
                "leap year, day before",
                left("2027-11-30", Some(MEDWAY), SOUTH_EAST, r, "2028-02-28"),
                "breach",
            ),
            (
                "31 May + 3 months is 31 August",
                left("2025-05-31", Some(MEDWAY), SOUTH_EAST, r, "2025-08-31"),
                "compliant",
            ),
            (
                "redundancy",
                left(
                    "2025-01-15",
                    Some(KENT),
                    SOUTH_EAST,
                    Some(Leaving::Redundancy),
                    "2025-02-01",
                ),
                "compliant",
            ),
            (
                "left in probation",
                left(
                    "2025-01-15",
                    Some(MEDWAY),
                    SOUTH_EAST,
                    Some(Leaving::LeftInProbation),
                    "2025-02-01",
                ),
                "compliant",
            ),
            (
                "moving to a permanent post",
                left(
                    "2025-01-15",
                    Some(KENT),
                    SOUTH_EAST,
                    Some(Leaving::MovingToPermanent),
                    "2025-02-01",
                ),
                "compliant",
            ),
            (
                "another region",
                left("2025-01-15", Some("E09000007"), LONDON, r, "2025-02-01"),
                "n/a",
            ),
            (
                "not said how they left",
                left("2025-01-15", Some(MEDWAY), SOUTH_EAST, None, "2025-02-01"),
                "missing",
            ),
        ],
        Rule::ThreeMonths,
    );
    // No council code: not a council, so the rule does not apply, whatever region is given.
    let mut no_region = left("2025-01-15", None, SOUTH_EAST, r, "2025-02-01");
    no_region.previous_region = None;
    assert_eq!(kind(&outcome(&no_region, Rule::ThreeMonths)), "n/a");
    let trust = left("2025-01-15", None, SOUTH_EAST, r, "2025-02-01");
    assert_eq!(kind(&outcome(&trust, Rule::ThreeMonths)), "n/a");
    // A council code whose region is not known here.
    let mut unknown_region = left("2025-01-15", Some(MEDWAY), SOUTH_EAST, r, "2025-02-01");
    unknown_region.previous_region = None;
    match outcome(&unknown_region, Rule::ThreeMonths) {
        Outcome::Missing { fields, .. } => assert_eq!(fields, vec!["previous_la_code"]),
        o => panic!("{o:?}"),
    }
    let mut unknown = base();
    unknown.previous_employer = None;
    assert_eq!(kind(&outcome(&unknown, Rule::ThreeMonths)), "missing");
    assert_eq!(kind(&outcome(&base(), Rule::ThreeMonths)), "n/a");
}

#[test]
fn notice_is_four_weeks_or_the_councils_shorter_notice() {
    let with = |n: f64, council: Option<f64>| Engagement {
        notice_weeks: Some(n),
        council_notice_weeks: council,
        ..base()
    };
    check(
        &[
            ("4 weeks", with(4.0, None), "compliant"),
            (
                "3 weeks, the council's notice unknown",
                with(3.0, None),
                "missing",
            ),
            ("3 weeks, the council's 4", with(3.0, Some(4.0)), "breach"),
            ("council's 2 weeks", with(2.0, Some(2.0)), "compliant"),
            ("shorter than council's 2", with(1.0, Some(2.0)), "breach"),
            (
                "council's 8 weeks still needs only 4",
                with(4.0, Some(8.0)),
                "compliant",
            ),
            ("more than 4", with(6.0, None), "compliant"),
        ],
        Rule::Notice,
    );
}

#[test]
fn the_price_cap_in_force_at_the_start_applies_and_above_it_needs_both_sign_offs() {
    let with = |pay: &str, start: &str, dcs: Option<&str>, ceo: Option<&str>| Engagement {
        charge: Charge {
            pay: p(pay),
            ..base().charge
        },
        start: d(start),
        dcs_signoff: dcs.map(d),
        ceo_signoff: ceo.map(d),
        ..base()
    };
    // NI 5.20 + levy 0.22 + holiday pay 2.00 = 7.42 besides a PAYE worker's pay (the margin is
    // not capped); the cap is 55.00 to 31 March 2025, then 57.00.
    check(
        &[
            (
                "exactly the cap",
                with("47.58", "2025-03-03", None, None),
                "compliant",
            ),
            (
                "a penny over",
                with("47.59", "2025-03-03", None, None),
                "breach",
            ),
            (
                "over with the director only",
                with("47.59", "2025-03-03", Some("2025-02-20"), None),
                "breach",
            ),
            (
                "over with both",
                with(
                    "47.59",
                    "2025-03-03",
                    Some("2025-02-20"),
                    Some("2025-02-21"),
                ),
                "compliant",
            ),
            (
                "the new cap from 1 April",
                with("49.58", "2025-04-01", None, None),
                "compliant",
            ),
            (
                "the old cap the day before",
                with("49.58", "2025-03-31", None, None),
                "breach",
            ),
        ],
        Rule::PriceCap,
    );
    let mut no_levy = base();
    no_levy.charge.apprenticeship_levy = None;
    match outcome(&no_levy, Rule::PriceCap) {
        Outcome::Missing { fields, .. } => assert_eq!(fields, vec!["apprenticeship_levy"]),
        o => panic!("{o:?}"),
    }
    let mut manager = base();
    manager.job_type = JobType::TeamManager;
    match outcome(&manager, Rule::PriceCap) {
        Outcome::NotApplicable { evidence } => assert!(evidence.contains("no price cap in force")),
        o => panic!("{o:?}"),
    }
}

#[test]
fn references_and_project_teams() {
    let with_ref = |r: Option<bool>| Engagement {
        practice_reference: r,
        ..base()
    };
    check(
        &[
            ("practice-based", with_ref(Some(true)), "compliant"),
            ("other references only", with_ref(Some(false)), "breach"),
            ("not recorded", with_ref(None), "missing"),
        ],
        Rule::Reference,
    );
    let mut lump = base();
    lump.project_team = Some("Assessment project A".into());
    lump.charge.agency_margin = None;
    let mut broken_down = base();
    broken_down.project_team = Some("Assessment project A".into());
    check(
        &[
            ("not in a team", base(), "n/a"),
            ("cost broken down", broken_down, "compliant"),
            ("a lump sum", lump, "breach"),
        ],
        Rule::ProjectTeam,
    );
}

#[test]
fn legacy_engagements_are_judged_at_the_transition_date() {
    let caps = caps();
    let ctx = Context {
        council_region: Some(SOUTH_EAST),
        previous_council_region: None,
        caps: &caps,
    };
    // Began 1 June 2024 with someone who had resigned nearby in April: by 1 October 2025 the
    // three months have long passed, and experience is counted to the transition date.
    let legacy = Engagement {
        start: d("2024-06-01"),
        previous_employer: Some("Medway Council".into()),
        previous_la_code: Some(MEDWAY.into()),
        previous_region: Some(SOUTH_EAST.into()),
        left_on: Some(d("2024-04-30")),
        leaving: Some(Leaving::Resigned),
        qualified: Some(d("2022-10-01")),
        pqe_years: Some(3.0),
        ..base()
    };
    let a = assess(&legacy, &ctx);
    assert_eq!(a.judged_at, d("2025-10-01"));
    assert_eq!(a.status, Status::Compliant, "{a:#?}");
    // Qualified a day later: short of 3 years at the transition date.
    let late = Engagement {
        qualified: Some(d("2022-10-02")),
        ..legacy.clone()
    };
    assert_eq!(assess(&late, &ctx).status, Status::Breach);
    // The day the rules came into force is not legacy: judged at its own start.
    let first_day = Engagement {
        start: d("2024-10-31"),
        ..legacy.clone()
    };
    let a = assess(&first_day, &ctx);
    assert_eq!(a.judged_at, d("2024-10-31"));
    assert_eq!(
        a.status,
        Status::Breach,
        "qualified under 3 years before: {a:#?}"
    );
    // A legacy engagement that ended before the transition date is out of scope; one that ended
    // on it is judged.
    let ended = Engagement {
        end: Some(d("2025-09-30")),
        ..legacy.clone()
    };
    assert_eq!(assess(&ended, &ctx).status, Status::NotInScope);
    let ended_on = Engagement {
        end: Some(d("2025-10-01")),
        ..legacy
    };
    assert_eq!(assess(&ended_on, &ctx).status, Status::Compliant);
}

#[test]
fn an_engagement_with_a_breach_is_a_breach_even_when_something_else_is_missing() {
    let mut e = base();
    e.notice_weeks = Some(1.0);
    e.council_notice_weeks = Some(4.0);
    e.practice_reference = None;
    let caps = caps();
    let a = assess(
        &e,
        &Context {
            council_region: Some(SOUTH_EAST),
            previous_council_region: None,
            caps: &caps,
        },
    );
    assert_eq!(a.status, Status::Breach);
    assert_eq!(
        a.breaches().map(|f| f.rule).collect::<Vec<_>>(),
        vec![Rule::Notice]
    );
    e.notice_weeks = Some(4.0);
    let a = assess(
        &e,
        &Context {
            council_region: Some(SOUTH_EAST),
            previous_council_region: None,
            caps: &caps,
        },
    );
    assert_eq!(a.status, Status::MissingInformation);
}

#[test]
fn quarters_and_days_within_them() {
    let q = Quarter::parse("2025Q1").unwrap();
    assert_eq!(
        (q.first_day(), q.last_day()),
        (d("2025-01-01"), d("2025-03-31"))
    );
    assert_eq!(
        Quarter::parse("2024q4").unwrap().last_day(),
        d("2024-12-31")
    );
    assert_eq!(Quarter::parse("2024-Q1").unwrap().to_string(), "2024Q1");
    for bad in ["2025Q5", "2025Q0", "Q1", "2025", "1999Q1", "2025Q1x"] {
        assert!(Quarter::parse(bad).is_none(), "{bad}");
    }
    assert_eq!(Quarter::of(d("2024-02-29")), Quarter { year: 2024, q: 1 });
    let mut e = base();
    e.start = d("2025-02-15");
    e.end = Some(d("2025-05-01"));
    assert_eq!(days_within(&e, q.first_day(), q.last_day()), 45);
    e.start = d("2025-04-01");
    assert_eq!(days_within(&e, q.first_day(), q.last_day()), 0);
}

#[test]
fn money_reads_pounds_and_pence() {
    assert_eq!(Pence::parse("61.50"), Some(Pence(6150)));
    assert_eq!(Pence::parse("£61.5"), Some(Pence(6150)));
    assert_eq!(Pence::parse("61"), Some(Pence(6100)));
    assert_eq!(Pence::parse("1,061.05"), Some(Pence(106_105)));
    for bad in ["", "-5", "6.505", "abc", "£", "5.x"] {
        assert_eq!(Pence::parse(bad), None, "{bad}");
    }
    assert_eq!(Pence(6150).to_string(), "£61.50");
}

/// The rules as the statutory guidance states them, where the engine once departed from them:
/// each row failed before.
#[test]
fn the_rules_follow_the_statutory_guidance_on_margin_caps_sign_off_notice_experience_and_employers()
{
    let above = Charge {
        pay: p("52.00"),
        employer_ni: p("6.00"),
        apprenticeship_levy: p("0.26"),
        holiday_pay: p("2.00"),
        agency_margin: p("4.00"),
    };
    check(
        &[
            (
                "the margin is not capped: pay, NI and levy within the cap, margin taking the charge above",
                Engagement {
                    charge: Charge {
                        pay: p("46.00"),
                        employer_ni: p("5.50"),
                        apprenticeship_levy: p("0.24"),
                        holiday_pay: p("2.00"),
                        agency_margin: p("9.00"),
                    },
                    ..base()
                },
                "compliant",
            ),
            (
                "a blank margin never makes the cap missing",
                Engagement {
                    charge: Charge {
                        agency_margin: None,
                        ..base().charge
                    },
                    ..base()
                },
                "compliant",
            ),
            (
                "no cap in force for the job type: does not apply",
                Engagement {
                    job_type: JobType::TeamManager,
                    ..base()
                },
                "n/a",
            ),
            (
                "sign-off by both before the start",
                Engagement {
                    charge: above,
                    dcs_signoff: Some(d("2025-02-20")),
                    ceo_signoff: Some(d("2025-03-03")),
                    ..base()
                },
                "compliant",
            ),
            (
                "a sign-off dated after the start is a breach",
                Engagement {
                    charge: above,
                    dcs_signoff: Some(d("2025-02-20")),
                    ceo_signoff: Some(d("2025-03-10")),
                    ..base()
                },
                "breach",
            ),
        ],
        Rule::PriceCap,
    );
    check(
        &[
            (
                "short notice with the council's notice unknown is missing, not judged on 4 weeks",
                Engagement {
                    notice_weeks: Some(2.0),
                    council_notice_weeks: None,
                    ..base()
                },
                "missing",
            ),
            (
                "4 weeks complies whatever the council's notice",
                Engagement {
                    notice_weeks: Some(4.0),
                    council_notice_weeks: None,
                    ..base()
                },
                "compliant",
            ),
        ],
        Rule::Notice,
    );
    check(
        &[(
            "declared years are enough without the qualification date",
            Engagement {
                qualified: None,
                pqe_years: Some(5.0),
                ..base()
            },
            "compliant",
        )],
        Rule::Experience,
    );
    let left = |employer: &str, la: Option<&str>, how: Leaving| Engagement {
        previous_employer: Some(employer.into()),
        previous_la_code: la.map(Into::into),
        previous_region: None,
        left_on: Some(d("2025-02-01")),
        leaving: Some(how),
        ..base()
    };
    check(
        &[
            (
                "an NHS trust is not a council: does not apply, never a breach",
                left("Kent Community Health NHS Trust", None, Leaving::Resigned),
                "n/a",
            ),
            (
                "dismissed from the same council within 3 months is a breach, like resigning",
                left("Kent County Council", Some(KENT), Leaving::Dismissed),
                "breach",
            ),
            (
                "the end of a fixed term at the same council within 3 months is a breach",
                left("Kent County Council", Some(KENT), Leaving::EndOfFixedTerm),
                "breach",
            ),
        ],
        Rule::ThreeMonths,
    );
    // A neighbouring council known by its code alone: its region follows from the code.
    let e = left("Medway Council", Some(MEDWAY), Leaving::Retired);
    let caps = caps();
    let judged = |previous: Option<&str>| {
        assess(
            &e,
            &Context {
                council_region: Some(SOUTH_EAST),
                previous_council_region: previous,
                caps: &caps,
            },
        )
        .findings
        .into_iter()
        .find(|f| f.rule == Rule::ThreeMonths)
        .unwrap()
        .outcome
    };
    assert_eq!(kind(&judged(Some(SOUTH_EAST))), "breach");
    assert_eq!(kind(&judged(Some(LONDON))), "n/a");
    // The code's region wins over a region written beside it.
    let mut written = e.clone();
    written.previous_region = Some(LONDON.into());
    let o = assess(
        &written,
        &Context {
            council_region: Some(SOUTH_EAST),
            previous_council_region: Some(SOUTH_EAST),
            caps: &caps,
        },
    );
    assert_eq!(o.status, Status::Breach, "{o:#?}");
    // With no cap in force, missing pay does not matter.
    let unpaid = Engagement {
        job_type: JobType::TeamManager,
        charge: Charge::default(),
        ..base()
    };
    assert_eq!(kind(&outcome(&unpaid, Rule::PriceCap)), "n/a");
    assert_eq!(
        kind(&judged(None)),
        "missing",
        "a code whose region is unknown"
    );
    let Outcome::Compliant { evidence } = outcome(
        &Engagement {
            qualified: None,
            ..base()
        },
        Rule::Experience,
    ) else {
        panic!("declared years are enough")
    };
    assert!(
        evidence.contains("warning: no qualification date"),
        "{evidence}"
    );
}

/// The five job types of the Department's caps and return, and what the cap is compared with
/// for each way of paying the worker: each row failed before.
#[test]
fn five_job_types_and_the_cap_on_pay_with_on_costs_by_how_the_worker_is_paid() {
    assert_eq!(
        JobType::ALL.map(JobType::id),
        [
            "social_worker",
            "senior_social_worker",
            "advanced_practitioner",
            "team_manager",
            "iro_or_cp_chair"
        ]
    );
    for j in JobType::ALL {
        assert_eq!(JobType::from_id(j.id()), Some(j));
        assert_eq!(JobType::from_id(&j.label().to_uppercase()), Some(j));
    }
    assert_eq!(
        JobType::renamed("senior_practitioner").map(|r| r.0),
        Some(JobType::SeniorSocialWorker)
    );
    assert_eq!(
        JobType::renamed("case_holder").map(|r| r.0),
        Some(JobType::SocialWorker)
    );
    assert_eq!(JobType::from_id("case_holder"), None);
    let paid =
        |basis: Option<PayBasis>, pay: &str, ni: Option<&str>, holiday: Option<&str>| Engagement {
            pay_basis: basis,
            charge: Charge {
                pay: p(pay),
                employer_ni: ni.and_then(p),
                apprenticeship_levy: ni.map(|_| Pence(22)),
                holiday_pay: holiday.and_then(p),
                agency_margin: None,
            },
            ..base()
        };
    // The cap is 55.00 an hour for a social worker on 3 March 2025.
    check(
        &[
            (
                "an umbrella worker's pay rate includes the on-costs: compared alone",
                paid(Some(PayBasis::Umbrella), "55.00", None, None),
                "compliant",
            ),
            (
                "an umbrella worker a penny over",
                paid(Some(PayBasis::Umbrella), "55.01", None, None),
                "breach",
            ),
            (
                "a limited-company worker needs no National Insurance or levy",
                paid(Some(PayBasis::LimitedCompany), "54.00", None, None),
                "compliant",
            ),
            (
                "a PAYE worker's holiday pay is added: missing when blank",
                paid(Some(PayBasis::Paye), "45.00", Some("5.20"), None),
                "missing",
            ),
            (
                "a PAYE worker over the cap once holiday pay is added",
                paid(Some(PayBasis::Paye), "45.00", Some("5.20"), Some("4.59")),
                "breach",
            ),
            (
                "a PAYE worker at the cap with holiday pay",
                paid(Some(PayBasis::Paye), "45.00", Some("5.20"), Some("4.58")),
                "compliant",
            ),
            (
                "basis unknown, the pay alone over the cap",
                paid(None, "55.50", None, None),
                "breach",
            ),
            (
                "basis unknown, within the cap with every on-cost added",
                paid(None, "40.00", Some("5.20"), Some("2.00")),
                "compliant",
            ),
            (
                "basis unknown, and it decides",
                paid(None, "50.00", Some("5.20"), Some("2.00")),
                "missing",
            ),
        ],
        Rule::PriceCap,
    );
    match outcome(&paid(None, "50.00", None, None), Rule::PriceCap) {
        Outcome::Missing { fields, .. } => assert_eq!(fields, vec!["pay_basis"]),
        o => panic!("{o:?}"),
    }
    // Each job type has its own cap: an IRO's cap does not cover a social worker.
    let mut caps = caps();
    caps.push(PriceCap {
        region: SOUTH_EAST.into(),
        job_type: JobType::IroOrCpChair,
        from: d("2024-10-31"),
        hourly: Pence(6500),
    });
    let iro = Engagement {
        job_type: JobType::IroOrCpChair,
        ..paid(Some(PayBasis::Umbrella), "60.00", None, None)
    };
    let judged = |e: &Engagement| {
        assess(
            e,
            &Context {
                council_region: Some(SOUTH_EAST),
                previous_council_region: None,
                caps: &caps,
            },
        )
        .findings[Rule::PriceCap as usize]
            .outcome
            .clone()
    };
    assert_eq!(kind(&judged(&iro)), "compliant");
    assert_eq!(
        kind(&judged(&Engagement {
            job_type: JobType::SocialWorker,
            ..iro.clone()
        })),
        "breach"
    );
}

/// Found from outside: a PAYE pay rate above the cap is above it whatever on-costs are missing;
/// a council's code names the previous employer on its own; a legacy engagement is not in
/// scope for a period before it had to comply.
#[test]
fn pay_above_the_cap_with_on_costs_missing_a_code_without_a_name_and_legacy_periods() {
    let paye = |pay: &str| Engagement {
        pay_basis: Some(PayBasis::Paye),
        charge: Charge {
            pay: p(pay),
            employer_ni: p("5.00"),
            apprenticeship_levy: None,
            holiday_pay: None,
            agency_margin: None,
        },
        ..base()
    };
    // The cap is 55.00: 50.01 + 5.00 given is above it before the levy and holiday pay.
    check(
        &[
            ("above with what is given", paye("50.01"), "breach"),
            (
                "within with what is given: the rest decides",
                paye("50.00"),
                "missing",
            ),
        ],
        Rule::PriceCap,
    );
    let coded = Engagement {
        previous_employer: None,
        previous_la_code: Some(KENT.into()),
        previous_region: None,
        left_on: Some(d("2025-02-01")),
        leaving: Some(Leaving::Resigned),
        ..base()
    };
    match outcome(&coded, Rule::ThreeMonths) {
        Outcome::Breach { evidence } => assert!(evidence.contains(KENT), "{evidence}"),
        o => panic!("{o:?}"),
    }
    let legacy = Engagement {
        start: d("2024-06-01"),
        practice_reference: Some(false),
        ..base()
    };
    let caps = caps();
    let a = assess(
        &legacy,
        &Context {
            council_region: Some(SOUTH_EAST),
            previous_council_region: None,
            caps: &caps,
        },
    );
    assert_eq!(a.status, Status::Breach);
    use swforce_domain::agency::for_period;
    let before = for_period(&legacy, a.clone(), d("2025-09-30"));
    assert_eq!(before.status, Status::NotInScope, "{before:#?}");
    assert_eq!(
        for_period(&legacy, a.clone(), d("2025-12-31")).status,
        Status::Breach
    );
    assert_eq!(
        for_period(&base(), a, d("2025-03-31")).status,
        Status::Breach,
        "an engagement that began under the rules is judged in any period"
    );
}
