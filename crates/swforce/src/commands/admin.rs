//! `swforce admin create`, `swforce migrate` and `swforce backup`: what the person running the
//! server does from its command line. Anyone who can run these can read the data folder, so
//! they are not checked against roles.

use crate::Failure;
use crate::commands::{fail, report_error};
use crate::config::GlobalArgs;
use clap::{Args, Subcommand};
use std::io::BufRead;
use std::path::PathBuf;
use swforce_app::App;
use swforce_app::access::{INVITATION_DAYS, Origin};
use swforce_store::TokenKind;
use swforce_store_sqlite::SqliteStore;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a site admin (the first one, or another), and print the link that sets their
    /// password. Site admins add organisations and invite people from the web.
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Their email address, which they sign in with.
    #[arg(long)]
    pub email: String,
    /// Their full name.
    #[arg(long, default_value = "")]
    pub name: String,
    /// The organisation of the people who run the service (made if it is not there).
    #[arg(long, default_value = "swforce administrators")]
    pub organisation: String,
    /// Read the password from the first line of standard input instead of printing a link
    /// (for scripts).
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (it must not exist).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[allow(clippy::print_stdout)]
pub fn run(app: &App, command: &Command, global: &GlobalArgs) -> Result<(), Failure> {
    let Command::Create(a) = command;
    let (user, secret) = app
        .create_site_admin(&a.email, &a.name, &a.organisation)
        .map_err(fail)?;
    if a.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            report_error(
                &anyhow::Error::new(e).context("reading the password from standard input"),
            );
            Failure::Refused
        })?;
        let password = line.trim_end_matches(['\r', '\n']);
        app.set_password_with(
            TokenKind::Invitation,
            &secret,
            password,
            password,
            &Origin::default(),
        )
        .map_err(fail)?;
        println!(
            "{} is a site admin of {} and can sign in at {}/sign-in",
            user.email,
            a.organisation,
            global.public_url()
        );
    } else {
        println!("{} is a site admin of {}.", user.email, a.organisation);
        println!(
            "To set the password and sign in, open this link within {INVITATION_DAYS} days (it works once):"
        );
        println!("  {}/invitations/{secret}", global.public_url());
    }
    Ok(())
}

/// Opening the store applies any migration; this says where the schema now stands.
#[allow(clippy::print_stdout)]
pub fn migrate(global: &GlobalArgs) -> Result<(), Failure> {
    let store = crate::open_store(global)?;
    let version = store.schema_version().map_err(|e| {
        report_error(&anyhow::Error::new(e).context("reading the schema version"));
        Failure::Refused
    })?;
    println!("the database schema is up to date (version {version})");
    Ok(())
}

#[allow(clippy::print_stdout)]
pub fn backup(global: &GlobalArgs, args: &BackupArgs) -> Result<(), Failure> {
    if let Some(url) = &global.database_url {
        report_error(&anyhow::anyhow!(
            "swforce backup copies the SQLite database; back up PostgreSQL ({}) with its own tool, which takes a consistent copy while it is in use: pg_dump --format=custom --file {} \"$SWFORCE_DATABASE_URL\"",
            crate::mail::redact(url),
            args.out.display()
        ));
        return Err(Failure::Refused);
    }
    let store = SqliteStore::open_in_dir(&global.data_dir).map_err(|e| {
        report_error(&anyhow::Error::new(e).context(format!(
            "opening the data folder {}",
            global.data_dir.display()
        )));
        Failure::Refused
    })?;
    store.backup(&args.out).map_err(|e| {
        report_error(
            &anyhow::Error::new(e).context(format!("writing the backup to {}", args.out.display())),
        );
        Failure::Refused
    })?;
    let bytes = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    println!(
        "backed up {} to {} ({bytes} bytes)",
        store.path().display(),
        args.out.display()
    );
    println!(
        "to restore: stop swforce, then copy the file to {}",
        store.path().display()
    );
    Ok(())
}
