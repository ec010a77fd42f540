//! A jointly reported unit (two councils sharing a children's service, published as one row) on
//! every surface: its page, its members' pages, region lists, search, compare, CSV, the API and
//! the projection.

use crate::{TestApp, fixture, links, spawn_app};
use std::sync::OnceLock;

const UNIT: &str = "E06000061-E06000062";

/// A server with the demo data and the newer release that reports two units jointly.
fn joint() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(|| {
        let t = spawn_app();
        t.app
            .import_file(
                "csww_headline_2017_to_2025_joint.csv",
                fixture("csww_headline_2017_to_2025_joint.csv").as_slice(),
            )
            .unwrap();
        t
    })
}

#[test]
fn the_unit_has_a_page_that_names_and_links_its_members() {
    let t = joint();
    let html = t.get_page(&format!("/authorities/{UNIT}"));
    assert!(
        html.contains("North Northamptonshire / West Northamptonshire</h1>"),
        "{html}"
    );
    assert!(html.contains("Local authority in East Midlands"));
    assert!(html.contains("reported as one unit, counted once"));
    let l = links(&html);
    assert!(l.contains(&"/authorities/E06000061".to_string()));
    assert!(l.contains(&"/authorities/E06000062".to_string()));
    assert!(
        l.iter()
            .any(|x| x.starts_with(&format!("/download/{UNIT}/inpost_fte.csv")))
    );
    // The published codes, with spaces and a slash, lead to the same page.
    let a = t.get("/authorities/E06000061%20%2F%20E06000062");
    assert_eq!(a.status, 308);
    assert_eq!(
        a.header("location"),
        Some(format!("/authorities/{UNIT}").as_str())
    );
}

#[test]
fn a_members_page_says_it_is_reported_jointly() {
    let t = joint();
    let html = t.get_page("/authorities/E06000062");
    assert!(
        html.contains(
            "West Northamptonshire shares its children&#39;s services with North Northamptonshire"
        ) || html.contains(
            "West Northamptonshire shares its children's services with North Northamptonshire"
        ),
        "{html}"
    );
    assert!(links(&html).contains(&format!("/authorities/{UNIT}")));
    assert!(
        !html.contains("Headline figures") && !html.contains("How West Northamptonshire compares"),
        "no empty workforce cards or benchmarks on a member's page"
    );
    let html = t.get_page("/authorities/E09000021");
    assert!(html.contains("jointly"), "Kingston");
    assert!(links(&html).contains(&"/authorities/E09000021-E09000027".to_string()));
}

#[test]
fn the_region_lists_the_unit_once_and_search_finds_it_by_either_member() {
    let t = joint();
    let html = t.get_page("/regions/E12000004");
    let l = links(&html);
    assert_eq!(
        l.iter()
            .filter(|h| *h == &format!("/authorities/{UNIT}"))
            .count(),
        1
    );
    assert!(
        !l.iter()
            .any(|h| h == "/authorities/E06000062" || h == "/authorities/E06000061")
    );
    for q in ["West+Northamptonshire", "E06000062", "941", "Richmond"] {
        let html = t.get_page(&format!("/search?q={q}"));
        assert!(
            html.contains("/authorities/E06000061-E06000062")
                || html.contains("/authorities/E09000021-E09000027"),
            "{q}"
        );
    }
}

#[test]
fn the_unit_downloads_compares_and_projects() {
    let t = joint();
    let csv = t.get(&format!("/download/{UNIT}/inpost_fte.csv"));
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with(
            "Year,North Northamptonshire / West Northamptonshire,East Midlands,England,\"Statistical neighbours (median, 2025 model)\",check,source\n"
        ),
        "{}",
        csv.body
    );
    assert_eq!(csv.body.lines().count(), 10, "2017 to 2025: {}", csv.body);
    let html = t.get_page(&format!("/compare?la={UNIT}&la=E06000015"));
    assert!(
        html.contains("North Northamptonshire / West Northamptonshire") && html.contains("Derby")
    );
    // A member is compared as its unit, once.
    let html = t.get_page(&format!("/compare?la=E06000062&la={UNIT}&la=E06000015"));
    assert_eq!(html.matches("name=\"la\" value=").count(), 2, "{html}");
    assert!(html.contains(&format!("name=\"la\" value=\"{UNIT}\"")));
    let html = t.get_page(&format!("/projections/{UNIT}?runs=100&years=3"));
    assert!(!html.contains("Not simulated"), "{html}");
    assert!(html.contains("North Northamptonshire / West Northamptonshire"));
}

#[test]
fn the_api_describes_units_members_and_where_each_figure_comes_from() {
    let t = joint();
    let unit = t.get_json(&format!("/api/v1/geographies/{UNIT}"));
    assert_eq!(unit["code"], UNIT);
    assert_eq!(unit["old_la_code"], "940 / 941");
    assert_eq!(unit["members"][1]["code"], "E06000062");
    assert_eq!(unit["members"][1]["name"], "West Northamptonshire");
    let member = t.get_json("/api/v1/geographies/E06000062");
    assert_eq!(member["reported_jointly_as"]["code"], UNIT);
    let series = t.get_json(&format!("/api/v1/geographies/{UNIT}/series/inpost_fte"));
    let points = series["points"].as_array().unwrap();
    assert_eq!(points.len(), 9, "{series}");
    let cin = t.get_json("/api/v1/geographies/E09000021-E09000027/series/At31_episodes");
    let first = &cin["points"][0];
    assert_eq!(first["origin"], "combined", "{cin}");
    assert_eq!(first["predecessors"].as_array().unwrap().len(), 2);
}

#[test]
fn a_member_page_holds_no_lineage_of_the_pair_and_search_takes_the_units_code() {
    let t = joint();
    let html = t.get_page("/authorities/E06000061");
    assert!(html.contains("jointly"), "{html}");
    assert!(
        !html.contains("was formed on"),
        "the unit carries the reorganisation: {html}"
    );
    let unit = t.get_page(&format!("/authorities/{UNIT}"));
    assert!(unit.contains("was formed on 1 April 2021"));
    for q in [
        "E06000061+%2F+E06000062",
        "940+%2F+941",
        "e06000061-e06000062",
    ] {
        let html = t.get_page(&format!("/search?q={q}"));
        assert!(
            links(&html).contains(&format!("/authorities/{UNIT}")),
            "{q}"
        );
    }
    let rows = t.get_json(&format!("/api/v1/geographies/{UNIT}/indicators"));
    let rows = rows
        .as_array()
        .unwrap_or_else(|| rows["rows"].as_array().unwrap());
    assert!(rows.iter().all(|r| r.get("source").is_some()), "{rows:?}");
}
