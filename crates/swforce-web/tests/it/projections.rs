use crate::{demo, links, spawn_app};

const LEVERS: &str = "frontline_places=400&retain_cut=10&retain_from=2024&direct_target=35&runs=100&years=5&name=Frontline+and+retention";

#[test]
fn a_place_projection_shows_the_levers_and_the_baseline() {
    let html = demo().get_page("/projections/E92000001?runs=100&years=5");
    assert!(html.contains("Run the projection"));
    assert!(html.contains("id=\"frontline_places\""));
    assert!(html.contains("Results: 2023 to 2027, 100 runs"));
    assert!(
        html.contains("<title id=\"fan-inpost-fte-title\">"),
        "fan charts are drawn"
    );
    assert!(
        !html.contains("Save this scenario"),
        "nothing to save without a lever"
    );
}

#[test]
fn a_scenario_appears_beside_the_baseline_with_its_difference() {
    let html = demo().get_page(&format!("/projections/E12000009?{LEVERS}"));
    assert!(html.contains("Frontline and retention: median (5th to 95th percentile)"));
    assert!(html.contains("Difference: median"));
    assert!(
        html.contains(" points ("),
        "rate differences are in percentage points"
    );
    assert!(html.contains("Direct-work time freed, as equivalent FTE"));
    assert!(
        html.contains("to save this scenario for your organisation"),
        "saving is offered after signing in"
    );
}

#[test]
fn a_bad_lever_is_a_400_with_an_error_summary_linked_to_its_field() {
    let a = demo().get("/projections/E09000007?retain_cut=140&years=abc");
    assert_eq!(a.status, 400);
    assert!(a.body.contains("href=\"#retain_cut\""));
    assert!(
        a.body
            .contains("Cut in turnover must be a number from 0% to 100%")
    );
    assert!(a.body.contains("href=\"#years\""));
    assert!(
        a.body.contains("value=\"140\""),
        "the value typed is shown again"
    );
    assert!(!a.body.contains("Results:"));
}

#[test]
fn an_authority_reported_with_another_says_why_it_cannot_be_projected() {
    let a = demo().get("/projections/E06000062?runs=100");
    assert_eq!(a.status, 400);
    assert!(a.body.contains("West Northamptonshire has no in-post"));
}

#[test]
fn the_results_download_as_csv_in_the_cli_format() {
    let a = demo().get(&format!("/projections/E12000009/download.csv?{LEVERS}"));
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("text/csv; charset=utf-8"));
    let mut lines = a.body.lines();
    assert_eq!(
        lines.next(),
        Some(
            "geography_code,geography_name,geographic_level,year,scenario,indicator,mean,p5,p50,p95"
        )
    );
    assert_eq!(a.body.lines().count(), 1 + 3 * 5 * 13);
}

#[test]
fn a_scenario_is_saved_with_a_link_that_reproduces_it() {
    let app = spawn_app();
    let sam = app.person(
        app.organisation("Devon County Council", Some("E10000008")),
        "sam@devon.test",
        &["social_worker"],
    );
    let page = sam.get(&format!("/projections/E12000009?{LEVERS}")).body;
    assert!(page.contains("Save this scenario"));
    let query = page
        .split("name=\"query\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let form = |csrf: &str| {
        serde_urlencoded::to_string([
            ("csrf", csrf),
            ("name", "Frontline and retention"),
            ("query", query.as_str()),
        ])
        .unwrap()
    };
    // Saving needs a signed-in person; the scenario is their organisation's.
    let anonymous = app.browser();
    let refused = anonymous.post_raw(
        "/projections/E12000009/save",
        "application/x-www-form-urlencoded",
        form(&anonymous.csrf()).as_bytes(),
    );
    assert_eq!(refused.status, 303);
    assert!(
        refused
            .header("location")
            .unwrap()
            .starts_with("/sign-in?next=")
    );
    let a = sam.post_raw(
        "/projections/E12000009/save",
        "application/x-www-form-urlencoded",
        form(&sam.csrf()).as_bytes(),
    );
    assert_eq!(a.status, 303, "{}", a.body);
    let fresh = a.header("location").unwrap().to_string();
    let link = fresh
        .strip_suffix("?new=1")
        .expect("a fresh save says so")
        .to_string();
    assert!(link.starts_with("/scenarios/"));
    // Straight after saving, the page confirms it in a banner with the link to share.
    let b = sam.get(&fresh);
    assert_eq!(b.status, 303);
    let target = b.header("location").unwrap().to_string();
    assert!(
        target.starts_with("/projections/E12000009?") && target.contains("frontline_places=400"),
        "{target}"
    );
    let confirmed = sam.get(&target).body;
    assert!(confirmed.contains("Frontline and retention: median"));
    assert!(
        confirmed.contains("sw-notification-banner--success")
            && confirmed.contains("Scenario \u{201c}Frontline and retention\u{201d} saved")
            && confirmed.contains(&format!("{link}</a>")),
        "{confirmed}"
    );
    // Named on another place's page, it is not confirmed there.
    let elsewhere =
        sam.get(&target.replacen("/projections/E12000009", "/projections/E12000008", 1));
    assert!(!elsewhere.body.contains("sw-notification-banner"));
    // Opened again from its link, the page names it without the banner.
    let again = sam.get(sam.get(&link).header("location").unwrap()).body;
    assert!(!again.contains("sw-notification-banner"));
    assert!(again.contains("The saved scenario \u{201c}Frontline and retention\u{201d}, saved "));
    let index = sam.get("/projections").body;
    assert!(
        links(&index).contains(&link),
        "the saved scenario is listed"
    );
    // A second save under the same name is refused, naming the first.
    let twice = sam.post_raw(
        "/projections/E12000009/save",
        "application/x-www-form-urlencoded",
        form(&sam.csrf()).as_bytes(),
    );
    assert_eq!(twice.status, 400);
    assert!(
        twice.body.contains("already has a scenario called"),
        "{}",
        twice.body
    );
    // Nobody outside the organisation sees it; a signed-out visitor of the link is told it is
    // private and offered sign-in.
    assert!(!links(&app.get_page("/projections")).contains(&link));
    let private = app.get(&link);
    assert_eq!(private.status, 403);
    assert!(private.body.contains("This scenario is private"));
    assert!(private.body.contains("/sign-in?next=%2Fscenarios%2F"));
    let c = sam.post_form(
        "/projections/E12000009/save",
        &[("name", " "), ("query", query.as_str())],
    );
    assert_eq!(c.status, 400);
    assert!(c.body.contains("Enter a name for the scenario"));
    assert_eq!(app.get("/scenarios/999").status, 404);
}

#[test]
fn the_method_page_shows_the_backtest_beside_the_naive_forecast() {
    let html = demo().get_page("/projections/method");
    assert!(html.contains("Backtest: fitted on figures up to 2019, scored on the 3 years after"));
    assert!(
        html.contains("Error of &#39;same as last year&#39;")
            || html.contains("Error of 'same as last year'")
    );
    assert!(html.contains("England, year by year"));
}

#[test]
fn the_method_page_shows_the_rolling_evaluation_beside_two_simple_forecasts() {
    let html = demo().get_page("/projections/method");
    assert!(html.contains("id=\"rolling\""));
    assert!(html.contains("from every origin the figures allow (2018, 2019, 2020, 2021)"));
    assert!(
        html.contains("Rolling evaluation: every origin and horizon, beside two simple forecasts")
    );
    for head in [
        "Median error (MdAPE)",
        "Own trend (drift)",
        "Scaled error (MASE)",
        "Interval score",
    ] {
        assert!(html.contains(head), "{head}");
    }
}

#[test]
fn a_councils_projection_notes_only_what_concerns_it_and_starts_projected_only_charts_at_the_origin()
 {
    let app = demo();
    // Kensington and Chelsea's agency figures for 2022 are withheld: said on its own page and
    // London's, never on Kent's.
    let kent = app.get_page("/projections/E10000016?runs=100&years=3");
    assert!(
        !kent.contains("Kensington and Chelsea"),
        "a note about another council"
    );
    let kc = app.get_page("/projections/E09000020?runs=100&years=3");
    assert!(kc.contains("Agency figures for 2022 are withheld for Kensington and Chelsea; its latest published agency rate is used."));
    let london = app.get_page("/projections/E12000007?runs=100&years=3");
    assert!(london.contains("withheld for Kensington and Chelsea"));
    // The gap, which only the projection has, starts at the origin: no empty years before it.
    let gap = kent
        .split("id=\"fan-gap-fte-title\"")
        .nth(1)
        .expect("the gap chart");
    let gap = &gap[..gap.find("</svg>").unwrap_or(gap.len())];
    assert!(!gap.contains(">2017<"), "{gap}");
    assert!(gap.contains(">2022<"));
    // The form lands on the results.
    assert!(kent.contains("action=\"/projections/E10000016#results\""));
    assert!(kent.contains("id=\"results\" tabindex=\"-1\""));
}
