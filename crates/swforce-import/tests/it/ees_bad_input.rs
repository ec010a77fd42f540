use crate::fixture;
use swforce_import::{Refused, Severity, read_ees_csv};

const BASE: &str = "csww_headline_2022_to_2023_new_names.csv";

fn base() -> String {
    String::from_utf8(fixture(BASE)).unwrap()
}

fn refused(name: &str, bytes: &[u8]) -> Refused {
    match read_ees_csv(name, bytes) {
        Ok(f) => panic!("{name} was accepted with {} rows", f.rows.len()),
        Err(r) => r,
    }
}

/// Replaces field `column` (1-based) of line `line` (1-based).
fn with_field(text: &str, line: usize, column: usize, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
    fields[column - 1] = value.to_string();
    lines[line - 1] = fields.join(",");
    lines.join("\n")
}

#[test]
fn a_negative_count_names_file_line_column_field_and_fix() {
    let text = with_field(&base(), 3, 11, "-12");
    let r = refused("negative.csv", text.as_bytes());
    let d = r.errors().next().unwrap();
    assert_eq!((d.line, d.column), (Some(3), Some(11)));
    assert_eq!(d.field.as_deref(), Some("inpost_fte"));
    assert_eq!(
        d.to_string().lines().next().unwrap(),
        "negative.csv:3:11: error: field \"inpost_fte\" is -12; a count cannot be negative"
    );
    assert!(d.fix.contains("write x"));
}

#[test]
fn a_rate_above_100_is_refused() {
    let text = with_field(&base(), 2, 21, "117.1");
    let d = refused("rate.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(d.field.as_deref(), Some("agency_rate_fte"));
    assert!(d.problem.contains("cannot be above 100"), "{}", d.problem);
}

#[test]
fn a_truncated_row_is_refused_and_nothing_is_returned() {
    let mut text = base();
    text.truncate(text.len() - 40);
    let r = refused("truncated.csv", text.as_bytes());
    let d = r.errors().next().unwrap();
    assert_eq!(d.line, Some(7));
    assert!(d.problem.contains("looks truncated"), "{}", d.problem);
}

#[test]
fn semicolons_are_recognised_as_the_wrong_delimiter() {
    let text = base().replace(',', ";");
    let d = refused("semi.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert!(d.problem.contains("semicolons"), "{}", d.problem);
    assert!(d.fix.contains("comma"));
}

#[test]
fn text_that_is_not_utf8_is_refused_with_its_line() {
    let mut bytes = base().into_bytes();
    let pos = bytes.windows(10).position(|w| w == b"Cumberland").unwrap();
    bytes[pos + 1] = 0xFC; // Latin-1 u-umlaut
    let d = refused("latin1.csv", &bytes)
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(d.line, Some(4));
    assert!(d.problem.contains("not UTF-8"));
}

#[test]
fn a_duplicated_row_points_at_the_first_copy() {
    let text = base();
    let third = text.lines().nth(2).unwrap().to_string();
    let text = format!("{text}{third}\n");
    let d = refused("dup.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(d.line, Some(8));
    assert!(
        d.problem.contains("already appears on line 3"),
        "{}",
        d.problem
    );
}

#[test]
fn an_empty_file_and_a_header_alone_are_refused() {
    assert!(
        refused("empty.csv", b"")
            .errors()
            .next()
            .unwrap()
            .problem
            .contains("empty")
    );
    assert!(
        refused("bom.csv", b"\xEF\xBB\xBF\n\n")
            .errors()
            .next()
            .unwrap()
            .problem
            .contains("empty")
    );
    let header = base().lines().next().unwrap().to_string();
    assert!(
        refused("header.csv", header.as_bytes())
            .errors()
            .next()
            .unwrap()
            .problem
            .contains("no rows")
    );
}

#[test]
fn an_unknown_dataset_says_what_swforce_reads() {
    let d = refused(
        "school.csv",
        b"time_period,school_urn,pupils\n2022,100000,300\n",
    )
    .errors()
    .next()
    .cloned()
    .unwrap();
    assert!(d.problem.starts_with("unknown dataset"));
    assert!(d.fix.contains("children in need"));
}

#[test]
fn words_in_number_cells_and_bad_codes_are_each_reported() {
    let text = with_field(&base(), 2, 11, "lots");
    let text = with_field(&text, 4, 8, "E0600006");
    let r = refused("words.csv", text.as_bytes());
    let errors: Vec<_> = r.errors().collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].problem.contains("not a number"));
    assert_eq!(errors[1].field.as_deref(), Some("new_la_code"));
    assert!(r.diagnostics.iter().all(|d| d.severity == Severity::Error));
}

#[test]
fn reading_stops_after_fifty_errors() {
    let header = base().lines().next().unwrap().to_string();
    let row = with_field(base().lines().nth(1).unwrap(), 1, 1, "later");
    let mut text = header;
    for _ in 0..80 {
        text.push('\n');
        text.push_str(&row);
    }
    let r = refused("many.csv", text.as_bytes());
    assert_eq!(r.errors().count(), Refused::LIMIT + 1);
    assert!(
        r.diagnostics
            .last()
            .unwrap()
            .problem
            .contains("stopped reading")
    );
}

#[test]
fn two_columns_meaning_the_same_measure_are_refused() {
    let text = base().replacen("inpost_headcount", "social_worker_fte", 1);
    let d = refused("both.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert!(d.problem.contains("both mean inpost_fte"), "{}", d.problem);
}

const JOINT: &str = "csww_headline_2017_to_2025_joint.csv";

/// The joint fixture with line 5 (the 2025 Northamptonshire unit) changed by `edit`.
fn joint_with(edit: impl Fn(&str) -> String) -> String {
    let text = String::from_utf8(fixture(JOINT)).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(lines[4].contains("E06000061 / E06000062"), "{}", lines[4]);
    lines[4] = edit(&lines[4]);
    lines.join("\n")
}

#[test]
fn a_malformed_joint_code_is_refused_naming_the_field() {
    for (bad, field, words) in [
        ("E06000061 /", "new_la_code", "fewer than two"),
        (
            "E06000061 / E06000062 / E06000063",
            "new_la_code",
            "joins 3 codes",
        ),
        (
            "E06000061 / E12000004",
            "new_la_code",
            "not a local authority",
        ),
        ("E06000061 / E06000061", "new_la_code", "to itself"),
    ] {
        let text = joint_with(|l| l.replace("E06000061 / E06000062", bad));
        let r = refused("joint.csv", text.as_bytes());
        let d = r.errors().next().unwrap();
        assert_eq!((d.line, d.column), (Some(5), Some(9)), "{bad}: {d}");
        assert_eq!(d.field.as_deref(), Some(field), "{bad}");
        assert!(d.problem.contains(words), "{bad}: {}", d.problem);
        if words != "to itself" {
            assert!(
                d.to_string().contains("E06000061 / E06000062"),
                "{bad}: shows the form: {d}"
            );
        }
        assert_eq!(r.errors().count(), 1, "{bad}: one error for one bad field");
    }
}

#[test]
fn a_joint_row_names_both_members_in_every_geography_column() {
    let text = joint_with(|l| l.replace("940 / 941", "940"));
    let d = refused("joint.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(d.field.as_deref(), Some("old_la_code"), "{d}");
    assert!(d.fix.contains("940 / 941"), "{d}");
    let text = joint_with(|l| l.replace("940 / 941", "940 / 941 / 942"));
    let d = refused("joint.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(d.field.as_deref(), Some("old_la_code"), "{d}");
    let text = joint_with(|l| l.replace(" / West Northamptonshire", ""));
    let d = refused("joint.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(
        (d.line, d.field.as_deref()),
        (Some(5), Some("la_name")),
        "{d}"
    );
    assert!(
        d.problem
            .contains("names 1 authority but new_la_code E06000061 / E06000062 names 2"),
        "{d}"
    );
    // A region or the country cannot be joint.
    let text = joint_with(|l| l.replace("E12000004", "E12000004 / E12000005"));
    let d = refused("joint.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(d.field.as_deref(), Some("region_code"), "{d}");
}

#[test]
fn two_columns_differing_only_by_case_are_one_column_twice() {
    let header = base().lines().next().unwrap().to_string();
    let text = base().replacen(&header, &format!("{header},INPOST_FTE"), 1);
    let r = refused("case.csv", text.as_bytes());
    let errors: Vec<_> = r.errors().collect();
    assert_eq!(errors.len(), 1, "one problem, reported once: {errors:#?}");
    let d = errors[0];
    assert_eq!((d.line, d.column), (Some(1), Some(33)));
    assert!(
        d.problem
            .starts_with("columns \"inpost_fte\" and \"INPOST_FTE\" are one column"),
        "{}",
        d.problem
    );
    // A fixed column too.
    let shouted = header.replacen("time_period", "Time_Period", 1);
    let text = base().replacen(&header, &format!("{shouted},time_period"), 1);
    let d = refused("period.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert!(
        d.problem.contains("\"Time_Period\" and \"time_period\""),
        "{}",
        d.problem
    );
}

#[test]
fn an_old_and_a_new_spelling_in_different_cases_both_mean_the_measure() {
    let text = base().replacen("inpost_headcount", "SOCIAL_WORKER_FTE", 1);
    let d = refused("both.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert!(
        d.problem
            .contains("\"inpost_fte\" and \"SOCIAL_WORKER_FTE\" both mean inpost_fte"),
        "{}",
        d.problem
    );
}

#[test]
fn a_count_with_a_fraction_is_refused() {
    // Column 12 is inpost_headcount, a whole number of people.
    let text = with_field(&base(), 3, 12, "170.4");
    let d = refused("fraction.csv", text.as_bytes())
        .errors()
        .next()
        .cloned()
        .unwrap();
    assert_eq!((d.line, d.column), (Some(3), Some(12)), "{d}");
    assert_eq!(d.field.as_deref(), Some("inpost_headcount"));
    assert!(d.problem.contains("is a whole number"), "{d}");
    // A whole number written with a decimal point is a whole number.
    let text = with_field(&base(), 3, 12, "170.0");
    assert!(read_ees_csv("whole.csv", text.as_bytes()).is_ok());
}

#[test]
fn a_place_name_with_a_control_character_or_at_great_length_is_refused() {
    // Line 3 is a regional row: region_name is column 7.
    for (value, says) in [
        (
            "North\u{1b}[31mWest".to_string(),
            "control character U+001B",
        ),
        ("North West".repeat(100), "1000 characters long"),
        (
            "North\u{202E}West".to_string(),
            "invisible formatting character U+202E",
        ),
        (
            "North\u{200B}West".to_string(),
            "invisible formatting character U+200B",
        ),
    ] {
        let text = with_field(&base(), 3, 7, &value);
        let r = refused("names.csv", text.as_bytes());
        let d = r.errors().next().unwrap();
        assert_eq!((d.line, d.column), (Some(3), Some(7)), "{d}");
        assert_eq!(d.field.as_deref(), Some("region_name"));
        assert!(d.problem.contains(says), "{}", d.problem);
        assert!(d.to_string().len() < 600, "the echo is cut: {d}");
    }
}
