//! `swforce diary`: make synthetic diaries for demo and load, and print a group's 80:20
//! balance exactly as the web pages add it up.

use crate::Failure;
use crate::commands::fail;
use crate::config::StoreArgs;
use swforce_app::agency::today;
use swforce_app::diary::{GenerateSpec, Group, NOT_ENOUGH_RESPONSES, period, summary_json};
use swforce_app::{App, AppError};
use swforce_domain::diary::{Week, hours_text, percent};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Invent people with realistic weekly diaries in an organisation (seeded: the same seed
    /// gives the same diaries). For demonstrations and load tests.
    Generate(GenerateArgs),
    /// Print the balance of an organisation or one of its teams over a period.
    Summary(SummaryArgs),
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The organisation: its authority code (E10000016), name, email domain or id.
    #[arg(long)]
    org: String,
    /// How many people to invent.
    #[arg(long, default_value_t = 100)]
    people: u32,
    /// How many weeks each, ending with the end week.
    #[arg(long, default_value_t = 13)]
    weeks: u32,
    /// The last week to generate (any day in it), YYYY-MM-DD; last week when left out. The same
    /// seed and end week give the same diaries on any day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = week)]
    end_week: Option<Week>,
    /// The random seed: the same seed gives the same people and weeks.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// People per team; teams are made as needed.
    #[arg(long, default_value_t = 8)]
    team_size: u32,
    /// Also add the organisation's sums to its region's and England's.
    #[arg(long)]
    opt_in: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct SummaryArgs {
    /// The organisation: its authority code, name, email domain or id.
    #[arg(long)]
    org: String,
    /// A team of the organisation, by name; the whole organisation when left out.
    #[arg(long)]
    team: Option<String>,
    /// The first week (any day in it), YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// The last week (any day in it), YYYY-MM-DD.
    #[arg(long)]
    to: String,
    /// How to write the balance: a table to read, or JSON.
    #[arg(long, short, value_enum, default_value = "table")]
    format: Format,
    #[command(flatten)]
    pub store: StoreArgs,
}

impl Command {
    /// Where the command's data is.
    pub fn store_args(&self) -> &StoreArgs {
        match self {
            Command::Generate(a) => &a.store,
            Command::Summary(a) => &a.store,
        }
    }
}

pub fn run(app: &App, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Generate(a) => generate(app, a),
        Command::Summary(a) => summary(app, a),
    }
}

/// A week named by any day in it, as the argument parser reads it (a bad one is bad usage).
fn week(text: &str) -> Result<Week, String> {
    Week::parse(text)
        .map_err(|_| "not a date; give one as YYYY-MM-DD, for example 2025-03-31".to_string())
}

fn generate(app: &App, a: &GenerateArgs) -> Result<(), Failure> {
    let spec = GenerateSpec {
        people: a.people,
        weeks: a.weeks,
        end_week: a.end_week,
        seed: a.seed,
        team_size: a.team_size,
    };
    // Checked before an organisation is made for the invented people.
    spec.check(today()).map_err(fail)?;
    let (org, _) = org_for_invented_people(app, &a.org)?;
    let started = std::time::Instant::now();
    let made = app.generate_diaries(&org, spec, today()).map_err(fail)?;
    if a.opt_in {
        app.opt_in_from_command_line(&org).map_err(fail)?;
    } else if made.taken_out {
        eprintln!(
            "note: {} now holds invented diaries, so it was taken out of its region's and England's figures; --opt-in adds it back",
            org.name
        );
    }
    app.publish_diaries(today()).map_err(fail)?;
    println!(
        "{}: {} synthetic people in {} teams, {} weekly diaries from {} to {} ({:.1} s)",
        org.name,
        made.people,
        made.teams,
        made.diaries,
        made.from.monday(),
        made.to.sunday(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The organisation named by `key`, or, for a published authority with no organisation yet, a
/// council made for invented people (diaries or health check responses); and whether it was
/// made now.
pub(crate) fn org_for_invented_people(
    app: &App,
    key: &str,
) -> Result<(swforce_store::Organisation, bool), Failure> {
    match app.organisation_named(key) {
        Ok(org) => Ok((org, false)),
        // A published authority with no organisation yet: the council is made for it.
        Err(swforce_app::AppError::NotFound { .. }) => {
            if app.load_demo_if_empty().map_err(fail)? {
                println!(
                    "loaded the published statistics shipped with swforce, to find the authority"
                );
            }
            let Some(name) = app.authority_name(key) else {
                return Err(fail(app.organisation_named(key).unwrap_err()));
            };
            let org = app
                .create_organisation(
                    &app.operator(),
                    &name,
                    "local_authority",
                    key,
                    "",
                    &swforce_app::access::Origin::default(),
                )
                .map_err(fail)?;
            println!(
                "made the council {} ({}) as an organisation for the invented people",
                org.name,
                org.la_code.as_deref().unwrap_or_default()
            );
            Ok((org, true))
        }
        Err(e) => Err(fail(e)),
    }
}

fn summary(app: &App, a: &SummaryArgs) -> Result<(), Failure> {
    let org = app.organisation_named(&a.org).map_err(fail)?;
    let (from, to) = period(Some(&a.from), Some(&a.to), today()).map_err(fail)?;
    let group = match &a.team {
        None => Group::Organisation,
        Some(name) => Group::Team(app.team_named(&org, name).map_err(fail)?.id),
    };
    // What is due is published first, as the server would have done.
    app.publish_diaries(today()).map_err(fail)?;
    let g = app.org_time_of(&org, &group, from, to).map_err(fail)?;
    match a.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&summary_json(&g))
                .map_err(|e| fail(AppError::Unavailable(e.to_string())))?;
            println!("{text}");
        }
        Format::Table => {
            println!("{}, {} to {}", g.name, g.from.monday(), g.to.sunday());
            if !g.shown {
                println!("{NOT_ENOUGH_RESPONSES}");
                return Ok(());
            }
            println!(
                "{} people, {} weekly diaries; direct, relationship-based work: {}",
                g.contributors,
                g.diaries,
                g.relationship_share.map_or_else(|| "-".into(), percent)
            );
            let width = g
                .lines
                .iter()
                .map(|l| l.label.chars().count())
                .max()
                .unwrap_or(8)
                .max(8);
            println!(
                "{:<width$}  {:>6}  {:>10}  {:>12}  {:>6}",
                "category", "direct", "hours", "hours/person", "share"
            );
            for l in &g.lines {
                println!(
                    "{:<width$}  {:>6}  {:>10}  {:>12.1}  {:>6}",
                    l.label,
                    if l.relationship_based { "yes" } else { "no" },
                    hours_text(l.minutes),
                    l.hours_per_week,
                    percent(l.share)
                );
            }
        }
    }
    Ok(())
}
