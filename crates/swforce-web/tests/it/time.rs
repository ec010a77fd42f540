//! Time for social work on the web: a person keeps their weekly diary; leaders see sums of at
//! least five people and never a diary; categories change without breaking history; England
//! and the regions add up the organisations that opt in; the API and the downloads.

use crate::{Browser, TestApp, spawn_app};
use swforce_app::agency::today;
use swforce_domain::diary::Week;
use swforce_store::DiaryScope;

pub fn this_week() -> Week {
    Week::containing(today())
}

/// The organisation's category ids, by label, as the pages name them.
pub fn category(app: &TestApp, org: i64, label: &str) -> String {
    let id = app
        .app
        .diary_categories(org)
        .unwrap()
        .into_iter()
        .find(|c| c.label == label)
        .unwrap_or_else(|| panic!("no category {label}"))
        .id;
    app.public(swforce_app::public_id::Kind::Category, id)
}

pub const FACE: &str = "Direct work face to face";
pub const NOTES: &str = "Case recording and notes";

pub fn keep(
    b: &Browser<'_>,
    week: Week,
    face: &str,
    notes: &str,
    hours: (&str, &str),
    extra: &[(&str, &str)],
) -> crate::Answer {
    let face_field = format!("hours-{face}");
    let notes_field = format!("hours-{notes}");
    let week = week.to_string();
    let mut fields = vec![
        ("week", week.as_str()),
        (face_field.as_str(), hours.0),
        (notes_field.as_str(), hours.1),
        ("contracted", "37"),
    ];
    fields.extend_from_slice(extra);
    b.post_form("/time/diary", &fields)
}

/// Publishes everything saved so far, as the server would five weeks from now, when every week
/// up to this one has closed.
pub fn publish(app: &TestApp) -> swforce_store::diary::Published {
    app.app
        .publish_diaries(today().plus_days(35))
        .expect("publishing")
}

pub fn in_team(app: &TestApp, email: &str, team: i64) {
    let mut u = app.app.store().user_by_email(email).unwrap().unwrap();
    u.team_id = Some(team);
    app.app.store().update_user(&u).unwrap();
}

#[test]
fn a_person_keeps_a_week_changes_it_later_and_the_next_week_starts_from_it() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let worker = app.person(kent, "worker@kent.test", &["social_worker"]);
    let page = worker.get("/time/diary");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Your time this week"));
    let (face, notes) = (category(&app, kent, FACE), category(&app, kent, NOTES));
    assert!(page.body.contains(&format!("id=\"hours-{face}\"")));

    let last = this_week().plus_weeks(-1);
    let saved = keep(
        &worker,
        last,
        &face,
        &notes,
        ("11", "29.5"),
        &[("obstacles", "forms"), ("note", "Two forms for one visit")],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        saved.header("location").unwrap(),
        format!("/time/diary?week={last}&saved=1")
    );
    let shown = worker.get(saved.header("location").unwrap());
    assert!(shown.body.contains("is saved"), "{}", shown.body);
    assert!(shown.body.contains("40.5 hours recorded"));
    assert!(shown.body.contains("value=\"29.5\""));
    assert!(shown.body.contains("Two forms for one visit"));

    // This week starts from last week's hours, but not from its note or obstacles.
    let next = worker.get("/time/diary");
    assert!(
        next.body.contains("filled in from your week of"),
        "{}",
        next.body
    );
    assert!(next.body.contains(&format!(
        "id=\"hours-{face}\" name=\"hours-{face}\" type=\"text\" inputmode=\"decimal\" value=\"11\""
    )));
    assert!(!next.body.contains("Two forms for one visit"));

    // Changing last week replaces it.
    let changed = keep(&worker, last, &face, &notes, ("12", "28"), &[]);
    assert_eq!(changed.status, 303);
    let kept = app
        .app
        .store()
        .diaries_of(
            app.app
                .store()
                .user_by_email("worker@kent.test")
                .unwrap()
                .unwrap()
                .id,
            last,
            last,
        )
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].diary.total(), 40 * 60);
    assert!(kept[0].diary.note.is_empty());

    // A week far over the contracted hours gets a gentle word, not an error.
    let long = keep(&worker, this_week(), &face, &notes, ("20", "40"), &[]);
    assert_eq!(long.status, 303);
    let page = worker.get(long.header("location").unwrap());
    assert!(
        page.body.contains("raising in supervision"),
        "{}",
        page.body
    );

    // Their own view and their own download.
    let mine = worker.get("/time/mine");
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("30%"), "{}", mine.body); // (12 + 20) / (40 + 60)... per week shares
    let csv = worker.get("/time/mine/download.csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with("week,Direct work face to face,"),
        "{}",
        csv.body
    );
    assert_eq!(csv.body.lines().count(), 3);
}

#[test]
fn bad_weeks_are_refused_beside_their_fields_and_nothing_is_kept() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let surrey = app.organisation("Surrey County Council", Some("E10000030"));
    let worker = app.person(kent, "worker@kent.test", &["social_worker"]);
    let (face, notes) = (category(&app, kent, FACE), category(&app, kent, NOTES));
    let theirs = category(&app, surrey, FACE);
    let week = this_week();
    // (fields changed, the field the problem is beside, the message)
    type Case<'a> = (Vec<(String, String)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![(format!("hours-{face}"), "-3".into())],
            "hours",
            "cannot be negative",
        ),
        (
            vec![
                (format!("hours-{face}"), "100".into()),
                (format!("hours-{notes}"), "69".into()),
            ],
            "hours",
            "more than the 168 hours",
        ),
        (
            vec![(format!("hours-{face}"), "lots".into())],
            "hours",
            "is not a number of hours",
        ),
        (
            vec![(format!("hours-{theirs}"), "3".into())],
            "hours",
            "not one of your organisation",
        ),
        (
            vec![("week".into(), week.plus_weeks(1).to_string())],
            "week",
            "has not started yet",
        ),
        (
            vec![("contracted".into(), "".into())],
            "contracted",
            "contracted hours",
        ),
        (
            vec![("note".into(), "x".repeat(2_001))],
            "note",
            "2000 characters",
        ),
    ];
    for (fields, field, message) in cases {
        let mut form: Vec<(String, String)> = vec![
            ("week".into(), week.to_string()),
            ("contracted".into(), "37".into()),
        ];
        for (k, v) in fields {
            form.retain(|(x, _)| *x != k);
            form.push((k, v));
        }
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let a = worker.post_form("/time/diary", &pairs);
        assert_eq!(a.status, 422, "{message}: {}", a.body);
        assert!(a.body.contains("There is a problem"), "{message}");
        assert!(a.body.contains(message), "{message}: {}", a.body);
        assert!(
            a.body.contains("-error\""),
            "{message}: an error beside a field"
        );
        assert!(
            a.body.contains(&format!("href=\"#{field}")),
            "{message}: the summary links to the field"
        );
    }
    assert_eq!(
        app.app
            .store()
            .diary_sums(
                &DiaryScope::Org(kent),
                week.plus_weeks(-10),
                week.plus_weeks(1)
            )
            .unwrap()
            .contributors,
        0,
        "nothing was kept"
    );
    // A long note is not sent back whole.
    let a = worker.post_form(
        "/time/diary",
        &[
            ("week", &week.to_string()),
            ("contracted", "37"),
            ("note", &"y".repeat(100_000)),
        ],
    );
    assert_eq!(a.status, 422);
    assert!(a.body.len() < 60_000, "{} bytes", a.body.len());
}

#[test]
fn leaders_see_sums_of_five_people_or_more_and_never_a_diary() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let team = app
        .app
        .store()
        .create_team(kent, "Child protection east")
        .unwrap();
    let manager = app.person(kent, "manager@kent.test", &["team_manager"]);
    let (face, notes) = (category(&app, kent, FACE), category(&app, kent, NOTES));
    let week = this_week();
    let mut workers = Vec::new();
    for i in 0..5 {
        let email = format!("worker{i}@kent.test");
        let b = app.person(kent, &email, &["social_worker"]);
        in_team(&app, &email, team.id);
        workers.push(b);
    }
    // Four people: nothing is shown for the team or the organisation.
    for (i, b) in workers.iter().take(4).enumerate() {
        let note = format!("Private note number {i}");
        let extra: Vec<(&str, &str)> = if i == 0 {
            vec![
                ("note", "The case system froze twice"),
                ("share_note", "yes"),
                ("obstacles", "it_problems"),
            ]
        } else {
            vec![("note", note.as_str())]
        };
        let a = keep(b, week, &face, &notes, ("10", "27"), &extra);
        assert_eq!(a.status, 303, "{}", a.body);
    }
    let org = manager.get("/time/organisation");
    assert_eq!(org.status, 200);
    assert!(org.body.contains("Not enough responses"), "{}", org.body);
    assert!(!org.body.contains("The case system froze twice"));
    let team_page = manager.get(&format!(
        "/time/organisation?team={}",
        app.public(swforce_app::public_id::Kind::Team, team.id)
    ));
    assert!(team_page.body.contains("Not enough responses"));
    // Only a team's page offers the whole organisation instead: the organisation's page does
    // not offer what is already chosen.
    assert!(team_page.body.contains("or the whole organisation"));
    assert!(!org.body.contains("or the whole organisation"));

    // The fifth person, and the week is published: numbers appear, rounded; shared words, but
    // no private note or name.
    keep(&workers[4], week, &face, &notes, ("12", "25"), &[]);
    let org = manager.get("/time/organisation");
    assert!(
        org.body.contains("Not enough responses"),
        "nothing shows before the week is published"
    );
    assert_eq!(publish(&app).first, 5);
    let org = manager.get("/time/organisation");
    assert!(!org.body.contains("Not enough responses"), "{}", org.body);
    // (4 × 10 + 12) / (5 × 37) = 28%.
    assert!(org.body.contains(">28%<"), "{}", org.body);
    assert!(org.body.contains("The case system froze twice"));
    for i in 1..4 {
        assert!(!org.body.contains(&format!("Private note number {i}")));
    }
    for i in 0..5 {
        assert!(!org.body.contains(&format!("worker{i}@kent.test")));
    }
    let team_page = manager.get(&format!(
        "/time/organisation?team={}",
        app.public(swforce_app::public_id::Kind::Team, team.id)
    ));
    assert!(team_page.body.contains(">28%<"));
    assert!(
        !team_page.body.contains("The case system froze twice"),
        "a team's page shows no notes"
    );
    // Capacity: 52 direct hours over 5 × 37 contracted hours is 10.4 an FTE; ten points more of
    // 37 hours for 5 FTE is half an FTE.
    assert!(org.body.contains("10.4"), "{}", org.body);
    let shifted = manager.get("/time/organisation?shift=10");
    assert!(
        shifted.body.contains("0.5 more full-time social workers"),
        "{}",
        shifted.body
    );
    let bad = manager.get("/time/organisation?shift=lots");
    assert!(bad.body.contains("Enter a number of percentage points"));
    assert!(
        org.body
            .contains("/projections/E10000016?direct_now=28#reform")
    );

    // The download holds the same sums, and nobody.
    let csv = manager.get("/time/organisation/download.csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.body
            .contains("\"all direct, relationship-based work\",yes,,0.28,5"),
        "{}",
        csv.body
    );
    assert!(!csv.body.contains("worker"));

    // A social worker sees only their own; the settings are for analysts and admins.
    assert_eq!(workers[0].get("/time/organisation").status, 403);
    assert_eq!(
        workers[0].get("/time/organisation/download.csv").status,
        403
    );
    assert_eq!(manager.get("/time/settings").status, 403);
    // A period that makes no sense is refused with a fix.
    let nonsense = manager.get("/time/organisation?from=2025-05-05&to=2025-01-06");
    assert_eq!(nonsense.status, 400);
    assert!(
        nonsense
            .body
            .contains("Choose a start date before the end date")
    );
    // The page keeps the form with the dates asked for, beside the last 13 weeks' figures.
    assert!(nonsense.body.contains("sw-error-summary"));
    assert!(
        nonsense.body.contains(
            "id=\"from-year\" name=\"from-year\" type=\"text\" inputmode=\"numeric\" value=\"2025\""
        ) && nonsense.body.contains(
            "id=\"from-month\" name=\"from-month\" type=\"text\" inputmode=\"numeric\" value=\"5\""
        ) && nonsense.body.contains("Showing the last 13 weeks instead"),
        "{}",
        nonsense.body
    );
    // The GOV.UK date boxes: a date that is not real is refused beside them, keeping them.
    let boxes = manager.get(
        "/time/organisation?from-day=31&from-month=2&from-year=2025&to-day=&to-month=&to-year=",
    );
    assert_eq!(boxes.status, 400);
    assert!(
        boxes
            .body
            .contains("\u{201c}From\u{201d} must be a real date")
    );
    assert!(boxes.body.contains("href=\"#from-day\""));
    assert!(
        boxes
            .body
            .contains("name=\"from-day\" type=\"text\" inputmode=\"numeric\" value=\"31\"")
    );
    let huge = manager.get("/time/organisation?from-day=99&from-month=13&from-year=99999");
    assert_eq!(huge.status, 400);
    assert!(
        huge.body
            .contains("\u{201c}From\u{201d} must be a real date")
    );
    let fine = manager.get("/time/organisation?from-day=6&from-month=1&from-year=2025&to-day=31&to-month=3&to-year=2025");
    assert_eq!(fine.status, 200);
    assert!(
        fine.body.contains("6 January 2025 to 6 April 2025"),
        "{}",
        fine.body
    );
    assert!(nonsense.body.contains("the week of 5 May 2025"));
    // A team manager lands on their own team, with the whole organisation one choice away.
    in_team(&app, "manager@kent.test", team.id);
    let landed = manager.get("/time/organisation");
    assert!(
        landed
            .body
            .contains("Time for social work: Child protection east"),
        "{}",
        landed.body
    );
    let all = manager.get("/time/organisation?team=");
    assert!(
        all.body
            .contains("Time for social work: Kent County Council")
    );
    // Each save is on the audit log with its week, never what it holds.
    let audit = app.app.store().audit(Some(kent), 100).unwrap();
    let saves: Vec<_> = audit.iter().filter(|e| e.action == "diary.save").collect();
    assert_eq!(saves.len(), 5, "{audit:?}");
    assert!(saves.iter().all(|e| e.target == week.monday().to_string()
        && e.detail.is_empty()
        && !format!("{e:?}").contains("Private note")
        && !format!("{e:?}").contains("froze")));
}

#[test]
fn nobody_can_be_worked_out_by_subtracting_one_view_from_another() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let surrey = app.organisation("Surrey County Council", Some("E10000030"));
    let store = app.app.store();
    let team_a = store.create_team(kent, "Front door").unwrap();
    let team_b = store.create_team(kent, "Children in care").unwrap();
    let manager = app.person(kent, "manager@kent.test", &["team_manager"]);
    let (face, notes) = (category(&app, kent, FACE), category(&app, kent, NOTES));
    let week = this_week();
    let earlier = week.plus_weeks(-1);
    let lone = week.plus_weeks(-2);
    // Both weeks: six in team A at 10 of 37 hours direct, one in no team at 30 of 37. This
    // week, five in team B at 20 of 37 too. The week before, one person alone, all direct.
    let mut a = Vec::new();
    for i in 0..6 {
        let email = format!("a{i}@kent.test");
        let b = app.person(kent, &email, &["social_worker"]);
        in_team(&app, &email, team_a.id);
        for w in [earlier, week] {
            assert_eq!(keep(&b, w, &face, &notes, ("10", "27"), &[]).status, 303);
        }
        a.push(b);
    }
    let loner = app.person(kent, "loner@kent.test", &["social_worker"]);
    for w in [earlier, week] {
        keep(&loner, w, &face, &notes, ("30", "7"), &[]);
    }
    keep(&a[0], lone, &face, &notes, ("37", "0"), &[]);
    let mut b_team = Vec::new();
    for i in 0..5 {
        let email = format!("b{i}@kent.test");
        let b = app.person(kent, &email, &["social_worker"]);
        in_team(&app, &email, team_b.id);
        keep(&b, week, &face, &notes, ("20", "17"), &[]);
        b_team.push(b);
    }
    publish(&app);
    let team = |t: i64| {
        format!(
            "&team={}",
            app.public(swforce_app::public_id::Kind::Team, t)
        )
    };
    let view = |from: Week, to: Week, q: &str| {
        manager.get(&format!("/time/organisation?from={from}&to={to}{q}"))
    };

    // The earlier week: (6 × 10 + 30) / (7 × 37) = 35%.
    let org = view(earlier, earlier, "");
    assert!(org.body.contains(">35%<"), "{}", org.body);
    // The lone week alone shows nothing, and adding it changes nothing: a week of one person
    // counts for nothing, so two periods never differ by one person's week.
    assert!(view(lone, lone, "").body.contains("Not enough responses"));
    let both = view(lone, earlier, "");
    assert!(both.body.contains(">35%<"), "{}", both.body);
    assert!(both.body.contains("; 7 weekly diaries"), "{}", both.body);
    assert!(both.body.contains("fewer than 5 people who count"));
    // Team A has six in the earlier week, but the organisation less team A would be the one
    // person in no team: team A's week is held back.
    let held = view(earlier, earlier, &team(team_a.id));
    assert!(held.body.contains("Not enough responses"), "{}", held.body);
    assert!(!held.body.contains(">27%<"));
    let csv = manager.get(&format!(
        "/time/organisation/download.csv?from={earlier}&to={earlier}{}",
        team(team_a.id)
    ));
    assert!(
        csv.body.contains("not enough responses") && !csv.body.contains("0.27"),
        "{}",
        csv.body
    );

    // This week, with team B's five: the smallest team shown (B) is held back with the one in
    // no team, so what can be subtracted is six people; team A shows.
    assert!(
        view(week, week, &team(team_a.id)).body.contains(">27%<"),
        "{}",
        view(week, week, &team(team_a.id)).body
    );
    assert!(
        view(week, week, &team(team_b.id))
            .body
            .contains("Not enough responses")
    );
    // Over the three weeks, team A's lone week and its held-back week are gaps that say why.
    let three = view(lone, week, &team(team_a.id));
    assert!(
        three.body.contains("fewer than 5 people who count"),
        "{}",
        three.body
    );
    assert!(three.body.contains("held back"), "{}", three.body);
    // (60 + 30 + 100) / (12 × 37) = 43%.
    assert!(view(week, week, "").body.contains(">43%<"));

    // Team B fill in the earlier week late. Their five changes enter the organisation's week
    // together; the teams' weeks stay as first published, so team A is still held back.
    for b in &b_team {
        keep(b, earlier, &face, &notes, ("20", "17"), &[]);
    }
    assert_eq!(publish(&app).batched, 5);
    assert!(view(earlier, earlier, "").body.contains(">43%<"));
    assert!(
        view(earlier, earlier, &team(team_a.id))
            .body
            .contains("Not enough responses")
    );

    // England counts an organisation's week only with five diaries or more: Surrey's three
    // do not count, so England less Kent leaves nobody.
    let admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    admin.post_form("/time/settings/opt-in", &[("opt_in", "yes")]);
    let (s_face, s_notes) = (category(&app, surrey, FACE), category(&app, surrey, NOTES));
    for i in 0..3 {
        let b = app.person(surrey, &format!("s{i}@surrey.test"), &["social_worker"]);
        keep(&b, week, &s_face, &s_notes, ("37", "0"), &[]);
    }
    store.set_diary_opt_in(surrey, true).unwrap();
    publish(&app);
    let england = app.get_json(&format!("/api/v1/diary/national?from={week}&to={week}"));
    assert_eq!(england["relationship_based_share"], 0.43, "{england}");
    assert_eq!(england["diaries"], 12, "{england}");
}

#[test]
fn categories_are_renamed_remapped_and_retired_without_losing_history() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    let (face, notes) = (category(&app, kent, FACE), category(&app, kent, NOTES));
    let week = this_week();
    for i in 0..5 {
        let b = app.person(kent, &format!("w{i}@kent.test"), &["social_worker"]);
        keep(&b, week, &face, &notes, ("10", "30"), &[]);
    }
    publish(&app);
    let before = admin.get("/time/organisation");
    assert!(before.body.contains(">25%<"), "{}", before.body);

    // Renamed: the same hours under the new name.
    let renamed = admin.post_form(
        "/time/settings/categories",
        &[
            ("id", notes.as_str()),
            (&format!("label-{notes}"), "Recording on the case system"),
            (&format!("activity-{notes}"), "case_recording"),
            (&format!("position-{notes}"), "30"),
        ],
    );
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let after = admin.get("/time/organisation");
    assert!(after.body.contains("Recording on the case system"));
    assert!(after.body.contains(">25%<"));
    let worker = app.person(kent, "w0@kent.test", &["social_worker"]);
    assert!(
        worker
            .get("/time/diary")
            .body
            .contains("Recording on the case system")
    );

    // Remapped to direct work: every week counts again under the new meaning.
    admin.post_form(
        "/time/settings/categories",
        &[
            ("id", notes.as_str()),
            (&format!("label-{notes}"), "Recording on the case system"),
            (&format!("activity-{notes}"), "direct_remote"),
            (&format!("position-{notes}"), "30"),
        ],
    );
    assert!(admin.get("/time/organisation").body.contains(">100%<"));

    // Retired: off the diary page, still in the sums.
    admin.post_form(
        "/time/settings/categories",
        &[
            ("id", notes.as_str()),
            (&format!("label-{notes}"), "Recording on the case system"),
            (&format!("activity-{notes}"), "case_recording"),
            (&format!("position-{notes}"), "30"),
            (&format!("retired-{notes}"), "yes"),
        ],
    );
    let fresh = app.person(kent, "new@kent.test", &["social_worker"]);
    assert!(
        !fresh
            .get("/time/diary")
            .body
            .contains("Recording on the case system")
    );
    assert!(
        worker.get("/time/diary").body.contains("No longer in use"),
        "kept on a week with time in it"
    );
    assert!(
        admin
            .get("/time/organisation")
            .body
            .contains("Recording on the case system")
    );

    // Added; a name already used is refused beside its field.
    let added = admin.post_form(
        "/time/settings/categories",
        &[
            ("id", "0"),
            ("label-0", "Family time supervision"),
            ("activity-0", "direct_face_to_face"),
        ],
    );
    assert_eq!(added.status, 303);
    assert!(
        fresh
            .get("/time/diary")
            .body
            .contains("Family time supervision")
    );
    let twice = admin.post_form(
        "/time/settings/categories",
        &[("id", "0"), ("label-0", "travel"), ("activity-0", "travel")],
    );
    assert_eq!(twice.status, 422);
    assert!(
        twice.body.contains("id=\"label-0-error\""),
        "{}",
        twice.body
    );
    let no_kind = admin.post_form(
        "/time/settings/categories",
        &[("id", "0"), ("label-0", "Something")],
    );
    assert_eq!(no_kind.status, 422);
    assert!(no_kind.body.contains("Choose which kind of work"));
    // Every change is on the audit log.
    let audit = app.app.store().audit(Some(kent), 100).unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "diary.category")
            .count(),
        4
    );
}

#[test]
fn england_and_the_regions_add_up_the_organisations_that_opt_in() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    let (face, notes) = (category(&app, kent, FACE), category(&app, kent, NOTES));
    for i in 0..6 {
        let b = app.person(kent, &format!("w{i}@kent.test"), &["social_worker"]);
        keep(&b, this_week(), &face, &notes, ("9", "28"), &[]);
    }
    publish(&app);
    let england = app.get_json("/api/v1/diary/national");
    assert_eq!(england["suppressed"], true, "{england}");
    assert!(
        app.get("/time/england")
            .body
            .contains("Not enough responses")
    );

    let a = admin.post_form("/time/settings/opt-in", &[("opt_in", "yes")]);
    assert_eq!(a.status, 303);
    let england = app.get_json("/api/v1/diary/national");
    assert_eq!(england["suppressed"], false, "{england}");
    assert_eq!(england["contributors"], 5, "six, to the nearest five");
    assert_eq!(england["relationship_based_share"], 0.24);
    assert_eq!(england["categories"].as_array().unwrap().len(), 10);
    let south_east = app.get("/time/regions/E12000008");
    assert_eq!(south_east.status, 200);
    assert!(south_east.body.contains(">24%<"), "{}", south_east.body);
    assert!(
        app.get("/time/regions/E12000001")
            .body
            .contains("Not enough responses")
    );
    assert_eq!(app.get("/time/regions/E99999999").status, 404);
    assert!(app.get("/time").body.contains("Kent County Council"));
    let csv = app.get("/time/england/download.csv");
    assert!(csv.body.contains("England,"), "{}", csv.body);

    let bad = admin.post_form("/time/settings/opt-in", &[("opt_in", "maybe")]);
    assert_eq!(bad.status, 422);
    admin.post_form("/time/settings/opt-in", &[("opt_in", "no")]);
    assert_eq!(app.get_json("/api/v1/diary/national")["suppressed"], true);
    // An organisation of invented people is labelled, and its admin cannot add it to England.
    let medway = app.organisation("Medway Council", Some("E06000035"));
    let org = app.app.store().organisation(medway).unwrap().unwrap();
    app.app
        .generate_diaries(
            &org,
            swforce_app::diary::GenerateSpec {
                people: 20,
                weeks: 8,
                end_week: None,
                seed: 3,
                team_size: 5,
            },
            today(),
        )
        .unwrap();
    let synthetic_admin = app.person(medway, "admin@medway.test", &["org_admin"]);
    let refused = synthetic_admin.post_form("/time/settings/opt-in", &[("opt_in", "yes")]);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("invented people"), "{}", refused.body);
    assert!(app.app.store().diary_opted_in().unwrap().is_empty());
    let own = synthetic_admin.get("/time/organisation");
    assert!(
        own.body
            .contains("Synthetic: these figures are made from invented people"),
        "{}",
        own.body
    );
    // The operator adds it: the API, the landing page and England's page say so.
    app.app.opt_in_from_command_line(&org).unwrap();
    assert_eq!(app.get_json("/api/v1/diary/national")["synthetic"], true);
    assert!(
        app.get("/time")
            .body
            .contains("Synthetic: these figures include invented people")
    );
    // Generating into an organisation in England's figures takes it out, unless the operator
    // opts it in again; an organisation of real people takes no invented ones at all.
    let surrey = app.organisation("Surrey County Council", Some("E10000030"));
    app.app.store().set_diary_opt_in(surrey, true).unwrap();
    let surrey_org = app.app.store().organisation(surrey).unwrap().unwrap();
    let spec = swforce_app::diary::GenerateSpec {
        people: 10,
        weeks: 4,
        end_week: None,
        seed: 9,
        team_size: 5,
    };
    let made = app
        .app
        .generate_diaries(&surrey_org, spec, today())
        .unwrap();
    assert!(made.taken_out);
    assert!(!app.app.store().diary_opt_in(surrey).unwrap());
    let kent_org = app.app.store().organisation(kent).unwrap().unwrap();
    let refused = app.app.generate_diaries(&kent_org, spec, today());
    assert!(
        matches!(&refused, Err(swforce_app::AppError::Invalid { problem, .. }) if problem.contains("real people")),
        "{refused:?}"
    );
}

#[test]
fn tokens_read_their_owners_weeks_and_their_organisations_sums_with_their_scopes() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let manager = app.person(kent, "manager@kent.test", &["team_manager"]);
    let (face, notes) = (category(&app, kent, FACE), category(&app, kent, NOTES));
    keep(
        &manager,
        this_week(),
        &face,
        &notes,
        ("5", "30"),
        &[("note", "my own words")],
    );
    let own = app.token("manager@kent.test", &["diary:read"]);
    let sums = app.token("manager@kent.test", &["time:read"]);
    let auth = |t: &str| format!("Bearer {t}");
    let weeks = app
        .agent()
        .get(&app.url("/api/v1/diary/weeks"))
        .header("authorization", &auth(&own))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let weeks: serde_json::Value = serde_json::from_str(&weeks).unwrap();
    assert_eq!(weeks["weeks"][0]["note"], "my own words");
    assert_eq!(weeks["weeks"][0]["contracted_hours"], 37.0);
    assert_eq!(weeks["categories"].as_array().unwrap().len(), 10);
    let r = app
        .agent()
        .get(&app.url("/api/v1/diary/summary"))
        .header("authorization", &auth(&sums))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let r: serde_json::Value = serde_json::from_str(&r).unwrap();
    assert_eq!(r["suppressed"], true, "one person is not enough: {r}");
    assert!(r.get("categories").is_none());
    // Each token only does what its scope says.
    let wrong = app
        .agent()
        .get(&app.url("/api/v1/diary/summary"))
        .header("authorization", &auth(&own))
        .call()
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 403);
}

#[test]
fn a_calendar_export_becomes_suggested_hours_and_nothing_from_it_is_kept() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let worker = app.person(kent, "worker@kent.test", &["social_worker"]);
    let week = this_week().plus_weeks(-1);
    let day = |n: i64| week.monday().plus_days(n).to_string().replace('-', "");
    let ics = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n\
BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;TZID=Europe/London:{d1}T100000\r\nDTEND;TZID=Europe/London:{d1}T120000\r\nSUMMARY:Home visit to the Smith family\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:b@test\r\nDTSTART;TZID=Europe/London:{d2}T090000\r\nDTEND;TZID=Europe/London:{d2}T103000\r\nSUMMARY:Core group meeting\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n",
        d1 = day(1),
        d2 = day(2)
    );
    let a = worker.post_file(
        &format!("/time/diary/calendar?week={week}"),
        "calendar.ics",
        ics.as_bytes(),
        &[],
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.body.contains("Suggested from your calendar"),
        "{}",
        a.body
    );
    let face = category(&app, kent, FACE);
    assert!(
        a.body.contains(&format!(
            "name=\"hours-{face}\" type=\"text\" inputmode=\"decimal\" value=\"2\""
        )),
        "{}",
        a.body
    );
    assert!(
        !a.body.contains("Smith"),
        "event titles are never shown back"
    );
    // The calendar comes before the boxes; one notice says where the hours came from; each
    // event is listed with the category it went to; two and a half hours of 37 is flagged.
    let at = |needle: &str| a.body.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(at("id=\"calendar-heading\"") < at("id=\"hours-hint\""));
    assert!(!a.body.contains("filled in from your"), "{}", a.body);
    let starts = |n: i64| {
        let d = week.monday().plus_days(n);
        let mon = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ][usize::from(d.month()) - 1];
        format!("{} {mon}", d.day())
    };
    assert!(
        a.body.contains(&format!("Tue {} 10:00", starts(1))),
        "{}",
        a.body
    );
    assert!(a.body.contains(FACE));
    assert!(a.body.contains(&format!("Wed {} 09:00", starts(2))));
    assert!(
        a.body
            .contains("accounts for only 3.5 of your 37 contracted hours"),
        "{}",
        a.body
    );

    // A meeting in a zone the file does not define is left out, and the page says which and
    // why; the rest of the week is still suggested.
    let odd = ics.replace(
        "END:VCALENDAR",
        &format!(
            "BEGIN:VEVENT\r\nUID:c@test\r\nDTSTART;TZID=Mars Standard Time:{d}T090000\r\nDTEND;TZID=Mars Standard Time:{d}T100000\r\nSUMMARY:Secret title\r\nEND:VEVENT\r\nEND:VCALENDAR",
            d = day(3)
        ),
    );
    let b = worker.post_file(
        &format!("/time/diary/calendar?week={week}"),
        "calendar.ics",
        odd.as_bytes(),
        &[],
    );
    assert_eq!(b.status, 200, "{}", b.body);
    assert!(b.body.contains("Left out of the suggestion"), "{}", b.body);
    assert!(
        b.body.contains("The event that starts on line 16"),
        "{}",
        b.body
    );
    assert!(b.body.contains("Mars Standard Time"));
    assert!(!b.body.contains("Secret title"));
    assert!(b.body.contains("2 events in your calendar"));
    assert_eq!(
        app.app
            .store()
            .diary_sums(&DiaryScope::Org(kent), week, week)
            .unwrap()
            .contributors,
        0,
        "a suggestion is not a saved week"
    );

    let bad = worker.post_file(
        &format!("/time/diary/calendar?week={week}"),
        "notes.docx",
        b"PK\x03\x04 not a calendar",
        &[],
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("sw-form-group--error"), "{}", bad.body);
    assert!(bad.body.contains("There is a problem"));
    let big = vec![b'x'; 11 * 1024 * 1024];
    let too_big = worker.post_file(
        &format!("/time/diary/calendar?week={week}"),
        "huge.ics",
        &big,
        &[],
    );
    assert_eq!(
        too_big.status,
        413,
        "{}",
        &too_big.body[..too_big.body.len().min(500)]
    );
    assert!(too_big.body.contains("larger than 10 MB"));
}

#[test]
fn the_time_pages_need_sign_in_where_they_hold_a_person_or_an_organisation() {
    let app = spawn_app();
    for path in ["/time", "/time/england", "/time/regions/E12000008"] {
        assert_eq!(app.get(path).status, 200, "{path} is public");
    }
    for path in [
        "/time/diary",
        "/time/mine",
        "/time/organisation",
        "/time/settings",
        "/time/mine/download.csv",
    ] {
        let a = app.get(path);
        assert_eq!(a.status, 303, "{path} asks for sign-in");
    }
}
