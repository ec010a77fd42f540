//! `swforce admin`: organisations and people from the command line, on a fresh data folder,
//! each change on the audit log as the command line.

use crate::{fixture, stderr, stdout, swforce};
use swforce_store::prelude::*;
use swforce_store_sqlite::SqliteStore;

#[test]
fn a_fresh_folder_gets_a_council_a_person_and_a_register_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let out = swforce(
        data,
        &[
            "admin",
            "org",
            "create",
            "--type",
            "council",
            "--la",
            "E10000016",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("made Kent (local_authority, E10000016)"),
        "{}",
        stdout(&out)
    );
    // A council made since the statistics on record, by name.
    let out = swforce(
        data,
        &[
            "admin",
            "org",
            "create",
            "--type",
            "council",
            "--la",
            "Westmorland and Furness",
        ],
    );
    assert!(
        stdout(&out).contains("(local_authority, E06000064)"),
        "{}",
        stderr(&out)
    );
    let out = swforce(
        data,
        &[
            "admin",
            "org",
            "create",
            "--type",
            "regional_alliance",
            "--la",
            "South East",
            "--name",
            "South East Regional Alliance",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The same council twice is refused, with a fix.
    let again = swforce(
        data,
        &[
            "admin", "org", "create", "--type", "council", "--la", "Kent",
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("fix:"), "{}", stderr(&again));
    let list = stdout(&swforce(data, &["admin", "org", "list"]));
    assert!(
        list.contains("Kent\tlocal_authority\tE10000016\t0 people"),
        "{list}"
    );

    let invite = swforce(
        data,
        &[
            "admin",
            "invite",
            "--org",
            "E10000016",
            "--email",
            "Ana@Kent.test",
            "--name",
            "Ana Analyst",
            "--role",
            "workforce_analyst",
        ],
    );
    assert_eq!(invite.status.code(), Some(0), "{}", stderr(&invite));
    assert!(
        stdout(&invite).contains("/invitations/"),
        "{}",
        stdout(&invite)
    );
    let people = stdout(&swforce(data, &["admin", "user", "list", "--org", "Kent"]));
    assert_eq!(
        people,
        "ana@kent.test\tAna Analyst\tworkforce_analyst\tactive\n"
    );
    let locked = swforce(
        data,
        &["admin", "user", "disable", "--email", "ana@kent.test"],
    );
    assert_eq!(locked.status.code(), Some(0), "{}", stderr(&locked));
    assert!(
        stdout(&swforce(data, &["admin", "user", "list", "--org", "Kent"])).ends_with("\tlocked\n")
    );

    // The README's agency and diary commands now run as written.
    let file = fixture("agency_engagements.csv");
    let import = swforce(data, &["agency", "import", file.to_str().unwrap()]);
    assert_eq!(import.status.code(), Some(0), "{}", stderr(&import));
    let ret = swforce(
        data,
        &[
            "agency",
            "return",
            "--la",
            "E10000016",
            "--quarter",
            "2025Q1",
        ],
    );
    assert_eq!(ret.status.code(), Some(0), "{}", stderr(&ret));

    let store = SqliteStore::open_in_dir(data).unwrap();
    let lines = store.audit(None, 100).unwrap();
    for target in ["organisation Kent", "person ana@kent.test"] {
        assert!(
            lines
                .iter()
                .any(|e| e.actor == "swforce command line" && e.target.starts_with(target)),
            "{target}: {lines:#?}"
        );
    }
}

#[test]
fn diary_generate_makes_the_council_of_a_published_authority_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = swforce(
        dir.path(),
        &[
            "diary",
            "generate",
            "--org",
            "E06000035",
            "--people",
            "10",
            "--weeks",
            "4",
            "--seed",
            "7",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "made the council Medway (E06000035) as an organisation for the invented people"
        ),
        "{}",
        stdout(&out)
    );
    // A name that is no authority is refused, and nothing is made.
    let out = swforce(dir.path(), &["diary", "generate", "--org", "Nowhereshire"]);
    assert_eq!(out.status.code(), Some(1));
    let store = SqliteStore::open_in_dir(dir.path()).unwrap();
    let orgs = store.organisations().unwrap();
    assert_eq!(orgs.len(), 1);
    assert!(orgs[0].synthetic, "it holds invented people");
}

/// `swforce demo remove` takes away every organisation of invented people (here one
/// `diary generate` made), and nothing else, on the audit log; a second time there is nothing.
#[test]
fn demo_remove_takes_away_the_invented_people_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let ok = |args: &[&str]| {
        let out = swforce(data, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    ok(&[
        "admin",
        "org",
        "create",
        "--type",
        "council",
        "--la",
        "E06000058",
    ]);
    ok(&[
        "diary",
        "generate",
        "--org",
        "E10000016",
        "--people",
        "12",
        "--weeks",
        "2",
    ]);
    let removed = ok(&["demo", "remove"]);
    assert!(removed.contains("removed Kent"), "{removed}");
    let list = ok(&["admin", "org", "list"]);
    assert!(!list.contains("Kent"), "{list}");
    assert!(list.contains("Bournemouth"), "{list}");
    assert!(ok(&["demo", "remove"]).contains("nothing to remove"));
    let store = SqliteStore::open_in_dir(data).unwrap();
    assert!(
        store
            .audit(None, 50)
            .unwrap()
            .iter()
            .any(|e| { e.actor == "swforce command line" && e.detail == "removed: Kent" })
    );
}

/// Invented people never go into an organisation of real people, and `demo remove` never
/// takes real accounts: found from outside, where `demo remove` took a council with its
/// people and agency register.
#[test]
fn invented_people_stay_apart_from_real_ones_and_demo_remove_never_takes_real_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let run = |args: &[&str]| swforce(data, args);
    assert_eq!(
        run(&[
            "admin",
            "org",
            "create",
            "--type",
            "council",
            "--la",
            "E10000016"
        ])
        .status
        .code(),
        Some(0)
    );
    let invite = [
        "admin",
        "invite",
        "--org",
        "E10000016",
        "--email",
        "ana@kent.gov.uk",
        "--name",
        "Ana",
        "--role",
        "org_admin",
    ];
    assert_eq!(run(&invite).status.code(), Some(0));
    let refused = run(&[
        "diary",
        "generate",
        "--org",
        "E10000016",
        "--people",
        "5",
        "--weeks",
        "1",
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("organisation of real people"),
        "{}",
        stderr(&refused)
    );
    // A synthetic organisation someone then gave a real account is kept, whole.
    let made = run(&[
        "diary",
        "generate",
        "--org",
        "E06000058",
        "--people",
        "5",
        "--weeks",
        "1",
    ]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let bcp = [
        "admin",
        "invite",
        "--org",
        "E06000058",
        "--email",
        "sam@bcp.gov.uk",
        "--name",
        "Sam",
        "--role",
        "social_worker",
    ];
    assert_eq!(run(&bcp).status.code(), Some(0));
    let kept = run(&["demo", "remove"]);
    assert_eq!(kept.status.code(), Some(1));
    assert!(
        stderr(&kept).contains("accounts of real people"),
        "{}",
        stderr(&kept)
    );
    let list = stdout(&run(&["admin", "org", "list"]));
    assert!(
        list.contains("Kent") && list.contains("Bournemouth"),
        "{list}"
    );
}

/// The command line's changes are on the audit log once each, as the command line, with no
/// sign-in that never happened; a kind of organisation that has no authority takes none.
#[test]
fn command_line_changes_are_audited_once_as_the_command_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_swforce"))
        .env("SWFORCE_DATA_DIR", data)
        .env("SWFORCE_LOG", "warn")
        .args([
            "admin",
            "create",
            "--email",
            "ada@example.org",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"granite-meadow-lantern\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let made = swforce(
        data,
        &[
            "admin",
            "org",
            "create",
            "--type",
            "council",
            "--la",
            "E06000058",
        ],
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let refused = swforce(
        data,
        &[
            "admin",
            "org",
            "create",
            "--type",
            "employer",
            "--la",
            "E10000016",
            "--name",
            "Acme",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("Only a local authority or children's trust"),
        "{}",
        stderr(&refused)
    );
    let store = SqliteStore::open_in_dir(data).unwrap();
    let lines = store.audit(None, 100).unwrap();
    assert!(
        lines.iter().all(|e| e.action != "sign_in"),
        "no sign-in happened: {lines:?}"
    );
    let admin_lines: Vec<_> = lines
        .iter()
        .filter(|e| e.action != "import_statistics")
        .collect();
    assert!(
        admin_lines
            .iter()
            .all(|e| e.actor == "swforce command line"),
        "{admin_lines:?}"
    );
    assert_eq!(
        admin_lines
            .iter()
            .filter(|e| e.target.starts_with("organisation Bournemouth"))
            .count(),
        1,
        "{admin_lines:?}"
    );
}
