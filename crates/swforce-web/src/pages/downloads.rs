//! What the downloads hold: every CSV the pages offer, each column in words. Column names stay
//! short codes (spreadsheets and scripts read them); this page is their data dictionary, and a
//! test holds it to the files as they are made.

use super::{PageResult, render, run};
use crate::AppState;
use crate::view::{CellView, Layout, TableView};
use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;

/// A download: its name, where it is offered, and its columns with what each holds. A column
/// written in braces (`{place}`) stands for columns named after the places shown.
#[derive(Debug)]
pub struct Download {
    pub id: &'static str,
    pub title: &'static str,
    pub offered: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
}

const CHECK: (&str, &str) = (
    "check",
    "Why a figure should be checked (\"Figures to check\" on About the data); empty when it need not be",
);
const SOURCE: (&str, &str) = (
    "source",
    "Where a figure comes from when it is not as published (a continued series, a joint unit's figure, one computed from the counts)",
);

pub const DOWNLOADS: &[Download] = &[
    Download {
        id: "indicator",
        title: "One indicator over time",
        offered: "Under each indicator's table on England's, a region's and an authority's page",
        columns: &[
            (
                "Year",
                "The year to 30 September (workforce) or to 31 March (demand)",
            ),
            (
                "{place}",
                "The figure of the place, its region, England and, for an authority, its statistical neighbours' median",
            ),
            CHECK,
            SOURCE,
        ],
    },
    Download {
        id: "benchmarks",
        title: "An authority's benchmarks",
        offered: "Under the benchmarks table on an authority's page",
        columns: &[
            ("Indicator", "The headline indicator"),
            (
                "{place}",
                "The figure of the authority, its region and England in the latest year",
            ),
            (
                "Difference from England",
                "The authority's rate or share less England's (counts are not compared)",
            ),
            (
                "Rank among authorities",
                "Its place among the authorities with a figure, said from the nearer end (\"2nd lowest of 150\")",
            ),
            (
                "Quarter",
                "Which quarter of authorities it falls in, best to worst where one way is better",
            ),
            (
                "Since the year before",
                "Up, down or no change, and whether that is better or worse",
            ),
            SOURCE,
        ],
    },
    Download {
        id: "neighbours",
        title: "An authority against its statistical neighbours",
        offered: "Under the statistical neighbours' table on an authority's page",
        columns: &[
            ("Indicator", "The headline indicator"),
            ("{place}", "The authority's figure in the latest year"),
            (
                "Neighbours' median",
                "The median of its ten neighbours' figures (those with one)",
            ),
            (
                "Neighbours with a figure",
                "How many of the ten have a figure, such as 9 of 10",
            ),
            (
                "Among itself and its neighbours",
                "Its place among itself and its neighbours, said from the nearer end",
            ),
            SOURCE,
        ],
    },
    Download {
        id: "places",
        title: "The places of a region or of England",
        offered: "Under the table of places on a region's page and on England's",
        columns: &[
            (
                "Local authority",
                "The authority (or, on England's page, the region)",
            ),
            (
                "{measure}",
                "One column a headline indicator, in the latest year",
            ),
            CHECK,
            SOURCE,
        ],
    },
    Download {
        id: "ethnicity",
        title: "Social workers by role and ethnicity",
        offered: "Under the ethnicity table of a place's page",
        columns: &[
            (
                "Role",
                "The role, or all children and family social workers",
            ),
            (
                "Known ethnicity (people)",
                "Social workers in the role whose ethnicity is known",
            ),
            (
                "{group}",
                "One column an ethnic group: its share of those whose ethnicity is known, in %",
            ),
            SOURCE,
        ],
    },
    Download {
        id: "every-measure",
        title: "Every measure of one or more places",
        offered: "\"Download every figure\" on an overview page, and \"Download every measure\" on Compare",
        columns: &[
            (
                "measure",
                "The measure's code; About the data defines each (turnover_rate_fte is the turnover rate in FTE)",
            ),
            (
                "year",
                "The year to 30 September (workforce) or to 31 March (demand)",
            ),
            (
                "{place}",
                "The place's figure, one column a place, named with its code",
            ),
            CHECK,
            SOURCE,
        ],
    },
    Download {
        id: "projection",
        title: "A projection",
        offered: "\"Download every result as CSV\" on a projection's results",
        columns: &[
            ("geography_code", "The place's ONS code"),
            ("geography_name", "The place's name"),
            ("geographic_level", "National, Regional or Local authority"),
            ("year", "The year projected, to 30 September"),
            ("scenario", "Baseline, or the scenario's name"),
            (
                "indicator",
                "What is projected, such as inpost_fte (social workers in post, FTE)",
            ),
            ("mean", "The mean of the runs"),
            ("p5", "The 5th percentile of the runs: 1 run in 20 is lower"),
            ("p50", "The median of the runs"),
            (
                "p95",
                "The 95th percentile of the runs: 1 run in 20 is higher",
            ),
        ],
    },
    Download {
        id: "time",
        title: "Time for social work",
        offered: "Under the figures of England, a region, an organisation or a team",
        columns: &[
            ("group", "England, the region, the organisation or the team"),
            (
                "from",
                "The first week of the period (its Monday, as YYYY-MM-DD)",
            ),
            ("to", "The last week of the period"),
            (
                "item",
                "An activity of the diary, or the balance of all direct work",
            ),
            (
                "relationship_based",
                "yes when the activity is direct, relationship-based work",
            ),
            (
                "hours_per_person_week",
                "Hours a week for each person who kept a diary",
            ),
            ("share", "The share of recorded time, from 0 to 1"),
            (
                "contributors",
                "People who kept a diary, to the nearest 5 (\"too few\" when nothing can be shown)",
            ),
        ],
    },
    Download {
        id: "census-findings",
        title: "A census return's findings",
        offered: "\"Download the findings as CSV\" on a checked return",
        columns: &[
            (
                "rule",
                "The rule broken: XSD-... for the schema, CSWW-... for the census guide's rules",
            ),
            (
                "severity",
                "error (must be corrected) or query (may stand, with an explanation)",
            ),
            ("line", "The line of the file"),
            ("column", "The column of the line"),
            ("path", "Where in the return: the element and which worker"),
            ("element", "The data item"),
            (
                "record",
                "The worker's record number (never their SWE number or birth date)",
            ),
            ("message", "What is wrong"),
            ("fix", "How to put it right"),
            (
                "note",
                "Your explanation of a query, to give with the return when you check it again",
            ),
        ],
    },
    Download {
        id: "agency-results",
        title: "Agency engagements checked",
        offered: "\"Download the results\" on a checked agency file",
        columns: &[
            ("line", "The line of your file"),
            ("reference", "Your reference for the engagement"),
            (
                "swe_number",
                "The worker's Social Work England registration number",
            ),
            (
                "engagement_status",
                "Compliant, breach or missing information, over all the rules",
            ),
            ("rule", "The rule (AGY-1 to AGY-6)"),
            ("rule_title", "The rule in words"),
            (
                "result",
                "Compliant, breach, missing information or does not apply",
            ),
            (
                "missing_fields",
                "The register's columns the rule needs and the file does not hold",
            ),
            (
                "evidence",
                "What the engagement holds that decided the result",
            ),
        ],
    },
];

#[derive(Debug, Template)]
#[template(path = "downloads.html")]
pub struct DownloadsPage {
    pub layout: Layout,
    pub downloads: Vec<(&'static str, &'static str, &'static str, TableView)>,
}

/// `/about/downloads`: the data dictionary.
pub async fn show(State(_state): AppState) -> PageResult {
    run(move || {
        let downloads = DOWNLOADS
            .iter()
            .map(|d| {
                let table = TableView {
                    caption: format!("Columns of \u{201c}{}\u{201d}", d.title),
                    head: vec![CellView::text("Column"), CellView::text("What it holds")],
                    rows: d
                        .columns
                        .iter()
                        .map(|(c, what)| {
                            let name = match *c {
                                "{measure}" => "One column an indicator, named after it",
                                "{group}" => "One column an ethnic group, named after it",
                                c if c.starts_with('{') => "One column a place, named after it",
                                c => c,
                            };
                            vec![CellView::text(name), CellView::text(*what)]
                        })
                        .collect(),
                    download: String::new(),
                };
                (d.id, d.title, d.offered, table)
            })
            .collect();
        let page = DownloadsPage {
            layout: Layout::new("What the downloads hold").nav("about"),
            downloads,
        };
        Ok(render(&page)?.into_response())
    })
    .await
}
