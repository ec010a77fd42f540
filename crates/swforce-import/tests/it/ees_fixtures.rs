use crate::fixture;
use swforce_domain::{Cell, Dataset, EesSymbol, GeographicLevel};
use swforce_import::read_ees_csv;

const LEGACY: &str = "csww_headline_2018_to_2022_bom_symbols.csv";
const NEW: &str = "csww_headline_2022_to_2023_new_names.csv";

#[test]
fn the_older_generation_is_recognised_and_mapped_to_canonical_names() {
    let f = read_ees_csv(LEGACY, fixture(LEGACY).as_slice()).unwrap();
    assert_eq!(f.dataset, Dataset::CswwHeadline);
    assert_eq!(f.rows.len(), 20, "the blank line is skipped");
    assert_eq!((f.first_year.get(), f.last_year.get()), (2018, 2022));
    assert!(
        f.renamed
            .iter()
            .any(|m| m.column == "social_worker_fte" && m.measure == "inpost_fte")
    );
    assert!(
        f.renamed
            .iter()
            .any(|m| m.column == "turnover_rate_fte_%" && m.measure == "turnover_rate_fte")
    );
    assert!(f.unknown_columns.is_empty());
    let england = f
        .rows
        .iter()
        .find(|r| r.geography.as_str() == "E92000001" && r.year.get() == 2022)
        .unwrap();
    assert_eq!(england.value("inpost_fte"), Some(31634.1));
    // Rates are held as fractions.
    assert!((england.value("turnover_rate_fte").unwrap() - 0.171).abs() < 1e-12);
    assert_eq!(
        england.cell("starters_fte"),
        None,
        "not in this release, so absent, not zero"
    );
}

#[test]
fn symbols_stay_symbols_and_are_never_zero() {
    let f = read_ees_csv(LEGACY, fixture(LEGACY).as_slice()).unwrap();
    let scilly_2018 = f
        .rows
        .iter()
        .find(|r| r.geography.as_str() == "E06000053" && r.year.get() == 2018)
        .unwrap();
    assert_eq!(
        scilly_2018.cell("working_days_lost_fte"),
        Some(Cell::Symbol(EesSymbol::C))
    );
    let west_northants = f
        .rows
        .iter()
        .find(|r| r.geography.as_str() == "E06000062" && r.year.get() == 2022)
        .unwrap();
    assert_eq!(
        west_northants.cell("inpost_fte"),
        Some(Cell::Symbol(EesSymbol::Z))
    );
    let scilly_2022 = f
        .rows
        .iter()
        .find(|r| r.geography.as_str() == "E06000053" && r.year.get() == 2022)
        .unwrap();
    assert_eq!(scilly_2022.cell("inpost_fte"), Some(Cell::Value(0.0)));
    assert_eq!(
        scilly_2022.cell("turnover_rate_fte"),
        Some(Cell::Symbol(EesSymbol::Z))
    );
}

#[test]
fn quoted_names_with_commas_and_the_byte_order_mark_are_read() {
    let f = read_ees_csv(LEGACY, fixture(LEGACY).as_slice()).unwrap();
    let bcp = f
        .geographies
        .iter()
        .find(|g| g.code.as_str() == "E06000058")
        .unwrap();
    assert_eq!(bcp.name, "Bournemouth, Christchurch and Poole");
    assert_eq!(bcp.old_la_code.map(|c| c.get()), Some(839));
    assert_eq!(bcp.parent.as_ref().map(|p| p.as_str()), Some("E12000009"));
    assert_eq!(bcp.level, GeographicLevel::LocalAuthority);
    let england = f
        .geographies
        .iter()
        .find(|g| g.code.as_str() == "E92000001")
        .unwrap();
    assert_eq!(
        england.name, "England",
        "the byte-order mark does not leak into the first column"
    );
}

#[test]
fn the_later_generation_with_starters_reads_into_the_same_names() {
    let f = read_ees_csv(NEW, fixture(NEW).as_slice()).unwrap();
    assert_eq!(f.dataset, Dataset::CswwHeadline);
    assert!(f.renamed.is_empty());
    let cumberland = f
        .rows
        .iter()
        .find(|r| r.geography.as_str() == "E06000063")
        .unwrap();
    assert_eq!(cumberland.value("starters_fte"), Some(30.5));
    assert_eq!(cumberland.year.get(), 2023);
    assert!(
        f.geographies
            .iter()
            .any(|g| g.name == "Westmorland and Furness")
    );
}

#[test]
fn the_same_bytes_give_the_same_hash_and_different_bytes_a_different_one() {
    let a = read_ees_csv("a.csv", fixture(LEGACY).as_slice()).unwrap();
    let b = read_ees_csv("b.csv", fixture(LEGACY).as_slice()).unwrap();
    let c = read_ees_csv(NEW, fixture(NEW).as_slice()).unwrap();
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(a.sha256.len(), 64);
    assert_ne!(a.sha256, c.sha256);
    assert_eq!(a.bytes, fixture(LEGACY).len() as u64);
}

#[test]
fn an_unknown_extra_column_is_a_warning_not_a_failure() {
    let text = String::from_utf8(fixture(NEW)).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[0].push_str(",agency_spend_gbp");
    for l in lines.iter_mut().skip(1) {
        l.push_str(",1200");
    }
    let f = read_ees_csv("extra.csv", lines.join("\n").as_bytes()).unwrap();
    assert_eq!(f.unknown_columns, vec!["agency_spend_gbp".to_string()]);
    assert_eq!(f.warnings.len(), 1);
    assert_eq!(f.warnings[0].column, Some(33));
    assert!(f.warnings[0].problem.contains("agency_spend_gbp"));
}

#[test]
fn a_jointly_reported_unit_is_read_with_its_members() {
    let name = "csww_headline_2017_to_2025_joint.csv";
    let f = read_ees_csv(name, fixture(name).as_slice()).unwrap();
    assert_eq!(f.rows.len(), 54);
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    let find = |code: &str| {
        f.geographies
            .iter()
            .find(|g| g.code.as_str() == code)
            .unwrap()
    };
    let unit = find("E09000021-E09000027");
    assert_eq!(unit.name, "Kingston upon Thames / Richmond upon Thames");
    assert_eq!(unit.old_la_code.unwrap().to_string(), "314 / 318");
    assert_eq!(unit.parent.as_ref().unwrap().as_str(), "E13000002");
    assert_eq!(
        f.rows.iter().filter(|r| r.geography == unit.code).count(),
        9,
        "every year 2017 to 2025"
    );
    // Each member is a place too, under the same parent, with its own DfE code.
    let richmond = find("E09000027");
    assert_eq!(richmond.name, "Richmond upon Thames");
    assert_eq!(richmond.old_la_code.unwrap().get(), 318);
    assert_eq!(richmond.parent, unit.parent);
    assert_eq!(find("E06000062").name, "West Northamptonshire");
}
