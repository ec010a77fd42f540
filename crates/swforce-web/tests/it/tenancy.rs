//! Tenancy: every route and API endpoint, walked by people of one organisation with the other
//! organisation's ids, never shows or changes the other's data; and public pages stay public.

use crate::browser::{Browser, PASSWORD};
use crate::{TestApp, spawn_app};
use swforce_app::public_id::Kind;
use swforce_domain::OldLaCode;
use swforce_import::census::generate::{GenerateSpec, generate};

/// The source files of the service, where its routes are declared (`lib.rs`, and each page's
/// `routes`).
fn sources(dir: &std::path::Path) -> Vec<String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("the source folder")
        .map(|e| e.expect("a source file").path())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for path in entries {
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(std::fs::read_to_string(&path).expect("a readable source file"));
        }
    }
    out
}

/// Every route of the service, read from the router's source so a new route cannot be missed:
/// `(method, path)`.
fn routes() -> Vec<(&'static str, String)> {
    let src = sources(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    )))
    .join("\n");
    let mut out = Vec::new();
    for chunk in src.split(".route(").skip(1) {
        let path = chunk.split('"').nth(1).expect("a route's path").to_string();
        // The handlers of this route: up to the `.route` call's closing parenthesis.
        let mut depth = 1;
        let mut end = chunk.len();
        for (i, c) in chunk.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let handlers = &chunk[..end];
        for (needle, method) in [("get(", "GET"), ("post(", "POST")] {
            if handlers.contains(needle) {
                out.push((method, path.clone()));
            }
        }
    }
    // The API's routes are declared beside their handlers, which make the OpenAPI document.
    let doc: serde_json::Value = serde_json::from_str(swforce_web::openapi_document()).unwrap();
    for (path, item) in doc["paths"].as_object().expect("the API's paths") {
        for (key, method) in [("get", "GET"), ("post", "POST")] {
            if item.get(key).is_some() {
                out.push((method, path.clone()));
            }
        }
    }
    out
}

/// Someone's private data, as markers that must never appear in the other's answers.
struct Tenant<'a> {
    org: i64,
    admin: Browser<'a>,
    analyst: Browser<'a>,
    worker: Browser<'a>,
    token: String,
    user: i64,
    scenario: i64,
    token_id: i64,
    engagement: i64,
    example: i64,
    /// A diary category of the organisation, renamed to a private name (its opaque id).
    category: String,
    /// A closed health check round with a private question and private comments.
    round: i64,
}

fn census_file(lea: &str) -> Vec<u8> {
    let mut out = Vec::new();
    generate(
        &mut out,
        &GenerateSpec {
            workers: 60,
            seed: 9,
            lea: OldLaCode::parse(lea).unwrap(),
            year: 2022,
        },
    )
    .unwrap();
    out
}

fn tenant<'a>(app: &'a TestApp, name: &str, la: &str, lea: &str, tag: &str) -> Tenant<'a> {
    let org = app.organisation(name, Some(la));
    let admin = app.person(org, &format!("admin@{tag}.test"), &["org_admin"]);
    let analyst = app.person(org, &format!("analyst@{tag}.test"), &["workforce_analyst"]);
    let worker = app.person(org, &format!("worker@{tag}.test"), &["social_worker"]);
    // A team, a stored census return, a saved scenario and a token: all private.
    assert_eq!(
        admin
            .post_form(
                &format!(
                    "/admin/organisations/{}/teams",
                    app.public(Kind::Organisation, org)
                ),
                &[("team_name", &format!("Team {tag} private"))]
            )
            .status,
        303
    );
    let stored = analyst.post_file(
        "/census/returns",
        &format!("return-{tag}-private.xml"),
        &census_file(lea),
        &[],
    );
    assert_eq!(stored.status, 303, "{}", stored.body);
    let query = format!("frontline_places=300&runs=100&years=3&name=Scenario+{tag}+private");
    let saved = worker.post_form(
        &format!("/projections/{la}/save"),
        &[
            ("name", &format!("Scenario {tag} private")),
            ("query", &query),
        ],
    );
    assert_eq!(
        saved.status,
        303,
        "{}",
        saved
            .body
            .split("sw-error-summary__list")
            .nth(1)
            .unwrap_or(&saved.body[..200])
    );
    let scenario = app
        .app
        .ids()
        .unwrap()
        .decode(
            Kind::Scenario,
            saved
                .header("location")
                .unwrap()
                .trim_start_matches("/scenarios/")
                .trim_end_matches("?new=1"),
        )
        .unwrap();
    let reference = format!("ENG-{tag}-private");
    let recorded = analyst.post_form(
        "/agency/council/engagements",
        &[
            ("reference", reference.as_str()),
            ("swe_number", "SW990001"),
            ("agency", "Private Agency Ltd"),
            ("job_type", "social_worker"),
            ("start_date", "2025-03-03"),
        ],
    );
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    let engagement = app
        .app
        .ids()
        .unwrap()
        .decode(
            Kind::Engagement,
            recorded
                .header("location")
                .unwrap()
                .trim_start_matches("/agency/council/engagements/")
                .trim_end_matches("?saved=1"),
        )
        .unwrap();
    let drafted = worker.post_form(
        "/exchange/examples",
        &[
            ("title", format!("Example {tag} private").as_str()),
            ("setting", "adults"),
            ("action", "draft"),
        ],
    );
    assert_eq!(drafted.status, 303, "{}", drafted.body);
    let example = app
        .app
        .store()
        .examples_of(
            app.app
                .store()
                .user_by_email(&format!("worker@{tag}.test"))
                .unwrap()
                .unwrap()
                .id,
        )
        .unwrap()[0]
        .id;
    // Time diaries: five people keep this week, one with a private note and one sharing a note
    // anonymously; a category gets a private name. The organisation does not opt in.
    let category = app.public(Kind::Category, app.app.diary_categories(org).unwrap()[0].id);
    let renamed = analyst.post_form(
        "/time/settings/categories",
        &[
            ("id", category.as_str()),
            (
                &format!("label-{category}"),
                &format!("Category {tag} private"),
            ),
            (&format!("activity-{category}"), "direct_face_to_face"),
            (&format!("position-{category}"), "10"),
        ],
    );
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let week = swforce_domain::diary::Week::containing(swforce_app::agency::today()).to_string();
    let hours = format!("hours-{category}");
    for (i, b) in [&admin, &analyst, &worker].into_iter().enumerate() {
        let note = match i {
            0 => format!("Diary note {tag} private"),
            1 => format!("Shared diary {tag} private"),
            _ => String::new(),
        };
        let share = if i == 1 { "yes" } else { "" };
        let kept = b.post_form(
            "/time/diary",
            &[
                ("week", &week),
                (&hours, "9"),
                ("contracted", "37"),
                ("note", &note),
                ("share_note", share),
            ],
        );
        assert_eq!(kept.status, 303, "{}", kept.body);
    }
    for i in 0..2 {
        let b = app.person(org, &format!("diarist{i}@{tag}.test"), &["social_worker"]);
        b.post_form(
            "/time/diary",
            &[("week", &week), (&hours, "8"), ("contracted", "37")],
        );
    }
    let token = app.token(
        &format!("analyst@{tag}.test"),
        &[
            "census:read",
            "scenarios:read",
            "scenarios:write",
            "agency:read",
            "diary:read",
            "time:read",
            "healthcheck:read",
        ],
    );
    let round = crate::healthcheck::closed_round(
        app,
        &format!("admin@{tag}.test"),
        &format!("Health question {tag} private"),
        &format!("Health comment {tag} private"),
    );
    let user = app
        .app
        .store()
        .user_by_email(&format!("analyst@{tag}.test"))
        .unwrap()
        .unwrap()
        .id;
    let token_id = app.app.store().api_tokens(user).unwrap()[0].id;
    Tenant {
        org,
        admin,
        analyst,
        worker,
        token,
        user,
        scenario,
        token_id,
        engagement,
        example,
        category,
        round,
    }
}

/// The path with its parameters filled with the other tenant's ids, as their own pages link
/// to them.
fn fill(app: &TestApp, path: &str, other: &Tenant<'_>, la: &str) -> String {
    let p = path.to_string();
    let (kind, id) = if p.starts_with("/admin/people/") {
        (Kind::Person, other.user)
    } else if p.starts_with("/scenarios/") {
        (Kind::Scenario, other.scenario)
    } else if p.starts_with("/account/tokens/") {
        (Kind::Token, other.token_id)
    } else if p.starts_with("/agency/council/engagements/") {
        (Kind::Engagement, other.engagement)
    } else if p.starts_with("/exchange/") {
        (Kind::Example, other.example)
    } else if p.starts_with("/get-involved/forms/") {
        (Kind::Form, 1)
    } else if p.starts_with("/healthcheck/rounds/") {
        (Kind::Round, other.round)
    } else {
        (Kind::Organisation, other.org)
    };
    p.replace("{id}", &app.public(kind, id))
        .replace("{year}", "2022")
        .replace("{code}", la)
        .replace("{table}", "workforce")
        .replace("{measure}", "inpost_fte")
        .replace("{secret}", &"a".repeat(64))
        .replace("{step}", "about")
}

/// A form the attacker might send to each state-changing route.
fn form_for(path: &str) -> Vec<(&'static str, &'static str)> {
    match path {
        p if p.ends_with("/invitations") => vec![
            ("name", "Intruder"),
            ("email", "intruder@evil.test"),
            ("roles", "org_admin"),
        ],
        p if p.ends_with("/teams") => vec![("team_name", "Intruders")],
        p if p.ends_with("/sso") => vec![
            ("sso_domain", "evil.test"),
            ("sso_issuer", "https://evil.test"),
            ("sso_client", "x"),
            ("sso_secret", "y"),
        ],
        p if p.starts_with("/admin/people/") => vec![("roles", "org_admin"), ("status", "locked")],
        p if p.starts_with("/admin/organisations") => {
            vec![("name", "Evil Council"), ("kind", "campaign")]
        }
        p if p.contains("/save") => vec![("name", "Overwrite"), ("query", "frontline_places=1")],
        "/agency/council/engagements" => vec![
            ("reference", "ENG-intruder"),
            ("swe_number", "SW990002"),
            ("agency", "Overwrite Ltd"),
            ("job_type", "social_worker"),
            ("start_date", "2025-03-03"),
            ("la_code", "E10000016"),
        ],
        "/agency/council/costs" => vec![("cost-social_worker", "1.00")],
        "/agency/region/caps" => vec![
            ("cap_job", "social_worker"),
            ("cap_from", "2025-01-01"),
            ("cap_hourly", "1.00"),
        ],
        "/sign-in" => vec![
            ("email", "guess@elsewhere.test"),
            ("password", "wrong-password-here"),
        ],
        _ => vec![],
    }
}

const MARKERS: [&str; 11] = [
    "Health question kent private",
    "Health comment kent private",
    "Example kent private",
    "Diary note kent private",
    "Shared diary kent private",
    "Category kent private",
    "kent.test",
    "Team kent private",
    "return-kent-private",
    "Scenario kent private",
    "ENG-kent-private",
];

fn assert_clean(who: &str, method: &str, path: &str, status: u16, body: &str) {
    for m in MARKERS {
        assert!(
            !body.contains(m),
            "{who} {method} {path} ({status}) shows {m:?}: {}",
            body.chars().take(600).collect::<String>()
        );
    }
    assert!(status != 500, "{who} {method} {path}: {body}");
}

#[test]
fn nobody_reads_or_changes_another_organisations_data_through_any_route() {
    let app = spawn_app();
    let kent = tenant(&app, "Kent County Council", "E10000016", "886", "kent");
    let surrey = tenant(&app, "Surrey County Council", "E10000030", "936", "surrey");
    // Every diary kept so far is published, as it would be once its week has closed.
    let later = swforce_app::agency::today().plus_days(35);
    app.app.publish_diaries(later).unwrap();
    let before_users = app.app.store().users(kent.org).unwrap();
    let before_teams = app.app.store().teams(kent.org).unwrap();
    let before_org = app.app.store().organisation(kent.org).unwrap();
    let before_census = app.app.store().census_returns().unwrap();
    let before_agency = app.app.store().engagements(kent.org).unwrap();
    let before_costs = app.app.store().permanent_costs(kent.org).unwrap();
    let before_categories = app.app.diary_categories(kent.org).unwrap();
    let diary_week = swforce_domain::diary::Week::containing(swforce_app::agency::today());
    let before_sums = app
        .app
        .store()
        .diary_sums(
            &swforce_store::DiaryScope::Org(kent.org),
            diary_week,
            diary_week,
        )
        .unwrap();
    let diary_week = diary_week.to_string();
    let all = routes();
    assert!(all.len() >= 40, "{} routes found: {all:?}", all.len());
    for (method, path) in &all {
        let target = fill(&app, path, &kent, "E10000016");
        for (who, b) in [
            ("surrey admin", &surrey.admin),
            ("surrey analyst", &surrey.analyst),
            ("surrey worker", &surrey.worker),
        ] {
            let a = match *method {
                "GET" => b.get(&target),
                _ if path.contains("/census/returns")
                    || path == "/census"
                    || path == "/imports" =>
                {
                    b.post_file(&target, "upload.xml", &census_file("886"), &[])
                }
                _ if path == "/agency/check" || path == "/agency/council/import" => b.post_file(
                    &target,
                    "engagements.csv",
                    b"reference,swe_number,agency,la_code,job_type,start_date\nENG-intruder,SW990003,Overwrite Ltd,E10000016,social_worker,2025-03-03\n",
                    &[],
                ),
                _ if path.starts_with("/api/") => app.request(
                    "POST",
                    &target,
                    &[
                        ("authorization", &format!("Bearer {}", surrey.token)),
                        ("content-type", "text/csv"),
                    ],
                    Some(b"x"),
                ),
                // Another organisation's diary category, in a diary and in the settings.
                "/time/diary" => b.post_form(
                    &target,
                    &[
                        ("week", &diary_week),
                        (&format!("hours-{}", kent.category), "5"),
                        ("contracted", "37"),
                    ],
                ),
                "/time/settings/categories" => b.post_form(
                    &target,
                    &[
                        ("id", kent.category.as_str()),
                        (&format!("label-{}", kent.category), "Hijacked"),
                        (&format!("activity-{}", kent.category), "other"),
                        (&format!("position-{}", kent.category), "1"),
                    ],
                ),
                "/time/settings/opt-in" => b.post_form(&target, &[("opt_in", "yes")]),
                _ => b.post_form(&target, &form_for(path)),
            };
            // The sign-out and sign-in routes end or start a session: sign back in after them.
            if path == "/sign-out"
                || path == "/account/sign-out-everywhere"
                || path.starts_with("/password-reset/")
                || path.starts_with("/invitations/")
            {
                b.sign_in(
                    &format!("{}@surrey.test", who.split(' ').nth(1).unwrap()),
                    PASSWORD,
                );
            }
            assert_clean(who, method, &target, a.status, &a.body);
        }
        if path.starts_with("/api/") && *method == "GET" {
            let a = app.request(
                "GET",
                &target,
                &[("authorization", &format!("Bearer {}", surrey.token))],
                None,
            );
            assert_clean("surrey token", method, &target, a.status, &a.body);
        }
    }
    // The walk was made signed in throughout (not trivially, as nobody).
    for b in [&surrey.admin, &surrey.analyst, &surrey.worker] {
        assert_eq!(b.get("/account").status, 200);
    }
    assert_eq!(
        surrey
            .admin
            .get(&format!(
                "/admin/organisations/{}",
                app.public(Kind::Organisation, kent.org)
            ))
            .status,
        404
    );
    assert_eq!(
        surrey
            .admin
            .get(&format!(
                "/admin/people/{}",
                app.public(Kind::Person, kent.user)
            ))
            .status,
        404
    );
    assert_eq!(
        surrey
            .worker
            .get(&format!(
                "/scenarios/{}",
                app.public(Kind::Scenario, kent.scenario)
            ))
            .status,
        404
    );
    // Kent's people, teams, settings, census return, scenario and token are as they were.
    assert_eq!(app.app.store().users(kent.org).unwrap(), before_users);
    assert_eq!(app.app.store().teams(kent.org).unwrap(), before_teams);
    assert_eq!(app.app.store().organisation(kent.org).unwrap(), before_org);
    assert_eq!(
        app.app.store().engagements(kent.org).unwrap(),
        before_agency
    );
    assert_eq!(
        app.app
            .store()
            .example(kent.example)
            .unwrap()
            .unwrap()
            .title,
        "Example kent private",
        "nobody else may change or withdraw an author's example"
    );
    assert_eq!(
        app.app.store().permanent_costs(kent.org).unwrap(),
        before_costs
    );
    assert_eq!(
        app.app.diary_categories(kent.org).unwrap(),
        before_categories,
        "nobody else renames, remaps or retires an organisation's categories"
    );
    let week = swforce_domain::diary::Week::containing(swforce_app::agency::today());
    app.app.publish_diaries(later).unwrap();
    assert_eq!(
        app.app
            .store()
            .diary_sums(&swforce_store::DiaryScope::Org(kent.org), week, week)
            .unwrap(),
        before_sums,
        "nobody else's hours reach an organisation's sums"
    );
    assert!(!app.app.store().diary_opt_in(kent.org).unwrap());
    // Kent's leaders see their own sums and their shared note, never the private one.
    let own = kent.analyst.get("/time/organisation");
    assert!(
        own.body.contains("Shared diary kent private"),
        "{}",
        own.body
    );
    assert!(!own.body.contains("Diary note kent private"));
    assert!(
        app.app.store().price_caps().unwrap().is_empty(),
        "no council may set a regional price cap"
    );
    let kent_census: Vec<_> = app
        .app
        .store()
        .census_returns()
        .unwrap()
        .into_iter()
        .filter(|c| c.la_code == "E10000016")
        .collect();
    assert_eq!(
        kent_census,
        before_census
            .into_iter()
            .filter(|c| c.la_code == "E10000016")
            .collect::<Vec<_>>()
    );
    assert_eq!(
        app.app
            .store()
            .scenario(kent.scenario)
            .unwrap()
            .unwrap()
            .name,
        "Scenario kent private"
    );
    assert!(
        app.app.store().api_tokens(kent.user).unwrap()[0]
            .revoked_at
            .is_none()
    );
    // And Kent's own people still see their own data.
    assert!(
        kent.analyst
            .get("/census/returns")
            .body
            .contains("return-kent-private")
    );
    assert!(
        kent.worker
            .get("/projections")
            .body
            .contains("Scenario kent private")
    );
    assert!(
        kent.admin
            .get(&format!(
                "/admin/organisations/{}",
                app.public(Kind::Organisation, kent.org)
            ))
            .body
            .contains("Team kent private")
    );
    let me = app.request(
        "GET",
        "/api/v1/census/returns",
        &[("authorization", &format!("Bearer {}", kent.token))],
        None,
    );
    assert!(me.body.contains("return-kent-private"), "{}", me.body);
}

#[test]
fn public_pages_stay_public_and_everything_else_asks_to_sign_in() {
    let app = spawn_app();
    let public_get = |p: &str| {
        !(p.starts_with("/account")
            || p.starts_with("/admin")
            || p.starts_with("/census/returns")
            || p == "/api/v1/me"
            || p.starts_with("/api/v1/scenarios")
            || p.starts_with("/api/v1/census")
            || p.starts_with("/api/v1/audit")
            || p.starts_with("/api/v1/agency")
            || p.starts_with("/agency/council")
            || p.starts_with("/agency/region")
            || p == "/exchange/mine"
            || p.starts_with("/exchange/moderation")
            || p == "/get-involved/manage"
            || p.ends_with(".csv") && p.starts_with("/get-involved")
            || p == "/resources/edit"
            || p.starts_with("/time/diary")
            || p.starts_with("/time/mine")
            || p.starts_with("/time/organisation")
            || p.starts_with("/time/settings")
            || p == "/api/v1/diary/weeks"
            || p == "/api/v1/diary/summary"
            || p.starts_with("/healthcheck/rounds")
            || p.starts_with("/api/v1/healthcheck"))
    };
    let anon = app.browser();
    for (method, path) in routes() {
        let target = path
            .replace("{code}", "E10000016")
            .replace("{id}", "1")
            .replace("{year}", "2022")
            .replace("{table}", "workforce")
            .replace("{measure}", "inpost_fte")
            .replace("{secret}", &"a".repeat(64))
            .replace("{step}", "about");
        if method == "GET" {
            let a = anon.get(&target);
            if public_get(&path) {
                assert!(
                    a.status != 401
                        && a.status != 403
                        && !(a.status == 303
                            && a.header("location").unwrap_or("").starts_with("/sign-in")),
                    "GET {target} should be public: {}",
                    a.status
                );
            } else if path.starts_with("/api/") {
                assert_eq!(a.status, 401, "GET {target}");
            } else {
                assert_eq!(a.status, 303, "GET {target}");
                assert!(
                    a.header("location").unwrap().starts_with("/sign-in?next="),
                    "GET {target}"
                );
            }
        } else {
            // No form is accepted without its token, signed in or not.
            let a = app.post(&target, "application/x-www-form-urlencoded", b"x=1", &[]);
            assert_eq!(a.status, 403, "POST {target} without a token");
        }
    }
}

/// What a token could change of an organisation, in one value to compare before and after.
fn state_of(app: &TestApp, org: i64) -> String {
    let store = app.app.store();
    let week = swforce_domain::diary::Week::containing(swforce_app::agency::today());
    let users = store.users(org).unwrap();
    let tokens: Vec<_> = users
        .iter()
        .map(|u| {
            store
                .api_tokens(u.id)
                .unwrap()
                .into_iter()
                .map(|t| (t.id, t.revoked_at))
                .collect::<Vec<_>>()
        })
        .collect();
    let examples: Vec<_> = users
        .iter()
        .map(|u| store.examples_of(u.id).unwrap())
        .collect();
    let diaries: Vec<_> = users
        .iter()
        .map(|u| store.diaries_of(u.id, week, week).unwrap())
        .collect();
    format!(
        "{users:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{tokens:?}\n{examples:?}\n{diaries:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        store.teams(org).unwrap(),
        store.organisation(org).unwrap(),
        store.engagements(org).unwrap(),
        store.permanent_costs(org).unwrap(),
        app.app.diary_categories(org).unwrap(),
        store.diary_opt_in(org).unwrap(),
        store.census_returns().unwrap(),
        store.price_caps().unwrap(),
        store.forms().unwrap(),
        store.imports().unwrap().len(),
        store
            .health_rounds(org)
            .unwrap()
            .iter()
            .map(|r| (r.clone(), store.health_responses(r.id).unwrap().len()))
            .collect::<Vec<_>>(),
    )
}

/// Every route, with a token of each scope held by someone of the organisation who has every
/// role the scope needs, on the organisation's own data: no token sends a page's form, and
/// through the API each writes only what its scope says (scenarios:write saves a scenario,
/// statistics:import imports), never anything else.
fn every_scope_writes_only_what_the_matrix_allows(app: &TestApp) {
    let kent = tenant(app, "Kent County Council", "E10000016", "886", "kent");
    app.person(
        kent.org,
        "keys@kent.test",
        &["workforce_analyst", "org_admin"],
    );
    let dfe = app.organisation("Department for Education", None);
    app.person(dfe, "importer@education.test", &["national_analyst"]);
    let mut tokens: Vec<(&str, String)> = swforce_app::access::SCOPES
        .iter()
        .filter(|s| s.1 != "statistics:import")
        .map(|s| (s.1, app.token("keys@kent.test", &[s.1])))
        .collect();
    tokens.push((
        "statistics:import",
        app.token("importer@education.test", &["statistics:import"]),
    ));
    let scenarios_before = app.app.store().scenarios(Some(kent.org)).unwrap().len();
    let before = state_of(app, kent.org);
    let all = routes();
    let mut scenario_saves = 0;
    for (method, path) in &all {
        let target = fill(app, path, &kent, "E10000016");
        for (scope, token) in &tokens {
            let auth = format!("Bearer {token}");
            let a = match (*method, path.as_str()) {
                ("GET", _) => app.request("GET", &target, &[("authorization", &auth)], None),
                (_, "/api/v1/scenarios") => app.request(
                    "POST",
                    &target,
                    &[("authorization", &auth), ("content-type", "application/json")],
                    Some(br#"{"geography": "E10000016", "name": "Scripted", "query": "frontline_places=310"}"#),
                ),
                (_, "/api/v1/imports") => app.request(
                    "POST",
                    &target,
                    &[("authorization", &auth), ("content-type", "text/csv")],
                    Some(b"time_period,geographic_level\nnot,a release\n"),
                ),
                _ => app.request(
                    "POST",
                    &target,
                    &[
                        ("authorization", &auth),
                        ("content-type", "application/x-www-form-urlencoded"),
                    ],
                    Some(
                        serde_urlencoded::to_string(form_for(path))
                            .unwrap()
                            .as_bytes(),
                    ),
                ),
            };
            assert!(a.status != 500, "{scope} {method} {target}: {}", a.body);
            if *method == "GET" {
                continue;
            }
            match (path.as_str(), *scope) {
                ("/api/v1/scenarios", "scenarios:write") => {
                    assert_eq!(a.status, 201, "{scope} {target}: {}", a.body);
                    scenario_saves += 1;
                }
                ("/api/v1/imports", "statistics:import") => {
                    assert_eq!(a.status, 422, "{scope} {target}: {}", a.body);
                }
                _ => assert!(
                    a.status == 403 || a.status == 401,
                    "{scope} {method} {target} answered {}: {}",
                    a.status,
                    a.body
                ),
            }
        }
    }
    assert_eq!(scenario_saves, 1);
    assert_eq!(
        state_of(app, kent.org),
        before,
        "no token changed anything but what its scope allows"
    );
    assert_eq!(
        app.app.store().scenarios(Some(kent.org)).unwrap().len(),
        scenarios_before + 1
    );
    // The browser signed in beside the tokens was not signed out by any of them.
    assert_eq!(kent.analyst.get("/account").status, 200);
}

#[test]
fn every_scope_writes_only_what_the_matrix_allows_on_sqlite() {
    every_scope_writes_only_what_the_matrix_allows(&crate::spawn_app());
}

#[test]
fn every_scope_writes_only_what_the_matrix_allows_on_postgresql() {
    let Some(app) = crate::spawn_app_on_postgres() else {
        eprintln!("PostgreSQL not reachable: the walk ran on SQLite only");
        return;
    };
    every_scope_writes_only_what_the_matrix_allows(&app);
}
