//! The built `swforce` binary on a temporary data folder: exit codes and output.

mod admin;
mod agency;
mod architecture;
mod census;
mod cli;
mod crash;
mod diary;
mod faults;
mod healthcheck;
mod project;
mod readme;
mod servers;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `swforce` with `args` against `data_dir`, with no inherited swforce settings.
pub fn swforce(data_dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_swforce"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("SWFORCE_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("SWFORCE_DATA_DIR", data_dir)
        .args(args)
        .env("SWFORCE_LOG", "warn")
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn published(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-app/data")
        .join(name);
    assert!(
        p.exists(),
        "published file {} is missing; it ships in crates/swforce-app/data",
        p.display()
    );
    p
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-import/tests/fixtures")
        .join(name)
}
