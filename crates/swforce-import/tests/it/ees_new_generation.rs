//! The new-generation children in need and referrals files: lower-case and `_count` names,
//! no rates per 10,000 children, read into the same canonical measures as the older files.

use crate::fixture;
use swforce_domain::{Cell, Dataset, EesSymbol, Measure};
use swforce_import::{ParsedFile, read_ees_csv};

const CIN: &str = "children_in_need_2022_to_2023_new_generation.csv";
const REFERRALS: &str = "referrals_2022_to_2023_new_generation.csv";

fn read(name: &str) -> ParsedFile {
    read_ees_csv(name, fixture(name).as_slice()).unwrap_or_else(|r| panic!("{name}: {r:#?}"))
}

fn text(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap()
}

fn row<'a>(f: &'a ParsedFile, code: &str, year: u16) -> &'a swforce_domain::Row {
    f.rows
        .iter()
        .find(|r| r.geography.as_str() == code && r.year.get() == year)
        .unwrap_or_else(|| panic!("no row for {code} in {year}"))
}

/// Every measure column of the header, as the canonical measure it was read as.
fn measures_of_header(f: &ParsedFile, header: &str) -> Vec<&'static str> {
    header
        .trim_start_matches('\u{FEFF}')
        .split(',')
        .skip(11)
        .map(|c| {
            Measure::find(f.dataset, c)
                .unwrap_or_else(|| panic!("{c} is not mapped"))
                .name
        })
        .collect()
}

#[test]
fn the_new_generation_children_in_need_file_reads_every_row_and_column() {
    let f = read(CIN);
    assert_eq!(f.dataset, Dataset::ChildrenInNeed);
    assert_eq!(f.rows.len(), 20);
    assert_eq!((f.first_year.get(), f.last_year.get()), (2022, 2023));
    assert!(f.unknown_columns.is_empty(), "{:?}", f.unknown_columns);
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
    let measures = measures_of_header(&f, text(CIN).lines().next().unwrap());
    assert_eq!(measures.len(), 8);
    assert!(measures.contains(&"Awaiting_assessment"));
    for r in &f.rows {
        assert_eq!(r.cells.len(), 8, "{} {}", r.geography, r.year);
    }
    // The lower-case spelling is recorded against the measure it was read as.
    assert!(
        f.renamed
            .iter()
            .any(|m| m.column == "awaiting_assessment" && m.measure == "Awaiting_assessment")
    );
    let england = row(&f, "E92000001", 2023);
    assert_eq!(england.value("At31_episodes"), Some(408180.0));
    assert_eq!(england.value("Awaiting_assessment"), Some(19430.0));
    assert_eq!(
        england.cell("At31_episodes_rate"),
        None,
        "not published in this generation, so absent"
    );
    assert_eq!(
        row(&f, "E06000053", 2023).cell("Awaiting_assessment"),
        Some(Cell::Symbol(EesSymbol::C))
    );
    assert_eq!(
        row(&f, "E09000012", 2022).cell("At31_episodes"),
        Some(Cell::Symbol(EesSymbol::X))
    );
}

#[test]
fn the_new_generation_referrals_file_is_recognised_and_reads_every_row_and_column() {
    let f = read(REFERRALS);
    assert_eq!(f.dataset, Dataset::Referrals);
    assert_eq!(f.rows.len(), 20);
    assert!(f.unknown_columns.is_empty(), "{:?}", f.unknown_columns);
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
    let measures = measures_of_header(&f, text(REFERRALS).lines().next().unwrap());
    assert_eq!(
        measures,
        [
            "Referrals",
            "Re_referrals",
            "Re_referrals_percent",
            "No_Further_Action",
            "No_Further_Action_percent",
            "Not_in_Need",
            "Not_in_Need_percent",
            "Referrals_child",
            "Re_referrals_child",
            "Re_referrals_child_percent",
        ]
    );
    for r in &f.rows {
        assert_eq!(r.cells.len(), 10, "{} {}", r.geography, r.year);
    }
    let camden = row(&f, "E09000007", 2023);
    assert_eq!(camden.value("Referrals"), Some(1792.0));
    assert_eq!(camden.value("Re_referrals_child"), Some(224.0));
    // Percentages are held as fractions.
    assert!((camden.value("Re_referrals_child_percent").unwrap() - 0.135).abs() < 1e-12);
    let inner = f
        .geographies
        .iter()
        .find(|g| g.code.as_str() == "E13000001")
        .unwrap();
    assert_eq!(inner.parent.as_ref().map(|p| p.as_str()), Some("E12000007"));
}

#[test]
fn column_names_are_matched_without_regard_to_case() {
    let text = text(CIN);
    let (header, rows) = text.split_once('\n').unwrap();
    let shouted = header
        .replace("time_period", "Time_Period")
        .replace("geographic_level", "GEOGRAPHIC_LEVEL")
        .replace("category", "Category")
        .replace("At31_episodes", "AT31_EPISODES");
    let f = read_ees_csv("shouted.csv", format!("{shouted}\n{rows}").as_bytes()).unwrap();
    assert_eq!(
        f.dataset,
        Dataset::ChildrenInNeed,
        "AT31_EPISODES identifies it"
    );
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
    assert_eq!(f.rows.len(), 20);
    assert_eq!(
        row(&f, "E92000001", 2022).value("At31_episodes"),
        Some(404340.0)
    );

    // A header in capitals throughout: the fixed columns and every measure.
    let text = self::text(REFERRALS);
    let (header, rows) = text.split_once('\n').unwrap();
    let upper = format!("{}\n{rows}", header.to_uppercase());
    let f = read_ees_csv("upper.csv", upper.as_bytes()).unwrap_or_else(|r| panic!("{r:#?}"));
    assert_eq!(f.dataset, Dataset::Referrals);
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
    assert_eq!(f.rows.len(), 20);
    assert_eq!(row(&f, "E09000003", 2022).value("Not_in_Need"), Some(330.0));
}
