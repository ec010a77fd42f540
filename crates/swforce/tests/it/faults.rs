//! Contention and faults from the command line: commands that write at once on one SQLite
//! data folder take turns; one that waits longer than allowed is refused as busy, in words,
//! with nothing changed.

use crate::{published, stderr, swforce};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `n` releases of the headline file not yet on record: the same figures, rows in another order.
fn releases(dir: &Path, n: usize) -> Vec<PathBuf> {
    let text =
        std::fs::read_to_string(published("csww_headline_measures_2017_to_2022.csv")).unwrap();
    let mut lines = text.lines();
    let head = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    (1..=n)
        .map(|i| {
            let k = (i * 37) % rows.len();
            let mut out = format!("{head}\n");
            for row in rows[k..].iter().chain(&rows[..k]) {
                out.push_str(row);
                out.push('\n');
            }
            let path = dir.join(format!("release_{i}.csv"));
            std::fs::write(&path, out).unwrap();
            path
        })
        .collect()
}

#[test]
fn ten_imports_started_together_on_sqlite_all_succeed_in_turn() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The database exists before the ten start, as on a running service.
    assert_eq!(swforce(&data, &["migrate"]).status.code(), Some(0));
    let children: Vec<_> = releases(dir.path(), 10)
        .iter()
        .map(|file| {
            Command::new(env!("CARGO_BIN_EXE_swforce"))
                .env("SWFORCE_DATA_DIR", &data)
                .env("SWFORCE_LOG", "warn")
                .arg("import")
                .arg(file)
                .output_async()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(!err.contains("database is locked"), "{err}");
    }
    let store = swforce_store_sqlite::SqliteStore::open_in_dir(&data).unwrap();
    use swforce_store::prelude::*;
    assert_eq!(store.imports().unwrap().len(), 10);
}

#[test]
fn a_write_that_waits_longer_than_allowed_is_refused_as_busy_with_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_eq!(swforce(&data, &["migrate"]).status.code(), Some(0));
    let other = rusqlite::Connection::open(data.join(swforce_store_sqlite::FILE_NAME)).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let file = &releases(dir.path(), 1)[0];
    let out = swforce(
        &data,
        &[
            "import",
            "--database-wait-timeout",
            "1",
            file.to_str().unwrap(),
        ],
    );
    other.execute_batch("ROLLBACK").unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("busy with another change"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(!err.contains("database is locked"), "{err}");
    let store = swforce_store_sqlite::SqliteStore::open_in_dir(&data).unwrap();
    use swforce_store::prelude::*;
    assert!(store.imports().unwrap().is_empty());
}

trait Spawned {
    fn output_async(&mut self) -> std::process::Child;
}

impl Spawned for Command {
    fn output_async(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}

#[test]
fn backup_refuses_a_folder_with_no_database_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("not-the-data-folder");
    let out = dir.path().join("backup.sqlite3");
    let refused = swforce(&wrong, &["backup", "--out", out.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("holds no swforce database"),
        "{}",
        stderr(&refused)
    );
    assert!(!out.exists() && !wrong.exists(), "nothing made");
    // Into a folder that is not there: refused, and nothing partial left behind.
    let data = dir.path().join("data");
    assert_eq!(swforce(&data, &["migrate"]).status.code(), Some(0));
    let nowhere = dir.path().join("missing").join("backup.sqlite3");
    let failed = swforce(&data, &["backup", "--out", nowhere.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        stderr(&failed).contains("missing does not exist")
            && !stderr(&failed).contains("data folder"),
        "{}",
        stderr(&failed)
    );
    let made = swforce(&data, &["backup", "--out", out.to_str().unwrap()]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    rusqlite::Connection::open(&out)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .map(|ok| assert_eq!(ok, "ok"))
        .unwrap();
}

/// Every input on the command line has a bound, as on the web: a file with no end, a NUL byte,
/// an enormous header line, a scenario that is too big or names itself at length, a team of
/// nobody; each is refused in words, quickly, and an empty scenario says it is the baseline.
#[test]
fn inputs_on_the_command_line_are_bounded_and_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let started = std::time::Instant::now();
    let endless = swforce(&data, &["import", "/dev/zero"]);
    assert_eq!(endless.status.code(), Some(1));
    assert!(
        stderr(&endless).contains("NUL byte"),
        "{}",
        stderr(&endless)
    );
    let nul = dir.path().join("nul.csv");
    std::fs::write(&nul, b"time_period,geographic_level\n2022,Nat\0ional\n").unwrap();
    let out = swforce(&data, &["import", nul.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("NUL byte (byte"), "{}", stderr(&out));
    let wide = dir.path().join("wide.csv");
    std::fs::write(&wide, format!("{}\n", "x".repeat(5_000_000))).unwrap();
    let out = swforce(&data, &["import", wide.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.len() < 20_000,
        "the bad line is not echoed whole: {} bytes",
        out.stderr.len()
    );
    let big = dir.path().join("big.toml");
    std::fs::write(&big, format!("name = \"{}\"\n", "n".repeat(2_000_000))).unwrap();
    let out = swforce(&data, &["project", "--scenario", big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("larger than"), "{}", stderr(&out));
    assert_eq!(swforce(&data, &["demo"]).status.code(), Some(0));
    let long = dir.path().join("long.toml");
    std::fs::write(&long, format!("name = \"{}\"\n", "n".repeat(5_000))).unwrap();
    let out = swforce(&data, &["project", "--scenario", long.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("name: is 5000 characters long"),
        "{}",
        stderr(&out)
    );
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let out = swforce(&data, &["project", "--scenario", empty.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("the baseline only"),
        "{}",
        stderr(&out)
    );
    let out = swforce(
        &data,
        &[
            "diary",
            "generate",
            "--org",
            "E06000058",
            "--team-size",
            "0",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--team-size is 0"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

/// Making an organisation while another process writes is refused as busy too, in words
/// (found from outside: it said "database is locked").
#[test]
fn admin_changes_that_wait_too_long_are_refused_as_busy_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_eq!(swforce(&data, &["demo"]).status.code(), Some(0));
    let other = rusqlite::Connection::open(data.join(swforce_store_sqlite::FILE_NAME)).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = swforce(
        &data,
        &[
            "admin",
            "org",
            "create",
            "--type",
            "council",
            "--la",
            "E06000058",
            "--database-wait-timeout",
            "1",
        ],
    );
    other.execute_batch("ROLLBACK").unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("busy with another change"), "{err}");
    assert!(!err.contains("database is locked"), "{err}");
}

/// A small disk of its own (tmpfs), unmounted when dropped. Mounting needs root, which the
/// test machine and CI have; elsewhere the disk-full tests say so and pass only outside CI.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn new(kb: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kb}k"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        #[allow(clippy::disallowed_methods, reason = "CI says so in its environment")]
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            mounted || !in_ci,
            "CI mounts a small disk for the disk-full tests"
        );
        if !mounted {
            eprintln!("skipped: mounting a small disk needs root");
        }
        mounted.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills what is left of the disk.
    fn fill(&self) {
        let mut f = std::fs::File::create(self.path().join("filler")).unwrap();
        let block = vec![0u8; 4096];
        while std::io::Write::write_all(&mut f, &block).is_ok() {}
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_backup_onto_a_full_disk_says_so_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = published("csww_headline_measures_2017_to_2022.csv");
    let imported = swforce(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    let Some(disk) = SmallDisk::new(128) else {
        return;
    };
    let out = disk.path().join("backup.sqlite3");
    let failed = swforce(&data, &["backup", "--out", out.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    let said = stderr(&failed);
    assert!(
        said.contains("is full") && said.contains(&disk.path().display().to_string()),
        "{said}"
    );
    assert!(
        !said.contains("data folder"),
        "the data folder is not to blame: {said}"
    );
    let left: Vec<_> = std::fs::read_dir(disk.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_full_data_disk_refuses_a_change_in_words_with_nothing_changed() {
    let Some(disk) = SmallDisk::new(4096) else {
        return;
    };
    let data = disk.path().join("data");
    assert_eq!(swforce(&data, &["migrate"]).status.code(), Some(0));
    disk.fill();
    let file = published("csww_headline_measures_2017_to_2022.csv");
    let refused = swforce(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("full") && stderr(&refused).contains("nothing was changed"),
        "{}",
        stderr(&refused)
    );
    std::fs::remove_file(disk.path().join("filler")).unwrap();
    // With room again, the same import goes through: nothing half-written stood in its way.
    let imported = swforce(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
}

/// Census returns on the command line are bounded as on the web: a NUL byte, an endless value
/// and a year no return is for are refused in words, quickly, with no panic.
#[test]
fn census_returns_on_the_command_line_are_bounded_and_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let zeros = dir.path().join("zeros.xml");
    std::fs::write(&zeros, vec![0u8; 4 * 1024 * 1024]).unwrap();
    let endless = dir.path().join("endless.xml");
    std::fs::write(&endless, "a".repeat(3 * 1024 * 1024)).unwrap();
    let deep = dir.path().join("deep.xml");
    std::fs::write(&deep, format!("<Message>{}", "<a>".repeat(500_000))).unwrap();
    for (file, says) in [
        (&zeros, "NUL"),
        (&endless, "without an element"),
        (&deep, "nested more than 32 deep"),
    ] {
        for command in ["validate", "indicators"] {
            let started = std::time::Instant::now();
            let out = swforce(&data, &["census", command, file.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(1), "{command} {}", stderr(&out));
            let said = format!("{}{}", crate::stdout(&out), stderr(&out));
            // (`indicators` stops at the first error, before the depth is reached.)
            assert!(
                said.contains(says) || (command == "indicators" && file == &deep),
                "{command}: {said}"
            );
            assert!(said.len() < 4000, "{command}: {} bytes said", said.len());
            assert!(started.elapsed() < std::time::Duration::from_secs(10));
        }
    }
    // A year no return is for: a finding, not a panic; and none as an argument either.
    let generated = dir.path().join("return.xml");
    let made = swforce(
        &data,
        &[
            "census",
            "generate",
            "--workers",
            "5",
            "--out",
            generated.to_str().unwrap(),
        ],
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let text = std::fs::read_to_string(&generated).unwrap();
    assert!(text.contains("<Year>2022</Year>"));
    let odd = dir.path().join("year.xml");
    std::fs::write(&odd, text.replace("<Year>2022</Year>", "<Year>0001</Year>")).unwrap();
    let out = swforce(&data, &["census", "validate", odd.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        crate::stdout(&out).contains("the collection year is 1, which no census return is for"),
        "{}",
        crate::stdout(&out)
    );
    for year in ["0", "65535"] {
        let out = swforce(
            &data,
            &[
                "census",
                "generate",
                "--year",
                year,
                "--out",
                odd.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    }
}

/// A file of many unknown columns is one problem said briefly, not one warning per column;
/// a header wider than any file is refused.
#[test]
fn unknown_columns_are_said_briefly_and_an_endless_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let example = swforce(&data, &["agency", "example"]);
    let text = crate::stdout(&example);
    let mut lines = text.lines();
    let head = lines.next().unwrap();
    let extra: String = (0..900).map(|i| format!(",extra_{i}")).collect();
    let mut wide = format!("{head}{extra}\n");
    for line in lines {
        wide.push_str(line);
        wide.push_str(&",".repeat(900));
        wide.push('\n');
    }
    let wide_file = dir.path().join("wide.csv");
    std::fs::write(&wide_file, &wide).unwrap();
    let out = swforce(&data, &["agency", "check", wide_file.to_str().unwrap()]);
    let said = format!("{}{}", crate::stdout(&out), stderr(&out));
    assert!(
        said.contains("880 more warnings"),
        "{}",
        &said[..said.len().min(3000)]
    );
    assert!(said.len() < 60_000, "{} bytes said", said.len());
    // Statistics files too.
    let published =
        std::fs::read_to_string(published("csww_headline_measures_2017_to_2022.csv")).unwrap();
    let mut lines = published.lines();
    let head = lines.next().unwrap();
    let mut wide = format!("{head}{extra}\n");
    for line in lines.take(5) {
        wide.push_str(line);
        wide.push_str(&",1".repeat(900));
        wide.push('\n');
    }
    let wide_file = dir.path().join("wide_statistics.csv");
    std::fs::write(&wide_file, &wide).unwrap();
    let out = swforce(&data, &["import", wide_file.to_str().unwrap()]);
    let said = format!("{}{}", crate::stdout(&out), stderr(&out));
    assert!(said.len() < 60_000, "{} bytes said", said.len());
    // Wider than any file: refused in one line.
    let endless = dir.path().join("endless.csv");
    std::fs::write(&endless, format!("{}\n", "x,".repeat(200_000))).unwrap();
    for args in [&["agency", "check"][..], &["import"]] {
        let mut all = args.to_vec();
        all.push(endless.to_str().unwrap());
        let out = swforce(&data, &all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("200001 columns"), "{}", stderr(&out));
        assert!(stderr(&out).len() < 2000, "{}", stderr(&out));
    }
}
