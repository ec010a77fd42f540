//! `swforce diary`: synthetic diaries for an organisation, and a group's balance printed the
//! way the web adds it up.

use crate::{stderr, stdout, swforce};
use std::path::Path;
use swforce_domain::access::OrgKind;
use swforce_store::NewOrganisation;
use swforce_store::prelude::*;
use swforce_store_sqlite::SqliteStore;

fn add_kent(data: &Path) {
    let store = SqliteStore::open_in_dir(data).unwrap();
    store
        .create_organisation(&NewOrganisation {
            name: "Kent County Council",
            kind: OrgKind::LocalAuthority,
            la_code: Some("E10000016"),
            email_domain: None,
            created_at: "2025-01-01T00:00:00Z",
        })
        .unwrap();
}

/// The Monday `weeks` weeks before this one, as the period's start.
fn weeks_ago(weeks: i64) -> String {
    let today = swforce_app::agency::today();
    swforce_domain::diary::Week::containing(today)
        .plus_weeks(-weeks)
        .to_string()
}

#[test]
fn generated_diaries_are_summed_as_json_and_as_a_table_and_the_same_seed_gives_the_same() {
    let dir = tempfile::tempdir().unwrap();
    add_kent(dir.path());
    let made = swforce(
        dir.path(),
        &[
            "diary",
            "generate",
            "--org",
            "E10000016",
            "--people",
            "40",
            "--weeks",
            "8",
            "--seed",
            "7",
        ],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(
        stdout(&made).contains("Kent County Council: 40 synthetic people in 5 teams"),
        "{}",
        stdout(&made)
    );
    let (from, to) = (weeks_ago(8), weeks_ago(1));
    let json = swforce(
        dir.path(),
        &[
            "diary",
            "summary",
            "--org",
            "E10000016",
            "--from",
            &from,
            "--to",
            &to,
            "--format",
            "json",
        ],
    );
    assert!(json.status.success(), "{}", stderr(&json));
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["group"], "Kent County Council");
    assert_eq!(v["suppressed"], false);
    assert_eq!(v["contributors"], 40);
    let categories = v["categories"].as_array().unwrap();
    assert_eq!(categories.len(), 10, "{v}");
    for c in categories {
        for key in ["category", "hours", "share", "relationship_based"] {
            assert!(c.get(key).is_some(), "{key} in {c}");
        }
    }
    let direct: f64 = categories
        .iter()
        .filter(|c| c["relationship_based"] == true)
        .map(|c| c["share"].as_f64().unwrap())
        .sum();
    let share = v["relationship_based_share"].as_f64().unwrap();
    assert!((direct - share).abs() <= 0.011, "{direct} against {share}");
    assert!((0.15..0.35).contains(&share), "{share}");

    // The table says the same.
    let table = swforce(
        dir.path(),
        &[
            "diary",
            "summary",
            "--org",
            "Kent County Council",
            "--from",
            &from,
            "--to",
            &to,
        ],
    );
    assert!(table.status.success());
    let text = stdout(&table);
    assert!(text.contains("40 people"), "{text}");
    assert!(text.contains(&format!("{:.0}%", share * 100.0)), "{text}");
    assert!(text.contains("Direct work face to face"));

    // A team of eight is shown; a team in a week with fewer than five diaries is not.
    let team = swforce(
        dir.path(),
        &[
            "diary",
            "summary",
            "--org",
            "E10000016",
            "--team",
            "front door",
            "--from",
            &from,
            "--to",
            &to,
            "--format",
            "json",
        ],
    );
    let t: serde_json::Value = serde_json::from_str(&stdout(&team)).unwrap();
    assert_eq!(t["group"], "Front door");
    assert_eq!(t["suppressed"], false, "{t}");
    let one_week = swforce(
        dir.path(),
        &[
            "diary",
            "summary",
            "--org",
            "E10000016",
            "--team",
            "Front door",
            "--from",
            &to,
            "--to",
            &to,
            "--format",
            "json",
        ],
    );
    let w: serde_json::Value = serde_json::from_str(&stdout(&one_week)).unwrap();
    if w["suppressed"] == true {
        assert!(
            w["message"]
                .as_str()
                .unwrap()
                .contains("not enough responses")
        );
        assert!(w.get("categories").is_none());
    } else {
        assert!(w["contributors"].as_u64().unwrap() >= 5);
    }

    // The same seed in another folder gives the same figures; generating twice is refused.
    let again = tempfile::tempdir().unwrap();
    add_kent(again.path());
    swforce(
        again.path(),
        &[
            "diary",
            "generate",
            "--org",
            "E10000016",
            "--people",
            "40",
            "--weeks",
            "8",
            "--seed",
            "7",
        ],
    );
    let json2 = swforce(
        again.path(),
        &[
            "diary",
            "summary",
            "--org",
            "E10000016",
            "--from",
            &from,
            "--to",
            &to,
            "--format",
            "json",
        ],
    );
    assert_eq!(stdout(&json), stdout(&json2));
    let twice = swforce(
        dir.path(),
        &[
            "diary",
            "generate",
            "--org",
            "E10000016",
            "--people",
            "5",
            "--weeks",
            "1",
        ],
    );
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        stderr(&twice).contains("already has 40 synthetic people"),
        "{}",
        stderr(&twice)
    );
}

#[test]
fn a_small_group_says_so_and_bad_arguments_are_refused_with_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    add_kent(dir.path());
    swforce(
        dir.path(),
        &[
            "diary",
            "generate",
            "--org",
            "E10000016",
            "--people",
            "4",
            "--weeks",
            "4",
            "--seed",
            "1",
        ],
    );
    let (from, to) = (weeks_ago(4), weeks_ago(1));
    let table = swforce(
        dir.path(),
        &[
            "diary",
            "summary",
            "--org",
            "E10000016",
            "--from",
            &from,
            "--to",
            &to,
        ],
    );
    assert!(table.status.success());
    assert!(
        stdout(&table).contains("not enough responses"),
        "{}",
        stdout(&table)
    );
    let json = swforce(
        dir.path(),
        &[
            "diary",
            "summary",
            "--org",
            "E10000016",
            "--from",
            &from,
            "--to",
            &to,
            "-f",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["suppressed"], true);
    assert!(v.get("relationship_based_share").is_none());

    for (args, says) in [
        (
            vec![
                "--org",
                "Nowhere Council",
                "--from",
                "2025-01-06",
                "--to",
                "2025-02-03",
            ],
            "no organisation matches",
        ),
        (
            vec![
                "--org",
                "E10000016",
                "--from",
                "someday",
                "--to",
                "2025-02-03",
            ],
            "is not a date",
        ),
        (
            vec![
                "--org",
                "E10000016",
                "--from",
                "2025-03-03",
                "--to",
                "2025-01-06",
            ],
            "starts",
        ),
        (
            vec![
                "--org",
                "E10000016",
                "--team",
                "Nobody",
                "--from",
                "2025-01-06",
                "--to",
                "2025-02-03",
            ],
            "no team matches",
        ),
    ] {
        let mut all = vec!["diary", "summary"];
        all.extend(args);
        let o = swforce(dir.path(), &all);
        assert_eq!(o.status.code(), Some(1), "{all:?}");
        assert!(stderr(&o).contains(says), "{all:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("fix:"), "{}", stderr(&o));
    }
    let usage = swforce(dir.path(), &["diary", "summary", "--org", "E10000016"]);
    assert_eq!(usage.status.code(), Some(2));
    let zero = swforce(
        dir.path(),
        &["diary", "generate", "--org", "E10000016", "--people", "0"],
    );
    assert_eq!(zero.status.code(), Some(1));
    assert!(stderr(&zero).contains("Choose from 1 to 1,000,000 people"));
}

#[test]
fn an_end_week_fixes_the_weeks_made_and_a_bad_one_is_refused_with_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    add_kent(dir.path());
    let made = swforce(
        dir.path(),
        &[
            "diary",
            "generate",
            "--org",
            "E10000016",
            "--people",
            "6",
            "--weeks",
            "4",
            "--end-week",
            "2025-03-05",
        ],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(
        stdout(&made).contains("from 2025-02-10 to 2025-03-09"),
        "{}",
        stdout(&made)
    );
    let bad = swforce(
        dir.path(),
        &[
            "diary",
            "generate",
            "--org",
            "E10000016",
            "--end-week",
            "soon",
        ],
    );
    // Not a date: bad usage (exit 2), said in words.
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--end-week"), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("YYYY-MM-DD"), "{}", stderr(&bad));
    // A date no diary can be for, or a team of nobody: refused before any organisation is
    // made for the invented people.
    for args in [
        &["--end-week", "0001-01-01"][..],
        &["--end-week", "2999-01-04"],
        &["--team-size", "0"],
        &["--people", "0"],
    ] {
        let mut all = vec!["diary", "generate", "--org", "E06000058"];
        all.extend_from_slice(args);
        let refused = swforce(dir.path(), &all);
        assert_eq!(refused.status.code(), Some(1), "{args:?}");
        assert!(stderr(&refused).contains("fix:"), "{}", stderr(&refused));
    }
    let orgs = swforce(dir.path(), &["admin", "org", "list"]);
    assert!(
        !stdout(&orgs).contains("E06000058"),
        "nothing made: {}",
        stdout(&orgs)
    );
}
