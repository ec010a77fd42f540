//! Statistical neighbours on the pages and the API.

use crate::demo;

#[test]
fn the_api_lists_an_authoritys_neighbours_and_benchmarks_it_against_them() {
    let app = demo();
    let n = app.get_json("/api/v1/geographies/E10000016/neighbours");
    assert_eq!(n["model"], 2025);
    assert_eq!(n["models"], serde_json::json!([2021, 2025]));
    assert_eq!(n["listed_as"], "886");
    assert_eq!(n["neighbours"][0]["name"], "Essex");
    assert_eq!(n["neighbours"][0]["closeness"], "very_close");
    assert_eq!(n["neighbours"].as_array().unwrap().len(), 10);
    let older = app.get_json("/api/v1/geographies/Kent/neighbours?model=2021");
    assert_eq!(older["model"], 2021);

    let b = app.get_json("/api/v1/geographies/E06000058/benchmarks");
    let turnover = b["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["measure"] == "turnover_rate_fte")
        .unwrap();
    // 2025 model, published 2022 turnover of BCP's ten neighbours: median 16.0%.
    assert_eq!(turnover["neighbours"]["median"], 16.0);
    assert_eq!(turnover["neighbours"]["model"], 2025);
    assert_eq!(turnover["neighbours"]["rank_from_highest"], 4);
    assert_eq!(turnover["neighbours"]["ranked"], 11);

    for (path, status) in [
        ("/api/v1/geographies/E92000001/neighbours", 400),
        ("/api/v1/geographies/E10000016/neighbours?model=abc", 400),
        ("/api/v1/geographies/E10000016/neighbours?model=2019", 400),
        ("/api/v1/geographies/E10000006/neighbours?model=2025", 404),
        ("/api/v1/geographies/nowhere/neighbours", 404),
    ] {
        let a = app.get(path);
        assert_eq!(a.status, status, "{path}: {}", a.body);
        assert!(
            a.json()["error"]["problems"][0]["fix"]
                .as_str()
                .is_some_and(|f| !f.is_empty()),
            "{path}: {}",
            a.body
        );
    }
}

#[test]
fn a_bad_model_or_place_on_a_page_is_a_clear_problem_not_a_failure() {
    let app = demo();
    for (path, status, words) in [
        (
            "/authorities/E10000016?neighbours=abc",
            400,
            "is not a statistical neighbour model",
        ),
        (
            "/authorities/E10000016?neighbours=1999",
            400,
            "no statistical neighbour model of 1999",
        ),
        (
            "/compare?neighbours=E12000001",
            400,
            "has no statistical neighbours",
        ),
        ("/compare?neighbours=nowhere", 404, "nowhere"),
        (
            "/compare?neighbours=E10000016&model=x",
            400,
            "is not a statistical neighbour model",
        ),
    ] {
        let a = app.get(path);
        assert_eq!(a.status, status, "{path}");
        assert!(a.body.contains(words), "{path}: {}", a.body);
    }
    // An empty choice is the usual compare page.
    assert_eq!(app.get("/compare?neighbours=").status, 200);
    // A shared service's partner says whose figures are its own, and is not benchmarked.
    let richmond = app.get_page("/authorities/E09000027");
    assert!(
        richmond.contains("is reported with Kingston upon Thames&#39;s (Achieving for Children)"),
        "{richmond}"
    );
    assert!(!richmond.contains("Statistical neighbours (median"));
    // Cumbria, replaced before the 2025 model, has the 2021 model's neighbours.
    let cumbria = app.get_page("/authorities/E10000006");
    assert!(cumbria.contains("Statistical neighbours of Cumbria, 2021 model"));
}

#[test]
fn the_neighbours_benchmark_downloads_as_csv() {
    let csv = demo().get("/download/E10000016/neighbours.csv").body;
    assert!(
        csv.starts_with("Indicator,Kent,Neighbours' median,Neighbours with a figure,Among itself and its neighbours"),
        "{csv}"
    );
    assert!(
        csv.contains("Turnover rate (FTE),15.9,14.2,10,5th highest of 11"),
        "{csv}"
    );
}
