//! The Department's statistical neighbour tables, in both published layouts, read against the
//! authorities on record.

use crate::published;
use swforce_domain::measure::{closeness_measure, neighbour_measure};
use swforce_domain::neighbours::Closeness;
use swforce_domain::{Dataset, Geography, Row};
use swforce_import::{Refused, read_ees_csv, read_ees_csv_against};

/// The places the published workforce file puts on record.
fn known() -> Vec<Geography> {
    let name = "csww_headline_measures_2017_to_2022.csv";
    read_ees_csv(name, published(name).as_slice())
        .unwrap()
        .geographies
}

fn read(name: &str, bytes: &[u8]) -> Result<swforce_import::ParsedFile, Refused> {
    read_ees_csv_against(name, bytes, &known())
}

/// The authorities a table lists (others are recorded as not in it).
fn listed(rows: &[Row]) -> usize {
    rows.iter()
        .filter(|r| r.value(neighbour_measure(1)).is_some())
        .count()
}

fn row<'a>(rows: &'a [Row], dfe: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.breakdown == dfe)
        .unwrap_or_else(|| panic!("no row for {dfe}"))
}

fn list(r: &Row) -> Vec<(u16, Closeness)> {
    (1..=10)
        .map(|k| {
            (
                r.value(neighbour_measure(k)).unwrap() as u16,
                Closeness::from_number(r.value(closeness_measure(k)).unwrap()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_2021_layout_reads_every_authority_and_the_old_section() {
    let name = "statistical_neighbours_2021.csv";
    let f = read(name, &published(name)).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(f.dataset, Dataset::StatisticalNeighbours);
    assert_eq!(f.first_year.get(), 2021);
    // 152 authorities and the four of the "Old SNs:" section; blank rows passed over. The
    // councils the model does not list (made since) are recorded as not in it.
    assert_eq!(listed(&f.rows), 156);
    assert!(
        f.rows
            .iter()
            .any(|r| r.breakdown == "942" && listed(std::slice::from_ref(r)) == 0)
    );
    assert!(f.geographies.is_empty());
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
    // Camden: 213 Very Close, 205 Close, ... as published.
    let camden = list(row(&f.rows, "202"));
    assert_eq!(camden[0], (213, Closeness::VeryClose));
    assert_eq!(camden[1], (205, Closeness::Close));
    assert_eq!(camden[4], (212, Closeness::SomewhatClose));
    assert_eq!(camden[9], (302, Closeness::NotClose));
    // Northamptonshire, from the old section, with "Very Close".
    assert_eq!(list(row(&f.rows, "928"))[0], (886, Closeness::VeryClose));
    assert_eq!(
        list(row(&f.rows, "835"))[0],
        (893, Closeness::ExtremelyClose)
    );
}

#[test]
fn the_2025_layout_reads_trailing_spaces_and_councils_made_since() {
    let name = "statistical_neighbours_2025.csv";
    let f = read(name, &published(name)).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(f.first_year.get(), 2025);
    assert_eq!(listed(&f.rows), 153);
    // Barking and Dagenham: "Close " with its trailing space.
    assert_eq!(list(row(&f.rows, "301"))[0], (308, Closeness::Close));
    // Cumberland (942) is on no release on record, but the reorganisations name it.
    let cumberland = row(&f.rows, "942");
    assert_eq!(list(cumberland).len(), 10);
    assert!(
        f.rows
            .iter()
            .any(|r| list(r).iter().any(|(c, _)| *c == 942))
    );
}

fn first_error(r: &Refused) -> String {
    r.errors()
        .next()
        .map(ToString::to_string)
        .unwrap_or_default()
}

const HEADER_2025: &str = "old_la_code,la_name,region_ind,region_name,SN_1,SN_1P,SN_2,SN_2P,SN_3,SN_3P,SN_4,SN_4P,SN_5,SN_5P,SN_6,SN_6P,SN_7,SN_7P,SN_8,SN_8P,SN_9,SN_9P,SN_10,SN_10P\n";
const KENT: &str = "886,Kent,6,South East,881,Very close,845,Very close,878,Very close,303,Very close,935,Very close,926,Very close,891,Very close,938,Very close,822,Very close,933,Very close\n";

#[test]
fn a_bad_table_is_refused_whole_naming_line_column_and_fix() {
    let name = "statistical_neighbours_2025.csv";
    let cases: [(String, &str); 10] = [
        (
            KENT.replace("881,", "999,"),
            "neighbour 1 of authority 886 is \"999\"",
        ),
        (
            KENT.replace(",Very close,845", ",Next door,845"),
            "closeness of neighbour 1",
        ),
        (KENT.replace("845,", "886,"), "its own neighbour 2"),
        (KENT.replace("845,", "881,"), "lists 881 twice"),
        (format!("{KENT}{KENT}"), "appears twice (lines 2 and 3)"),
        (
            KENT.replace("886,Kent", "000,Kent"),
            "\"000\" is not the DfE code",
        ),
        (
            KENT.replace("886,Kent", "301,Kent"),
            "names Kent, whose code is 886, but gives the code 301",
        ),
        (
            KENT.replace("Very close\n", "Very close,extra\n"),
            "beyond the 24 columns",
        ),
        (
            KENT.replace("881,", "928,"),
            "928, an authority replaced by a reorganisation before the 2025 model",
        ),
        (
            KENT.replace("886,Kent", "942,Cumberland"),
            "authority 942 was formed on 2023-04-01, after the 2019 model",
        ),
    ];
    for (body, expected) in cases {
        let text = format!("{HEADER_2025}{body}");
        let name = if expected.contains("2019 model") {
            "statistical_neighbours_2019.csv"
        } else {
            name
        };
        let r = read(name, text.as_bytes()).expect_err(expected);
        let e = first_error(&r);
        assert!(e.contains(expected), "{expected}: {e}");
        assert!(e.starts_with(name), "{e}");
        assert!(r.errors().all(|d| !d.fix.is_empty()));
    }
}

#[test]
fn a_table_needs_ten_neighbours_a_year_in_its_name_and_authorities_on_record() {
    let short = HEADER_2025.replace(",SN_10,SN_10P", "");
    let r = read(
        "statistical_neighbours_2025.csv",
        format!("{short}{KENT}").as_bytes(),
    )
    .unwrap_err();
    assert!(
        first_error(&r).contains("no column for neighbour 10"),
        "{r}"
    );
    let r = read("neighbours.csv", format!("{HEADER_2025}{KENT}").as_bytes()).unwrap_err();
    assert!(first_error(&r).contains("model's year"), "{r}");
    let r = read(
        "sn_2021_to_2025.csv",
        format!("{HEADER_2025}{KENT}").as_bytes(),
    )
    .unwrap_err();
    assert!(
        first_error(&r).contains("more than one year (2021 and 2025)"),
        "{r}"
    );
    let r = read("statistical_neighbours_2025.csv", HEADER_2025.as_bytes()).unwrap_err();
    assert!(first_error(&r).contains("no authorities"), "{r}");
    let r = read_ees_csv(
        "statistical_neighbours_2025.csv",
        format!("{HEADER_2025}{KENT}").as_bytes(),
    )
    .unwrap_err();
    assert!(
        first_error(&r).contains("import the published statistics first"),
        "{r}"
    );
}

#[test]
fn a_cell_that_is_not_utf8_is_refused() {
    let mut bytes = HEADER_2025.as_bytes().to_vec();
    bytes.extend(KENT.replace("Kent", "K\u{1}nt").into_bytes());
    let at = bytes.iter().position(|b| *b == 1).unwrap();
    bytes[at] = 0xe9; // Latin-1 é
    let r = read("statistical_neighbours_2025.csv", &bytes).unwrap_err();
    assert!(first_error(&r).contains("not UTF-8"), "{r}");
}

#[test]
fn a_table_saved_with_windows_line_ends_and_a_byte_order_mark_reads_the_same() {
    let plain = read("sn_2025.csv", format!("{HEADER_2025}{KENT}").as_bytes()).unwrap();
    let windows = format!("\u{feff}{HEADER_2025}\n{KENT}").replace('\n', "\r\n");
    let other = read("sn_2025.csv", windows.as_bytes()).unwrap();
    assert_eq!(plain.rows, other.rows);
}
