//! Jointly reported authorities: two councils sharing a children's service, published as one
//! row (`940 / 941`, `E06000061 / E06000062`) in newer releases and under one member alone,
//! with the other `z` or absent, in older ones.

use crate::{TestApp, demo_app, empty_app};
use swforce_app::Origin;
use swforce_domain::{Dataset, GeographyCode, Measure, Year};

const JOINT: &str =
    include_str!("../../../swforce-import/tests/fixtures/csww_headline_2017_to_2025_joint.csv");

/// The fixture's header and its rows from `from` onwards.
fn joint_from(from: u16) -> String {
    let mut lines = JOINT.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for l in lines.filter(|l| l[..4].parse::<u16>().unwrap() >= from) {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn code(text: &str) -> GeographyCode {
    GeographyCode::parse(text).unwrap()
}

fn year(y: u16) -> Year {
    Year::try_from(y).unwrap()
}

const NORTHANTS: &str = "E06000061-E06000062";
const KINGSTON: &str = "E09000021-E09000027";

fn with_joint(t: &TestApp, from: u16) {
    let report = t
        .app
        .import_file("csww_headline_joint.csv", joint_from(from).as_bytes())
        .unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn a_new_generation_file_with_joint_rows_imports_once_and_again_changes_nothing() {
    let t = empty_app();
    let first = t.app.import_file("joint.csv", JOINT.as_bytes()).unwrap();
    assert_eq!(first.rows, 54);
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    let generation = t.app.snapshot().unwrap().generation;
    let again = t.app.import_file("joint.csv", JOINT.as_bytes()).unwrap();
    assert!(again.already_imported());
    assert_eq!(t.app.snapshot().unwrap().generation, generation);

    let snap = t.app.snapshot().unwrap();
    let unit = snap.find("E06000061 / E06000062").unwrap();
    assert_eq!(unit.code.as_str(), NORTHANTS);
    assert_eq!(unit.name, "North Northamptonshire / West Northamptonshire");
    assert_eq!(unit.old_la_code.unwrap().to_string(), "940 / 941");
    // Either member's code or name, and the DfE codes, find the unit or the member's page.
    for q in [
        "E06000062",
        "941",
        "West Northamptonshire",
        "E06000061+E06000062",
    ] {
        let g = snap.find(q).unwrap();
        assert!(
            g.code.as_str() == NORTHANTS
                || snap.unit_of(&g.code).is_some_and(|u| u.code == unit.code),
            "{q} found {}",
            g.name
        );
    }
    assert!(
        snap.search("Richmond")
            .iter()
            .any(|g| g.code.as_str() == KINGSTON)
    );
    // The unit is in its region once; its members are not listed beside it.
    let em = snap.find("East Midlands").unwrap();
    let names: Vec<&str> = snap
        .children(&em.code)
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["Derby", "North Northamptonshire / West Northamptonshire"]
    );
    let inpost = Measure::named("inpost_fte").unwrap();
    let series = snap.series(&unit.code, inpost, "");
    assert_eq!(series.len(), 9);
    assert!(series.iter().all(|f| f.origin == Origin::Published));
    // Every published rate is reproduced from the counts.
    let findings = snap.reconcile(Dataset::CswwHeadline);
    let wrong: Vec<_> = findings
        .iter()
        .filter(|f| !f.outcome.reproduced())
        .collect();
    assert!(wrong.is_empty(), "{wrong:?}");
    assert!(findings.len() > 300);
}

#[test]
fn the_unit_replaces_its_members_in_the_years_it_is_published() {
    let t = demo_app();
    with_joint(&t, 2017);
    let snap = t.app.snapshot().unwrap();
    let inpost = Measure::named("inpost_fte").unwrap();
    let unit = code(KINGSTON);
    let kingston = code("E09000021");
    // Kingston's own workforce rows (which were the pair's) give way to the unit's.
    assert!(snap.figure(&kingston, inpost, "", year(2022)).is_none());
    assert_eq!(snap.unit_of(&kingston).unwrap().code, unit);
    let rows = snap.authority_rows(Dataset::CswwHeadline, "", year(2022));
    let codes: Vec<&str> = rows.iter().map(|r| r.geography.as_str()).collect();
    for member in ["E09000021", "E09000027", "E06000061", "E06000062"] {
        assert!(!codes.contains(&member), "{member} counted beside its unit");
    }
    assert!(codes.contains(&KINGSTON) && codes.contains(&NORTHANTS));
    assert_eq!(
        codes.iter().filter(|c| c.starts_with("E09000021")).count(),
        1,
        "the pair counts once"
    );
    // Children in need stay each member's own (published separately) and add up for the unit.
    let at31 = Measure::named("At31_episodes").unwrap();
    let k = snap
        .figure(&kingston, at31, "", year(2022))
        .unwrap()
        .value()
        .unwrap();
    let r = snap
        .figure(&code("E09000027"), at31, "", year(2022))
        .unwrap()
        .value()
        .unwrap();
    let both = snap.figure(&unit, at31, "", year(2022)).unwrap();
    assert!((both.value().unwrap() - (k + r)).abs() < 1e-9);
    assert!(matches!(both.origin, Origin::Combined { ref members } if members.len() == 2));
    // The projection's history holds the unit, not its members.
    let history = snap.history();
    let codes: Vec<&str> = history
        .authorities
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert!(codes.contains(&KINGSTON) && codes.contains(&NORTHANTS));
    assert!(!codes.contains(&"E09000021") && !codes.contains(&"E06000062"));
    let unit_history = history
        .authorities
        .iter()
        .find(|a| a.code == NORTHANTS)
        .unwrap();
    assert_eq!(unit_history.years.len(), 9);
    assert!(unit_history.children_in_need.len() >= 2);
}

#[test]
fn before_the_unit_is_published_its_series_continues_from_the_older_rows() {
    let t = demo_app();
    with_joint(&t, 2023);
    let snap = t.app.snapshot().unwrap();
    let inpost = Measure::named("inpost_fte").unwrap();
    let northants = snap.series(&code(NORTHANTS), inpost, "");
    assert_eq!(northants.len(), 9, "{northants:?}");
    let origin = |y: u16| {
        northants
            .iter()
            .find(|f| f.year == year(y))
            .map(|f| f.origin.clone())
            .unwrap()
    };
    assert_eq!(
        origin(2019),
        Origin::Continued {
            predecessors: vec!["Northamptonshire".into()]
        }
    );
    assert_eq!(
        origin(2022),
        Origin::ReportedBy {
            authority: "North Northamptonshire".into()
        }
    );
    assert_eq!(origin(2024), Origin::Published);
    // 2022: North Northamptonshire's row, which reported for both.
    let v2022 = northants.iter().find(|f| f.year == year(2022)).unwrap();
    assert!((v2022.value().unwrap() - 337.9).abs() < 1e-9);
    // Kingston reported alone (Richmond absent or z) before the unit was named.
    let kingston = snap.series(&code(KINGSTON), inpost, "");
    assert_eq!(kingston.len(), 9);
    assert!(kingston[..6].iter().all(|f| f.origin
        == Origin::ReportedBy {
            authority: "Kingston upon Thames".into()
        }));
    // In those years the member row counts once: as itself, beside no unit row.
    let rows = snap.authority_rows(Dataset::CswwHeadline, "", year(2022));
    assert!(rows.iter().any(|r| r.geography.as_str() == "E09000021"));
    assert!(!rows.iter().any(|r| r.geography.as_str() == KINGSTON));
    // The members' own pages name the unit.
    assert_eq!(
        snap.unit_of(&code("E06000062")).unwrap().code.as_str(),
        NORTHANTS
    );
}

/// The fixture with the 2025 Northamptonshire row (line 5) changed by `edit`.
fn joint_2025_with(edit: impl Fn(&str) -> String) -> String {
    let mut lines: Vec<String> = JOINT.lines().map(str::to_string).collect();
    assert!(lines[4].contains("E06000061 / E06000062"), "{}", lines[4]);
    lines[4] = edit(&lines[4]);
    lines.join("\n") + "\n"
}

/// The first error when `text` is imported on top of the demo data; nothing must change.
fn refused_on_demo(text: &str) -> swforce_import::Diagnostic {
    let t = demo_app();
    let before = t.app.snapshot().unwrap().generation;
    let err = t.app.import_file("joint.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        t.app.snapshot().unwrap().generation,
        before,
        "nothing stored"
    );
    match err {
        swforce_app::AppError::Refused(r) => r.errors().next().cloned().unwrap(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_pair_written_the_other_way_round_is_the_same_unit() {
    // One year reversed: the same unit, names and DfE codes following their codes.
    let reversed = joint_2025_with(|l| {
        l.replace("940 / 941", "941 / 940")
            .replace("E06000061 / E06000062", "E06000062 / E06000061")
            .replace(
                "North Northamptonshire / West Northamptonshire",
                "West Northamptonshire / North Northamptonshire",
            )
    });
    let t = demo_app();
    t.app
        .import_file("reversed.csv", reversed.as_bytes())
        .unwrap();
    let snap = t.app.snapshot().unwrap();
    let em = snap.find("East Midlands").unwrap();
    let units: Vec<&str> = snap
        .children(&em.code)
        .iter()
        .filter(|g| g.code.is_joint())
        .map(|g| g.code.as_str())
        .collect();
    assert_eq!(units, [NORTHANTS]);
    let unit = snap.geography(&code(NORTHANTS)).unwrap();
    assert_eq!(unit.name, "North Northamptonshire / West Northamptonshire");
    assert_eq!(unit.old_la_code.unwrap().to_string(), "940 / 941");
    let inpost = Measure::named("inpost_fte").unwrap();
    assert_eq!(snap.series(&unit.code, inpost, "").len(), 9);
    // The same year twice, once each way round, is a duplicate row.
    let mut twice = JOINT.to_string();
    twice.push_str(reversed.lines().nth(4).unwrap());
    twice.push('\n');
    let t = empty_app();
    let err = t
        .app
        .import_file("twice.csv", twice.as_bytes())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("duplicate row: 2025, E06000061-E06000062"),
        "{err}"
    );
}

#[test]
fn a_joint_row_cannot_rename_renumber_move_or_double_book_an_authority() {
    let d = refused_on_demo(&joint_2025_with(|l| l.replace("940 / 941", "940 / 318")));
    assert_eq!(
        (d.line, d.field.as_deref()),
        (Some(5), Some("old_la_code")),
        "{d}"
    );
    assert!(
        d.problem
            .contains("the DfE code 318, which the statistics already imported gives E09000027"),
        "{d}"
    );
    let d = refused_on_demo(&joint_2025_with(|l| {
        l.replace("West Northamptonshire", "Richmond upon Thames")
    }));
    assert_eq!(d.field.as_deref(), Some("la_name"), "{d}");
    assert!(
        d.problem
            .contains("which the statistics already imported gives E09000027"),
        "{d}"
    );
    let d = refused_on_demo(&joint_2025_with(|l| {
        l.replace("E12000004,East Midlands", "E12000005,West Midlands")
    }));
    assert_eq!(d.field.as_deref(), Some("region_code"), "{d}");
    assert!(
        d.problem
            .contains("in E12000005, but the statistics already imported puts it in E12000004"),
        "{d}"
    );
    let d = refused_on_demo(&joint_2025_with(|l| {
        l.replace("940 / 941", "928 / 941")
            .replace("E06000061 / E06000062", "E10000021 / E06000062")
            .replace("North Northamptonshire /", "Northamptonshire /")
    }));
    assert_eq!(d.field.as_deref(), Some("new_la_code"), "{d}");
    assert!(
        d.problem.contains("which was replaced on 2021-04-01"),
        "{d}"
    );
    // Richmond in a second unit (with matching codes and names), in the same file.
    let mut text = JOINT.to_string();
    text.push_str("2025,Reporting year,Local authority,E92000001,England,E13000002,Outer London,318 / 319,E09000027 / E09000028,Richmond upon Thames / Southwark,1,1,1,1,1,1,100.0,100.0,0,0,0.0,0.0,0,z,0,0.0,z,1,1,1.0,0,0.0\n");
    let d = refused_on_demo(&text);
    assert_eq!(d.field.as_deref(), Some("new_la_code"), "{d}");
    assert!(
        d.problem
            .contains("which line 7 reports jointly as E09000021 / E09000027"),
        "{d}"
    );
}

#[test]
fn a_units_own_code_in_any_form_finds_it_by_search_too() {
    let t = demo_app();
    with_joint(&t, 2017);
    let snap = t.app.snapshot().unwrap();
    for q in [
        "E06000061-E06000062",
        "E06000061 / E06000062",
        "E06000062 / E06000061",
        "E06000061+E06000062",
        "E06000061_E06000062",
        "E06000061 E06000062",
        "e06000061-e06000062",
        "940 / 941",
    ] {
        let hits: Vec<&str> = snap.search(q).iter().map(|g| g.code.as_str()).collect();
        assert_eq!(hits.first(), Some(&NORTHANTS), "{q}: {hits:?}");
        assert_eq!(snap.find(q).unwrap().code.as_str(), NORTHANTS, "{q}");
    }
    assert_eq!(snap.find("e09000027").unwrap().code.as_str(), "E09000027");
}

#[test]
fn indicators_of_a_unit_carry_the_years_before_it_was_named_and_say_where_from() {
    let t = demo_app();
    with_joint(&t, 2023);
    let snap = t.app.snapshot().unwrap();
    let unit = snap.geography(&code(KINGSTON)).unwrap();
    let rows = snap.indicators(unit, None).unwrap();
    assert_eq!(rows.len(), 9);
    assert_eq!(
        rows[0].source.as_deref(),
        Some("published under Kingston upon Thames alone, which reported for both authorities")
    );
    assert_eq!(rows[8].source, None);
    // A member has none: its older rows were the pair's, reported under it alone.
    let kingston = snap.geography(&code("E09000021")).unwrap();
    assert!(snap.indicators(kingston, None).unwrap().is_empty());
    let inpost = Measure::named("inpost_fte").unwrap();
    assert!(snap.series(&kingston.code, inpost, "").is_empty());
}

#[test]
fn a_single_authoritys_row_cannot_take_another_ones_name_code_or_region() {
    let camden = |edit: &dyn Fn(&str) -> String| {
        let line = "2025,Reporting year,Local authority,E92000001,England,E13000001,Inner London,202,E09000007,Camden,179.0,190,30.0,32,28.0,30,15.6,15.8,20.0,21,10.0,10.0,15.0,75.0,20.0,10.0,75.0,120.0,1800,15.0,1500.0,3.3";
        format!("{}\n{}\n", JOINT.lines().next().unwrap(), edit(line))
    };
    let d = refused_on_demo(&camden(&|l| l.replace(",Camden,", ",Islington,")));
    assert_eq!(
        (d.line, d.field.as_deref()),
        (Some(2), Some("la_name")),
        "{d}"
    );
    assert!(
        d.problem
            .contains("which the statistics already imported gives E09000019"),
        "{d}"
    );
    let d = refused_on_demo(&camden(&|l| l.replace(",202,", ",206,")));
    assert_eq!(d.field.as_deref(), Some("old_la_code"), "{d}");
    let d = refused_on_demo(&camden(&|l| {
        l.replace("E13000001,Inner London", "E12000004,East Midlands")
    }));
    assert_eq!(d.field.as_deref(), Some("region_code"), "{d}");
    // London's boroughs may be published under London itself rather than Inner London: the
    // borough stays in Inner London.
    let t = demo_app();
    t.app
        .import_file(
            "camden.csv",
            camden(&|l| l.replace("E13000001,Inner London", "E12000007,London")).as_bytes(),
        )
        .unwrap();
    let snap = t.app.snapshot().unwrap();
    let camden_now = snap.geography(&code("E09000007")).unwrap();
    assert_eq!(camden_now.parent.as_ref().unwrap().as_str(), "E13000001");
    // A new name of its own is taken, with a warning that says what it was.
    let t = demo_app();
    let report = t
        .app
        .import_file(
            "renamed.csv",
            camden(&|l| l.replace(",Camden,", ",London Borough of Camden,")).as_bytes(),
        )
        .unwrap();
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let w = &report.warnings[0];
    assert_eq!((w.line, w.field.as_deref()), (Some(2), Some("la_name")));
    assert!(
        w.problem
            .contains("but the statistics already imported calls it \"Camden\""),
        "{w}"
    );
}

#[test]
fn a_pair_is_reported_one_way_in_a_year() {
    let mut text = JOINT.to_string();
    text.push_str("2025,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,941,E06000062,West Northamptonshire,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z\n");
    let t = empty_app();
    let err = t.app.import_file("both.csv", text.as_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("this row reports E06000062 on its own in 2025, but line 5 reports it jointly as E06000061 / E06000062"),
        "{err}"
    );
}

#[test]
fn on_an_empty_store_a_contradiction_within_the_file_names_both_lines() {
    let text = joint_2025_with(|l| l.replace("E12000004,East Midlands", "E12000005,West Midlands"));
    let t = empty_app();
    let err = t.app.import_file("joint.csv", text.as_bytes()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("but line 5 puts it in E12000005"), "{msg}");
    let swforce_app::AppError::Refused(r) = err else {
        panic!("{msg}")
    };
    let d = r.errors().next().unwrap();
    assert!(
        d.fix
            .contains("this row and line 5 disagree; correct whichever is wrong"),
        "{d}"
    );
}

#[test]
fn a_member_carries_no_lineage_of_its_own_once_its_unit_exists() {
    let t = demo_app();
    with_joint(&t, 2017);
    let snap = t.app.snapshot().unwrap();
    let north = code("E06000061");
    // Children in need: North Northamptonshire's own figures only, not the whole former county.
    let at31 = Measure::named("At31_episodes").unwrap();
    let years: Vec<u16> = snap
        .series(&north, at31, "")
        .iter()
        .map(|f| f.year.get())
        .collect();
    assert_eq!(years, [2022]);
    // The unit carries the county's years, and the reorganisation note.
    let unit_series = snap.series(&code(NORTHANTS), at31, "");
    assert!(unit_series.len() >= 9, "{unit_series:?}");
    assert!(snap.formed_by(&north).is_none());
    assert_eq!(
        snap.formed_by(&code(NORTHANTS)).unwrap().effective,
        "2021-04-01"
    );
    // Workforce: nothing of its own in any year the unit has a row.
    let inpost = Measure::named("inpost_fte").unwrap();
    assert!(snap.series(&north, inpost, "").is_empty());
}

#[test]
fn projecting_a_member_points_to_its_unit() {
    let t = demo_app();
    with_joint(&t, 2017);
    let snap = t.app.snapshot().unwrap();
    let baseline = snap.baseline(None).unwrap();
    let err = snap
        .groups(
            &baseline,
            &swforce_app::projection::Report::One("E06000062".into()),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("reported jointly as North Northamptonshire / West Northamptonshire (E06000061-E06000062)"),
        "{err}"
    );
}
