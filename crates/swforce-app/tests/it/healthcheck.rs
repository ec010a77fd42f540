//! The health check: opening a round, answering by link or signed in (save and return, once
//! only), results published only when the round closes, and no group or cell of fewer than
//! five, nor any that leaves fewer than five to subtraction.

use crate::{TestApp, empty_app};
use swforce_app::access::{Origin, Principal};
use swforce_app::healthcheck::{NewRound, Pass, Step, Summary, question_set};
use swforce_app::{App, AppError};
use swforce_domain::Date;
use swforce_domain::access::{OrgKind, Role};
use swforce_domain::healthcheck::{MIN_RESPONSES, PractitionerRole};
use swforce_store::{NewOrganisation, NewUser, Organisation, Team};

fn today() -> Date {
    swforce_app::agency::today()
}

fn org(app: &App, name: &str) -> Organisation {
    app.store()
        .create_organisation(&NewOrganisation {
            name,
            kind: OrgKind::LocalAuthority,
            la_code: None,
            email_domain: None,
            created_at: "2025-01-01T00:00:00Z",
        })
        .unwrap()
}

fn person(app: &App, org: &Organisation, email: &str, roles: &[Role], created: &str) -> Principal {
    let user = app
        .store()
        .create_user(&NewUser {
            org_id: org.id,
            team_id: None,
            email,
            name: email,
            roles,
            password_hash: None,
            created_at: created,
        })
        .unwrap();
    Principal {
        user,
        org: org.clone(),
        scopes: None,
    }
}

struct Setup {
    t: TestApp,
    psw: Principal,
    teams: Vec<Team>,
}

fn setup() -> Setup {
    let t = empty_app();
    let o = org(&t.app, "Westshire Council");
    let psw = person(
        &t.app,
        &o,
        "psw@west.example",
        &[Role::PrincipalSocialWorker],
        "2025-01-01T00:00:00Z",
    );
    let teams = ["Front door", "Child protection", "Fostering"]
        .iter()
        .map(|n| t.app.store().create_team(o.id, n).unwrap())
        .collect();
    Setup { t, psw, teams }
}

fn open(app: &App, psw: &Principal, invitations: u32) -> swforce_app::healthcheck::Invitations {
    app.open_health_round(
        psw,
        &NewRound {
            title: "Health check 2026".into(),
            closes_on: today().to_string(),
            audience: vec![
                PractitionerRole::SocialWorker,
                PractitionerRole::SocialWorkAssistant,
            ],
            own_questions: "I can find a desk when I need one.\n\n".into(),
            invitations,
            benchmark: false,
        },
        today(),
        &Origin::default(),
    )
    .unwrap()
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Answers every page by the link: about, each standard at `point`, stay at `stay`.
fn answer(app: &App, code: &str, team: Option<i64>, point: &str, stay: &str) {
    let set = question_set();
    let pass = Pass::Link(code);
    let team = team.map(|t| t.to_string()).unwrap_or_default();
    app.save_health_page(
        pass,
        Step::About,
        &form(&[
            ("role", "social_worker"),
            ("service", "children"),
            ("team", &team),
        ]),
        today(),
    )
    .unwrap();
    for (i, s) in set.standards.iter().enumerate() {
        let mut f: Vec<(String, String)> = s
            .statements
            .iter()
            .map(|st| (st.key.clone(), point.to_string()))
            .collect();
        f.push(("comment".into(), format!("Comment on {} at {point}", s.key)));
        app.save_health_page(pass, Step::Standard(i), &f, today())
            .unwrap();
    }
    app.save_health_page(
        pass,
        Step::Stay,
        &form(&[
            (&set.stay.key, stay),
            ("reason", "caseload"),
            ("obstacle", "forms"),
        ]),
        today(),
    )
    .unwrap();
    app.submit_health_answers(pass, today()).unwrap();
}

fn close(s: &Setup, id: i64) -> Summary {
    s.t.app
        .close_health_round(&s.psw, id, today(), &Origin::default())
        .unwrap();
    s.t.app.health_summary(&s.psw, id, today()).unwrap()
}

#[test]
fn a_round_is_answered_once_per_link_and_shows_nothing_until_it_closes() {
    let s = setup();
    let app = &s.t.app;
    let opened = open(app, &s.psw, 6);
    let id = opened.round.id;
    assert_eq!(opened.codes.len(), 6);
    assert_eq!(
        opened.round.own_questions,
        ["I can find a desk when I need one."]
    );
    // Save and return: a page saved is there when the link is opened again.
    let code = &opened.codes[0];
    app.save_health_page(
        Pass::Link(code),
        Step::About,
        &form(&[
            ("role", "social_worker"),
            ("team", &s.teams[0].id.to_string()),
        ]),
        today(),
    )
    .unwrap();
    let back = app.health_answering(Pass::Link(code), today()).unwrap();
    assert_eq!(back.draft.role, Some(PractitionerRole::SocialWorker));
    assert_eq!(back.draft.team, Some(s.teams[0].id));
    for c in &opened.codes {
        answer(app, c, Some(s.teams[0].id), "4", "5");
    }
    let again = app
        .submit_health_answers(Pass::Link(code), today())
        .unwrap_err();
    assert!(again.to_string().contains("already sent"), "{again}");
    assert!(matches!(
        app.health_answering(Pass::Link("not-a-code"), today()),
        Err(AppError::NotFound { .. })
    ));
    // Open: nothing at all is shown.
    let before = app.health_summary(&s.psw, id, today()).unwrap();
    assert!(!before.published && !before.overall.shown);
    assert!(before.overall.statements.iter().all(|f| f.agree.is_none()));
    // Closed: published, counts rounded, shares from every answer.
    let after = close(&s, id);
    assert!(after.published && after.overall.shown);
    assert_eq!(
        after.overall.responses,
        Some(5),
        "6 responses, to the nearest 5"
    );
    assert!(after.overall.standards.iter().all(|f| f.agree == Some(1.0)));
    assert_eq!(after.overall.stay, Some(1.0));
    let reasons = &after.reasons[0];
    assert_eq!((reasons.count, reasons.few), (Some(5), false));
    let comments = after
        .comments
        .as_ref()
        .expect("the principal social worker reads free text");
    assert!(comments.iter().any(|(_, v)| v.len() == 6));
    // No more answers once closed.
    let late = app.save_health_page(Pass::Link(code), Step::About, &[], today());
    assert!(late.is_err());
}

#[test]
fn another_organisation_and_a_practitioner_see_no_results() {
    let s = setup();
    let app = &s.t.app;
    let opened = open(app, &s.psw, 5);
    let other_org = org(app, "Eastshire Council");
    let other = person(
        app,
        &other_org,
        "psw@east.example",
        &[Role::PrincipalSocialWorker, Role::OrgAdmin],
        "2025-01-01T00:00:00Z",
    );
    assert!(matches!(
        app.health_summary(&other, opened.round.id, today()),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        app.health_round(&other, opened.round.id, today()),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        app.health_answering(Pass::Member(&other, opened.round.id), today()),
        Err(AppError::NotFound { .. })
    ));
    let worker = person(
        app,
        &s.psw.org,
        "sw@west.example",
        &[Role::SocialWorker],
        "2025-01-01T00:00:00Z",
    );
    assert!(matches!(
        app.health_summary(&worker, opened.round.id, today()),
        Err(AppError::Forbidden { .. })
    ));
    // A team manager reads the figures but never the free text.
    for c in &opened.codes {
        answer(app, c, None, "3", "4");
    }
    close(&s, opened.round.id);
    let manager = person(
        app,
        &s.psw.org,
        "tm@west.example",
        &[Role::TeamManager],
        "2025-01-01T00:00:00Z",
    );
    let seen = app
        .health_summary(&manager, opened.round.id, today())
        .unwrap();
    assert!(seen.overall.shown && seen.comments.is_none());
}

#[test]
fn people_who_were_not_there_when_it_opened_do_not_make_the_five() {
    let s = setup();
    let app = &s.t.app;
    let opened = open(app, &s.psw, 1);
    answer(app, &opened.codes[0], None, "2", "1");
    // Four late links and four accounts made after the round opened: in the figures, but they
    // do not make the five.
    let late = app
        .add_health_invitations(&s.psw, opened.round.id, 2, today(), &Origin::default())
        .unwrap();
    for c in &late.codes {
        answer(app, c, None, "5", "5");
    }
    for i in 0..2 {
        let p = person(
            app,
            &s.psw.org,
            &format!("new{i}@west.example"),
            &[Role::SocialWorker],
            "2999-01-01T00:00:00Z",
        );
        let pass = Pass::Member(&p, opened.round.id);
        let at = app.health_answering(pass, today()).unwrap();
        assert!(!at.draft.counts);
        let f: Vec<(String, String)> = question_set().standards[0]
            .statements
            .iter()
            .map(|st| (st.key.clone(), "5".into()))
            .collect();
        app.save_health_page(pass, Step::Standard(0), &f, today())
            .unwrap();
        app.submit_health_answers(pass, today()).unwrap();
    }
    let summary = close(&s, opened.round.id);
    assert!(
        !summary.overall.shown,
        "five responses, one that counts: nothing shown"
    );
    assert!(summary.reasons.is_empty() && summary.drivers.is_empty() && summary.comments.is_none());
}

/// A team's figures never leave fewer than five answers to be found by subtracting the teams
/// shown from the organisation, whatever the teams' sizes.
#[test]
fn no_group_or_cell_leaves_one_to_four_to_subtraction() {
    let min = u64::from(MIN_RESPONSES);
    for sizes in [[5usize, 5, 1], [6, 4, 0], [5, 5, 0], [7, 6, 3], [12, 2, 2]] {
        let s = setup();
        let app = &s.t.app;
        let total: usize = sizes.iter().sum();
        let opened = open(app, &s.psw, total as u32);
        let mut codes = opened.codes.iter();
        for (t, n) in sizes.iter().enumerate() {
            for k in 0..*n {
                // Points vary so that shares would differ if anyone could be subtracted.
                let point = ["1", "2", "3", "4", "5"][(t + k) % 5];
                answer(
                    app,
                    codes.next().unwrap(),
                    Some(s.teams[t].id),
                    point,
                    point,
                );
            }
        }
        let summary = close(&s, opened.round.id);
        let teams = summary.breakdowns.iter().find(|b| b.by == "team").unwrap();
        let shown: Vec<&swforce_app::healthcheck::GroupFigures> =
            teams.groups.iter().filter(|g| g.shown).collect();
        let shown_people: usize = teams
            .groups
            .iter()
            .zip(sizes.iter().filter(|n| **n > 0))
            .filter(|(g, _)| g.shown)
            .map(|(_, n)| *n)
            .sum();
        let left = (total - shown_people) as u64;
        assert!(
            left == 0 || left >= min,
            "{sizes:?}: {left} left to subtraction"
        );
        for g in &teams.groups {
            if let Some(n) = g.responses {
                assert!(n >= min, "{sizes:?}: a group of {n}");
            }
        }
        assert!(shown.iter().all(|g| {
            g.statements
                .iter()
                .all(|f| f.answered.is_none_or(|n| n >= min))
        }));
    }
}

#[test]
fn invented_responses_are_the_same_for_a_seed_and_show_drivers() {
    let a = empty_app();
    let org_a = org(&a.app, "Invented A");
    let made = a
        .app
        .generate_health_check(&org_a, 300, 7, 12, today())
        .unwrap();
    assert_eq!(made.responses, 300);
    let b = empty_app();
    let org_b = org(&b.app, "Invented A");
    let again = b
        .app
        .generate_health_check(&org_b, 300, 7, 12, today())
        .unwrap();
    let mut ra = a.app.store().health_responses(made.round.id).unwrap();
    let mut rb = b.app.store().health_responses(again.round.id).unwrap();
    ra.sort_by(|x, y| x.answers.codes().cmp(y.answers.codes()));
    rb.sort_by(|x, y| x.answers.codes().cmp(y.answers.codes()));
    assert_eq!(ra.len(), rb.len());
    assert!(
        ra.iter()
            .zip(&rb)
            .all(|(x, y)| x.answers == y.answers && x.reasons == y.reasons)
    );
    let s = a
        .app
        .health_summary_of(
            &a.app.store().organisation(org_a.id).unwrap().unwrap(),
            None,
            today(),
        )
        .unwrap();
    assert!(s.overall.shown && s.synthetic);
    assert_eq!(s.drivers.len(), 8);
    let workload = s.drivers.iter().find(|d| d.key == "workload").unwrap();
    assert!(
        workload.low > 0.0,
        "workload goes with intention to stay in the invented data: {workload:?}"
    );
    // A real organisation is refused.
    let c = setup();
    let refused =
        c.t.app
            .generate_health_check(&c.psw.org, 10, 1, 12, today())
            .unwrap_err();
    assert!(refused.to_string().contains("real people"), "{refused}");
}

/// Many random rounds: whatever the mix of teams, roles, services and "does not apply", every
/// group and every statement shown in any breakdown has at least five answers, and what the
/// groups shown leave of the organisation's answers is nothing or at least five, so no
/// subtraction of views singles anyone out.
#[test]
fn no_view_of_any_random_round_leaves_fewer_than_five_to_subtraction() {
    use rand_pcg::Pcg64Mcg;
    use rand_pcg::rand_core::{Rng, SeedableRng};
    let min = u64::from(MIN_RESPONSES);
    let set = question_set();
    let roles = ["social_worker", "social_work_assistant"];
    let services = ["children", "adults", "other"];
    for seed in 0..6u64 {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let s = setup();
        let app = &s.t.app;
        let people = 8 + (rng.next_u32() % 20) as usize;
        let opened = open(app, &s.psw, people as u32);
        // Each person: (team index or none, role, service, answer to the first statement).
        let mut people_said = Vec::new();
        for code in &opened.codes {
            let team = match rng.next_u32() % 4 {
                3 => None,
                t => Some(t as usize),
            };
            let role = roles[(rng.next_u32() % 2) as usize];
            let service = services[(rng.next_u32() % 3) as usize];
            let first = ["1", "2", "3", "4", "5", "n"][(rng.next_u32() % 6) as usize];
            let pass = Pass::Link(code);
            let team_id = team.map(|t| s.teams[t].id.to_string()).unwrap_or_default();
            app.save_health_page(
                pass,
                Step::About,
                &form(&[("role", role), ("service", service), ("team", &team_id)]),
                today(),
            )
            .unwrap();
            let mut f: Vec<(String, String)> = set.standards[0]
                .statements
                .iter()
                .map(|st| (st.key.clone(), "4".to_string()))
                .collect();
            f[0].1 = first.to_string();
            app.save_health_page(pass, Step::Standard(0), &f, today())
                .unwrap();
            app.submit_health_answers(pass, today()).unwrap();
            people_said.push((team, role, service, first != "n"));
        }
        let summary = close(&s, opened.round.id);
        if !summary.overall.shown {
            assert!(
                summary
                    .breakdowns
                    .iter()
                    .all(|b| b.groups.iter().all(|g| !g.shown))
            );
            continue;
        }
        for b in &summary.breakdowns {
            // Who is in each group, as this test put them there.
            let member = |g: &str, p: &(Option<usize>, &str, &str, bool)| match b.by {
                "team" => p.0.is_some_and(|t| s.teams[t].name == g),
                "role" => PractitionerRole::from_id(p.1).is_some_and(|r| r.label() == g),
                _ => swforce_domain::healthcheck::ServiceArea::from_id(p.2)
                    .is_some_and(|x| x.label() == g),
            };
            let shown: Vec<_> = b.groups.iter().filter(|g| g.shown).collect();
            let in_shown = people_said
                .iter()
                .filter(|p| shown.iter().any(|g| member(&g.label, p)))
                .count();
            let left = people_said.len() - in_shown;
            assert!(
                left == 0 || left as u64 >= min,
                "seed {seed}, by {}: {left} people left to subtraction",
                b.by
            );
            for g in &shown {
                let n = people_said.iter().filter(|p| member(&g.label, p)).count() as u64;
                assert!(n >= min, "seed {seed}: group {} of {n} shown", g.label);
            }
            // The first statement, which some said does not apply to them.
            let cells: Vec<_> = shown.iter().filter(|g| g.statements[0].shown).collect();
            let answered = |p: &&(Option<usize>, &str, &str, bool)| p.3;
            let total = people_said.iter().filter(answered).count();
            let in_cells = people_said
                .iter()
                .filter(answered)
                .filter(|p| cells.iter().any(|g| member(&g.label, p)))
                .count();
            let left = total - in_cells;
            assert!(
                left == 0 || left as u64 >= min,
                "seed {seed}, by {}, first statement: {left} answers left",
                b.by
            );
            for g in &cells {
                let n = people_said
                    .iter()
                    .filter(answered)
                    .filter(|p| member(&g.label, p))
                    .count() as u64;
                assert!(
                    n >= min,
                    "seed {seed}: a statement of {n} answers shown for {}",
                    g.label
                );
            }
        }
    }
}

/// From the outside check: a statement held back never shows through its standard, and links
/// made after opening never make the five a reason to stay needs.
#[test]
fn a_hidden_statement_never_shows_through_its_standard_nor_late_links_through_reasons() {
    let s = setup();
    let app = &s.t.app;
    let set = question_set();
    let opened = open(app, &s.psw, 6);
    let supervision = set
        .standards
        .iter()
        .position(|x| x.key == "supervision")
        .unwrap();
    for (i, code) in opened.codes.iter().enumerate() {
        let pass = Pass::Link(code);
        // Five say the first statement does not apply; one strongly disagrees with it. The
        // others are half agree, half disagree.
        let f: Vec<(String, String)> = set.standards[supervision]
            .statements
            .iter()
            .enumerate()
            .map(|(k, st)| {
                let v = match (k, i) {
                    (0, 5) => "1",
                    (0, _) => "n",
                    _ if i % 2 == 0 => "4",
                    _ => "2",
                };
                (st.key.clone(), v.to_string())
            })
            .collect();
        app.save_health_page(pass, Step::Standard(supervision), &f, today())
            .unwrap();
        let reason: &[(&str, &str)] = if i == 5 { &[("reason", "other")] } else { &[] };
        app.save_health_page(pass, Step::Stay, &form(reason), today())
            .unwrap();
        app.submit_health_answers(pass, today()).unwrap();
    }
    let late = app
        .add_health_invitations(&s.psw, opened.round.id, 4, today(), &Origin::default())
        .unwrap();
    for code in &late.codes {
        let pass = Pass::Link(code);
        app.save_health_page(pass, Step::Stay, &form(&[("reason", "other")]), today())
            .unwrap();
        app.submit_health_answers(pass, today()).unwrap_err();
        let f: Vec<(String, String)> = set.standards[0]
            .statements
            .iter()
            .map(|st| (st.key.clone(), "3".into()))
            .collect();
        app.save_health_page(pass, Step::Standard(0), &f, today())
            .unwrap();
        app.submit_health_answers(pass, today()).unwrap();
    }
    let summary = close(&s, opened.round.id);
    let standard = &summary.overall.standards[supervision];
    let first = summary
        .overall
        .statements
        .iter()
        .find(|f| f.key == set.standards[supervision].statements[0].key)
        .unwrap();
    assert!(!first.shown, "one answer on the scale: held back");
    assert_eq!(
        standard.agree,
        Some(0.5),
        "the standard pools only the statements shown"
    );
    let other = summary
        .reasons
        .iter()
        .find(|r| r.label == "Something else")
        .unwrap();
    assert!(
        other.few && other.count.is_none(),
        "one real person and four late links: {other:?}"
    );
}

#[test]
fn own_questions_are_tidied_and_asked_once() {
    use swforce_app::healthcheck::own_questions;
    assert_eq!(
        own_questions("  Desks\u{0}  free?\n\n").unwrap(),
        ["Desks free?"]
    );
    assert!(
        own_questions("Desks?\ndesks?")
            .unwrap_err()
            .to_string()
            .contains("same as an earlier one")
    );
    assert_eq!(
        swforce_domain::healthcheck::audience_label(&[PractitionerRole::OtherPractitioner]),
        "other practitioners"
    );
}

/// From the second outside check: a service less a team inside it must not leave one person.
/// Six in Front door (children), five in Child protection (adults), one in Fostering (children):
/// Fostering and one of the splits that would isolate its person are held back.
#[test]
fn a_group_of_one_split_less_a_group_of_another_never_leaves_one_person() {
    let s = setup();
    let app = &s.t.app;
    let set = question_set();
    let opened = open(app, &s.psw, 12);
    for (i, code) in opened.codes.iter().enumerate() {
        let (team, service) = match i {
            0..=5 => (0, "children"),
            6..=10 => (1, "adults"),
            _ => (2, "children"),
        };
        let pass = Pass::Link(code);
        let t = s.teams[team].id.to_string();
        app.save_health_page(
            pass,
            Step::About,
            &form(&[
                ("role", "social_worker"),
                ("service", service),
                ("team", &t),
            ]),
            today(),
        )
        .unwrap();
        let point = if i == 11 { "1" } else { "4" };
        let f: Vec<(String, String)> = set.standards[0]
            .statements
            .iter()
            .map(|st| (st.key.clone(), point.to_string()))
            .collect();
        app.save_health_page(pass, Step::Standard(0), &f, today())
            .unwrap();
        app.submit_health_answers(pass, today()).unwrap();
    }
    let summary = close(&s, opened.round.id);
    let shown = |by: &str, label: &str| {
        summary
            .breakdowns
            .iter()
            .find(|b| b.by == by)
            .and_then(|b| b.groups.iter().find(|g| g.label == label))
            .is_some_and(|g| g.shown)
    };
    assert!(
        !(shown("team", "Front door") && shown("service", "Children and families")),
        "children less Front door would be the one person in Fostering"
    );
    assert!(!shown("team", "Fostering"));
}

/// Benchmarks: four councils of a region that share their results make the region's median and
/// England's, and a starting value for the Retain lever.
#[test]
fn four_councils_sharing_results_make_benchmarks_and_a_retain_start() {
    let t = crate::demo_app();
    let app = &t.app;
    let set = question_set();
    let mut rounds = Vec::new();
    for (i, (name, la)) in [
        ("Kent County Council", "E10000016"),
        ("Medway Council", "E06000035"),
        ("Surrey County Council", "E10000030"),
        ("West Sussex County Council", "E10000032"),
    ]
    .into_iter()
    .enumerate()
    {
        let o = app
            .store()
            .create_organisation(&NewOrganisation {
                name,
                kind: OrgKind::LocalAuthority,
                la_code: Some(la),
                email_domain: None,
                created_at: "2025-01-01T00:00:00Z",
            })
            .unwrap();
        let psw = person(
            app,
            &o,
            &format!("psw{i}@x.test"),
            &[Role::PrincipalSocialWorker],
            "2025-01-01T00:00:00Z",
        );
        let opened = app
            .open_health_round(
                &psw,
                &NewRound {
                    title: "Health check".into(),
                    closes_on: today().to_string(),
                    audience: vec![PractitionerRole::SocialWorker],
                    own_questions: String::new(),
                    invitations: 6,
                    benchmark: true,
                },
                today(),
                &Origin::default(),
            )
            .unwrap();
        for (k, code) in opened.codes.iter().enumerate() {
            let pass = Pass::Link(code);
            // Council i: i + 2 of its 6 agree they will stay.
            let stay = if k < i + 2 { "5" } else { "2" };
            let f: Vec<(String, String)> = set.standards[0]
                .statements
                .iter()
                .map(|st| (st.key.clone(), "4".to_string()))
                .collect();
            app.save_health_page(pass, Step::Standard(0), &f, today())
                .unwrap();
            app.save_health_page(pass, Step::Stay, &form(&[(&set.stay.key, stay)]), today())
                .unwrap();
            app.submit_health_answers(pass, today()).unwrap();
        }
        app.close_health_round(&psw, opened.round.id, today(), &Origin::default())
            .unwrap();
        rounds.push((psw, opened.round.id));
    }
    let (psw, id) = &rounds[0];
    let s = app.health_summary(psw, *id, today()).unwrap();
    assert_eq!(
        s.benchmark_orgs,
        (4, 4),
        "all four in the South East and England"
    );
    assert_eq!(s.overall.standards[0].region, Some(1.0));
    assert_eq!(s.overall.standards[0].england, Some(1.0));
    let retain = s
        .retain
        .as_ref()
        .expect("a starting value for the Retain lever");
    // Kent: 2 of 6 expect to stay; the upper quarter of 2/6, 3/6, 4/6, 5/6 is 4/6 + 0.25 / 6
    // (NumPy's percentile, 75).
    let upper = 4.0 / 6.0 + 0.25 / 6.0;
    let expected = 1.0 - (1.0 - upper) / (1.0 - 2.0 / 6.0);
    assert!((retain.cut - expected).abs() < 1e-9, "{retain:?}");
    assert_eq!(retain.la_code, "E10000016");
}
