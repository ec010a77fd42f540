//! `swforce config`: the effective settings and their sources.

use crate::config::{GlobalArgs, source};
use clap::ArgMatches;

#[allow(clippy::print_stdout)]
pub fn run(global: &GlobalArgs, matches: &ArgMatches) {
    println!(
        "data-dir  {}  ({})",
        global.data_dir.display(),
        source(matches, "data_dir")
    );
    match &global.database_url {
        Some(url) => println!(
            "database  PostgreSQL {}  ({})",
            crate::mail::redact(url),
            source(matches, "database_url")
        ),
        None => println!(
            "database  SQLite {}",
            global
                .data_dir
                .join(swforce_store_sqlite::FILE_NAME)
                .display()
        ),
    }
    println!("log       {}  ({})", global.log, source(matches, "log"));
    println!("addr      {}  ({})", global.addr, source(matches, "addr"));
    println!(
        "read-only {}  ({})",
        global.read_only,
        source(matches, "read_only")
    );
    println!(
        "no-demo   {}  ({})",
        global.no_demo,
        source(matches, "no_demo")
    );
    println!(
        "public-url {}  ({})",
        global.public_url(),
        source(matches, "public_url")
    );
    println!(
        "email     {}",
        match &global.smtp_url {
            Some(url) => format!("SMTP {}", crate::mail::redact(url)),
            None => format!("outbox folder {}", global.data_dir.join("outbox").display()),
        }
    );
    println!(
        "insecure single sign-on for testing {}  ({})",
        global.allow_insecure_sso_for_testing,
        source(matches, "allow_insecure_sso_for_testing")
    );
    for var in crate::config::unknown_variables() {
        println!("warning: {var} matches no setting");
    }
}
