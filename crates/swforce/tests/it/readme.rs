//! Every `swforce` command the README shows runs as written, in order, from the repository's
//! folder on a fresh data folder, and succeeds. The few that cannot run here are listed in
//! [`NOT_HERE`] with the reason; `serve` is started, seen serving and stopped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Commands shown in the README that this test does not run, and why.
const NOT_HERE: &[(&str, &str)] = &[(
    "swforce serve --database-url postgres://user@db.example/swforce",
    "needs the reader's own PostgreSQL server (servers.rs runs serve on PostgreSQL)",
)];

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The command lines of the README's `sh` blocks that run swforce.
fn readme_commands() -> Vec<String> {
    let text = std::fs::read_to_string(repository().join("README.md")).unwrap();
    let mut inside = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            inside = line == "```sh";
            continue;
        }
        if inside && line.starts_with("swforce ") {
            lines.push(line.to_string());
        }
    }
    lines
}

/// A bash running `line` in `dir`, with `swforce` the binary under test and no SWFORCE_*
/// settings from outside.
#[allow(clippy::disallowed_methods)] // the test's own PATH, to put the binary first
fn shell(dir: &Path, line: &str) -> Command {
    let bin = Path::new(env!("CARGO_BIN_EXE_swforce")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("SWFORCE_") {
            cmd.env_remove(k);
        }
    }
    cmd.args(["-c", line])
        .current_dir(dir)
        .env("PATH", path)
        .env("SWFORCE_LOG", "warn");
    cmd
}

/// `serve` runs until stopped: it is started, must say it serves, and is stopped. Its port is
/// the system's choice here, so that the test never collides with another server.
fn start_and_stop(dir: &Path, line: &str) {
    let line = line.replace("127.0.0.1:8080", "127.0.0.1:0");
    let mut child = shell(dir, &format!("exec {line}"))
        .env("SWFORCE_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = String::new();
    for l in BufReader::new(child.stderr.take().unwrap()).lines() {
        let l = l.unwrap();
        log.push_str(&l);
        log.push('\n');
        if l.contains("serving on") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(log.contains("serving on"), "`{line}` did not serve:\n{log}");
}

#[test]
fn every_command_in_the_readme_runs_as_written_on_a_fresh_data_folder() {
    let lines = readme_commands();
    assert!(
        lines.len() >= 20,
        "the README's commands are found: {lines:?}"
    );
    for (allowed, _) in NOT_HERE {
        assert!(
            lines.iter().any(|l| l.starts_with(allowed)),
            "{allowed} is no longer in the README: take it off the list"
        );
    }
    // The repository's files the commands name, beside a fresh data folder.
    let dir = tempfile::tempdir().unwrap();
    for part in ["crates", "docs"] {
        std::os::unix::fs::symlink(repository().join(part), dir.path().join(part)).unwrap();
    }
    for line in &lines {
        if NOT_HERE
            .iter()
            .any(|(allowed, _)| line.starts_with(allowed))
        {
            continue;
        }
        if line.starts_with("swforce serve") {
            start_and_stop(dir.path(), line);
            continue;
        }
        let out = shell(dir.path(), line).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "`{line}` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(dir.path().join("swforce-data").is_dir());
}
