//! The health check on the web: a principal social worker opens a round and hands out links;
//! practitioners answer page by page without signing in, or signed in, and may stop and come
//! back; results appear only when the round closes, only to the organisation, with comments
//! only for those who run it; the CSV shows nothing the page hides.

use crate::{Browser, TestApp, spawn_app};
use swforce_app::healthcheck::question_set;

/// Opens a round through the form and returns its page address and its invitation links'
/// paths.
fn open_round(psw: &Browser<'_>, links: &str) -> (String, Vec<String>) {
    let day = swforce_app::agency::today().plus_days(20);
    let (d, m, y) = (
        day.day().to_string(),
        day.month().to_string(),
        day.year().to_string(),
    );
    let opened = psw.post_form(
        "/healthcheck/rounds",
        &[
            ("title", "Health check 2026"),
            ("closes-day", &d),
            ("closes-month", &m),
            ("closes-year", &y),
            ("audience", "social_worker"),
            ("own", "I can find a desk when I need one."),
            ("invitations", links),
            ("benchmark", "yes"),
        ],
    );
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert!(opened.body.contains("Round opened"));
    let paths: Vec<String> = opened
        .body
        .split_whitespace()
        .filter_map(|w| {
            w.find("/healthcheck/i/")
                .map(|i| w[i..].trim_end_matches("</textarea>").to_string())
        })
        .collect();
    let round = opened
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.starts_with("/healthcheck/rounds/"))
        .expect("a link to the round's page")
        .to_string();
    (round, paths)
}

/// Answers every page at `point` through a browser at `base` (a link or a member's address).
fn answer_all(b: &Browser<'_>, base: &str, point: &str, comment: &str) {
    let set = question_set();
    let about = b.get(&format!("{base}/about"));
    assert_eq!(about.status, 200, "{}", about.body);
    assert!(about.body.contains("About you"));
    let saved = b.post_form(
        &format!("{base}/about"),
        &[("role", "social_worker"), ("service", "children")],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    for s in &set.standards {
        let keys: Vec<(String, String)> = s
            .statements
            .iter()
            .map(|st| (st.key.clone(), point.to_string()))
            .collect();
        let mut fields: Vec<(&str, &str)> =
            keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        fields.push(("comment", comment));
        let a = b.post_form(&format!("{base}/{}", s.key), &fields);
        assert_eq!(a.status, 303, "{}: {}", s.key, a.body);
    }
    let a = b.post_form(
        &format!("{base}/stay"),
        &[
            (set.stay.key.as_str(), point),
            ("reason", "caseload"),
            ("obstacle", "forms"),
        ],
    );
    assert_eq!(a.status, 303, "{}", a.body);
    let a = b.post_form(&format!("{base}/own"), &[("own.1", point)]);
    assert_eq!(a.status, 303, "{}", a.body);
    let check = b.get(&format!("{base}/check"));
    assert!(
        check.body.contains("Check your answers before sending"),
        "{}",
        check.body
    );
    let sent = b.post_form(&format!("{base}/check"), &[]);
    assert_eq!(sent.status, 303, "{}", sent.body);
}

/// A closed health check round of five responses in the person's organisation, so that its
/// results have something to show: with `own` as its own question and `comment` in each
/// response's comments (when not empty). Returns the round's id.
pub fn closed_round(app: &TestApp, email: &str, own: &str, comment: &str) -> i64 {
    use swforce_app::healthcheck::{NewRound, Pass, Step, question_set};
    let user = app.app.store().user_by_email(email).unwrap().unwrap();
    let org = app.app.store().organisation(user.org_id).unwrap().unwrap();
    let who = swforce_app::access::Principal {
        user,
        org,
        scopes: None,
    };
    let today = swforce_app::agency::today();
    let origin = swforce_app::access::Origin::default();
    let new = NewRound {
        title: "Health check".into(),
        closes_on: today.to_string(),
        audience: vec![swforce_domain::healthcheck::PractitionerRole::SocialWorker],
        own_questions: own.to_string(),
        invitations: 5,
        benchmark: false,
    };
    let opened = app
        .app
        .open_health_round(&who, &new, today, &origin)
        .unwrap();
    let set = question_set();
    for code in &opened.codes {
        let pass = Pass::Link(code);
        for (i, s) in set.standards.iter().enumerate() {
            let f: Vec<(String, String)> = s
                .statements
                .iter()
                .map(|st| (st.key.clone(), "4".into()))
                .collect();
            app.app
                .save_health_page(pass, Step::Standard(i), &f, today)
                .unwrap();
        }
        let mut stay = vec![
            (set.stay.key.clone(), "5".to_string()),
            ("reason".into(), "pay".into()),
        ];
        if !comment.is_empty() {
            stay.push(("comment".into(), comment.to_string()));
        }
        app.app
            .save_health_page(pass, Step::Stay, &stay, today)
            .unwrap();
        app.app.submit_health_answers(pass, today).unwrap();
    }
    app.app
        .close_health_round(&who, opened.round.id, today, &origin)
        .unwrap();
    opened.round.id
}

fn setup(app: &TestApp) -> (i64, Browser<'_>) {
    let org = app.organisation("Kent County Council", Some("E10000016"));
    let psw = app.person(org, "psw@kent.test", &["principal_social_worker"]);
    (org, psw)
}

#[test]
fn a_round_is_opened_answered_by_link_and_published_only_when_it_closes() {
    let app = spawn_app();
    let (_, psw) = setup(&app);
    let (round, links) = open_round(&psw, "7");
    assert_eq!(links.len(), 7, "{links:?}");
    // Stop and come back: the page remembers what was saved.
    let first = app.browser();
    first.get(&links[0]);
    let later = first.post_form(
        &format!("{}/framework", links[0]),
        &[("framework.vision", "2"), ("later", "yes")],
    );
    assert!(
        later.body.contains("Your answers are saved"),
        "{}",
        later.body
    );
    let back = first.get(&format!("{}/framework", links[0]));
    assert!(
        back.body.contains("value=\"2\" checked"),
        "the same browser finds the answer by the same link"
    );
    // Another browser with the link (whoever else holds it) sees nothing of it, and can only
    // start again, which deletes it.
    let other = app.browser();
    let elsewhere = other.get(&format!("{}/framework", links[0]));
    assert!(
        elsewhere
            .body
            .contains("Your answers are in another browser"),
        "{}",
        elsewhere.body
    );
    assert!(!elsewhere.body.contains("value=\"2\" checked"));
    let refused = other.post_form(
        &format!("{}/framework", links[0]),
        &[("framework.vision", "5")],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    let restarted = other.post_form(&format!("{}/restart", links[0]), &[]);
    assert_eq!(restarted.status, 303, "{}", restarted.body);
    let fresh = other.get(&format!("{}/framework", links[0]));
    assert!(
        !fresh.body.contains("checked"),
        "started again: nothing saved shows"
    );
    let gone = first.get(&format!("{}/framework", links[0]));
    assert!(
        gone.body.contains("Your answers are in another browser"),
        "the first browser lost it"
    );
    for (i, link) in links.iter().take(6).enumerate() {
        // The first link carries on in the browser that started it again.
        let fresh = app.browser();
        answer_all(
            if i == 0 { &other } else { &fresh },
            link,
            ["4", "5", "2"][i % 3],
            &format!("Comment number {i}"),
        );
    }
    // Sent once: the link says so and takes nothing more.
    let again = app.browser().get(&format!("{}/about", links[1]));
    assert!(again.body.contains("Answers sent"), "{}", again.body);
    // Nothing before closing.
    let before = psw.get(&format!("{round}/results"));
    assert!(
        before.body.contains("Results are published when it closes"),
        "{}",
        before.body
    );
    assert!(!before.body.contains("Comment number"));
    let closed = psw.post_form(&format!("{round}/close"), &[]);
    assert_eq!(closed.status, 303);
    let results = psw.get(&format!("{round}/results"));
    assert_eq!(results.status, 200);
    assert!(
        results.body.contains("The eight standards"),
        "{}",
        results.body
    );
    assert!(
        results.body.contains("Comment number 3"),
        "the principal social worker reads comments"
    );
    assert!(results.body.contains("I can find a desk when I need one."));
    let csv = psw.get(&format!("{round}/results.csv"));
    assert!(csv.body.starts_with("round,split_by,group"), "{}", csv.body);
    assert!(
        !csv.body.contains("Comment number"),
        "comments never leave in the CSV"
    );
    // A link not used before closing says so.
    let late = app.browser().get(&format!("{}/about", links[6]));
    assert!(late.body.contains("has closed"), "{}", late.body);
}

#[test]
fn results_stay_inside_the_organisation_and_comments_with_those_who_run_it() {
    let app = spawn_app();
    let (org, psw) = setup(&app);
    let (round, links) = open_round(&psw, "5");
    for link in &links {
        answer_all(&app.browser(), link, "3", "Private words");
    }
    psw.post_form(&format!("{round}/close"), &[]);
    let manager = app.person(org, "tm@kent.test", &["team_manager"]);
    let seen = manager.get(&format!("{round}/results"));
    assert_eq!(seen.status, 200);
    assert!(
        !seen.body.contains("Private words"),
        "a team manager sees figures, never comments"
    );
    let worker = app.person(org, "sw@kent.test", &["social_worker"]);
    assert_eq!(worker.get(&format!("{round}/results")).status, 403);
    let other_org = app.organisation("Medway Council", Some("E06000035"));
    let other = app.person(
        other_org,
        "psw@medway.test",
        &["principal_social_worker", "org_admin"],
    );
    for path in [
        round.clone(),
        format!("{round}/results"),
        format!("{round}/results.csv"),
    ] {
        let a = other.get(&path);
        assert_eq!(a.status, 404, "{path}: {}", a.body);
        assert!(!a.body.contains("Private words") && !a.body.contains("Health check 2026"));
    }
    let anonymous = app.browser().get(&format!("{round}/results"));
    assert!(!anonymous.body.contains("Private words"));
    assert_ne!(anonymous.status, 200);
}

#[test]
fn a_member_answers_signed_in_and_an_unknown_link_is_not_found() {
    let app = spawn_app();
    let (org, psw) = setup(&app);
    let (round, _) = open_round(&psw, "0");
    let worker = app.person(org, "sw@kent.test", &["social_worker"]);
    let index = worker.get("/healthcheck");
    assert!(
        index.body.contains("Answer the health check"),
        "{}",
        index.body
    );
    answer_all(&worker, &format!("{round}/answer"), "4", "");
    let index = worker.get("/healthcheck");
    assert!(
        index.body.contains("You have sent your answers"),
        "{}",
        index.body
    );
    assert_eq!(
        app.browser()
            .get("/healthcheck/i/0123456789abcdef/about")
            .status,
        404
    );
    // Too many reasons to stay: refused with the problem on the page.
    let (_, links) = {
        psw.post_form(&format!("{round}/close"), &[]);
        open_round(&psw, "1")
    };
    let b = app.browser();
    b.get(&links[0]);
    let refused = b.post_form(
        &format!("{}/stay", links[0]),
        &[
            ("reason", "caseload"),
            ("reason", "pay"),
            ("reason", "flexible_working"),
            ("reason", "supervision"),
        ],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("Choose up to 3"), "{}", refused.body);
}

/// From the outside check: a missing round says nothing of its number; the CSV waits for the
/// round to close and then names no group held back; once closed, every link says only that.
#[test]
fn what_the_outside_check_found_stays_fixed() {
    let app = spawn_app();
    let (org, psw) = setup(&app);
    let (round, links) = open_round(&psw, "6");
    // The benchmark choice made on opening shows on the self-assessment form, ticked.
    let form = psw.get(&format!("{round}/assessment"));
    assert!(
        form.body
            .contains(r#"id="benchmark" name="benchmark" type="checkbox" value="yes" checked"#),
        "{}",
        form.body
    );
    // A bad number of links is shown beside its box on the round's page.
    let bad = psw.post_form(&format!("{round}/invitations"), &[("count", "abc")]);
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body.contains("sw-error-summary") && bad.body.contains("id=\"count-error\""),
        "{}",
        bad.body
    );
    let open_csv = psw.get(&format!("{round}/results.csv"));
    assert_eq!(open_csv.status, 400, "{}", open_csv.body);
    assert!(open_csv.body.contains("not published yet"));
    // One person chooses a team; five do not.
    let fostering = app.app.store().create_team(org, "Fostering").unwrap();
    let team = app.public(swforce_app::public_id::Kind::Team, fostering.id);
    let first = app.browser();
    first.get(&format!("{}/about", links[0]));
    first.post_form(
        &format!("{}/about", links[0]),
        &[("role", "social_worker"), ("team", &team)],
    );
    first.post_form(
        &format!("{}/framework", links[0]),
        &[("framework.vision", "4")],
    );
    first.post_form(&format!("{}/check", links[0]), &[]);
    for link in &links[1..5] {
        answer_all(&app.browser(), link, "4", "");
    }
    psw.post_form(&format!("{round}/close"), &[]);
    let csv = psw.get(&format!("{round}/results.csv"));
    assert_eq!(csv.status, 200);
    assert!(
        !csv.body.contains("Fostering"),
        "a team held back is not named: {}",
        csv.body
    );
    let used = app.browser().get(&format!("{}/about", links[0]));
    let unused = app.browser().get(&format!("{}/about", links[5]));
    assert!(used.body.contains("has closed") && unused.body.contains("has closed"));
    assert_eq!(used.header("cache-control"), Some("no-store, private"));
    // Another organisation's people are told nothing of the round's number.
    let other_org = app.organisation("Medway Council", Some("E06000035"));
    let other = app.person(other_org, "psw@medway.test", &["principal_social_worker"]);
    let missing = other.get(&round);
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("There is no such health check round"),
        "{}",
        missing.body
    );
    assert!(
        !missing.body.contains('\u{201c}'),
        "no number quoted: {}",
        missing.body
    );
}
