//! `swforce config`: the effective settings and their sources.

use crate::config::{ServeArgs, source};
use clap::ArgMatches;

#[allow(clippy::print_stdout)]
pub fn run(global: &ServeArgs, log: &str, matches: &ArgMatches) {
    println!(
        "data-dir  {}  ({})",
        global.store.data_dir.display(),
        source(matches, "data_dir")
    );
    match &global.store.database_url {
        Some(url) => println!(
            "database  PostgreSQL {}  ({})",
            crate::mail::redact(url),
            source(matches, "database_url")
        ),
        None => println!(
            "database  SQLite {}",
            global
                .store
                .data_dir
                .join(swforce_store_sqlite::FILE_NAME)
                .display()
        ),
    }
    println!("log       {log}  ({})", source(matches, "log"));
    println!(
        "addr      {}  ({})",
        global.mail.addr(),
        source(matches, "addr")
    );
    println!(
        "read-only {}  ({})",
        global.read_only,
        source(matches, "read_only")
    );
    println!(
        "metrics   {}  ({})",
        global
            .metrics_addr
            .map_or_else(|| "off".to_string(), |a| format!("http://{a}/metrics")),
        source(matches, "metrics_addr")
    );
    println!(
        "no-demo   {}  ({})",
        global.no_demo,
        source(matches, "no_demo")
    );
    println!(
        "public-url {}  ({})",
        global.mail.public_url(),
        source(matches, "public_url")
    );
    println!(
        "email     {}",
        match &global.mail.smtp_url {
            Some(url) => format!("SMTP {}", crate::mail::redact(url)),
            None => format!(
                "outbox folder {}",
                global.store.data_dir.join("outbox").display()
            ),
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
