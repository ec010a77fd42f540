//! The dependency arrows of the workspace point one way, as the style guide draws them.

use std::collections::{BTreeMap, BTreeSet};

/// Which workspace crates each crate may use (normal dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("swforce-domain", &[]),
    ("swforce-stats", &["swforce-domain"]),
    ("swforce-engine", &["swforce-domain"]),
    ("swforce-import", &["swforce-domain"]),
    ("swforce-store", &["swforce-domain"]),
    ("swforce-store-sqlite", &["swforce-domain", "swforce-store"]),
    (
        "swforce-store-postgres",
        &["swforce-domain", "swforce-store"],
    ),
    (
        "swforce-app",
        &[
            "swforce-domain",
            "swforce-stats",
            "swforce-engine",
            "swforce-import",
            "swforce-store",
        ],
    ),
    (
        "swforce-web",
        &[
            "swforce-domain",
            "swforce-stats",
            "swforce-engine",
            "swforce-import",
            "swforce-store",
            "swforce-app",
        ],
    ),
    (
        "swforce",
        &[
            "swforce-domain",
            "swforce-stats",
            "swforce-engine",
            "swforce-import",
            "swforce-store",
            "swforce-store-sqlite",
            "swforce-store-postgres",
            "swforce-app",
            "swforce-web",
        ],
    ),
];

/// Crates that must stay pure: no IO frameworks.
const PURE: &[&str] = &[
    "swforce-domain",
    "swforce-stats",
    "swforce-engine",
    "swforce-import",
];
const IO_CRATES: &[&str] = &[
    "tokio",
    "axum",
    "rusqlite",
    "postgres",
    "sqlx",
    "jiff",
    "tracing-subscriber",
];

/// Pure crates that use an IO-capable crate only for its pure parts, each checked below.
/// The calendar reader converts Europe/London times with jiff's bundled time zone database;
/// it never reads the clock or the system's zone files.
const PURE_USES: &[(&str, &str)] = &[("swforce-import", "jiff")];

/// Every file of the calendar reader, listed by hand: a new file must be added here to be checked.
const CALENDAR_FILES: &[(&str, &str)] = &[
    (
        "calendar/mod.rs",
        include_str!("../../../swforce-import/src/calendar/mod.rs"),
    ),
    (
        "calendar/content.rs",
        include_str!("../../../swforce-import/src/calendar/content.rs"),
    ),
    (
        "calendar/event.rs",
        include_str!("../../../swforce-import/src/calendar/event.rs"),
    ),
    (
        "calendar/fixtures.rs",
        include_str!("../../../swforce-import/src/calendar/fixtures.rs"),
    ),
    (
        "calendar/recur.rs",
        include_str!("../../../swforce-import/src/calendar/recur.rs"),
    ),
    (
        "calendar/time.rs",
        include_str!("../../../swforce-import/src/calendar/time.rs"),
    ),
    (
        "calendar/zone.rs",
        include_str!("../../../swforce-import/src/calendar/zone.rs"),
    ),
];

#[test]
fn the_calendar_reader_uses_jiff_without_the_clock_or_the_systems_zone_files() {
    let mut bundled = false;
    for (name, src) in CALENDAR_FILES {
        // Only the code before the first test-only item: tests may time themselves.
        let code = src.split("#[cfg(test)]").next().unwrap_or(src);
        for banned in [
            "Timestamp::now",
            "Zoned::now",
            "TimeZone::system",
            "tz::db()",
            "TimeZoneDatabase::from_dir",
            "std::time",
            "std::fs",
        ] {
            assert!(!code.contains(banned), "{name} uses {banned}");
        }
        bundled |= code.contains("TimeZoneDatabase::bundled()");
    }
    assert!(bundled, "no calendar file uses TimeZoneDatabase::bundled()");
}

#[test]
fn workspace_dependencies_point_one_way() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in meta["packages"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap().to_string();
        let normal: BTreeSet<String> = p["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"].is_null())
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect();
        deps.insert(name, normal);
    }
    for (name, used) in &deps {
        let allowed = ALLOWED
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} is not in the architecture table"))
            .1;
        for d in used.iter().filter(|d| d.starts_with("swforce")) {
            assert!(
                allowed.contains(&d.as_str()),
                "{name} must not depend on {d}"
            );
        }
        if PURE.contains(&name.as_str()) {
            for d in used {
                if PURE_USES.contains(&(name.as_str(), d.as_str())) {
                    continue;
                }
                assert!(
                    !IO_CRATES.contains(&d.as_str()),
                    "{name} must stay pure but uses {d}"
                );
            }
        }
    }
}

/// The workspace's `crates/` folder.
fn crates_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the binary's crate sits in crates/")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, recursively, in order.
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The style guide's file-size rule: a source file's code (before its first test-only item)
/// stays within 800 lines, unless its opening comment says why it is longer.
#[test]
fn no_source_file_passes_800_lines_without_saying_why() {
    let mut long = Vec::new();
    for krate in std::fs::read_dir(crates_dir()).expect("crates/ is readable") {
        let src = krate.expect("a directory entry").path().join("src");
        if !src.is_dir() {
            continue;
        }
        for file in rust_files(&src) {
            let text = std::fs::read_to_string(&file).expect("source files are UTF-8");
            let code = text.split("\n#[cfg(test)]").next().unwrap_or(&text);
            let lines = code.lines().count();
            let header: String = text
                .lines()
                .take_while(|l| l.starts_with("//!"))
                .collect::<Vec<_>>()
                .join(" ");
            if lines > 800 && !header.contains("longer than") {
                long.push(format!("{} ({lines} lines)", file.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these by noun, or say at the top why they are longer than 800 lines: {long:#?}"
    );
}

/// Each part of the store is a trait in swforce-store's own file, implemented by each backend
/// in a file of the same name and checked by a conformance module of the same name: a new
/// part adds a trait, two files and one module, and grows no file the others share.
#[test]
fn each_part_of_the_store_has_its_own_file_in_each_backend_and_in_the_conformance_suite() {
    let dir = crates_dir();
    let store = dir.join("swforce-store/src");
    let mut parts = Vec::new();
    for file in rust_files(&store) {
        let text = std::fs::read_to_string(&file).expect("source files are UTF-8");
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("pub trait ") {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
                if name.ends_with("Store") && name != "Store" {
                    let noun = file.file_stem().unwrap().to_string_lossy().to_string();
                    parts.push((name, noun));
                }
            }
        }
    }
    assert_eq!(parts.len(), 8, "{parts:?}");
    let lib = std::fs::read_to_string(store.join("lib.rs")).unwrap();
    // The parts named in `pub trait Store: ... {`.
    let sum = lib
        .split("pub trait Store:")
        .nth(1)
        .and_then(|rest| rest.split('{').next())
        .expect("lib.rs declares the Store trait");
    for (name, noun) in &parts {
        assert!(
            sum.split('+').any(|p| p.trim() == name),
            "Store is not the sum of its parts: {name} is missing"
        );
        for (backend, ty) in [("sqlite", "SqliteStore"), ("postgres", "PostgresStore")] {
            let path = dir.join(format!("swforce-store-{backend}/src/{noun}.rs"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                text.contains(&format!("impl {name} for {ty}")),
                "{} does not implement {name}",
                path.display()
            );
        }
        let module = store.join(format!("conformance/{noun}.rs"));
        assert!(
            module.is_file(),
            "no conformance module {}",
            module.display()
        );
    }
}

/// Shells stay thin: the web crate and the subcommands reach the store only through the
/// application's use cases, never by asking the app for its store handle.
#[test]
fn the_shells_reach_the_store_only_through_the_app() {
    let dir = crates_dir();
    let mut found = Vec::new();
    for root in ["swforce-web/src", "swforce/src"] {
        for file in rust_files(&dir.join(root)) {
            let text = std::fs::read_to_string(&file).expect("source files are UTF-8");
            for (i, line) in text.lines().enumerate() {
                if line.contains(".store()") {
                    found.push(format!("{}:{}", file.display(), i + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "call a swforce-app use case instead: {found:#?}"
    );
}
