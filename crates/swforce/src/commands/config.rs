//! `swforce config`: the effective settings and their sources.

use crate::config::{ServeArgs, source};
use clap::ArgMatches;

#[allow(clippy::print_stdout)]
pub fn run(global: &ServeArgs, log: (&str, &str), matches: &ArgMatches) {
    let (log, log_format) = log;
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
    println!(
        "log       {log} as {log_format}  ({}, {})",
        source(matches, "log"),
        source(matches, "log_format")
    );
    println!(
        "addr      {}  ({})",
        global.mail.link.addr(),
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
        global.mail.link.public_url(),
        source(matches, "public_url")
    );
    println!(
        "email     {}  from {}  ({})",
        match global
            .mail
            .smtp_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(url) => format!("SMTP {}", crate::mail::redact(url)),
            None => format!(
                "outbox folder {}",
                global.store.data_dir.join("outbox").display()
            ),
        },
        global.mail.mail_from,
        source(matches, "smtp_url")
    );
    println!(
        "trust-proxy {}  ({})",
        global.trust_proxy.describe(),
        source(matches, "trust_proxy")
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
