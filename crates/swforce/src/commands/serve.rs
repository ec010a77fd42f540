//! `swforce serve`: the web pages and the JSON API.

use crate::Failure;
use crate::commands::{fail, report_error};
use crate::config::{SERVING_AT, ServeArgs};
use swforce_app::App;

/// Threads for blocking work (page rendering, database calls): above the PostgreSQL pool's
/// connections, so that every connection can be in use while pages render.
const BLOCKING_THREADS: usize = 32;

pub fn run(app: App, global: &ServeArgs) -> Result<(), Failure> {
    // Invented people only on the embedded default: never in a deployment on a database server,
    // nor when the operator says --no-demo.
    let demo_people = global.store.database_url.is_none() && !global.no_demo;
    if app.load_demo_if_empty().map_err(fail)? {
        tracing::info!(
            "the database was empty: loaded the published statistics shipped with swforce"
        );
        if !demo_people {
            tracing::info!("made no demo organisation (a database server, or --no-demo)");
        } else if app
            .load_demo_diaries(swforce_app::agency::today())
            .map_err(fail)?
        {
            tracing::info!(
                "made the demo organisation with synthetic time diaries (labelled synthetic, not in England's figures; --no-demo leaves it out)"
            );
        }
    } else if !global.read_only && demo_people {
        // The demo's people keep their diaries up to last week, whenever the server starts.
        app.refresh_demo_diaries(swforce_app::agency::today())
            .map_err(fail)?;
    }
    // Pages are made on blocking threads (they read the database): a bounded number of them,
    // so that 200 readers at once queue for a few threads, each with memory of its own to
    // keep, rather than start 200 (tokio's default allows 512).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
        .map_err(|e| {
            report_error(&anyhow::Error::new(e).context("starting the web server"));
            Failure::Refused
        })?;
    // The store is dropped here, on this thread, after the runtime has stopped: a PostgreSQL
    // connection must not be closed from inside the web server's asynchronous threads.
    let keep = app.clone();
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(global.mail.link.addr()).await?;
        let metrics = match global.metrics_addr {
            Some(addr) => {
                let metrics = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                    anyhow::Error::new(e).context(format!("serving metrics on {addr}"))
                })?;
                tracing::info!("metrics on http://{}/metrics", metrics.local_addr()?);
                Some(metrics)
            }
            None => None,
        };
        let bound = listener.local_addr()?;
        // Without a public address, links point at the address actually listened on (the
        // port the system chose, for --addr 127.0.0.1:0).
        let options = swforce_web::Options {
            read_only: global.read_only,
            public_url: global
                .mail
                .link
                .public_url
                .clone()
                .filter(|u| !u.trim().is_empty())
                .map_or_else(
                    || crate::config::link_to(bound),
                    |u| u.trim_end_matches('/').to_string(),
                ),
            trust_proxy: global.trust_proxy.clone(),
            ..swforce_web::Options::default()
        };
        tracing::info!(
            "swforce is serving on http://{bound} (public address {})",
            options.public_url
        );
        remember_address(&global.store.data_dir, &options.public_url);
        if !global.read_only {
            tokio::spawn(publish_diaries(app.clone()));
        }
        swforce_web::serve(listener, metrics, app, options).await
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(10));
    drop(keep);
    served.map_err(|e: anyhow::Error| {
        report_error(&e.context(format!("serving on {}", global.mail.link.addr())));
        Failure::Refused
    })
}

/// How often the server publishes the diary weeks that have closed and the batches that are
/// complete.
const PUBLISH_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// Publishes diaries now and every [`PUBLISH_EVERY`]; a failure is logged and tried again.
async fn publish_diaries(app: App) {
    let mut every = tokio::time::interval(PUBLISH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let app = app.clone();
        let done =
            tokio::task::spawn_blocking(move || app.publish_diaries(swforce_app::agency::today()))
                .await;
        match done {
            Ok(Ok(p)) if p.first + p.batched > 0 => tracing::info!(
                "published {} diaries of newly closed weeks and {} later changes; {} wait for a batch",
                p.first,
                p.batched,
                p.waiting
            ),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!("publishing diaries failed, tried again later: {e}"),
            Err(e) => tracing::warn!("publishing diaries stopped: {e}"),
        }
    }
}

/// Writes where the service is reached, for the links `swforce admin` prints. Not being able to
/// write it only means those links fall back to the default address.
fn remember_address(data_dir: &std::path::Path, public_url: &str) {
    let written = std::fs::create_dir_all(data_dir)
        .and_then(|()| std::fs::write(data_dir.join(SERVING_AT), format!("{public_url}\n")));
    if let Err(e) = written {
        tracing::warn!(
            "could not note the service's address in {} ({e}); links printed by swforce admin use --public-url or --addr",
            data_dir.display()
        );
    }
}
