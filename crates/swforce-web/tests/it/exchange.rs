//! 80:20 in practice on the web: share an example (signed in, or as a guest who confirms by
//! email), moderate it, find it by a word and a filter, say it helped, withdraw it; get involved.

use crate::{TestApp, spawn_app};

fn mail_with(app: &TestApp, subject: &str) -> String {
    std::fs::read_dir(app.dir.path().join("outbox"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .find(|m| m.contains(subject))
        .unwrap_or_else(|| panic!("an email about {subject}"))
}

fn path_after(mail: &str, marker: &str) -> String {
    let line = mail.lines().find(|l| l.contains(marker)).unwrap().trim();
    line[line.find(marker).unwrap()..].to_string()
}

const GOOD: &[(&str, &str)] = &[
    ("title", "Dictation freed an afternoon a week"),
    (
        "problem",
        "Practitioners typed visit notes late into the *evening*.",
    ),
    (
        "change",
        "Every social worker got **dictation** software and a template.\n\n- one\n- two",
    ),
    ("setting", "children_and_families"),
    ("region", "E12000008"),
    ("themes", "templates-and-dictation"),
    ("hours_saved", "4"),
    ("contact_consent", "yes"),
];

#[test]
fn a_newcomer_shares_an_example_a_moderator_publishes_it_and_a_guest_finds_it() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let sam = app.person(kent, "sam@kent.test", &["social_worker"]);
    let campaign = app.organisation("80:20 campaign", None);
    let moderator = app.person(campaign, "mo@campaign.test", &["moderator"]);

    // A preview shows the example as it will read, keeps the form, and stores nothing.
    let mut preview: Vec<(&str, &str)> = GOOD.to_vec();
    preview.push(("action", "preview"));
    let shown = sam.post_form("/exchange/examples", &preview);
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("Preview: how your example will read"));
    assert!(shown.body.contains("<strong>dictation</strong>"));
    assert!(
        shown
            .body
            .contains("value=\"Dictation freed an afternoon a week\"")
    );
    // A preview says what sending would refuse.
    let mut html = GOOD.to_vec();
    html.retain(|(k, _)| *k != "problem");
    html.push(("problem", "<b>late</b> notes"));
    html.push(("action", "preview"));
    let refused = sam.post_form("/exchange/examples", &html);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("Remove the HTML tags"));
    for status in [
        swforce_domain::exchange::Status::Draft,
        swforce_domain::exchange::Status::Submitted,
    ] {
        assert!(app.app.store().examples_in(status, 10).unwrap().is_empty());
    }
    // A draft first, then sent for moderation.
    let mut draft: Vec<(&str, &str)> = GOOD.to_vec();
    draft.push(("action", "draft"));
    let saved = sam.post_form("/exchange/examples", &draft);
    assert_eq!(saved.status, 303, "{}", saved.body);
    let mine = sam.get("/exchange/mine?saved=1");
    assert!(mine.body.contains("Draft saved") && mine.body.contains("Dictation freed"));
    let id = app
        .app
        .store()
        .examples_of(
            app.app
                .store()
                .user_by_email("sam@kent.test")
                .unwrap()
                .unwrap()
                .id,
        )
        .unwrap()[0]
        .id;
    let number = id;
    let id = app.public(swforce_app::public_id::Kind::Example, id);
    let mut send: Vec<(String, String)> = GOOD
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    send.push(("id".into(), id.to_string()));
    send.push(("action".into(), "submit".into()));
    let refs: Vec<(&str, &str)> = send.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(sam.post_form("/exchange/examples", &refs).status, 303);
    // Not public yet; sending it twice is refused beside the title.
    let anon = app.browser();
    assert_eq!(anon.get(&format!("/exchange/examples/{id}")).status, 404);
    let mut again = GOOD.to_vec();
    again.push(("action", "submit"));
    let twice = sam.post_form("/exchange/examples", &again);
    assert_eq!(twice.status, 422);
    assert!(twice.body.contains("You have already sent this example"));

    // The moderator publishes it; a social worker cannot moderate.
    assert_eq!(sam.get("/exchange/moderation").status, 403);
    let queue = moderator.get("/exchange/moderation");
    assert!(
        queue.body.contains("Dictation freed an afternoon a week"),
        "{}",
        queue.body
    );
    let review = moderator.get(&format!("/exchange/moderation/{id}"));
    assert!(
        review.body.contains("sam@kent.test"),
        "the moderator sees who sent it"
    );
    assert!(
        review.body.contains("<strong>dictation</strong>"),
        "Markdown rendered"
    );
    let none = moderator.post_form(
        &format!("/exchange/moderation/{id}"),
        &[("decision", "reject")],
    );
    assert_eq!(none.status, 422, "a reason is needed to reject");
    assert!(none.body.contains("href=\"#note\""));
    let done = moderator.post_form(
        &format!("/exchange/moderation/{id}"),
        &[("decision", "approve")],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(
        app.app
            .store()
            .audit(None, 100)
            .unwrap()
            .iter()
            .any(|e| e.action == "moderation" && e.detail == "published")
    );

    // A guest finds it by a word of its body and by a filter, and reads it.
    let found = anon.get("/exchange?q=dictation");
    assert!(found.body.contains("1 example<"), "{}", found.body);
    assert!(found.body.contains(&format!(
        "/exchange/examples/{id}-dictation-freed-an-afternoon-a-week"
    )));
    assert!(
        anon.get("/exchange?q=evening")
            .body
            .contains("Dictation freed")
    );
    assert!(
        anon.get("/exchange?setting=children_and_families&region=E12000008")
            .body
            .contains("Dictation freed")
    );
    assert!(
        !anon
            .get("/exchange?setting=adults")
            .body
            .contains("Dictation freed")
    );
    assert!(
        anon.get("/exchange?theme=templates-and-dictation&measured=yes")
            .body
            .contains("Dictation freed")
    );
    let page = anon.get(&format!(
        "/exchange/examples/{id}-dictation-freed-an-afternoon-a-week"
    ));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<em>evening</em>"));
    assert!(
        !page.body.contains("sam@kent.test"),
        "the author is never shown"
    );
    assert!(page.body.contains("4 hours a week saved"));
    // "This helped me", once per person.
    let h = anon.post_form(&format!("/exchange/examples/{id}/helped"), &[]);
    assert_eq!(h.status, 303);
    anon.post_form(&format!("/exchange/examples/{id}/helped"), &[]);
    sam.post_form(&format!("/exchange/examples/{id}/helped"), &[]);
    assert_eq!(app.app.store().example(number).unwrap().unwrap().helped, 2);
    // The Atom feed lists it.
    let feed = anon.get("/exchange/feed.atom");
    assert!(
        feed.header("content-type")
            .unwrap()
            .starts_with("application/atom+xml")
    );
    assert!(
        feed.body
            .contains("<title>Dictation freed an afternoon a week</title>")
    );

    // The author withdraws it: it leaves the site and their details are erased.
    assert_eq!(
        sam.post_form(&format!("/exchange/examples/{id}/withdraw"), &[])
            .status,
        303
    );
    assert_eq!(anon.get(&format!("/exchange/examples/{id}")).status, 404);
    let gone = app.app.store().example(number).unwrap().unwrap();
    assert!(gone.author_email.is_empty() && gone.title.is_empty());
    assert!(
        !anon
            .get("/exchange?q=dictation")
            .body
            .contains("Dictation freed")
    );
}

#[test]
fn a_guest_confirms_by_email_and_bad_input_is_refused_beside_its_field() {
    let app = spawn_app();
    let anon = app.browser();
    let form = anon.get("/exchange/new");
    assert!(form.body.contains("id=\"website\""), "a honeypot");
    assert!(form.body.contains("Your email address"));
    // Every bad field at once, and nothing saved.
    let bad = anon.post_form(
        "/exchange/examples",
        &[
            ("title", ""),
            ("problem", "<script>alert(1)</script>"),
            ("change", &"x".repeat(20_001)),
            ("setting", "children_and_families"),
            ("themes", "made-up"),
            ("name", "Guest"),
            ("email", "not-an-email"),
        ],
    );
    assert_eq!(bad.status, 422);
    for field in ["title", "problem", "change", "themes"] {
        assert!(
            bad.body.contains(&format!("href=\"#{field}\"")),
            "{field}: {}",
            bad.body
        );
    }
    assert!(
        bad.body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "kept, escaped, to correct: {}",
        bad.body
            .split("name=\"problem\"")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>()
    );
    assert!(
        app.app
            .store()
            .examples_in(swforce_domain::exchange::Status::Unconfirmed, 10)
            .unwrap()
            .is_empty()
    );
    // A 5 MB text is refused beside its field, and not sent back whole.
    let huge = "a".repeat(5 * 1024 * 1024);
    // Its token is read from the long body, which then reaches the checks.
    let long = anon.post_form(
        "/exchange/examples",
        &[
            ("title", "Long"),
            ("problem", "p"),
            ("change", huge.as_str()),
            ("setting", "adults"),
            ("name", "Guest"),
            ("email", "guest@example.org"),
        ],
    );
    assert_eq!(long.status, 422);
    assert!(long.body.contains("href=\"#change\""));
    assert!(
        long.body.contains("20000 characters or fewer"),
        "{}",
        &long.body[..500]
    );
    assert!(
        long.body.len() < 200_000,
        "{} bytes sent back",
        long.body.len()
    );
    // A good one waits for the email link.
    let mut good: Vec<(&str, &str)> = GOOD.to_vec();
    good.extend([("name", "Gita Guest"), ("email", "gita@example.org")]);
    let sent = anon.post_form("/exchange/examples", &good);
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("Check your email"));
    assert!(
        app.app
            .store()
            .examples_in(swforce_domain::exchange::Status::Submitted, 10)
            .unwrap()
            .is_empty()
    );
    let mail = mail_with(&app, "Confirm your example");
    let confirmed = anon.get(&path_after(&mail, "/exchange/confirm/"));
    assert_eq!(confirmed.status, 200);
    assert_eq!(
        app.app
            .store()
            .examples_in(swforce_domain::exchange::Status::Submitted, 10)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        anon.get(&path_after(&mail, "/exchange/confirm/")).status,
        400,
        "a link works once"
    );
    // A robot that fills the hidden field is thanked and nothing is kept.
    let mut robot = good.clone();
    robot.push(("website", "http://spam.example"));
    robot[0] = ("title", "Buy now");
    assert_eq!(anon.post_form("/exchange/examples", &robot).status, 200);
    assert_eq!(
        app.app
            .store()
            .search_examples(&Default::default())
            .unwrap()
            .total,
        0
    );
    // The withdraw link erases the guest's details.
    assert_eq!(
        anon.get(&path_after(&mail, "/exchange/withdraw/")).status,
        200
    );
    assert!(
        app.app
            .store()
            .examples_in(swforce_domain::exchange::Status::Submitted, 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn people_get_involved_and_campaign_leads_export_with_consent_and_retention() {
    let app = spawn_app();
    let campaign = app.organisation("80:20 campaign", None);
    let lead = app.person(campaign, "lead@campaign.test", &["moderator"]);
    let anon = app.browser();
    let page = anon.get("/get-involved");
    assert_eq!(page.status, 200);
    let missing = anon.post_form(
        "/get-involved/steering",
        &[("name", "Ann"), ("email", "ann@example.org")],
    );
    assert_eq!(missing.status, 422);
    assert!(
        missing.body.contains("href=\"#consent\""),
        "consent is asked for"
    );
    let joined = anon.post_form(
        "/get-involved/steering",
        &[
            ("name", "Ann"),
            ("email", "ann@example.org"),
            ("role", "Principal social worker"),
            ("consent", "yes"),
        ],
    );
    assert_eq!(joined.status, 303);
    // A lead makes a form; people answer it.
    let made = lead.post_form(
        "/get-involved/forms",
        &[
            ("form_title", "Did the templates save time?"),
            ("questions", "How many hours a week?\nWhat else would help?"),
            ("retention_days", "90"),
        ],
    );
    assert_eq!(made.status, 303, "{}", made.body);
    let confirmed = lead.get(made.header("location").unwrap());
    assert!(
        confirmed.body.contains("sw-notification-banner--success")
            && confirmed.body.contains("Feedback form created")
    );
    let form_id = app.public(
        swforce_app::public_id::Kind::Form,
        app.app.store().forms().unwrap()[0].id,
    );
    let form = anon.get(&format!("/get-involved/forms/{form_id}"));
    assert!(form.body.contains("What else would help?"));
    assert!(form.body.contains("for 90 days"));
    let answered = anon.post_form(
        &format!("/get-involved/forms/{form_id}"),
        &[
            ("answer-1", "About 2"),
            ("answer-2", "=HYPERLINK(\"x\")"),
            ("consent", "yes"),
        ],
    );
    assert_eq!(answered.status, 303, "{}", answered.body);
    let csv = lead.get(&format!("/get-involved/forms/{form_id}/responses.csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("How many hours a week?"));
    assert!(
        csv.body.contains("'=HYPERLINK"),
        "formulas defused: {}",
        csv.body
    );
    let steering = lead.get("/get-involved/steering.csv");
    assert!(steering.body.contains("ann@example.org"));
    assert_eq!(
        anon.get("/get-involved/steering.csv").status,
        303,
        "sign in first"
    );
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let sam = app.person(kent, "sam@kent.test", &["social_worker"]);
    assert_eq!(sam.get("/get-involved/steering.csv").status, 403);
    // Moderators write the resources pages; HTML is refused.
    let list = anon.get("/resources");
    assert!(list.body.contains("Top tips"));
    let bad = lead.post_form(
        "/resources",
        &[
            ("slug", "events"),
            ("page_title", "Events"),
            ("body", "<b>x</b>"),
        ],
    );
    assert_eq!(bad.status, 422);
    let good = lead.post_form(
        "/resources",
        &[
            ("slug", "events"),
            ("page_title", "Events"),
            ("body", "## Next meeting\n\n[Join us](https://example.org)"),
        ],
    );
    assert_eq!(good.status, 303);
    let confirmed = lead.get(good.header("location").unwrap());
    assert!(confirmed.body.contains("Page saved"));
    let shown = anon.get("/resources/events");
    assert!(!shown.body.contains("Page saved"));
    assert!(shown.body.contains("<h2>Next meeting</h2>"));
    assert_eq!(
        sam.post_form(
            "/resources",
            &[("slug", "x"), ("page_title", "X"), ("body", "y")]
        )
        .status,
        403
    );
}

#[test]
fn a_moderator_edits_an_example_before_publishing_and_the_author_is_told() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let sam = app.person(kent, "sam@kent.test", &["social_worker"]);
    let campaign = app.organisation("80:20 campaign", None);
    let moderator = app.person(campaign, "mo@campaign.test", &["moderator"]);
    let mut send = GOOD.to_vec();
    send.push(("action", "submit"));
    assert_eq!(sam.post_form("/exchange/examples", &send).status, 303);
    let id = app
        .app
        .store()
        .examples_of(
            app.app
                .store()
                .user_by_email("sam@kent.test")
                .unwrap()
                .unwrap()
                .id,
        )
        .unwrap()[0]
        .id;
    let public = app.public(swforce_app::public_id::Kind::Example, id);
    // The review page holds the words to edit.
    let review = moderator.get(&format!("/exchange/moderation/{public}"));
    assert!(review.body.contains("Edit its words before publishing"));
    assert!(
        review
            .body
            .contains("value=\"Dictation freed an afternoon a week\"")
    );
    // An edit that leaves the title empty is refused beside it, with the edits kept open.
    let change = GOOD.iter().find(|(k, _)| *k == "change").unwrap().1;
    let problem = GOOD.iter().find(|(k, _)| *k == "problem").unwrap().1;
    let empty = moderator.post_form(
        &format!("/exchange/moderation/{public}"),
        &[
            ("decision", "approve"),
            ("title", " "),
            ("problem", problem),
            ("change", change),
        ],
    );
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert!(empty.body.contains("id=\"edit\" open"));
    let done = moderator.post_form(
        &format!("/exchange/moderation/{public}"),
        &[
            ("decision", "approve"),
            ("title", "Dictation freed an afternoon a week in Kent"),
            ("problem", problem),
            ("change", change),
            ("note", "We added where it happened."),
        ],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let published = app.app.store().example(id).unwrap().unwrap();
    assert_eq!(
        published.title,
        "Dictation freed an afternoon a week in Kent"
    );
    assert_eq!(
        published.status,
        swforce_domain::exchange::Status::Published
    );
    let mail = mail_with(&app, "published, with edits");
    assert!(mail.contains("sam@kent.test"));
    assert!(mail.contains("a moderator edited its title"), "{mail}");
    assert!(mail.contains("We added where it happened."));
    assert!(mail.contains("As you sent it:"));
    assert!(
        mail.lines()
            .any(|l| l.trim() == "Dictation freed an afternoon a week"),
        "{mail}"
    );
    assert!(
        app.app
            .store()
            .audit(None, 100)
            .unwrap()
            .iter()
            .any(|e| e.action == "moderation"
                && e.detail == "published with the moderator's edits to its title")
    );
}
