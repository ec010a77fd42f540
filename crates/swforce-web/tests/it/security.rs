//! What an outside check of every route found, each as a test: tokens held to their scopes,
//! drafts kept from moderators, sign-in's `next` kept on this site, names kept out of headers,
//! form tokens kept out of addresses, the API kept to tokens, and ids that reveal no counts.

use crate::browser::{Browser, PASSWORD};
use crate::{TestApp, spawn_app};
use swforce_app::public_id::Kind;
use swforce_domain::OldLaCode;
use swforce_import::census::generate::{GenerateSpec, generate};

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Posts a form with a token and nothing else (no cookie, no form token): as a script would.
fn token_post(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)]) -> crate::Answer {
    app.request(
        "POST",
        path,
        &[
            ("authorization", &bearer(token)),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        Some(serde_urlencoded::to_string(fields).unwrap().as_bytes()),
    )
}

fn census_file() -> Vec<u8> {
    let mut out = Vec::new();
    generate(
        &mut out,
        &GenerateSpec {
            workers: 30,
            seed: 3,
            lea: OldLaCode::parse("886").unwrap(),
            year: 2022,
        },
    )
    .unwrap();
    out
}

/// Kent's workforce analyst, as stored.
fn analyst(app: &TestApp) -> swforce_store::User {
    app.app
        .store()
        .user_by_email("analyst@kent.test")
        .unwrap()
        .unwrap()
}

struct Kent<'a> {
    org: i64,
    analyst: Browser<'a>,
}

fn kent(app: &TestApp) -> Kent<'_> {
    let org = app.organisation("Kent County Council", Some("E10000016"));
    let analyst = app.person(org, "analyst@kent.test", &["workforce_analyst"]);
    let recorded = analyst.post_form(
        "/agency/council/engagements",
        &[
            ("reference", "KCC-1"),
            ("swe_number", "SW990001"),
            ("agency", "Agency Ltd"),
            ("job_type", "social_worker"),
            ("start_date", "2025-03-03"),
        ],
    );
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    Kent { org, analyst }
}

#[test]
fn a_read_scope_never_writes_through_a_page_or_the_api() {
    let app = spawn_app();
    let k = kent(&app);
    let agency = app.token("analyst@kent.test", &["agency:read"]);
    let census = app.token("analyst@kent.test", &["census:read"]);
    let diary = app.token("analyst@kent.test", &["diary:read"]);
    let before = app.app.store().engagements(k.org).unwrap();
    let id = app.public(Kind::Engagement, before[0].id);
    for (path, fields) in [
        (
            "/agency/council/engagements".to_string(),
            vec![
                ("reference", "KCC-2"),
                ("swe_number", "SW990002"),
                ("agency", "Agency Ltd"),
                ("job_type", "social_worker"),
                ("start_date", "2025-03-03"),
            ],
        ),
        (format!("/agency/council/engagements/{id}/delete"), vec![]),
        (
            "/agency/council/costs".to_string(),
            vec![("cost-social_worker", "1.00")],
        ),
    ] {
        let a = token_post(&app, &agency, &path, &fields);
        assert_eq!(a.status, 403, "POST {path}: {}", a.body);
    }
    assert_eq!(app.app.store().engagements(k.org).unwrap(), before);
    assert!(app.app.store().permanent_costs(k.org).unwrap().is_empty());
    // The same token reads what it was made for.
    let read = app.request(
        "GET",
        "/api/v1/agency/engagements",
        &[("authorization", &bearer(&agency))],
        None,
    );
    assert_eq!(read.status, 200, "{}", read.body);
    assert!(read.body.contains("KCC-1"));
    assert_eq!(
        read.json()[0]["id"].as_str(),
        Some(id.as_str()),
        "the API names the engagement by the id its page has"
    );

    let boundary = "b0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.xml\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&census_file());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let stored = app.request(
        "POST",
        "/census/returns",
        &[
            ("authorization", &bearer(&census)),
            (
                "content-type",
                &format!("multipart/form-data; boundary={boundary}"),
            ),
        ],
        Some(&body),
    );
    assert_eq!(stored.status, 403, "{}", stored.body);
    assert!(app.app.store().census_returns().unwrap().is_empty());

    let week = swforce_domain::diary::Week::containing(swforce_app::agency::today()).to_string();
    let category = app.public(
        Kind::Category,
        app.app.diary_categories(k.org).unwrap()[0].id,
    );
    let kept = token_post(
        &app,
        &diary,
        "/time/diary",
        &[
            ("week", &week),
            (&format!("hours-{category}"), "9"),
            ("contracted", "37"),
        ],
    );
    assert_eq!(kept.status, 403, "{}", kept.body);
    let user = analyst(&app);
    let week = swforce_domain::diary::Week::containing(swforce_app::agency::today());
    assert!(
        app.app
            .store()
            .diaries_of(user.id, week, week)
            .unwrap()
            .is_empty()
    );
    // A person with the role does all of it through the pages.
    assert_eq!(
        k.analyst
            .post_form(&format!("/agency/council/engagements/{id}/delete"), &[])
            .status,
        303
    );
}

#[test]
fn a_token_reads_saved_scenarios_only_with_its_scope_and_saves_them_only_through_the_api() {
    let app = spawn_app();
    let k = kent(&app);
    let saved = k.analyst.post_form(
        "/projections/E10000016/save",
        &[
            ("name", "Kent private plan"),
            ("query", "frontline_places=300"),
        ],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let link = saved
        .header("location")
        .unwrap()
        .trim_end_matches("?new=1")
        .to_string();
    let other = app.token("analyst@kent.test", &["agency:read"]);
    let page = app.request(
        "GET",
        "/projections",
        &[("authorization", &bearer(&other))],
        None,
    );
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Kent private plan"), "{}", page.body);
    let api = app.request(
        "GET",
        "/api/v1/scenarios",
        &[("authorization", &bearer(&other))],
        None,
    );
    assert_eq!(api.status, 403, "{}", api.body);
    let reader = app.token("analyst@kent.test", &["scenarios:read"]);
    let page = app.request(
        "GET",
        "/projections",
        &[("authorization", &bearer(&reader))],
        None,
    );
    assert!(page.body.contains("Kent private plan"));
    let listed = app.request(
        "GET",
        "/api/v1/scenarios",
        &[("authorization", &bearer(&reader))],
        None,
    );
    assert_eq!(
        format!("/scenarios/{}", listed.json()[0]["id"].as_str().unwrap()),
        link
    );

    // Saving: a read token cannot; a write token saves through the API, not the page's form.
    let writer = app.token("analyst@kent.test", &["scenarios:write"]);
    let json =
        br#"{"geography": "E10000016", "name": "Scripted plan", "query": "frontline_places=350"}"#;
    let post = |token: &str, body: &[u8]| {
        app.request(
            "POST",
            "/api/v1/scenarios",
            &[
                ("authorization", &bearer(token)),
                ("content-type", "application/json"),
            ],
            Some(body),
        )
    };
    assert_eq!(post(&reader, json).status, 403);
    let made = post(&writer, json);
    assert_eq!(made.status, 201, "{}", made.body);
    let opened = k.analyst.get(made.json()["link"].as_str().unwrap());
    assert_eq!(opened.status, 303);
    assert!(
        opened
            .header("location")
            .unwrap()
            .contains("frontline_places=350")
    );
    let wrong = post(
        &writer,
        br#"{"geography": "E10000016", "name": "Bad", "query": "frontline_places=-4"}"#,
    );
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(wrong.body.contains("problems"));
    let form = token_post(
        &app,
        &writer,
        "/projections/E10000016/save",
        &[("name", "Through the form"), ("query", "")],
    );
    assert_eq!(form.status, 403);
    let names: Vec<String> = app
        .app
        .store()
        .scenarios(Some(k.org))
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_token_cannot_act_as_its_owners_browser() {
    let app = spawn_app();
    let k = kent(&app);
    let token = app.token("analyst@kent.test", &["scenarios:read"]);
    let other = app.token("analyst@kent.test", &["agency:read"]);
    let user = analyst(&app);
    let other_id = app
        .app
        .store()
        .api_tokens(user.id)
        .unwrap()
        .into_iter()
        .find(|t| t.scopes == ["agency:read"])
        .unwrap()
        .id;
    for (path, fields) in [
        ("/account/sign-out-everywhere".to_string(), vec![]),
        (
            format!(
                "/account/tokens/{}/revoke",
                app.public(Kind::Token, other_id)
            ),
            vec![],
        ),
        (
            "/exchange/examples".to_string(),
            vec![
                ("title", "Drafted by a token"),
                ("setting", "adults"),
                ("action", "draft"),
            ],
        ),
        (
            "/account/tokens".to_string(),
            vec![("name", "More"), ("scopes", "census:read"), ("days", "30")],
        ),
    ] {
        let a = token_post(&app, &token, &path, &fields);
        assert_eq!(a.status, 403, "POST {path}: {}", a.body);
    }
    assert_eq!(
        k.analyst.get("/account").status,
        200,
        "the owner is still signed in"
    );
    let still = app.request(
        "GET",
        "/api/v1/me",
        &[("authorization", &bearer(&other))],
        None,
    );
    assert_eq!(still.status, 200, "the other token still works");
    assert!(app.app.store().examples_of(user.id).unwrap().is_empty());
    assert_eq!(app.app.store().api_tokens(user.id).unwrap().len(), 2);
    // The account page is the browser's: a token does not list the owner's tokens.
    let page = app.request(
        "GET",
        "/account",
        &[("authorization", &bearer(&token))],
        None,
    );
    assert!(!page.body.contains("Your API tokens"), "{}", page.body);
    assert!(
        k.analyst.get("/account").body.contains("Your API tokens"),
        "the browser lists them"
    );
}

#[test]
fn a_draft_is_its_authors_alone_and_moderators_see_only_what_was_sent() {
    let app = spawn_app();
    let k = kent(&app);
    let drafted = k.analyst.post_form(
        "/exchange/examples",
        &[
            ("title", "Private draft"),
            ("problem", "Words only the author has seen"),
            ("change", "Still being written"),
            ("setting", "adults"),
            ("action", "draft"),
        ],
    );
    assert_eq!(drafted.status, 303, "{}", drafted.body);
    let user = analyst(&app);
    let id = app.public(
        Kind::Example,
        app.app.store().examples_of(user.id).unwrap()[0].id,
    );
    let campaign = app.organisation("Campaign", None);
    let moderator = app.person(campaign, "mod@campaign.test", &["moderator"]);
    let admin_org = app.organisation("swforce administrators", None);
    let site_admin = app.person(admin_org, "admin@swforce.test", &["site_admin"]);
    for b in [&moderator, &site_admin] {
        let a = b.get(&format!("/exchange/moderation/{id}"));
        assert_eq!(a.status, 404, "{}", a.body);
        assert!(!a.body.contains("Words only the author has seen"));
        let decided = b.post_form(
            &format!("/exchange/moderation/{id}"),
            &[("decision", "approve")],
        );
        assert_eq!(decided.status, 404);
    }
    // Once sent, the moderators see it.
    let mine = k.analyst.get(&format!("/exchange/new?edit={id}"));
    assert_eq!(mine.status, 200);
    let sent = k.analyst.post_form(
        "/exchange/examples",
        &[
            ("id", id.as_str()),
            ("title", "Private draft"),
            ("problem", "Words only the author has seen"),
            ("change", "Now finished and sent for moderation"),
            ("setting", "adults"),
            ("action", "submit"),
        ],
    );
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        moderator.get(&format!("/exchange/moderation/{id}")).status,
        200
    );
}

/// Where a browser goes after signing in with `next`.
fn after_sign_in(app: &TestApp, next: &str) -> String {
    let b = app.browser();
    let form = b.get(&format!(
        "/sign-in?next={}",
        url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    ));
    assert_eq!(form.status, 200, "{next:?}");
    let a = b.post_form(
        "/sign-in",
        &[
            ("email", "analyst@kent.test"),
            ("password", PASSWORD),
            ("next", next),
        ],
    );
    assert_eq!(a.status, 303, "{next:?}: {}", a.body);
    a.header("location").unwrap().to_string()
}

#[test]
fn after_signing_in_a_browser_stays_on_this_site() {
    let app = spawn_app();
    kent(&app);
    for next in [
        "/\t/evil.example",
        "/\t\\evil.example",
        "/\\evil.example",
        "//evil.example",
        "\\\\evil.example",
        "/\n/evil.example",
        "https://evil.example/",
        "http:evil.example",
        " //evil.example",
        "/%09/evil.example",
        "/.//evil.example",
        "javascript:alert(1)",
    ] {
        let to = after_sign_in(&app, next);
        assert!(
            to.starts_with('/')
                && !to.starts_with("//")
                && !to.starts_with("/\\")
                && !to.chars().any(|c| c.is_control() || c == '\\'),
            "{next:?} went to {to:?}"
        );
        let read = url::Url::parse("https://swforce.example/sign-in")
            .unwrap()
            .join(&to)
            .unwrap();
        assert_eq!(read.host_str(), Some("swforce.example"), "{next:?}");
    }
    assert_eq!(
        after_sign_in(&app, "/agency/council?quarter=2025Q1"),
        "/agency/council?quarter=2025Q1"
    );
    // Already signed in, the form's address sends the browser on at once, by the same rule.
    let b = app.browser();
    b.sign_in("analyst@kent.test", PASSWORD);
    let a = b.get("/sign-in?next=%2F%09%2Fevil.example");
    assert_eq!(a.status, 303);
    assert!(!a.header("location").unwrap().starts_with("//"));
    // Line breaks in an address are never a failure.
    for path in [
        "/sign-in?next=%2F%0D%0ASet-Cookie:%20x=1",
        "/projections?place=%0D%0ALocation:%20x",
    ] {
        let a = b.get(path);
        assert!(a.status < 500, "{path}: {}", a.status);
        assert!(
            a.headers
                .iter()
                .all(|(k, v)| !(k == "set-cookie" && v.starts_with("x=1"))),
            "{path}: {:?}",
            a.headers
        );
        if let Some(l) = a.header("location") {
            assert!(!l.starts_with("//"), "{path}: {l}");
        }
    }
}

#[test]
fn a_name_with_a_line_break_is_refused_and_never_reaches_an_email() {
    let app = spawn_app();
    let admin_org = app.organisation("swforce administrators", None);
    let admin = app.person(admin_org, "admin@swforce.test", &["site_admin"]);
    let made = admin.post_form(
        "/admin/organisations",
        &[
            ("name", "Evil\r\nBcc: injected@evil.example\r\nX-Walk: 1"),
            ("kind", "campaign"),
        ],
    );
    assert_eq!(made.status, 422, "{}", made.body);
    assert!(made.body.contains("one line"), "{}", made.body);
    assert!(
        app.app
            .store()
            .organisations()
            .unwrap()
            .iter()
            .all(|o| !o.name.contains("Evil"))
    );
    let outbox = app.dir.path().join("outbox");
    for mail in std::fs::read_dir(&outbox).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(mail.path()).unwrap();
        assert!(!text.contains("X-Walk"), "{text}");
    }
}

#[test]
fn form_tokens_stay_out_of_addresses_and_the_api_ignores_a_browsers_cookie() {
    let app = spawn_app();
    let k = kent(&app);
    let csrf = k.analyst.csrf();
    // A form with its token only in the address is refused, though the token is right.
    let a = k.analyst.post_raw(
        &format!("/time/settings/opt-in?csrf={csrf}"),
        "application/x-www-form-urlencoded",
        b"opt_in=yes",
    );
    assert_eq!(a.status, 403);
    assert!(!app.app.store().diary_opt_in(k.org).unwrap());
    // An upload carries it in the address only when the browser says the form is this site's.
    let boundary = "b0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.xml\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&census_file());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let cookie = format!(
        "swforce_session={}",
        k.analyst.cookie("swforce_session").unwrap()
    );
    let upload = |fetch_site: &str| {
        app.request(
            "POST",
            &format!("/census/returns?csrf={csrf}"),
            &[
                ("cookie", &cookie),
                (
                    "content-type",
                    &format!("multipart/form-data; boundary={boundary}"),
                ),
                ("sec-fetch-site", fetch_site),
            ],
            Some(&body),
        )
    };
    assert_eq!(upload("").status, 403);
    assert_eq!(upload("cross-site").status, 403);
    assert!(app.app.store().census_returns().unwrap().is_empty());
    assert_eq!(upload("same-origin").status, 303);
    assert_eq!(app.app.store().census_returns().unwrap().len(), 1);
    // The API answers to tokens only: a browser's session cookie is not a sign-in there.
    let me = app.request("GET", "/api/v1/me", &[("cookie", &cookie)], None);
    assert_eq!(me.status, 401, "{}", me.body);
    let import = app.request(
        "POST",
        &format!("/api/v1/imports?csrf={csrf}"),
        &[("cookie", &cookie), ("content-type", "text/csv")],
        Some(b"x"),
    );
    assert!(
        import.status == 401 || import.status == 403,
        "{}",
        import.status
    );
}

#[test]
fn addresses_carry_ids_that_reveal_no_counts() {
    let app = spawn_app();
    let k = kent(&app);
    let mut links = Vec::new();
    for name in ["One", "Two", "Three"] {
        let saved = k.analyst.post_form(
            "/projections/E10000016/save",
            &[("name", name), ("query", "")],
        );
        links.push(saved.header("location").unwrap().to_string());
    }
    let ids: Vec<&str> = links
        .iter()
        .map(|l| {
            l.trim_start_matches("/scenarios/")
                .trim_end_matches("?new=1")
        })
        .collect();
    for id in &ids {
        assert_eq!(id.len(), 16, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    }
    let numbers: Vec<u64> = ids
        .iter()
        .map(|i| u64::from_str_radix(i, 16).unwrap())
        .collect();
    assert!(
        !(numbers[1] == numbers[0] + 1 && numbers[2] == numbers[1] + 1),
        "{ids:?}"
    );
    // A record's number is not an address for it (none existed before opaque ids here).
    let stored = app.app.store().scenarios(Some(k.org)).unwrap();
    for s in &stored {
        assert_eq!(k.analyst.get(&format!("/scenarios/{}", s.id)).status, 404);
    }
    assert_eq!(k.analyst.get(&links[0]).status, 303);
    // Organisation, person and token ids on the admin pages are opaque too.
    let admin_org = app.organisation("swforce administrators", None);
    let admin = app.person(admin_org, "admin@swforce.test", &["site_admin"]);
    let page = admin.get("/admin").body;
    let org_links: Vec<String> = crate::links(&page)
        .into_iter()
        .filter(|l| l.starts_with("/admin/organisations/"))
        .collect();
    assert!(!org_links.is_empty());
    for l in org_links {
        let id = l.trim_start_matches("/admin/organisations/");
        assert_eq!(id.len(), 16, "{l}");
    }
}

#[test]
fn a_missing_record_is_not_found_without_telling_its_number() {
    let app = spawn_app();
    let k = kent(&app);
    let saved = k.analyst.post_form(
        "/projections/E10000016/save",
        &[("name", "Counted"), ("query", "")],
    );
    let link = saved.header("location").unwrap().to_string();
    let number = app.app.store().scenarios(Some(k.org)).unwrap()[0]
        .id
        .to_string();
    let surrey = app.organisation("Surrey County Council", Some("E10000030"));
    let other = app.person(surrey, "analyst@surrey.test", &["workforce_analyst"]);
    // A signed-out visitor is told the scenario is private (and offered sign-in), but not
    // its name, number or place.
    for (who, a, status) in [
        ("signed out", app.get(&link), 403),
        ("another organisation", other.get(&link), 404),
        ("anyone", app.get("/scenarios/ffffffffffffffff"), 404),
    ] {
        assert_eq!(a.status, status, "{who}");
        assert!(!a.body.contains("Counted"), "{who}: {}", a.body);
        assert!(
            !a.body.contains(&format!("\u{201c}{number}\u{201d}")),
            "{who}: {}",
            a.body
        );
        assert!(!a.body.contains("matches"), "{who}: {}", a.body);
    }
    // The API likewise.
    let token = app.token("analyst@surrey.test", &["agency:read"]);
    let kent_engagement = app.public(
        Kind::Engagement,
        app.app.store().engagements(k.org).unwrap()[0].id,
    );
    let answer = app.request(
        "GET",
        &format!("/agency/council/engagements/{kent_engagement}"),
        &[("authorization", &bearer(&token))],
        None,
    );
    assert!(
        answer.status == 404 || answer.status == 403,
        "{}",
        answer.status
    );
    assert!(!answer.body.contains("matches"), "{}", answer.body);
}

#[test]
fn a_scenario_name_from_the_api_is_one_short_line_and_the_scheme_is_any_case() {
    let app = spawn_app();
    kent(&app);
    let writer = app.token("analyst@kent.test", &["scenarios:write"]);
    for (scheme, name, status) in [
        ("bearer", "Evil\r\nBcc: x@evil.test", 422),
        ("BEARER", "Evil\u{0}", 422),
        ("Bearer", &"x".repeat(5000), 422),
        ("bearer", "A fine name", 201),
    ] {
        let body = serde_json::json!({"geography": "E10000016", "name": name}).to_string();
        let a = app.request(
            "POST",
            "/api/v1/scenarios",
            &[
                ("authorization", &format!("{scheme} {writer}")),
                ("content-type", "application/json"),
            ],
            Some(body.as_bytes()),
        );
        assert_eq!(a.status, status, "{scheme} {name:?}: {}", a.body);
    }
}

#[test]
fn an_upload_or_an_api_change_sent_from_another_site_is_refused() {
    let app = spawn_app();
    let k = kent(&app);
    let cookie = format!(
        "swforce_session={}",
        k.analyst.cookie("swforce_session").unwrap()
    );
    let csrf = k.analyst.csrf();
    let boundary = "b0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(b"reference\r\n");
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    for path in [
        "/imports",
        "/census",
        "/census/returns",
        "/agency/check",
        "/agency/council/import",
        "/time/diary/calendar",
    ] {
        let a = app.request(
            "POST",
            &format!("{path}?csrf={csrf}"),
            &[
                ("cookie", &cookie),
                (
                    "content-type",
                    &format!("multipart/form-data; boundary={boundary}"),
                ),
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
            Some(&body),
        );
        assert_eq!(a.status, 403, "{path}: {}", a.body);
        assert!(a.body.contains("This form has expired"), "{path}");
    }
    let token = app.token("analyst@kent.test", &["scenarios:write"]);
    let json =
        br#"{"geography": "E10000016", "name": "Scripted plan", "query": "frontline_places=350"}"#;
    let post = |origin: &str| {
        app.request(
            "POST",
            "/api/v1/scenarios",
            &[
                ("authorization", &bearer(&token)),
                ("content-type", "application/json"),
                ("origin", origin),
            ],
            Some(json),
        )
    };
    let cross = post("https://evil.example");
    assert_eq!(cross.status, 403, "{}", cross.body);
    assert_eq!(cross.json()["error"]["title"], "There is a problem");
    assert_eq!(post("").status, 201);
}

/// A confirmation banner says only what the service knows: a link cannot put its own words in
/// a green "Success" box.
#[test]
fn a_link_cannot_write_a_success_banner() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let admin = app.person(kent, "admin@kent.test", &["org_admin"]);
    let campaign = app.organisation("80:20 campaign", None);
    let moderator = app.person(campaign, "mo@campaign.test", &["moderator"]);
    let spoof = "Your+account+is+suspended.+Call+0800+000+000";
    for (who, path) in [
        (&admin, format!("/time/settings?saved={spoof}")),
        (&moderator, format!("/exchange/moderation?decided={spoof}")),
    ] {
        let page = who.get(&path);
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("suspended"), "{path}");
        assert!(!page.body.contains("sw-notification-banner"), "{path}");
    }
    let org = format!(
        "/admin/organisations/{}",
        app.public(swforce_app::public_id::Kind::Organisation, kent)
    );
    let page = admin.get(&format!("{org}?team={spoof}"));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("suspended"), "{}", page.body);
    // A team added is confirmed by its stored name.
    let added = admin.post_form(
        &format!("{org}/teams"),
        &[("team_name", "Duty and assessment")],
    );
    assert_eq!(added.status, 303, "{}", added.body);
    let shown = admin.get(added.header("location").unwrap());
    assert!(
        shown
            .body
            .contains("Team \u{201c}Duty and assessment\u{201d} added")
    );
    // The real confirmations still show.
    let opted = admin.post_form("/time/settings/opt-in", &[("opt_in", "no")]);
    assert_eq!(opted.status, 303, "{}", opted.body);
    let shown = admin.get(opted.header("location").unwrap());
    assert!(shown.body.contains("Sharing turned off"), "{}", shown.body);
}
