//! Figures to check: a flagged figure says so beside the value, in the CSV and in the API.

use crate::demo;

/// Manchester published 0 leavers in 2022 against 415 social workers in post (FTE).
const MANCHESTER: &str = "E08000003";
const REASON: &str = "0.0 leavers (FTE) in 2022 against 415.0 social workers in post (FTE)";

#[test]
fn a_flagged_figure_says_check_this_figure_beside_the_value() {
    let html = demo().get_page(&format!("/authorities/{MANCHESTER}"));
    let turnover = html
        .split("id=\"turnover-rate-fte\"")
        .nth(1)
        .expect("the turnover section");
    assert!(turnover.contains("Check this figure"), "{turnover}");
    assert!(turnover.contains(REASON));
    assert!(
        turnover.contains("<details class=\"sw-details sw-check\">"),
        "a details element: readable without JavaScript"
    );
    let camden = demo().get_page("/authorities/E09000007");
    assert!(
        !camden.contains("Check this figure"),
        "nothing flagged for Camden"
    );
}

#[test]
fn a_flagged_figure_carries_its_reason_in_the_csv_check_column() {
    let csv = demo()
        .get(&format!("/download/{MANCHESTER}/turnover_rate_fte.csv"))
        .body;
    assert!(
        csv.starts_with(
            "Year,Manchester,North West,England,\"Statistical neighbours (median, 2025 model)\",check,source\n"
        ),
        "{csv}"
    );
    let y2022 = csv.lines().find(|l| l.starts_with("2022,")).unwrap();
    assert!(
        y2022.contains(&format!("\"Manchester: {REASON}")),
        "{y2022}"
    );
    let y2021 = csv.lines().find(|l| l.starts_with("2021,")).unwrap();
    assert!(y2021.ends_with(",,"), "empty when fine: {y2021}");

    let compare = demo()
        .get(&format!(
            "/compare.csv?la={MANCHESTER}&la=E09000007&measure=turnover_rate_fte"
        ))
        .body;
    assert!(
        compare.lines().next().unwrap().ends_with(",check,source"),
        "{compare}"
    );
    assert!(compare.contains(REASON), "{compare}");
}

#[test]
fn a_flagged_figure_carries_its_rule_and_reason_in_the_api() {
    let series = demo().get_json(&format!(
        "/api/v1/geographies/{MANCHESTER}/series/turnover_rate_fte"
    ));
    let points = series["points"].as_array().unwrap();
    let y2022 = points.iter().find(|p| p["year"] == 2022).unwrap();
    assert_eq!(y2022["check"]["rule"], "too_few");
    assert!(
        y2022["check"]["reason"]
            .as_str()
            .unwrap()
            .starts_with(REASON)
    );
    let y2021 = points.iter().find(|p| p["year"] == 2021).unwrap();
    assert!(y2021["check"].is_null(), "{y2021}");

    let rows = demo().get_json(&format!(
        "/api/v1/geographies/{MANCHESTER}/indicators?year=2022"
    ));
    assert_eq!(rows[0]["checks"]["turnover_rate_fte"]["rule"], "too_few");
    assert_eq!(rows[0]["turnover_rate_fte"], 0.0, "the figure is unchanged");
}
