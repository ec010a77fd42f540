//! Synthetic diaries: the same seed and end week give the same diaries whatever day they are
//! made; the demo's people keep their diaries up to last week whenever it starts.

use crate::empty_app;
use swforce_app::diary::GenerateSpec;
use swforce_domain::Date;
use swforce_domain::access::OrgKind;
use swforce_domain::diary::Week;
use swforce_store::{NewOrganisation, Organisation, StoredDiary};

fn kent(app: &swforce_app::App) -> Organisation {
    app.store()
        .create_organisation(&NewOrganisation {
            name: "Kent County Council",
            kind: OrgKind::LocalAuthority,
            la_code: Some("E10000016"),
            email_domain: None,
            created_at: "2025-01-01T00:00:00Z",
        })
        .unwrap()
}

/// Every synthetic diary of an organisation, without the time it was written.
fn diaries(app: &swforce_app::App, org: i64) -> Vec<StoredDiary> {
    let mut out = Vec::new();
    for (id, _, _) in app.store().synthetic_people(org).unwrap() {
        let from = Week::parse("2000-01-03").unwrap();
        let to = Week::parse("2100-01-04").unwrap();
        for mut d in app.store().diaries_of(id, from, to).unwrap() {
            d.updated_at.clear();
            out.push(d);
        }
    }
    out
}

#[test]
fn the_same_seed_and_end_week_give_the_same_diaries_on_any_day() {
    let end = Week::parse("2025-03-03").unwrap();
    let spec = GenerateSpec {
        people: 30,
        weeks: 6,
        end_week: Some(end),
        seed: 7,
        team_size: 8,
    };
    let made: Vec<Vec<StoredDiary>> = ["2025-03-12", "2026-11-30"]
        .into_iter()
        .map(|day| {
            let t = empty_app();
            let org = kent(&t.app);
            let g = t
                .app
                .generate_diaries(&org, spec, Date::parse(day).unwrap())
                .unwrap();
            assert_eq!((g.from, g.to), (end.plus_weeks(-5), end));
            diaries(&t.app, org.id)
        })
        .collect();
    assert!(!made[0].is_empty());
    assert_eq!(made[0], made[1]);
    // An end week that has not ended is refused with a fix.
    let t = empty_app();
    let org = kent(&t.app);
    let e = t
        .app
        .generate_diaries(&org, spec, Date::parse("2025-03-05").unwrap())
        .unwrap_err();
    assert!(e.to_string().contains("has not ended"), "{e}");
}

#[test]
fn the_demo_keeps_its_diaries_up_to_last_week_whenever_it_starts() {
    let t = empty_app();
    let first = Date::parse("2025-03-12").unwrap();
    assert!(t.app.load_demo_diaries(first).unwrap());
    let org = t
        .app
        .store()
        .organisations()
        .unwrap()
        .into_iter()
        .find(|o| o.name.starts_with("Demo Council"))
        .unwrap();
    let latest = |app: &swforce_app::App| {
        app.store()
            .synthetic_people(org.id)
            .unwrap()
            .iter()
            .map(|p| p.2)
            .max()
            .unwrap()
    };
    assert_eq!(latest(&t.app), Week::containing(first).plus_weeks(-1));
    // Seven months later the demo starts again: its people have kept the weeks since.
    let later = Date::parse("2025-10-15").unwrap();
    assert!(!t.app.load_demo_diaries(later).unwrap());
    assert_eq!(latest(&t.app), Week::containing(later).plus_weeks(-1));
    let published = Week::published_through(later);
    let england = |app: &swforce_app::App| {
        app.national_time(None, published.plus_weeks(-12), published)
            .unwrap()
    };
    // Invented people are labelled, and not in England's figures unless the operator says so.
    assert!(org.synthetic, "the demo organisation is marked synthetic");
    let g = england(&t.app);
    assert!(!g.shown && g.diaries == 0 && !g.synthetic, "{g:?}");
    assert!(t.app.diary_participants().unwrap().is_empty());
    let org = t.app.store().organisation(org.id).unwrap().unwrap();
    t.app.opt_in_from_command_line(&org).unwrap();
    let g = england(&t.app);
    assert!(
        g.shown,
        "England has figures for the recent weeks once opted in"
    );
    assert!(g.synthetic, "and says they hold invented diaries");
    // Starting again the same day adds nothing.
    let before = diaries(&t.app, org.id).len();
    assert!(!t.app.load_demo_diaries(later).unwrap());
    assert_eq!(diaries(&t.app, org.id).len(), before);
}
