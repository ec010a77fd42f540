use crate::{demo, fixture, spawn_app};

#[test]
fn geographies_can_be_listed_by_level_and_searched() {
    let all = demo().get_json("/api/v1/geographies?level=regional");
    assert_eq!(all.as_array().unwrap().len(), 11);
    let hits = demo().get_json("/api/v1/geographies?q=camden");
    assert_eq!(hits[0]["code"], "E09000007");
    assert_eq!(hits[0]["region_code"], "E12000007");
    let bad = demo().get("/api/v1/geographies?level=county");
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"]["problems"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("local_authority")
    );
}

#[test]
fn a_geography_names_its_children_and_its_reorganisation() {
    let bcp = demo().get_json("/api/v1/geographies/E06000058");
    assert_eq!(bcp["reorganisation"]["effective"], "2019-04-01");
    let sw = demo().get_json("/api/v1/geographies/E12000009");
    assert!(
        sw["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "E06000058")
    );
    let missing = demo().get("/api/v1/geographies/E06099999");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("content-type"), Some("application/json"));
}

#[test]
fn indicators_use_the_canonical_names_and_say_where_computation_differs() {
    let rows = demo().get_json("/api/v1/geographies/Darlington/indicators?year=2022");
    let r = &rows[0];
    assert_eq!(r["geography_code"], "E06000005");
    assert_eq!(r["geographic_level"], "Local authority");
    assert_eq!(r["year"], 2022);
    assert_eq!(r["inpost_headcount"], 94);
    assert_eq!(r["turnover_rate_fte"], 18.8);
    assert_eq!(r["computed"]["turnover_rate_fte"], 18.7);
    assert!(r["starters_fte"].is_null(), "not in this release");
    let scilly = demo().get_json("/api/v1/geographies/E06000053/indicators?year=2022");
    assert_eq!(scilly[0]["turnover_rate_fte"], "z");
    assert_eq!(
        demo()
            .get("/api/v1/geographies/E06000053/indicators?year=20x2")
            .status,
        400
    );
    insta::assert_json_snapshot!(
        "bcp_indicators_2022",
        demo().get_json("/api/v1/geographies/E06000058/indicators?year=2022")
    );
}

#[test]
fn a_series_continues_across_a_reorganisation_and_says_so() {
    let s = demo().get_json("/api/v1/geographies/E06000058/series/inpost_fte");
    let points = s["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    assert_eq!(points[0]["origin"], "continued");
    assert_eq!(points[5]["origin"], "published");
    assert_eq!(
        demo()
            .get("/api/v1/geographies/E06000058/series/nonsense")
            .status,
        404
    );
    let eth =
        demo().get_json("/api/v1/geographies/E92000001/series/black_perc?breakdown=Case%20holder");
    assert_eq!(eth["points"].as_array().unwrap().len(), 4);
}

#[test]
fn benchmarks_rank_an_authority_among_all_authorities() {
    let b = demo().get_json("/api/v1/geographies/E09000007/benchmarks");
    assert_eq!(b["year"], 2022);
    let turnover = b["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["measure"] == "turnover_rate_fte")
        .unwrap();
    assert!(turnover["rank"].as_u64().unwrap() >= 1);
    assert!(turnover["ranked"].as_u64().unwrap() >= 140);
    assert_eq!(
        demo()
            .get("/api/v1/geographies/E92000001/benchmarks")
            .status,
        400
    );
}

#[test]
fn the_api_imports_a_body_and_answers_201_200_and_422() {
    let app = spawn_app();
    let name = "csww_headline_2022_to_2023_new_names.csv";
    let anonymous = app.post(
        &format!("/api/v1/imports?file_name={name}"),
        "text/csv",
        &fixture(name),
        &[],
    );
    assert_eq!(
        anonymous.status, 403,
        "a change needs a token: {}",
        anonymous.body
    );
    app.analyst();
    let token = app.token("analyst@education.test", &["statistics:import"]);
    let bearer = format!("Bearer {token}");
    let auth: &[(&str, &str)] = &[("authorization", bearer.as_str())];
    let a = app.post(
        &format!("/api/v1/imports?file_name={name}"),
        "text/csv",
        &fixture(name),
        auth,
    );
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.json()["status"], "imported");
    let again = app.post(
        &format!("/api/v1/imports?file_name={name}"),
        "text/csv",
        &fixture(name),
        auth,
    );
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["status"], "already_imported");
    let bad = app.post(
        "/api/v1/imports?file_name=bad.csv",
        "text/csv",
        b"time_period,x\n2022,1\n",
        auth,
    );
    assert_eq!(bad.status, 422);
    let d = &bad.json()["error"]["diagnostics"][0];
    assert_eq!(d["file"], "bad.csv");
    assert!(
        d["problem"]
            .as_str()
            .unwrap()
            .starts_with("unknown dataset")
    );
    assert_eq!(
        app.get_json("/api/v1/imports").as_array().unwrap().len(),
        swforce_app::DEMO_FILES.len() + 1
    );
}

#[test]
fn measures_name_their_older_columns() {
    // The OpenAPI document is checked against the routes and the answers in openapi.rs.
    let measures = demo().get_json("/api/v1/measures");
    assert!(measures.as_array().unwrap().iter().any(
        |m| m["name"] == "agency_rate_fte" && m["older_names"][0] == "agency_worker_rate_fte_%"
    ));
}

#[test]
fn a_series_by_role_takes_a_role_in_any_case_and_refuses_an_unknown_or_missing_one() {
    let app = demo();
    let series = "/api/v1/geographies/E92000001/series";
    let case_holder = app.get_json(&format!("{series}/white?breakdown=Case%20holder"));
    assert_eq!(case_holder["breakdown"], "Case holder");
    assert_eq!(case_holder["points"].as_array().unwrap().len(), 4);
    for spelt in ["case%20holder", "CASE+HOLDER", "%20Case%20Holder%20"] {
        let again = app.get_json(&format!("{series}/white?breakdown={spelt}"));
        assert_eq!(again, case_holder, "{spelt}");
    }
    for target in [
        format!("{series}/white"),
        format!("{series}/white?breakdown="),
        format!("{series}/white?breakdown=Nonsense"),
        format!("{series}/black_perc?breakdown=Case%20holders"),
    ] {
        let a = app.get(&target);
        assert_eq!(a.status, 400, "{target}: {}", a.body);
        let problem = &a.json()["error"]["problems"][0];
        assert!(
            problem["text"].as_str().unwrap().contains("breakdown"),
            "{target}: {problem}"
        );
        let fix = problem["fix"].as_str().unwrap();
        for role in ["All children and family social workers", "Case holder"] {
            assert!(fix.contains(role), "{target}: {fix}");
        }
    }
    // A measure published without breakdowns takes none.
    let plain = app.get_json(&format!("{series}/turnover_rate_fte"));
    assert_eq!(plain["breakdown"], "");
    assert!(!plain["points"].as_array().unwrap().is_empty());
    let a = app.get(&format!(
        "{series}/turnover_rate_fte?breakdown=Case%20holder"
    ));
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("breakdown"), "{}", a.body);
}

/// A saved scenario's file carries the name it was saved with, and its query reproduces it
/// with that name; saving through the page stores the same as through the API.
#[test]
fn a_saved_scenario_keeps_its_name_in_its_file_through_the_api_and_the_page() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let keys = app.person(kent, "keys@kent.test", &["workforce_analyst"]);
    let token = app.token("keys@kent.test", &["scenarios:read", "scenarios:write"]);
    let bearer = format!("Bearer {token}");
    let auth = ("authorization", bearer.as_str());
    for (name, query) in [
        ("More places", "frontline_places=400"),
        ("As things are", ""),
        ("Same levers", "frontline_places=400&retain_cut=10"),
    ] {
        let body = serde_json::json!({"geography": "E10000016", "name": name, "query": query});
        let a = app.request(
            "POST",
            "/api/v1/scenarios",
            &[auth, ("content-type", "application/json")],
            Some(body.to_string().as_bytes()),
        );
        assert_eq!(a.status, 201, "{}", a.body);
    }
    let page = keys.post_form(
        "/projections/E10000016/save",
        &[
            ("name", "Same levers, from the page"),
            ("query", "frontline_places=400&retain_cut=10"),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let list = app
        .request("GET", "/api/v1/scenarios", &[auth], None)
        .json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 4);
    for s in list {
        let name = s["name"].as_str().unwrap();
        let toml = s["toml"].as_str().unwrap();
        assert!(
            toml.lines().any(|l| l == format!("name = {name:?}")),
            "{name}: {toml}"
        );
        let query = s["query"].as_str().unwrap();
        let named = serde_urlencoded::to_string([("name", name)]).unwrap();
        assert!(query.ends_with(&named), "{name}: {query}");
    }
    // The page and the API store the same levers the same way: only the names differ.
    let of = |name: &str| {
        let s = list.iter().find(|s| s["name"] == name).unwrap();
        let unnamed = |text: &str, sep: char| {
            text.split(sep)
                .filter(|part| !part.starts_with("name"))
                .collect::<Vec<_>>()
                .join(&sep.to_string())
        };
        (
            unnamed(s["toml"].as_str().unwrap(), '\n'),
            unnamed(s["query"].as_str().unwrap(), '&'),
        )
    };
    assert_eq!(of("Same levers"), of("Same levers, from the page"));
    // The document says what the query and the file hold.
    let doc = demo().get_json("/api/v1/openapi.json");
    let scenario = &doc["components"]["schemas"]["Scenario"]["properties"];
    let query = scenario["query"]["description"].as_str().unwrap();
    assert!(query.contains("name="), "{query}");
    let toml = scenario["toml"]["description"].as_str().unwrap();
    assert!(toml.contains("name"), "{toml}");
}
