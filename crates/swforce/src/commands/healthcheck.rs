//! `swforce healthcheck`: invent a round of responses for demonstrations and speed tests, and
//! print a round's published results exactly as the web pages add them up.

use crate::Failure;
use crate::commands::diary::org_for_invented_people;
use crate::commands::fail;
use crate::config::StoreArgs;
use swforce_app::agency::today;
use swforce_app::healthcheck::{GroupFigures, Summary};
use swforce_app::public_id::Kind;
use swforce_app::{App, AppError};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Invent a closed round of practitioners' responses in an organisation of their own
    /// (seeded: the same seed gives the same responses).
    Generate(GenerateArgs),
    /// Print a closed round's results (the latest when --round is left out).
    Summary(SummaryArgs),
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The organisation: its authority code (E06000058), name or id. A published authority
    /// with no organisation yet gets one, marked synthetic.
    #[arg(long)]
    org: String,
    /// How many people respond (1 to 50,000).
    #[arg(long, default_value_t = 200,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(swforce_app::healthcheck::MAX_PEOPLE)))]
    people: u32,
    /// The random seed: the same seed gives the same responses.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// People per team; teams are made as needed.
    #[arg(long, default_value_t = 12)]
    team_size: u32,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct SummaryArgs {
    /// The organisation: its authority code, name or id.
    #[arg(long)]
    org: String,
    /// The round: its id, as `generate` prints it and a results page's address shows it
    /// (/healthcheck/rounds/ID/results); the latest closed round when left out.
    #[arg(long)]
    round: Option<String>,
    /// A table to read, JSON, or the CSV the web page downloads.
    #[arg(long, short, value_enum, default_value = "table")]
    format: Format,
    #[command(flatten)]
    pub store: StoreArgs,
}

impl Command {
    pub fn store_args(&self) -> &StoreArgs {
        match self {
            Command::Generate(a) => &a.store,
            Command::Summary(a) => &a.store,
        }
    }
}

pub fn run(app: &App, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Generate(a) => {
            // Checked before an organisation is made for the invented people.
            swforce_app::healthcheck::check_generation(a.people, a.team_size).map_err(fail)?;
            let (org, made) = org_for_invented_people(app, &a.org)?;
            // An organisation someone made (admin org create) is real, even while empty: it is
            // never turned into one of invented people.
            if !made && !org.synthetic {
                return Err(fail(AppError::Invalid {
                    problem: format!(
                        "{} is a real organisation: invented responses are never mixed with its own",
                        org.name
                    ),
                    fix: "Generate for an authority that has no organisation yet: one is made for the invented people, marked synthetic".into(),
                }));
            }
            let started = std::time::Instant::now();
            let made = app
                .generate_health_check(&org, a.people, a.seed, a.team_size, today())
                .map_err(fail)?;
            let ids = app.ids().map_err(fail)?;
            println!(
                "{}: round {} \"{}\", {} invented responses in {}, closed and published ({:.1} s)",
                org.name,
                ids.encode(Kind::Round, made.round.id),
                made.round.title,
                made.responses,
                swforce_app::display::counted(made.teams as usize, "team", "teams"),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Summary(a) => {
            let org = app.organisation_named(&a.org).map_err(fail)?;
            let ids = app.ids().map_err(fail)?;
            let asked = a.round.as_deref().map(str::trim);
            let no_round = || {
                fail(AppError::Invalid {
                    problem: match asked {
                        Some(r) => format!("{} has no closed health check round {r:?}", org.name),
                        None => format!("{} has no closed health check round yet", org.name),
                    },
                    fix: "Leave --round out for the latest closed round, or give the id in a results page's address (/healthcheck/rounds/ID/results)".into(),
                })
            };
            let round = match asked {
                None => None,
                Some(r) => Some(ids.read(Kind::Round, r).ok_or_else(no_round)?.id()),
            };
            let s = app
                .health_summary_of(&org, round, today())
                .map_err(|e| match e {
                    AppError::NotFound { .. } => no_round(),
                    e => fail(e),
                })?;
            match a.format {
                // As the API: shares to a whole percentage, groups held back not named.
                Format::Json => {
                    let text =
                        serde_json::to_string_pretty(&swforce_web::health_check_document(&ids, &s))
                            .map_err(|e| fail(AppError::Unavailable(e.to_string())))?;
                    println!("{text}");
                }
                Format::Csv => print!("{}", swforce_app::healthcheck::summary_csv(&s)),
                Format::Table => table(&s, &ids.encode(Kind::Round, s.round.id)),
            }
            Ok(())
        }
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{:.0}%", v * 100.0))
}

fn table(s: &Summary, id: &str) {
    println!(
        "{}: {} (round {id}, question set {})",
        s.org_name, s.round.title, s.round.version
    );
    if !s.published {
        println!(
            "Open until {}: results are published when it closes.",
            s.round.closes_on
        );
        return;
    }
    if !s.overall.shown {
        println!("Not enough responses: results need at least 5 that count.");
        return;
    }
    let g: &GroupFigures = &s.overall;
    println!(
        "About {} responses; {} expect to be here in 12 months",
        g.responses.unwrap_or_default(),
        pct(g.stay)
    );
    println!(
        "{:<40}  {:>7}  {:>9}  {:>7}",
        "Standard", "agree", "disagree", "before"
    );
    for f in &g.standards {
        println!(
            "{:<40}  {:>7}  {:>9}  {:>7}",
            format!("{}. {}", f.number, f.title),
            pct(f.agree),
            pct(f.disagree),
            pct(f.previous)
        );
    }
    if s.drivers.is_empty() {
        println!(
            "Drivers: fewer than {} responses to estimate them",
            s.drivers_need
        );
    } else {
        println!(
            "What goes with intention to stay (rank correlation, 95% interval; association, not cause):"
        );
        for d in &s.drivers {
            println!(
                "  {:<38}  {:+.2} ({:+.2} to {:+.2})",
                d.title, d.rho, d.low, d.high
            );
        }
    }
}
