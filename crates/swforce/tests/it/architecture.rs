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
