//! `swforce admin create`, `swforce migrate` and `swforce backup`: what the person running the
//! server does from its command line. Anyone who can run these can read the data folder, so
//! they are not checked against roles.

use crate::Failure;
use crate::commands::{fail, report_error};
use crate::config::{LinkArgs, MailArgs, StoreArgs};
use clap::{Args, Subcommand};
use std::io::BufRead;
use std::path::PathBuf;
use swforce_app::App;
use swforce_app::access::{INVITATION_DAYS, Origin};
use swforce_store::UserStatus;
use swforce_store_sqlite::SqliteStore;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a site admin (the first one, or another), and print the link that sets their
    /// password. Site admins add organisations and invite people from the web.
    Create(CreateArgs),
    /// Organisations: make one, or list them.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Invite someone to an organisation: makes their account and prints (and emails) the link
    /// that sets their password.
    Invite(InviteArgs),
    /// People: list an organisation's, or lock someone out.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Make an organisation, on the audit log as the command line.
    Create(OrgCreateArgs),
    /// List the organisations, with their kind, authority and number of people.
    List(OrgListArgs),
}

#[derive(Debug, Args)]
pub struct OrgListArgs {
    #[command(flatten)]
    pub store: StoreArgs,
}

impl Command {
    /// Where the command's data is.
    pub fn store_args(&self) -> &StoreArgs {
        match self {
            Command::Create(a) => &a.store,
            Command::Org(OrgCommand::Create(a)) => &a.store,
            Command::Org(OrgCommand::List(a)) => &a.store,
            Command::Invite(a) => &a.store,
            Command::User(UserCommand::List(a)) => &a.store,
            Command::User(UserCommand::Disable(a)) => &a.store,
        }
    }

    /// The address and email settings, for the commands that print links or send email.
    pub fn mail(&self) -> Option<&MailArgs> {
        match self {
            Command::Invite(a) => Some(&a.mail),
            _ => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct OrgCreateArgs {
    /// Its kind: council (a local authority), childrens_trust, regional_alliance, employer,
    /// agency, national_body or campaign.
    #[arg(long = "type", value_name = "KIND")]
    pub kind: String,
    /// For a council or children's trust, the authority whose census it returns; for a regional
    /// alliance, its region: a code (E10000016, E12000008) or a name.
    #[arg(long, default_value = "")]
    pub la: String,
    /// Its name; for a council, the authority's published name when left out.
    #[arg(long)]
    pub name: Option<String>,
    /// The email domain of its people (for single sign-on), such as kent.gov.uk.
    #[arg(long, default_value = "")]
    pub domain: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// The organisation: its authority code, name, email domain or id.
    #[arg(long)]
    pub org: String,
    /// Their email address.
    #[arg(long)]
    pub email: String,
    /// Their full name.
    #[arg(long)]
    pub name: String,
    /// A role to give (repeat for several): social_worker, team_manager, workforce_analyst,
    /// principal_social_worker, org_admin, moderator, national_analyst, site_admin
    #[arg(long = "role", value_name = "ROLE", required = true)]
    pub roles: Vec<String>,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub mail: MailArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List an organisation's people, with their roles and whether they can sign in.
    List(UserListArgs),
    /// Lock someone out: they can no longer sign in, and their sessions end.
    Disable(UserDisableArgs),
}

#[derive(Debug, Args)]
pub struct UserListArgs {
    /// The organisation: its authority code, name, email domain or id.
    #[arg(long)]
    pub org: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct UserDisableArgs {
    /// Their email address.
    #[arg(long)]
    pub email: String,
    #[command(flatten)]
    pub store: StoreArgs,
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
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub link: LinkArgs,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (it must not exist).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(app: &App, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Create(a) => create(app, a),
        Command::Org(OrgCommand::Create(a)) => org_create(app, a),
        Command::Org(OrgCommand::List(_)) => org_list(app),
        Command::Invite(a) => invite(app, a),
        Command::User(UserCommand::List(a)) => user_list(app, a),
        Command::User(UserCommand::Disable(a)) => user_disable(app, a),
    }
}

/// What the command line does is on the audit log as such, with no address.
fn here() -> Origin {
    Origin::default()
}

#[allow(clippy::print_stdout)]
fn org_create(app: &App, a: &OrgCreateArgs) -> Result<(), Failure> {
    // Authorities and regions are found in the published statistics: on a fresh data folder,
    // those shipped with swforce are loaded first, as `swforce serve` does on its first start.
    if app.load_demo_if_empty().map_err(fail)? {
        println!(
            "loaded the published statistics shipped with swforce, to find authorities and regions"
        );
    }
    let kind = match a.kind.trim() {
        "council" | "local_authority" => "local_authority",
        other => other,
    };
    let name = match &a.name {
        Some(n) => n.clone(),
        None if a.la.trim().is_empty() => {
            eprintln!(
                "error: give the authority with --la (for a council or children's trust) or the region (for a regional alliance), or the organisation's name with --name"
            );
            return Err(Failure::Refused);
        }
        None => app.authority_name(&a.la).ok_or_else(|| {
            eprintln!(
                "error: give the organisation's name with --name\n  fix: --name is needed unless --la names a published authority"
            );
            Failure::Refused
        })?,
    };
    let org = app
        .create_organisation(&app.operator(), &name, kind, &a.la, &a.domain, &here())
        .map_err(fail)?;
    println!(
        "made {} ({}{})",
        org.name,
        org.kind.id(),
        org.la_code
            .as_deref()
            .map(|c| format!(", {c}"))
            .unwrap_or_default()
    );
    Ok(())
}

#[allow(clippy::print_stdout)]
fn org_list(app: &App) -> Result<(), Failure> {
    for o in app.organisations_for(&app.operator()).map_err(fail)? {
        println!(
            "{}\t{}\t{}\t{} {}{}",
            o.org.name,
            o.org.kind.id(),
            o.org.la_code.as_deref().unwrap_or("-"),
            o.people,
            if o.people == 1 { "person" } else { "people" },
            if o.org.synthetic { "\tsynthetic" } else { "" }
        );
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn invite(app: &App, a: &InviteArgs) -> Result<(), Failure> {
    let org = app.organisation_named(&a.org).map_err(fail)?;
    let (user, link) = app
        .invite(
            &app.operator(),
            org.id,
            &a.email,
            &a.name,
            &a.roles,
            None,
            &a.mail.link.link_base(&a.store),
            &here(),
        )
        .map_err(fail)?;
    println!("invited {} to {}", user.email, org.name);
    println!(
        "To set their password and sign in, they open this link within {INVITATION_DAYS} days (it works once):"
    );
    println!("  {link}");
    Ok(())
}

#[allow(clippy::print_stdout)]
fn user_list(app: &App, a: &UserListArgs) -> Result<(), Failure> {
    let org = app.organisation_named(&a.org).map_err(fail)?;
    for u in app.people(&app.operator(), org.id).map_err(fail)? {
        let roles: Vec<&str> = u.roles.iter().map(|r| r.id()).collect();
        println!(
            "{}\t{}\t{}\t{}",
            u.email,
            u.name,
            roles.join(","),
            match u.status {
                UserStatus::Active => "active",
                UserStatus::Locked => "locked",
            }
        );
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn user_disable(app: &App, a: &UserDisableArgs) -> Result<(), Failure> {
    let op = app.operator();
    let user = app.user_by_email_for(&op, &a.email).map_err(fail)?;
    let roles: Vec<String> = user.roles.iter().map(|r| r.id().to_string()).collect();
    app.update_person(&op, user.id, &roles, user.team_id, true, &here())
        .map_err(fail)?;
    println!("{} can no longer sign in", user.email);
    Ok(())
}

#[allow(clippy::print_stdout)]
fn create(app: &App, a: &CreateArgs) -> Result<(), Failure> {
    let base = a.link.link_base(&a.store);
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
        app.set_password_from_command_line(&secret, password)
            .map_err(fail)?;
        println!(
            "{} is a site admin of {} and can sign in at {}/sign-in",
            user.email, a.organisation, base
        );
    } else {
        println!("{} is a site admin of {}.", user.email, a.organisation);
        println!(
            "To set the password and sign in, open this link within {INVITATION_DAYS} days (it works once):"
        );
        println!("  {base}/invitations/{secret}");
    }
    Ok(())
}

/// Opening the store applies any migration; this says where the schema now stands.
#[allow(clippy::print_stdout)]
pub fn migrate(store: &StoreArgs) -> Result<(), Failure> {
    let store = crate::open_store(store)?;
    let version = store.schema_version().map_err(|e| {
        report_error(&anyhow::Error::new(e).context("reading the schema version"));
        Failure::Refused
    })?;
    println!("the database schema is up to date (version {version})");
    Ok(())
}

#[allow(clippy::print_stdout)]
pub fn backup(args: &BackupArgs) -> Result<(), Failure> {
    let global = &args.store;
    if let Some(url) = &global.database_url {
        report_error(&anyhow::anyhow!(
            "swforce backup copies the SQLite database; back up PostgreSQL ({}) with its own tool, which takes a consistent copy while it is in use: pg_dump --format=custom --file {} \"$SWFORCE_DATABASE_URL\"",
            crate::mail::redact(url),
            args.out.display()
        ));
        return Err(Failure::Refused);
    }
    // A wrong data folder is an error, never an empty new database backed up.
    let file = global.data_dir.join(swforce_store_sqlite::FILE_NAME);
    if !file.exists() {
        report_error(&anyhow::anyhow!(
            "{} holds no swforce database ({} is not there): nothing was backed up; give the data folder the server uses with --data-dir (or SWFORCE_DATA_DIR)",
            global.data_dir.display(),
            file.display()
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
    let p = store.path().display();
    println!(
        "to restore: stop swforce, delete {p}-wal and {p}-shm if they are there (after a crash they hold changes that belong to the old file), then copy the backup to {p}"
    );
    Ok(())
}
