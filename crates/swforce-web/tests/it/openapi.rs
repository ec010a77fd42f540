//! The OpenAPI document against the service: every path it names is routed, every route under
//! `/api/` is in it, and every answer, with data behind it, is what its schema says.

use crate::time::{FACE, NOTES, category, keep, publish, this_week};
use crate::{Answer, TestApp, demo, fixture, spawn_app};
use serde_json::Value;
use swforce_domain::measure::MEASURES;
use swforce_domain::{Dataset, Measure, OldLaCode};
use swforce_import::census::generate::{GenerateSpec, generate};

fn document() -> Value {
    demo().get_json("/api/v1/openapi.json")
}

/// The schema of `method path`'s answer with `status`, as JSON.
fn answer_schema<'a>(doc: &'a Value, path: &str, method: &str, status: u16) -> &'a Value {
    let r = &doc["paths"][path][method]["responses"][status.to_string()];
    assert!(
        r.is_object(),
        "{method} {path} does not describe a {status} answer"
    );
    &r["content"]["application/json"]["schema"]
}

// A checker for the part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that the generated
// document uses: `$ref` to components, `type` (one or several), `enum`, `properties` and
// `required`, `additionalProperties`, `items`, `oneOf`, `anyOf` and `allOf`. Formats, patterns
// and bounds are not checked. Stricter than JSON Schema in one way: an object schema is closed,
// so a property the answer has but the schema does not declare is an error, unless
// `additionalProperties` allows it; and an object or a value with no description at all is an
// error, so that no answer escapes being described.

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("a reference outside the components: {r}"));
            let s = &doc["components"]["schemas"][name];
            assert!(s.is_object(), "{r} is not in the document");
            resolve(doc, s)
        }
        None => schema,
    }
}

/// `allOf` as one object schema: the parts' properties and required lists together.
fn merged(doc: &Value, schema: &Value) -> Value {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for part in schema["allOf"].as_array().unwrap() {
        let part = resolve(doc, part);
        let part = if part.get("allOf").is_some() {
            merged(doc, part)
        } else {
            part.clone()
        };
        if let Some(p) = part["properties"].as_object() {
            properties.extend(p.clone());
        }
        if let Some(r) = part["required"].as_array() {
            required.extend(r.clone());
        }
    }
    serde_json::json!({"type": "object", "properties": properties, "required": required})
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        other => panic!("a type the checker does not know: {other}"),
    }
}

fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if schema.get("allOf").is_some() {
        return check(doc, &merged(doc, schema), v, at, errors);
    }
    for (key, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(parts) = schema[key].as_array() {
            let fits = parts
                .iter()
                .filter(|p| {
                    let mut e = Vec::new();
                    check(doc, p, v, at, &mut e);
                    e.is_empty()
                })
                .count();
            if fits == 0 || (exactly_one && fits > 1) {
                errors.push(format!("{at}: {v} fits {fits} of {key} {parts:?}"));
            }
            return;
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => {
            errors.push(format!("{at}: no type is given for {v}: {schema}"));
            return;
        }
    };
    if !types.iter().any(|t| type_matches(t, v)) {
        errors.push(format!("{at}: {v} is not of type {types:?}"));
        return;
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(v) {
            errors.push(format!("{at}: {v} is not one of {values:?}"));
        }
    }
    match v {
        Value::Array(items) => {
            assert!(
                schema.get("items").is_some(),
                "{at}: an array with no items described"
            );
            for (i, item) in items.iter().enumerate() {
                check(doc, &schema["items"], item, &format!("{at}[{i}]"), errors);
            }
        }
        Value::Object(o) => {
            let properties = schema["properties"].as_object();
            let additional = &schema["additionalProperties"];
            if properties.is_none() && !additional.is_object() {
                errors.push(format!("{at}: an object with nothing described: {schema}"));
                return;
            }
            for r in schema["required"].as_array().into_iter().flatten() {
                let r = r.as_str().unwrap();
                if !o.contains_key(r) {
                    errors.push(format!("{at}: required {r} is missing"));
                }
            }
            for (k, value) in o {
                let at = format!("{at}.{k}");
                match properties.and_then(|p| p.get(k)) {
                    Some(s) => check(doc, s, value, &at, errors),
                    None if additional.is_object() => check(doc, additional, value, &at, errors),
                    None => errors.push(format!("{at}: not declared in the schema")),
                }
            }
        }
        _ => {}
    }
}

/// Checks an answer against the schema the document gives for it; says what does not fit.
fn conforms(doc: &Value, path: &str, method: &str, target: &str, a: &Answer) {
    let schema = answer_schema(doc, path, method, a.status);
    assert!(
        a.header("content-type")
            .unwrap_or("")
            .starts_with("application/json"),
        "{method} {target}"
    );
    let mut errors = Vec::new();
    check(doc, schema, &a.json(), "answer", &mut errors);
    assert!(
        errors.is_empty(),
        "{method} {target} ({}) does not match its schema:\n{}",
        a.status,
        errors.join("\n")
    );
}

#[test]
fn the_checker_finds_what_does_not_fit() {
    let doc = serde_json::json!({"components": {"schemas": {"Cell": {"oneOf": [
        {"type": "number"}, {"type": "string", "enum": ["z"]}, {"type": "null"}
    ]}}}});
    let schema = serde_json::json!({
        "type": "object",
        "required": ["a"],
        "properties": {
            "a": {"type": "integer"},
            "b": {"type": ["string", "null"]},
            "c": {"type": "array", "items": {"$ref": "#/components/schemas/Cell"}}
        }
    });
    let errors = |v: Value| {
        let mut e = Vec::new();
        check(&doc, &schema, &v, "v", &mut e);
        e
    };
    assert!(errors(serde_json::json!({"a": 1, "b": null, "c": [1.5, "z", null]})).is_empty());
    for wrong in [
        serde_json::json!({"b": "x"}),
        serde_json::json!({"a": 1.5}),
        serde_json::json!({"a": 1, "d": 2}),
        serde_json::json!({"a": 1, "b": 3}),
        serde_json::json!({"a": 1, "c": ["y"]}),
        serde_json::json!([1]),
    ] {
        assert!(!errors(wrong.clone()).is_empty(), "{wrong} fits");
    }
}

#[test]
fn the_document_is_openapi_3_with_its_version_and_its_bearer_tokens() {
    let doc = document();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["title"], "swforce API");
    assert_eq!(doc["info"]["version"], "1");
    assert!(
        doc["info"]["description"]
            .as_str()
            .unwrap()
            .contains("Bearer")
    );
    let scheme = &doc["components"]["securitySchemes"]["bearerToken"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    // Each name in braces in a path is a parameter of its operations, which they must send.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let in_path: Vec<&Value> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .collect();
            assert_eq!(in_path.len(), path.matches('{').count(), "{method} {path}");
            for p in in_path {
                assert!(path.contains(&format!("{{{}}}", p["name"].as_str().unwrap())));
                assert_eq!(p["required"], true, "{method} {path}: {}", p["name"]);
            }
        }
    }
    // The service serves the same document the code makes.
    let served: Value = demo().get_json("/api/v1/openapi.json");
    let made: Value = serde_json::from_str(swforce_web::openapi_document()).unwrap();
    assert_eq!(served, made);
}

/// The path with its parameters filled in with places, measures and years that have data.
fn fill(path: &str) -> String {
    path.replace("{code}", "E09000007")
        .replace("{measure}", "turnover_rate_fte")
        .replace("{year}", "2022")
}

#[test]
fn every_documented_operation_is_routed_and_every_api_route_is_documented() {
    let app = demo();
    let doc = document();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 18, "{:?}", paths.keys());
    let mut operations = 0;
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let target = fill(path);
            let signed_in = op.get("security").is_some();
            let a = match method.as_str() {
                "get" => app.get(&target),
                "post" => app.post(&target, "application/json", b"{}", &[]),
                other => panic!("{other} {path}: a method the test does not send"),
            };
            assert!(
                a.status != 404 && a.status != 405,
                "{method} {target} is documented but not routed: {}",
                a.status
            );
            if signed_in {
                assert_eq!(
                    op["security"][0]["bearerToken"],
                    serde_json::json!([]),
                    "{method} {path}"
                );
                // Refused without a token: a read asks for one; a write from a program that
                // sends no token is refused before it is read.
                let expected = if method == "get" { 401 } else { 403 };
                assert_eq!(a.status, expected, "{method} {target}: {}", a.body);
                conforms(&doc, path, method, &target, &a);
            } else if method == "get" {
                assert_eq!(a.status, 200, "{method} {target}: {}", a.body);
            }
        }
    }
    assert!(operations >= 19);
    // An address that is not documented is not routed either (so the 404 above means it).
    assert_eq!(app.get("/api/v1/nonsense").status, 404);
    // No API route is registered except from the handlers' own declarations, which make the
    // document: the service's route table names none itself.
    let routes = include_str!("../../src/lib.rs");
    assert!(
        !routes.contains("\"/api/"),
        "an API route is registered in lib.rs, outside the document"
    );
}

#[test]
fn the_indicator_row_names_every_measure_an_indicator_row_carries_and_the_document_every_measure() {
    let doc = document();
    let row = &doc["components"]["schemas"]["IndicatorRow"];
    let properties = row["properties"].as_object().unwrap();
    let required: Vec<&str> = row["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let carried: Vec<&str> = Measure::of(Dataset::CswwHeadline).map(|m| m.name).collect();
    for m in &carried {
        assert!(properties.contains_key(*m), "IndicatorRow lacks {m}");
        assert!(required.contains(m), "{m} is always in an indicator row");
    }
    // Nothing else: the row carries the workforce dataset's measures (with the place, the
    // year, `computed`, `checks` and `source`), and the others are in their own answers (series, census
    // indicators).
    assert_eq!(properties.len(), carried.len() + 7);
    // A real row has every one of them.
    let answer = demo().get_json("/api/v1/geographies/E06000058/indicators?year=2022");
    for m in &carried {
        assert!(answer[0].get(*m).is_some(), "{m} is not in the answer");
    }
    // Every measure swforce knows is named in the document: as a measure's name and as the
    // measure a series is of.
    let names = |s: &Value| -> Vec<String> {
        s["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    // (A statistical neighbour table's columns are not measures of a place.)
    let every: Vec<String> = MEASURES
        .iter()
        .filter(|m| m.dataset.holds_figures())
        .map(|m| m.name.to_string())
        .collect();
    assert_eq!(
        names(&doc["components"]["schemas"]["Measure"]["properties"]["name"]),
        every
    );
    let measure_param =
        doc["paths"]["/api/v1/geographies/{code}/series/{measure}"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "measure")
            .unwrap();
    assert_eq!(names(&measure_param["schema"]), every);
}

/// An authority with a census return, an agency register, a team, time diaries that are
/// published and shared, a saved scenario, and a token with every scope an organisation's
/// people may hold: every signed-in answer has something in it.
struct Filled {
    app: TestApp,
    bearer: String,
    team: String,
}

fn filled() -> Filled {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let team = app.app.store().create_team(kent, "Front door").unwrap();
    let keys = app.person(
        kent,
        "keys@kent.test",
        &["workforce_analyst", "org_admin", "team_manager"],
    );
    let mut census = Vec::new();
    generate(
        &mut census,
        &GenerateSpec {
            workers: 60,
            seed: 9,
            lea: OldLaCode::parse("886").unwrap(),
            year: 2022,
        },
    )
    .unwrap();
    let stored = keys.post_file("/census/returns", "kent-2022.xml", &census, &[]);
    assert_eq!(stored.status, 303, "{}", stored.body);
    let register = keys.post_file(
        "/agency/council/import",
        "kent-agency.csv",
        &fixture("agency_engagements.csv"),
        &[],
    );
    assert_eq!(register.status, 303, "{}", register.body);
    let opt_in = keys.post_form("/time/settings/opt-in", &[("opt_in", "yes")]);
    assert_eq!(opt_in.status, 303);
    let (face, notes) = (category(&app, kent, FACE), category(&app, kent, NOTES));
    for i in 0..6 {
        let email = format!("w{i}@kent.test");
        let b = app.person(kent, &email, &["social_worker"]);
        let mut u = app.app.store().user_by_email(&email).unwrap().unwrap();
        u.team_id = Some(team.id);
        app.app.store().update_user(&u).unwrap();
        let extra: &[(&str, &str)] = &[
            ("note", "The case system froze"),
            ("share_note", "yes"),
            ("obstacles", "it_problems"),
        ];
        let a = keep(&b, this_week(), &face, &notes, ("9", "28"), extra);
        assert_eq!(a.status, 303, "{}", a.body);
    }
    let a = keep(&keys, this_week(), &face, &notes, ("5", "30"), &[]);
    assert_eq!(a.status, 303, "{}", a.body);
    publish(&app);
    crate::healthcheck::closed_round(&app, "keys@kent.test", "", "");
    let scopes: Vec<&str> = swforce_app::access::SCOPES
        .iter()
        .map(|s| s.1)
        .filter(|s| *s != "statistics:import")
        .collect();
    let token = app.token("keys@kent.test", &scopes);
    let team = app.public(swforce_app::public_id::Kind::Team, team.id);
    Filled {
        app,
        bearer: format!("Bearer {token}"),
        team,
    }
}

#[test]
fn every_answer_is_what_its_schema_says() {
    let f = filled();
    let doc = document();
    let auth: &[(&str, &str)] = &[("authorization", f.bearer.as_str())];
    // A scenario saved through the API, so that the list has one of the organisation's own.
    let path = "/api/v1/scenarios";
    let saved = f.app.request(
        "POST",
        path,
        &[auth[0], ("content-type", "application/json")],
        Some(br#"{"geography": "E10000016", "name": "More places", "query": "frontline_places=310"}"#),
    );
    assert_eq!(saved.status, 201, "{}", saved.body);
    conforms(&doc, path, "post", path, &saved);

    // Every GET the document names, and the variants that change what is said.
    let mut targets: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, item)| item.get("get").is_some() && !p.ends_with("openapi.json"))
        .map(|(p, _)| (p.clone(), fill(p)))
        .collect();
    for (path, target) in [
        ("/api/v1/geographies", "/api/v1/geographies?level=regional"),
        ("/api/v1/geographies", "/api/v1/geographies?q=bournemouth"),
        (
            "/api/v1/geographies/{code}",
            "/api/v1/geographies/E06000058",
        ),
        (
            "/api/v1/geographies/{code}",
            "/api/v1/geographies/E92000001",
        ),
        (
            "/api/v1/geographies/{code}/indicators",
            "/api/v1/geographies/E06000058/indicators?year=2022",
        ),
        (
            "/api/v1/geographies/{code}/indicators",
            "/api/v1/geographies/E06000053/indicators?year=2022",
        ),
        (
            "/api/v1/geographies/{code}/indicators",
            "/api/v1/geographies/E92000001/indicators",
        ),
        (
            "/api/v1/agency/summary",
            "/api/v1/agency/summary?quarter=2025Q3",
        ),
        (
            "/api/v1/diary/national",
            "/api/v1/diary/national?region=E12000008",
        ),
        ("/api/v1/audit", "/api/v1/audit?limit=5"),
    ] {
        targets.push((path.into(), target.into()));
    }
    targets.push((
        "/api/v1/diary/summary".into(),
        format!("/api/v1/diary/summary?team={}", f.team),
    ));
    // A series of every measure (by a role, for those published by role), and one continued
    // across a reorganisation.
    for m in MEASURES.iter().filter(|m| m.dataset.holds_figures()) {
        let role = if m.dataset.breakdown_column().is_some() {
            "?breakdown=Case%20holder"
        } else {
            ""
        };
        targets.push((
            "/api/v1/geographies/{code}/series/{measure}".into(),
            format!("/api/v1/geographies/E92000001/series/{}{role}", m.name),
        ));
    }
    targets.push((
        "/api/v1/geographies/{code}/series/{measure}".into(),
        "/api/v1/geographies/E06000058/series/inpost_fte".into(),
    ));
    for (path, target) in &targets {
        let a = f.app.request("GET", target, auth, None);
        assert_eq!(a.status, 200, "GET {target}: {}", a.body);
        conforms(&doc, path, "get", target, &a);
    }
    assert!(
        targets.len()
            >= 17
                + MEASURES
                    .iter()
                    .filter(|m| m.dataset.holds_figures())
                    .count()
    );

    // Some answers have everything they may have.
    let get = |t: &str| f.app.request("GET", t, auth, None).json();
    let national = get("/api/v1/diary/national");
    assert_eq!(national["suppressed"], false, "{national}");
    assert_eq!(get("/api/v1/diary/summary")["suppressed"], false);
    assert!(
        !get("/api/v1/agency/engagements")
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(!get("/api/v1/census/returns").as_array().unwrap().is_empty());
    assert!(
        !get("/api/v1/diary/weeks")["weeks"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(get("/api/v1/me")["teams"].as_array().is_some());
    let health = get("/api/v1/healthcheck/summary");
    assert_eq!(health["organisation"]["shown"], true, "{health}");
    assert!(
        !health.to_string().contains("comment"),
        "free text never leaves through the API"
    );
    let series = get("/api/v1/geographies/E06000058/series/inpost_fte");
    assert!(series["points"][0]["predecessors"].is_array(), "{series}");
}

#[test]
fn error_answers_are_what_their_schema_says() {
    let app = spawn_app();
    let doc = document();
    let cases: &[(&str, &str, u16)] = &[
        (
            "/api/v1/geographies",
            "/api/v1/geographies?level=county",
            400,
        ),
        (
            "/api/v1/geographies/{code}",
            "/api/v1/geographies/E06099999",
            404,
        ),
        (
            "/api/v1/geographies/{code}/indicators",
            "/api/v1/geographies/E06000053/indicators?year=20x2",
            400,
        ),
        (
            "/api/v1/geographies/{code}/series/{measure}",
            "/api/v1/geographies/E06000058/series/nonsense",
            404,
        ),
        (
            "/api/v1/geographies/{code}/series/{measure}",
            "/api/v1/geographies/E92000001/series/white?breakdown=Nonsense",
            400,
        ),
        (
            "/api/v1/geographies/{code}/benchmarks",
            "/api/v1/geographies/E92000001/benchmarks",
            400,
        ),
        ("/api/v1/me", "/api/v1/me", 401),
    ];
    for (path, target, status) in cases {
        let a = app.get(target);
        assert_eq!(a.status, *status, "GET {target}: {}", a.body);
        conforms(&doc, path, "get", target, &a);
    }
    // An import through the API: imported, then the same again, then refused with its
    // diagnostics.
    app.analyst();
    let token = app.token("analyst@education.test", &["statistics:import"]);
    let bearer = format!("Bearer {token}");
    let auth: &[(&str, &str)] = &[("authorization", bearer.as_str())];
    let name = "csww_headline_2022_to_2023_new_names.csv";
    let path = "/api/v1/imports";
    let target = format!("{path}?file_name={name}");
    for status in [201, 200] {
        let a = app.post(&target, "text/csv", &fixture(name), auth);
        assert_eq!(a.status, status, "{}", a.body);
        conforms(&doc, path, "post", &target, &a);
    }
    let bad = app.post(
        "/api/v1/imports?file_name=bad.csv",
        "text/csv",
        b"time_period,x\n2022,1\n",
        auth,
    );
    assert_eq!(bad.status, 422);
    assert!(
        !bad.json()["error"]["diagnostics"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    conforms(&doc, path, "post", path, &bad);
    let list = app.get(path);
    conforms(&doc, path, "get", path, &list);
}

/// A change through the API that sends no token is refused before it is read, with 403; a
/// token that is not valid is refused with 401. The document says which is which.
#[test]
fn a_write_without_a_token_gets_the_documented_403_and_with_a_bad_token_the_documented_401() {
    let app = demo();
    let doc = document();
    for path in ["/api/v1/imports", "/api/v1/scenarios"] {
        let responses = &doc["paths"][path]["post"]["responses"];
        let no_token = app.post(path, "application/json", b"{}", &[]);
        assert_eq!(no_token.status, 403, "{path}: {}", no_token.body);
        conforms(&doc, path, "post", path, &no_token);
        let forbidden = responses["403"]["description"].as_str().unwrap();
        assert!(forbidden.contains("No token"), "{path}: {forbidden}");
        let bad = app.post(
            path,
            "application/json",
            b"{}",
            &[("authorization", "Bearer swf_not_a_token")],
        );
        assert_eq!(bad.status, 401, "{path}: {}", bad.body);
        conforms(&doc, path, "post", path, &bad);
        let unauthorized = responses["401"]["description"].as_str().unwrap();
        assert!(
            !unauthorized.contains("No token") && unauthorized.contains("not valid"),
            "{path}: {unauthorized}"
        );
    }
}

/// A token that is not valid is a mistake worth saying, even where no token is needed: every
/// operation answers it with the documented JSON 401, which says how to authenticate.
#[test]
fn a_bad_token_gets_the_documented_401_on_every_operation_public_ones_too() {
    let app = demo();
    let doc = document();
    let bad: &[(&str, &str)] = &[("authorization", "Bearer swf_expired_or_revoked")];
    let mut public = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["responses"]["401"].is_object(),
                "{method} {path} does not document a 401"
            );
            assert!(
                op["responses"]["401"]["headers"]["WWW-Authenticate"].is_object(),
                "{method} {path}: the 401 does not name its WWW-Authenticate header"
            );
            if method != "get" {
                continue;
            }
            public += usize::from(op.get("security").is_none());
            let target = fill(path);
            let a = app.request("GET", &target, bad, None);
            assert_eq!(a.status, 401, "GET {target}: {}", a.body);
            conforms(&doc, path, method, &target, &a);
            assert_eq!(a.header("www-authenticate"), Some("Bearer"), "GET {target}");
        }
    }
    assert!(public >= 8, "{public} public reads");
    // No token where one is needed: a 401 that says how to authenticate too.
    let a = app.get("/api/v1/me");
    assert_eq!(a.status, 401);
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));
}

/// A request with any method and headers, and no body.
fn send(app: &TestApp, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(app.url(path));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    crate::answer(app.agent().run(request.body(()).unwrap()))
}

/// The answer is the documented JSON error with this status.
fn is_error(doc: &Value, a: &Answer, status: u16, what: &str) -> Value {
    assert_eq!(a.status, status, "{what}: {}", a.body);
    assert!(
        a.header("content-type")
            .unwrap_or("")
            .starts_with("application/json"),
        "{what}: {:?} {}",
        a.header("content-type"),
        a.body
    );
    let mut errors = Vec::new();
    let error = serde_json::json!({"$ref": "#/components/schemas/Error"});
    check(doc, &error, &a.json(), "answer", &mut errors);
    assert!(errors.is_empty(), "{what}: {}", errors.join("\n"));
    assert_eq!(a.json()["error"]["status"], status, "{what}");
    a.json()
}

/// Every error under `/api/` is the documented JSON error: a malformed or repeated parameter
/// (400, naming it), an address that is not in the API (404), a method an address does not
/// take (405, with the methods it does); and every operation that takes parameters documents
/// its 400.
#[test]
fn every_error_under_the_api_is_the_documented_json_error() {
    let app = demo();
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["parameters"].as_array().is_some_and(|p| !p.is_empty()) {
                assert!(
                    op["responses"]["400"].is_object(),
                    "{method} {path} takes parameters but documents no 400"
                );
            }
        }
    }
    let cases: &[(&str, &str, &str)] = &[
        (
            "/api/v1/census/returns/{year}/indicators",
            "/api/v1/census/returns/abc/indicators",
            "year",
        ),
        ("/api/v1/audit", "/api/v1/audit?limit=abc", "limit"),
        (
            "/api/v1/geographies/{code}/indicators",
            "/api/v1/geographies/E06000058/indicators?year=2022&year=2021",
            "year",
        ),
        (
            "/api/v1/geographies",
            "/api/v1/geographies?level=regional&level=national",
            "level",
        ),
        (
            "/api/v1/diary/national",
            "/api/v1/diary/national?from=2025-01-06&from=2025-02-03",
            "from",
        ),
    ];
    for (path, target, parameter) in cases {
        let a = app.get(target);
        let e = is_error(&doc, &a, 400, target);
        conforms(&doc, path, "get", target, &a);
        let problem = &e["error"]["problems"][0];
        assert!(
            problem["text"].as_str().unwrap().contains(parameter)
                && problem["fix"].as_str().unwrap().contains(parameter),
            "{target}: {problem}"
        );
    }
    let limit = app.get("/api/v1/audit?limit=abc").json();
    let fix = limit["error"]["problems"][0]["fix"].as_str().unwrap();
    assert!(fix.contains("whole number from 1 to 100000"), "{fix}");
    let twice = app.get("/api/v1/geographies?level=regional&level=national");
    assert!(twice.body.contains("more than once"), "{}", twice.body);
    for target in [
        "/api/v1/nonsense",
        "/api/v1/",
        "/api/v2/geographies",
        "/api/v1/geographies/E06000058/nonsense",
    ] {
        let e = is_error(&doc, &app.get(target), 404, target);
        assert!(
            e["error"]["problems"][0]["fix"]
                .as_str()
                .unwrap()
                .contains("/api/v1/openapi.json"),
            "{target}: {e}"
        );
    }
    // A method an address does not take: 405, saying which it does.
    let a = send(app, "OPTIONS", "/api/v1/geographies", &[]);
    is_error(&doc, &a, 405, "OPTIONS /api/v1/geographies");
    assert!(
        a.header("allow").unwrap_or("").contains("GET"),
        "{:?}",
        a.headers
    );
    let fresh = spawn_app();
    fresh.analyst();
    let token = fresh.token("analyst@education.test", &["statistics:import"]);
    let bearer = format!("Bearer {token}");
    let a = send(
        &fresh,
        "DELETE",
        "/api/v1/scenarios",
        &[("authorization", bearer.as_str())],
    );
    let e = is_error(&doc, &a, 405, "DELETE /api/v1/scenarios");
    let allow = a.header("allow").unwrap_or("");
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert!(
        e["error"]["problems"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("GET")
    );
    // Outside the API, an unknown address is still a page.
    let page = app.get("/nonsense");
    assert_eq!(page.status, 404);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
}

/// The breakdowns a series takes are listed from the data, and they are the ones on record.
#[test]
fn the_document_lists_the_breakdowns_a_series_takes() {
    let doc = document();
    let op = &doc["paths"]["/api/v1/geographies/{code}/series/{measure}"]["get"];
    let param = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "breakdown")
        .unwrap();
    let mut listed: Vec<String> = param["schema"]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("no values: {param}"))
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    listed.sort();
    let snapshot = demo().app.snapshot().unwrap();
    let on_record = snapshot.breakdowns(Dataset::CswwRoleByEthnicity);
    assert_eq!(listed, on_record);
    // It says which measures need one, and that case does not matter.
    let said = param["description"].as_str().unwrap();
    for m in Measure::of(Dataset::CswwRoleByEthnicity) {
        assert!(said.contains(m.name), "{said}");
    }
    assert!(said.contains("any case"), "{said}");
    assert!(
        op["responses"]["400"]["description"]
            .as_str()
            .unwrap()
            .contains("breakdown")
    );
}

/// Saving a scenario refuses what the document says it refuses, with the status it says: a
/// lever the projection page does not have, a query that cannot be decoded, a body without a
/// name or with a field of the wrong type, a name too long or on more than one line, a body
/// too large. Nothing refused is stored.
#[test]
fn a_scenario_is_refused_as_the_document_says() {
    let app = spawn_app();
    let doc = document();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    app.person(kent, "sam@kent.test", &["workforce_analyst"]);
    let token = app.token("sam@kent.test", &["scenarios:read", "scenarios:write"]);
    let bearer = format!("Bearer {token}");
    let path = "/api/v1/scenarios";
    let save = |body: &[u8]| {
        app.request(
            "POST",
            path,
            &[
                ("authorization", bearer.as_str()),
                ("content-type", "application/json"),
            ],
            Some(body),
        )
    };
    let levers = |query: &str| {
        serde_json::json!({"geography": "E10000016", "name": "Mine", "query": query}).to_string()
    };
    for (query, named) in [
        ("nonsense_lever=5", "nonsense_lever"),
        ("frontline_places=400&runz=1000", "runz"),
        ("%zz", "%zz"),
        ("frontline_places=4%zz00", "%zz"),
        ("frontline_places=%FF", "frontline_places"),
    ] {
        let a = save(levers(query).as_bytes());
        assert_eq!(a.status, 422, "{query}: {}", a.body);
        conforms(&doc, path, "post", path, &a);
        assert!(
            a.json()["error"]["problems"][0]["text"]
                .as_str()
                .unwrap()
                .contains(named),
            "{query}: {}",
            a.body
        );
    }
    let long = "x".repeat(101);
    for body in [
        r#"{"geography": "E10000016", "query": ""}"#.to_string(),
        r#"{"geography": "E10000016", "name": 5}"#.to_string(),
        serde_json::json!({"geography": "E10000016", "name": long}).to_string(),
        serde_json::json!({"geography": "E10000016", "name": "Two\nlines"}).to_string(),
        serde_json::json!({"geography": "E10000016", "name": "  "}).to_string(),
    ] {
        let a = save(body.as_bytes());
        assert_eq!(a.status, 422, "{body}: {}", a.body);
        conforms(&doc, path, "post", path, &a);
    }
    let not_json = save(b"{\"geography\": ");
    assert_eq!(not_json.status, 400, "{}", not_json.body);
    conforms(&doc, path, "post", path, &not_json);
    let huge = levers(&format!("seed={}", "1".repeat(2 * 1024 * 1024)));
    let a = save(huge.as_bytes());
    assert_eq!(a.status, 413, "{}", a.body);
    conforms(&doc, path, "post", path, &a);
    // The document says so.
    let op = &doc["paths"][path]["post"];
    let refused = op["responses"]["422"]["description"].as_str().unwrap();
    for said in [
        "lever",
        "decoded",
        "missing",
        "type",
        "100 characters",
        "one line",
    ] {
        assert!(
            refused.contains(said),
            "the 422 does not say {said:?}: {refused}"
        );
    }
    let body = resolve(
        &doc,
        &op["requestBody"]["content"]["application/json"]["schema"],
    );
    let name = &body["properties"]["name"];
    assert_eq!(name["maxLength"], 100, "{name}");
    assert_eq!(name["minLength"], 1, "{name}");
    let query = body["properties"]["query"]["description"].as_str().unwrap();
    for lever in ["frontline_places", "retain_cut", "runs", "target_caseload"] {
        assert!(query.contains(lever), "{query}");
    }
    // Nothing refused was kept; what is right is.
    let a = save(levers("frontline_places=400&runs=100").as_bytes());
    assert_eq!(a.status, 201, "{}", a.body);
    let list = app.request("GET", path, &[("authorization", bearer.as_str())], None);
    assert_eq!(list.json().as_array().unwrap().len(), 1, "{}", list.body);
}

/// Whether `q` fits `^[0-9]{4}[Qq][1-4]$`.
fn quarter_pattern(q: &str) -> bool {
    let b = q.as_bytes();
    b.len() == 6
        && b[..4].iter().all(u8::is_ascii_digit)
        && matches!(b[4], b'Q' | b'q')
        && (b'1'..=b'4').contains(&b[5])
}

/// The audit log's limit and the agency summary's quarter are taken within the bounds and the
/// pattern the document gives, and refused with its 400 outside them.
#[test]
fn the_audit_limit_and_the_quarter_are_taken_as_documented() {
    let app = spawn_app();
    let doc = document();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    app.person(kent, "keys@kent.test", &["workforce_analyst", "org_admin"]);
    let token = app.token("keys@kent.test", &["audit:read", "agency:read"]);
    let bearer = format!("Bearer {token}");
    let auth: &[(&str, &str)] = &[("authorization", bearer.as_str())];
    let parameter = |path: &str, name: &str| -> Value {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["schema"]
            .clone()
    };
    let limit = parameter("/api/v1/audit", "limit");
    assert_eq!(
        (limit["minimum"].as_u64(), limit["maximum"].as_u64()),
        (Some(1), Some(100_000))
    );
    for (given, status) in [("0", 400), ("100001", 400), ("1", 200), ("100000", 200)] {
        let target = format!("/api/v1/audit?limit={given}");
        let a = app.request("GET", &target, auth, None);
        assert_eq!(a.status, status, "{target}: {}", a.body);
        conforms(&doc, "/api/v1/audit", "get", &target, &a);
        if given == "1" {
            assert!(a.json().as_array().unwrap().len() <= 1);
        }
    }
    let quarter = parameter("/api/v1/agency/summary", "quarter");
    assert_eq!(quarter["pattern"], "^[0-9]{4}[Qq][1-4]$");
    for (given, status) in [
        ("2025Q1", 200),
        ("2025q1", 200),
        ("2025-Q1", 400),
        ("%202025Q1", 400),
        ("2025Q5", 400),
        ("1999Q1", 400),
    ] {
        let target = format!("/api/v1/agency/summary?quarter={given}");
        let a = app.request("GET", &target, auth, None);
        assert_eq!(a.status, status, "{target}: {}", a.body);
        conforms(&doc, "/api/v1/agency/summary", "get", &target, &a);
        if status == 200 {
            assert!(quarter_pattern(given));
            assert_eq!(a.json()["quarter"], "2025Q1");
        }
    }
    let said = doc["paths"]["/api/v1/agency/summary"]["get"]["responses"]["400"]["description"]
        .as_str()
        .unwrap();
    assert!(said.contains("2000Q1") && said.contains("2100Q4"), "{said}");
}

/// The smaller things the document says: /me has no 403 to give; the diary's 400 covers a
/// period the wrong way round or too long; an import without a file name is recorded as
/// upload.csv.
#[test]
fn the_document_says_what_happens_in_the_small_cases_too() {
    let app = spawn_app();
    let doc = document();
    // Any token reads who it acts for.
    app.analyst();
    let token = app.token("analyst@education.test", &["statistics:import"]);
    let bearer = format!("Bearer {token}");
    let auth: &[(&str, &str)] = &[("authorization", bearer.as_str())];
    let me = app.request("GET", "/api/v1/me", auth, None);
    assert_eq!(me.status, 200, "{}", me.body);
    let responses = &doc["paths"]["/api/v1/me"]["get"]["responses"];
    assert!(responses.get("403").is_none(), "{responses}");
    // The diary's periods.
    let max = swforce_app::diary::MAX_WEEKS.to_string();
    for path in [
        "/api/v1/diary/national",
        "/api/v1/diary/weeks",
        "/api/v1/diary/summary",
    ] {
        let said = doc["paths"][path]["get"]["responses"]["400"]["description"]
            .as_str()
            .unwrap();
        for words in ["Not a date", "wrong way round", max.as_str()] {
            assert!(said.contains(words), "{path}: {said}");
        }
    }
    let path = "/api/v1/diary/national";
    for target in [
        format!("{path}?from=2025-03-10&to=2025-01-06"),
        format!("{path}?from=2020-01-06&to=2025-01-06"),
        format!("{path}?from=2025-13-01"),
    ] {
        let a = app.get(&target);
        assert_eq!(a.status, 400, "{target}: {}", a.body);
        conforms(&doc, path, "get", &target, &a);
    }
    // A year is one of those a reporting year may be.
    let year = doc["paths"]["/api/v1/geographies/{code}/indicators"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "year")
        .unwrap()["schema"]
        .clone();
    assert_eq!(year["minimum"], swforce_domain::Year::MIN);
    assert_eq!(year["maximum"], swforce_domain::Year::MAX);
    // An import with no file name.
    let file_name = doc["paths"]["/api/v1/imports"]["post"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "file_name")
        .unwrap();
    let said = file_name["description"].as_str().unwrap();
    assert!(said.contains("upload.csv"), "{said}");
    let a = app.post(
        "/api/v1/imports",
        "text/csv",
        &fixture("csww_headline_2022_to_2023_new_names.csv"),
        auth,
    );
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.json()["import"]["file_name"], "upload.csv");
}
