//! `swforce places [QUERY]`: find places by name or code.

use crate::Failure;
use crate::commands::fail;
use crate::config::StoreArgs;
use swforce_app::App;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Part of a name or a code; every place when left out.
    query: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[allow(clippy::print_stdout)]
pub fn run(app: &App, args: &Args) -> Result<(), Failure> {
    let snap = app.snapshot().map_err(fail)?;
    let places: Vec<_> = match &args.query {
        Some(q) => snap.search(q),
        None => snap.geographies().collect(),
    };
    if places.is_empty() {
        eprintln!("no place matches {:?}", args.query.as_deref().unwrap_or(""));
        return Err(Failure::Refused);
    }
    for g in places {
        let old = g.old_la_code.map(|c| c.to_string()).unwrap_or_default();
        let former = if snap.is_former(g) {
            "  (former authority)"
        } else {
            ""
        };
        println!(
            "{}  {:>3}  {:<15}  {}{former}",
            g.code,
            old,
            g.level.as_str(),
            g.name
        );
    }
    Ok(())
}
