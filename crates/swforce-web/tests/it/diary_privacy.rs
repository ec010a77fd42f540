//! The diary's promise, tried as a careful attacker would: no one person's week can be learned
//! from the figures by reading before and after they save, by inventing colleagues, from the
//! shared notes or from the counts; through the API, the pages and the downloads, on SQLite and
//! on PostgreSQL.

use crate::time::{FACE, NOTES, category, in_team, keep, publish, this_week};
use crate::{Browser, TestApp, spawn_app};
use swforce_domain::diary::Week;

fn on_postgres() -> TestApp {
    crate::spawn_app_on_postgres().expect("a PostgreSQL server on 127.0.0.1:5432")
}

/// What anyone can read of a group at once: the team and organisation summaries with a
/// time:read token, the organisation's and the team's downloads, and England's and the South
/// East's public figures.
fn everything(app: &TestApp, manager: &Browser<'_>, token: &str, team: &str, w: Week) -> String {
    let api = |path: &str| {
        app.agent()
            .get(&app.url(path))
            .header("authorization", &format!("Bearer {token}"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    };
    let q = format!("from={w}&to={w}");
    [
        api(&format!("/api/v1/diary/summary?{q}")),
        api(&format!("/api/v1/diary/summary?team={team}&{q}")),
        manager
            .get(&format!("/time/organisation/download.csv?{q}"))
            .body,
        manager
            .get(&format!("/time/organisation/download.csv?team={team}&{q}"))
            .body,
        app.get(&format!("/api/v1/diary/national?{q}")).body,
        app.get(&format!("/api/v1/diary/national?region=E12000008&{q}"))
            .body,
        app.get(&format!("/time/england/download.csv?{q}")).body,
    ]
    .join("\n---\n")
}

fn reading_before_and_after_a_save_learns_nothing(app: &TestApp) {
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let team = app.app.store().create_team(kent, "Front door").unwrap();
    let team_id = app.public(swforce_app::public_id::Kind::Team, team.id);
    let manager = app.person(kent, "manager@kent.test", &["team_manager"]);
    let admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    admin.post_form("/time/settings/opt-in", &[("opt_in", "yes")]);
    let token = app.token("manager@kent.test", &["time:read"]);
    let (face, notes) = (category(app, kent, FACE), category(app, kent, NOTES));
    let week = this_week();
    // Six in the team and six in no team keep the week in time; it is published.
    let mut in_the_team = Vec::new();
    let mut no_team = Vec::new();
    for i in 0..6 {
        let email = format!("t{i}@kent.test");
        let b = app.person(kent, &email, &["social_worker"]);
        in_team(app, &email, team.id);
        keep(&b, week, &face, &notes, ("10", "27"), &[]);
        in_the_team.push(b);
        let b = app.person(kent, &format!("n{i}@kent.test"), &["social_worker"]);
        keep(&b, week, &face, &notes, ("15", "22"), &[]);
        no_team.push(b);
    }
    let late = app.person(kent, "late@kent.test", &["social_worker"]);
    assert_eq!(publish(app).first, 12);
    let before = everything(app, &manager, &token, &team_id, week);
    assert!(before.contains("\"suppressed\":false"), "{before}");

    // A team member changes their week, ticks a box and shares a note; a person in no team
    // changes theirs; someone fills the week in late. Nothing anyone can read moves, at once
    // or once published: each waits for a batch.
    keep(
        &in_the_team[0],
        week,
        &face,
        &notes,
        ("30", "7"),
        &[
            ("obstacles", "it_problems"),
            ("note", "a note"),
            ("share_note", "yes"),
        ],
    );
    keep(&no_team[0], week, &face, &notes, ("0", "37"), &[]);
    keep(&late, week, &face, &notes, ("37", "0"), &[]);
    assert_eq!(everything(app, &manager, &token, &team_id, week), before);
    let p = publish(app);
    assert_eq!((p.batched, p.waiting), (0, 3));
    assert_eq!(everything(app, &manager, &token, &team_id, week), before);

    // Four more change their hours. The batch is the five whose changes move the same figures
    // (the four and the person in no team); the change that alone ticks a box and the diary
    // filled in late, which alone moves the count of diaries, wait.
    keep(&no_team[1], week, &face, &notes, ("16", "21"), &[]);
    keep(&no_team[2], week, &face, &notes, ("14", "23"), &[]);
    keep(&no_team[3], week, &face, &notes, ("13", "24"), &[]);
    keep(&in_the_team[1], week, &face, &notes, ("12", "25"), &[]);
    let p = publish(app);
    assert_eq!((p.batched, p.waiting), (5, 2));
    let after = everything(app, &manager, &token, &team_id, week);
    assert_ne!(after, before);
    let parts = |s: &str| s.split("\n---\n").map(str::to_string).collect::<Vec<_>>();
    assert_eq!(parts(&after)[1], parts(&before)[1], "the team's summary");
    assert_eq!(parts(&after)[3], parts(&before)[3], "the team's download");
    let it = |s: &str| {
        let v: serde_json::Value = serde_json::from_str(&parts(s)[0]).unwrap();
        v["got_in_the_way"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["reason"] == "it_problems")
            .unwrap()["share"]
            .clone()
    };
    assert_eq!(
        it(&after),
        it(&before),
        "the lone tick has not moved anything"
    );
}

#[test]
fn reading_before_and_after_a_save_learns_nothing_on_sqlite() {
    reading_before_and_after_a_save_learns_nothing(&spawn_app());
}

#[test]
fn reading_before_and_after_a_save_learns_nothing_on_postgres() {
    reading_before_and_after_a_save_learns_nothing(&on_postgres());
}

fn invented_colleagues_never_make_five(app: &TestApp) {
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    let real = app.person(kent, "real@kent.test", &["social_worker"]);
    let (face, notes) = (category(app, kent, FACE), category(app, kent, NOTES));
    // A week that has closed: the real person kept it; the admin invents four colleagues who
    // fill it in with hours the admin knows.
    let week = this_week().plus_weeks(-4);
    keep(&real, week, &face, &notes, ("12", "25"), &[]);
    for i in 0..4 {
        let fake = app.newcomer(kent, &format!("fake{i}@kent.test"), &["social_worker"]);
        assert_eq!(
            keep(&fake, week, &face, &notes, ("0", "37"), &[]).status,
            303
        );
    }
    publish(app);
    let q = format!("from={week}&to={week}");
    let page = admin.get(&format!("/time/organisation?{q}"));
    assert!(page.body.contains("Not enough responses"), "{}", page.body);
    let csv = admin.get(&format!("/time/organisation/download.csv?{q}"));
    assert!(csv.body.contains("not enough responses"), "{}", csv.body);
    let token = app.token("admin@kent.test", &["time:read"]);
    let json = app
        .agent()
        .get(&app.url(&format!("/api/v1/diary/summary?{q}")))
        .header("authorization", &format!("Bearer {token}"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(json.contains("\"suppressed\":true"), "{json}");
    // The same four keep this week too, beside the real person, in time: their accounts are
    // younger than the week, so it still does not count.
    let now = this_week();
    keep(&real, now, &face, &notes, ("12", "25"), &[]);
    for i in 0..4 {
        let fake = app.person(kent, &format!("fake{i}@kent.test"), &["social_worker"]);
        keep(&fake, now, &face, &notes, ("0", "37"), &[]);
    }
    publish(app);
    assert!(
        admin
            .get(&format!("/time/organisation?from={now}&to={now}"))
            .body
            .contains("Not enough responses")
    );
    // The burst is on the audit log: four accounts made and ten weeks saved, never their hours.
    let audit = app.app.store().audit(Some(kent), 200).unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.detail.starts_with("invited with roles")
                && e.target.starts_with("person fake"))
            .count(),
        4,
        "{audit:?}"
    );
    assert_eq!(
        audit.iter().filter(|e| e.action == "diary.save").count(),
        10
    );
}

#[test]
fn invented_colleagues_never_make_five_on_sqlite() {
    invented_colleagues_never_make_five(&spawn_app());
}

#[test]
fn invented_colleagues_never_make_five_on_postgres() {
    invented_colleagues_never_make_five(&on_postgres());
}

fn shared_notes_stay_with_their_organisations_leaders(app: &TestApp) {
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let surrey = app.organisation("Surrey County Council", Some("E10000030"));
    let week = this_week();
    // Surrey: one diary with a shared note; Kent: five, one sharing a note.
    let admin = app.person(surrey, "admin@surrey.test", &["org_admin"]);
    admin.post_form("/time/settings/opt-in", &[("opt_in", "yes")]);
    let (s_face, s_notes) = (category(app, surrey, FACE), category(app, surrey, NOTES));
    keep(
        &admin,
        week,
        &s_face,
        &s_notes,
        ("10", "27"),
        &[("note", "Surrey lone note"), ("share_note", "yes")],
    );
    let k_admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    k_admin.post_form("/time/settings/opt-in", &[("opt_in", "yes")]);
    let (face, notes) = (category(app, kent, FACE), category(app, kent, NOTES));
    for i in 0..5 {
        let b = app.person(kent, &format!("w{i}@kent.test"), &["social_worker"]);
        let extra: Vec<(&str, &str)> = if i == 0 {
            vec![("note", "Kent shared note"), ("share_note", "yes")]
        } else {
            vec![]
        };
        keep(&b, week, &face, &notes, ("10", "27"), &extra);
    }
    publish(app);
    let q = format!("from={week}&to={week}");
    for path in [
        format!("/time/england?{q}"),
        format!("/time/regions/E12000008?{q}"),
        format!("/time/england/download.csv?{q}"),
        format!("/api/v1/diary/national?{q}"),
        format!("/api/v1/diary/national?region=E12000008&{q}"),
        "/time".to_string(),
    ] {
        let body = app.get(&path).body;
        assert!(
            !body.contains("Kent shared note") && !body.contains("Surrey lone note"),
            "{path}: {body}"
        );
    }
    // Kent's leaders read Kent's note; Surrey's single diary shows nothing, note included.
    assert!(
        k_admin
            .get(&format!("/time/organisation?{q}"))
            .body
            .contains("Kent shared note")
    );
    let lone = admin.get(&format!("/time/organisation?{q}"));
    assert!(lone.body.contains("Not enough responses"));
    assert!(!lone.body.contains("Surrey lone note"));
}

#[test]
fn shared_notes_stay_with_their_organisations_leaders_on_sqlite() {
    shared_notes_stay_with_their_organisations_leaders(&spawn_app());
}

#[test]
fn shared_notes_stay_with_their_organisations_leaders_on_postgres() {
    shared_notes_stay_with_their_organisations_leaders(&on_postgres());
}

fn counts_never_single_anyone_out(app: &TestApp) {
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let team = app.app.store().create_team(kent, "Front door").unwrap();
    let team_id = app.public(swforce_app::public_id::Kind::Team, team.id);
    let manager = app.person(kent, "manager@kent.test", &["team_manager"]);
    let admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    admin.post_form("/time/settings/opt-in", &[("opt_in", "yes")]);
    let (face, notes) = (category(app, kent, FACE), category(app, kent, NOTES));
    let week = this_week();
    let earlier = week.plus_weeks(-1);
    // Seven people this week, one of them the only one using travel; three in the team the
    // week before.
    let mut people = Vec::new();
    for i in 0..7 {
        let email = format!("w{i}@kent.test");
        let b = app.person(kent, &email, &["social_worker"]);
        in_team(app, &email, team.id);
        // One of the seven ticks IT problems.
        let extra: Vec<(&str, &str)> = if i == 0 {
            vec![("obstacles", "it_problems")]
        } else {
            vec![]
        };
        keep(&b, week, &face, &notes, ("10", "27"), &extra);
        people.push(b);
    }
    for b in people.iter().take(3) {
        keep(b, earlier, &face, &notes, ("10", "27"), &[]);
    }
    publish(app);
    let q = format!("from={earlier}&to={week}");
    let england = app.get_json(&format!("/api/v1/diary/national?{q}"));
    assert_eq!(england["contributors"], 5, "seven, to the nearest five");
    assert_eq!(england["diaries"], 7, "{england}");
    assert_eq!(england["counts_rounded_to"], 5);
    for c in england["categories"].as_array().unwrap() {
        assert!(
            c.get("contributors").is_none(),
            "no category claims the whole group: {c}"
        );
    }
    // A reason ticked in fewer than five diaries shows neither its count nor its share.
    let it = england["got_in_the_way"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["reason"] == "it_problems")
        .unwrap()
        .clone();
    assert_eq!(
        (&it["diaries"], &it["share"], &it["fewer_than_5"]),
        (
            &serde_json::Value::Null,
            &serde_json::Value::Null,
            &serde_json::Value::Bool(true)
        ),
        "{it}"
    );
    // The week of three shows no count in the weekly table, and says why, not "held back".
    let page = manager.get(&format!("/time/organisation?team={team_id}&{q}"));
    assert!(
        page.body.contains("fewer than 5 people who count"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("held back: the rest"), "{}", page.body);
    assert!(!page.body.contains(">3</td>"), "{}", page.body);
    // One more person later: the public count of people does not move by one.
    let eighth = app.person(kent, "w7@kent.test", &["social_worker"]);
    keep(&eighth, earlier, &face, &notes, ("10", "27"), &[]);
    publish(app);
    assert_eq!(
        app.get_json(&format!("/api/v1/diary/national?{q}"))["contributors"],
        5
    );
}

#[test]
fn counts_never_single_anyone_out_on_sqlite() {
    counts_never_single_anyone_out(&spawn_app());
}

#[test]
fn counts_never_single_anyone_out_on_postgres() {
    counts_never_single_anyone_out(&on_postgres());
}

fn invented_colleagues_in_a_team_of_their_own_uncover_nobody(app: &TestApp) {
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let store = app.app.store();
    let teams: Vec<_> = ["Alpha", "Beta", "Gamma"]
        .iter()
        .map(|n| store.create_team(kent, n).unwrap())
        .collect();
    let admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    let token = app.token("admin@kent.test", &["time:read"]);
    let (face, notes) = (category(app, kent, FACE), category(app, kent, NOTES));
    let week = this_week();
    // Five in Alpha, five in Beta, and one real person in Gamma.
    for (t, prefix) in [(0, "a"), (1, "b")] {
        for i in 0..5 {
            let email = format!("{prefix}{i}@kent.test");
            let b = app.person(kent, &email, &["social_worker"]);
            in_team(app, &email, teams[t].id);
            keep(&b, week, &face, &notes, ("10", "27"), &[]);
        }
    }
    let email = "victim@kent.test";
    let victim = app.person(kent, email, &["social_worker"]);
    in_team(app, email, teams[2].id);
    keep(&victim, week, &face, &notes, ("13.3", "7.7"), &[]);
    // The admin invents four colleagues in Gamma, who keep the week with hours the admin knows:
    // Gamma then has five diaries, but only one that counts.
    for i in 0..4 {
        let email = format!("fake{i}@kent.test");
        let b = app.newcomer(kent, &email, &["social_worker"]);
        in_team(app, &email, teams[2].id);
        keep(&b, week, &face, &notes, ("10", "10"), &[]);
    }
    publish(app);
    let summary = |team: Option<i64>| {
        let q = match team {
            Some(t) => format!(
                "team={}&",
                app.public(swforce_app::public_id::Kind::Team, t)
            ),
            None => String::new(),
        };
        let body = app
            .agent()
            .get(&app.url(&format!("/api/v1/diary/summary?{q}from={week}&to={week}")))
            .header("authorization", &format!("Bearer {token}"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };
    assert_eq!(summary(None)["suppressed"], false);
    assert_eq!(summary(Some(teams[2].id))["suppressed"], true);
    // The organisation less every team shown would leave the one real person in Gamma: a team is
    // held back, so the subtraction always leaves five people who count or more.
    let shown: Vec<bool> = teams[..2]
        .iter()
        .map(|t| summary(Some(t.id))["suppressed"] == false)
        .collect();
    assert!(shown.iter().any(|s| !s), "{shown:?}");
    assert!(
        admin
            .get(&format!("/time/organisation?from={week}&to={week}"))
            .body
            .contains("People who kept a diary")
    );
}

#[test]
fn invented_colleagues_in_a_team_of_their_own_uncover_nobody_on_sqlite() {
    invented_colleagues_in_a_team_of_their_own_uncover_nobody(&spawn_app());
}

#[test]
fn invented_colleagues_in_a_team_of_their_own_uncover_nobody_on_postgres() {
    invented_colleagues_in_a_team_of_their_own_uncover_nobody(&on_postgres());
}

fn saving_a_week_unchanged_makes_no_batch(app: &TestApp) {
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    admin.post_form("/time/settings/opt-in", &[("opt_in", "yes")]);
    let (face, notes) = (category(app, kent, FACE), category(app, kent, NOTES));
    let week = this_week();
    let people: Vec<_> = (0..6)
        .map(|i| app.person(kent, &format!("w{i}@kent.test"), &["social_worker"]))
        .collect();
    for b in &people {
        keep(b, week, &face, &notes, ("10", "27"), &[]);
    }
    publish(app);
    let england = || {
        app.get(&format!("/api/v1/diary/national?from={week}&to={week}"))
            .body
    };
    let before = england();
    // One person changes the week; four others open it and save it as it was.
    keep(&people[0], week, &face, &notes, ("30", "7"), &[]);
    for b in &people[1..5] {
        keep(b, week, &face, &notes, ("10", "27"), &[]);
    }
    let p = publish(app);
    assert_eq!((p.batched, p.waiting), (0, 1));
    assert_eq!(england(), before);
    // Four real changes make the batch, and the figures move by all five at once.
    for b in &people[1..5] {
        keep(b, week, &face, &notes, ("11", "26"), &[]);
    }
    assert_eq!(publish(app).batched, 5);
    assert_ne!(england(), before);
}

#[test]
fn saving_a_week_unchanged_makes_no_batch_on_sqlite() {
    saving_a_week_unchanged_makes_no_batch(&spawn_app());
}

#[test]
fn saving_a_week_unchanged_makes_no_batch_on_postgres() {
    saving_a_week_unchanged_makes_no_batch(&on_postgres());
}
