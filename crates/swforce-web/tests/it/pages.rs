use crate::{demo, links, spawn_empty_app};

#[test]
fn england_overview_shows_headline_figures_and_links_every_region() {
    let html = demo().get_page("/");
    assert!(html.contains("<h1 class=\"sw-heading-xl\">England</h1>"));
    assert!(html.contains("Headline figures, year to 30 September 2022"));
    assert!(
        html.contains("31,634.1"),
        "social workers in post, England 2022"
    );
    let regions: Vec<_> = links(&html)
        .into_iter()
        .filter(|l| l.starts_with("/regions/E12"))
        .collect();
    assert_eq!(regions.len(), 9, "{regions:?}");
    // The one script only moves focus to an error summary or a banner: the page needs no
    // JavaScript, and the policy allows no script but the service's own file.
    assert_eq!(
        html.matches("<script").count(),
        1,
        "pages need no JavaScript"
    );
    assert!(html.contains("<script src=\"/assets/swforce.js\" defer></script>"));
}

#[test]
fn a_region_lists_its_current_authorities() {
    let html = demo().get_page("/regions/E12000009");
    assert!(html.contains("South West"));
    assert!(
        html.contains("/authorities/E06000058"),
        "Bournemouth, Christchurch and Poole"
    );
    assert!(
        !html.contains("/authorities/E06000028"),
        "Bournemouth no longer exists"
    );
    assert!(html.contains("Bournemouth, Christchurch and Poole"));
}

#[test]
fn an_authority_page_shows_every_indicator_beside_its_region_and_england() {
    let html = demo().get_page("/authorities/E09000007");
    assert!(html.contains("Local authority in London (Inner London)"));
    assert_eq!(
        html.matches("class=\"sw-indicator sw-indicator--folded\"")
            .count(),
        20 + 4 + 5,
        "20 published workforce measures, the children and three rates per 10,000 children, and 5 demand measures"
    );
    // A short page: a contents list, and each indicator a row whose chart and table open below.
    for (id, words) in [
        ("neighbours", "Statistical neighbours"),
        ("benchmarks", "Benchmarks"),
        ("indicators", "Indicators over time"),
        ("demand", "Demand: children in need and referrals"),
    ] {
        assert!(
            html.contains(&format!("href=\"#{id}\">{words}</a>"))
                && html.contains(&format!("id=\"{id}\"")),
            "{id}"
        );
    }
    assert_eq!(
        html.matches("Chart and table<span class=\"sw-visually-hidden\">")
            .count(),
        20 + 4 + 5
    );
    // The headline cards answer "how are we doing against our region and England".
    let cards = html.split("sw-cards").nth(1).unwrap_or("");
    assert!(
        cards.contains(" than London (") && cards.contains(" than England ("),
        "{cards}"
    );
    // Counts are not compared with England (they follow the size of the place).
    let inpost = html
        .split("id=\"benchmarks\"")
        .nth(1)
        .unwrap_or("")
        .split("<th scope=\"row\" class=\"sw-table__header\">Social workers in post (FTE)")
        .nth(1)
        .unwrap_or("");
    let row = inpost.split("</tr>").next().unwrap_or("");
    assert!(row.contains("<td") && !row.contains('\u{2212}'), "{row}");
    // Its statistical neighbours (the 2025 model), in order, with the median beside each figure.
    assert!(html.contains("id=\"neighbours\""), "{html}");
    assert!(html.contains("Statistical neighbours of Camden, 2025 model, most similar first"));
    assert!(html.contains("Statistical neighbours (median, 2025 model)"));
    assert!(
        html.contains("/compare?neighbours=E09000007&"),
        "a shareable comparison"
    );
    assert!(html.contains("<svg"), "charts are drawn on the server");
    assert!(html.contains("<title id=\"chart-turnover-rate-fte-title\">"));
    assert!(
        html.contains("Turnover rate (FTE) in Camden, 2022: 15.8% (London"),
        "each chart has a text summary"
    );
    assert!(html.contains("How Camden compares, 2022"));
    assert!(html.contains("Social workers by role and ethnic group"));
    let crumbs = html
        .split("<nav class=\"sw-breadcrumbs\"")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    assert!(crumbs.contains("/regions/E12000007"), "{crumbs}");
    assert!(
        html.contains("Not published in these releases: Starters (FTE), Starters (headcount).")
    );
}

#[test]
fn a_merged_authority_says_where_its_earlier_figures_come_from() {
    let html = demo().get_page("/authorities/E06000058");
    assert!(html.contains("was formed on 1 April 2019"));
    assert!(html.contains("before the reorganisation: Bournemouth and Poole"));
}

#[test]
fn csv_downloads_say_which_figures_are_continued_from_predecessors() {
    let app = demo();
    let bcp = "Bournemouth, Christchurch and Poole";
    let csv = app.get("/download/E06000058/inpost_fte.csv").body;
    assert!(
        csv.starts_with(&format!(
            "Year,\"{bcp}\",South West,England,\"Statistical neighbours (median, 2025 model)\",check,source\n"
        )),
        "{csv}"
    );
    let y2018 = csv.lines().find(|l| l.starts_with("2018,")).unwrap();
    assert!(
        y2018.ends_with(&format!(
            ",,\"{bcp}: before the reorganisation: Bournemouth and Poole\""
        )),
        "the column's name, then the words the page shows: {y2018}"
    );
    let y2019 = csv.lines().find(|l| l.starts_with("2019,")).unwrap();
    assert!(y2019.ends_with(",,"), "empty when published as is: {y2019}");

    let compare = app
        .get("/compare.csv?la=E06000058&la=E09000007&measure=inpost_fte")
        .body;
    assert!(
        compare.lines().next().unwrap().ends_with(",check,source"),
        "{compare}"
    );
    let y2018 = compare
        .lines()
        .find(|l| l.starts_with("inpost_fte,2018,"))
        .unwrap();
    assert!(
        y2018.ends_with(&format!(
            ",,\"{bcp} (E06000058): before the reorganisation: Bournemouth and Poole\""
        )),
        "{y2018}"
    );

    let referrals = app.get("/download/E06000058/Referrals.csv").body;
    assert!(
        referrals.starts_with(&format!(
            "Year,\"{bcp}\",South West,England,\"Statistical neighbours (median, 2025 model)\",source\n"
        )),
        "no check column where no rule judges the figures: {referrals}"
    );
}

#[test]
fn tiny_authorities_show_not_applicable_not_division_by_zero() {
    let html = demo().get_page("/authorities/E06000053");
    assert!(html.contains("not applicable"));
    assert!(!html.contains("NaN") && !html.contains("inf%"));
}

#[test]
fn an_old_code_or_a_name_redirects_to_the_canonical_address() {
    let a = demo().get("/authorities/839");
    assert_eq!(a.status, 308);
    assert_eq!(a.header("location"), Some("/authorities/E06000058"));
    let a = demo().get("/regions/E09000007");
    assert_eq!(a.header("location"), Some("/authorities/E09000007"));
    let a = demo().get("/places/E12000001");
    assert_eq!(a.header("location"), Some("/regions/E12000001"));
}

#[test]
fn an_unknown_place_is_a_404_page_that_says_what_to_do() {
    let a = demo().get("/authorities/E06099999");
    assert_eq!(a.status, 404);
    assert!(a.body.contains("There is a problem"));
    assert!(a.body.contains("No place matches"));
    let a = demo().get("/no/such/page");
    assert_eq!(a.status, 404);
    assert!(a.body.contains("There is no page at /no/such/page"));
}

#[test]
fn three_authorities_compare_side_by_side() {
    let html = demo().get_page("/compare?la=E09000007&la=E09000003&add=E06000058");
    assert_eq!(html.matches("class=\"sw-summary-list__row\"").count(), 3);
    assert!(html.contains("Turnover rate (FTE), 2022: Camden 15.8%; Barnet"));
    assert_eq!(html.matches("class=\"sw-indicator\"").count(), 24);
    let remove = links(&html)
        .into_iter()
        .find(|l| l.starts_with("/compare?") && !l.contains("E09000007"))
        .unwrap();
    assert_eq!(remove, "/compare?la=E09000003&la=E06000058");
    // Rates are drawn beside the regions of the chosen (London, South West) and England;
    // counts are not.
    let turnover = html.split("id=\"turnover-rate-fte\"").nth(1).unwrap_or("");
    let title = turnover.split("</title>").next().unwrap_or("");
    assert!(
        title.contains("London") && title.contains("South West") && title.contains("England"),
        "{title}"
    );
    let inpost = html.split("id=\"inpost-fte\"").nth(1).unwrap_or("");
    let title = inpost.split("</title>").next().unwrap_or("");
    assert!(!title.contains("England"), "{title}");
}

#[test]
fn several_authorities_are_added_at_once_by_name_or_code() {
    let a = demo().get(
        "/compare?several=Kent%0D%0AE06000035%0D%0ABournemouth%2C+Christchurch+and+Poole%0D%0ANowhere",
    );
    assert_eq!(a.status, 400, "one line names no authority");
    assert_eq!(a.body.matches("class=\"sw-summary-list__row\"").count(), 3);
    assert!(
        a.body
            .contains("No local authority has the name or code \u{201c}Nowhere\u{201d}")
    );
    // A region or England is not an authority to compare: it is refused, and never drawn twice.
    let b = demo().get("/compare?several=Kent%0ASouth+East%0AEngland");
    assert_eq!(b.status, 400);
    assert_eq!(b.body.matches("class=\"sw-summary-list__row\"").count(), 1);
    assert!(
        b.body
            .contains("South East is a region, not a local authority")
    );
    assert!(
        b.body
            .contains("England is a country, not a local authority")
    );
}

#[test]
fn a_seventh_authority_is_refused_with_an_error_summary() {
    let q = [
        "E09000007",
        "E09000003",
        "E06000058",
        "E06000059",
        "E06000052",
        "E08000025",
        "E08000026",
    ]
    .map(|c| format!("la={c}"))
    .join("&");
    let a = demo().get(&format!("/compare?{q}"));
    assert_eq!(a.status, 400);
    assert!(a.body.contains("sw-error-summary"));
    assert!(a.body.contains("a comparison shows up to 6"));
    assert!(a.body.contains("href=\"#add\"") || !a.body.contains("id=\"add\""));
    assert_eq!(a.body.matches("class=\"sw-summary-list__row\"").count(), 6);
}

#[test]
fn every_table_on_an_authority_page_downloads_as_csv() {
    let app = demo();
    let html = app.get_page("/authorities/E06000058");
    let downloads: Vec<_> = links(&html)
        .into_iter()
        .filter(|l| l.starts_with("/download/"))
        .collect();
    assert_eq!(
        downloads.len(),
        20 + 4 + 5 + 3,
        "each indicator, the benchmarks, the neighbours' benchmarks and the ethnicity table"
    );
    for d in downloads {
        let a = app.get(&d);
        assert_eq!(a.status, 200, "{d}");
        assert_eq!(a.header("content-type"), Some("text/csv; charset=utf-8"));
        assert!(
            a.header("content-disposition")
                .unwrap()
                .contains("attachment")
        );
        assert!(a.body.lines().count() > 1, "{d}: {}", a.body);
    }
    let turnover = app.get("/download/E06000058/turnover_rate_fte.csv").body;
    assert!(
        turnover.starts_with(
            "Year,\"Bournemouth, Christchurch and Poole\",South West,England,\"Statistical neighbours (median, 2025 model)\",check,source\n"
        ),
        "{turnover}"
    );
    assert!(
        turnover.contains("2022,22.4,18.0,17.1,16.0,,\n"),
        "{turnover}"
    );
}

#[test]
fn a_table_caption_names_its_unit_once() {
    let html = demo().get_page("/authorities/E06000058");
    assert!(
        html.contains(">Social workers in post (FTE), by year</caption>"),
        "{html}"
    );
    assert!(html.contains(">Social workers in post (headcount), by year</caption>"));
    assert!(html.contains(">Average caseload (cases per FTE), by year</caption>"));
    for caption in html
        .split("</caption>")
        .filter_map(|c| c.rsplit('>').next())
    {
        assert!(!caption.contains(") ("), "{caption}");
    }
}

#[test]
fn csv_numbers_keep_their_published_decimal_place() {
    let app = demo();
    // Manchester, 2022: 415.0 social workers in post (FTE), 0.0 leavers (FTE), 0 leavers.
    let leavers = app.get("/download/E08000003/leavers_fte.csv").body;
    let y2022 = leavers.lines().find(|l| l.starts_with("2022,")).unwrap();
    assert!(y2022.starts_with("2022,0.0,"), "{leavers}");
    let people = app.get("/download/E08000003/leavers_headcount.csv").body;
    let y2022 = people.lines().find(|l| l.starts_with("2022,")).unwrap();
    assert!(y2022.starts_with("2022,0,"), "counts stay whole: {people}");
    let compare = app
        .get("/compare.csv?la=E08000003&la=E09000007&measure=inpost_fte")
        .body;
    assert!(
        compare.contains("\ninpost_fte,2022,415.0,170.7,"),
        "{compare}"
    );
    let places = app.get("/download/E12000002/places.csv").body;
    assert!(places.contains("\nManchester,415.0,"), "{places}");
}

#[test]
fn search_finds_places_by_part_of_a_name() {
    let html = demo().get_page("/search?q=north+york");
    assert!(html.contains("/authorities/E10000023"));
    assert!(html.contains("1 place matches"));
    let html = demo().get_page("/search?q=zzzz");
    assert!(html.contains("0 places match"));
}

#[test]
fn the_about_page_credits_the_source_and_defines_every_measure() {
    let html = demo().get_page("/about");
    assert!(html.contains("Open Government Licence v3.0"));
    assert!(
        html.contains("turnover_rate_fte_%"),
        "older column names are listed"
    );
    assert!(
        html.contains("8,737 of 8,737 published rates are reproduced"),
        "{}",
        html.split("Checked")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(300)
            .collect::<String>()
    );
}

#[test]
fn every_answer_carries_the_security_headers() {
    let a = demo().get("/");
    assert!(
        a.header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(a.header("x-frame-options"), Some("DENY"));
    let css = demo().get("/assets/swforce.css");
    assert_eq!(css.status, 200);
    assert!(css.body.contains(".sw-header"));
}

#[test]
fn with_no_data_the_overview_says_how_to_import() {
    let app = spawn_empty_app();
    let a = app.get("/");
    assert_eq!(a.status, 404);
    assert!(a.body.contains("No statistics have been imported yet"));
    assert_eq!(app.get("/imports").status, 200);
}

/// The data dictionary names every column of every download as the files are made: a column
/// added to a file and not to the dictionary fails here.
#[test]
fn the_data_dictionary_names_every_column_of_every_download() {
    use swforce_web::DOWNLOADS;
    let app = demo();
    let file = |path: &str| -> String {
        let a = app.get(path);
        assert_eq!(a.status, 200, "GET {path}: {}", a.body);
        a.body
    };
    let header = |body: &str| -> Vec<String> {
        csv::Reader::from_reader(body.as_bytes())
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect()
    };
    let census = include_str!("../../../../fuzz/seeds/census_xml/three-workers.xml").replacen(
        "<OrgRole>",
        "<OrgRole>9",
        1,
    );
    let findings = app.browser().post_file(
        "/census",
        "broken.xml",
        census.as_bytes(),
        &[("action", "csv")],
    );
    assert_eq!(findings.status, 200, "{}", findings.body);
    let agency = swforce_app::agency::AgencyCheck {
        file: "e.csv".into(),
        checked: Vec::new(),
        warnings: Vec::new(),
    }
    .results_csv(false);
    let made: Vec<(&str, Vec<String>)> = vec![
        (
            "indicator",
            header(&file("/download/E06000058/inpost_fte.csv")),
        ),
        (
            "benchmarks",
            header(&file("/download/E06000058/benchmarks.csv")),
        ),
        (
            "neighbours",
            header(&file("/download/E06000058/neighbours.csv")),
        ),
        ("places", header(&file("/download/E12000009/places.csv"))),
        (
            "ethnicity",
            header(&file("/download/E06000058/ethnicity.csv")),
        ),
        (
            "every-measure",
            header(&file("/compare.csv?la=E06000058&la=E09000007")),
        ),
        (
            "projection",
            header(&file("/projections/E06000058/download.csv?runs=100")),
        ),
        ("time", header(&file("/time/england/download.csv"))),
        ("census-findings", header(&findings.body)),
        ("agency-results", header(&agency)),
    ];
    assert_eq!(made.len(), DOWNLOADS.len(), "every download is checked");
    for (id, columns) in made {
        let d = DOWNLOADS.iter().find(|d| d.id == id).unwrap();
        let named: Vec<&str> = d
            .columns
            .iter()
            .map(|c| c.0)
            .filter(|c| !c.starts_with('{'))
            .collect();
        let places = d.columns.iter().any(|c| c.0.starts_with('{'));
        for c in &columns {
            assert!(
                named.contains(&c.as_str()) || places,
                "{id}: the column {c} is not in the dictionary"
            );
        }
        if !places {
            assert_eq!(columns, named, "{id}");
        }
    }
    let page = app.get_page("/about/downloads");
    assert!(page.contains("What the downloads hold"));
    assert!(page.contains("hours_per_person_week"));
}
