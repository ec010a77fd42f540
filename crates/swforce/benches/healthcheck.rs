//! The health check results page on loopback: a closed round of 5,000 invented responses in
//! Kent County Council (the published statistics loaded, so the page's workforce figures are
//! real), then
//!
//! 1. the results page, asked 200 times one after the other by the signed-in principal social
//!    worker after 20 warm-up requests: p50, p95 and worst;
//! 2. the results themselves (`App::health_summary`, no HTTP), 200 times: p50 and p95.
//!
//! ```text
//! cargo bench -p swforce --bench healthcheck                                  # SQLite
//! cargo bench -p swforce --bench healthcheck -- --postgres postgres://postgres@127.0.0.1:5432
//! cargo bench -p swforce --bench healthcheck -- --keep /tmp/hc   # keep the SQLite data folder
//! python3 bench/healthcheck_peer.py --data-dir /tmp/hc          # the plain Python peer
//! ```
//! The aim: a round of 5,000 responses summarises on a page in under 100 ms at the 95th
//! percentile.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use swforce_app::App;
use swforce_app::access::{Principal, digest, new_secret};
use swforce_app::public_id::Kind;
use swforce_domain::access::{OrgKind, Role};
use swforce_store::{NewOrganisation, NewUser, Session, Store};

const LA_CODE: &str = "E10000016";
const ORG_NAME: &str = "Kent County Council";

struct Args {
    people: u32,
    seed: u64,
    team_size: u32,
    requests: usize,
    postgres: Option<String>,
    keep: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        people: 5_000,
        seed: 1,
        team_size: 12,
        requests: 200,
        postgres: None,
        keep: None,
    };
    let all: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < all.len() {
        let value = all.get(i + 1).cloned().unwrap_or_default();
        match all[i].as_str() {
            "--people" => a.people = value.parse().expect("--people N"),
            "--seed" => a.seed = value.parse().expect("--seed N"),
            "--team-size" => a.team_size = value.parse().expect("--team-size N"),
            "--requests" => a.requests = value.parse().expect("--requests N"),
            "--postgres" => a.postgres = Some(value),
            "--keep" => a.keep = Some(PathBuf::from(value)),
            // cargo bench passes --bench; anything else is a mistake worth hearing about.
            "--bench" => {
                i += 1;
                continue;
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    assert!(
        a.keep.is_none() || a.postgres.is_none(),
        "--keep keeps the SQLite data folder: leave out --postgres"
    );
    a
}

/// A fresh database on the PostgreSQL server at `base`, dropped when the bench ends.
struct PgDatabase {
    base: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres_client(&format!("{}/postgres", self.base)) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn postgres_client(url: &str) -> Result<postgres::Client, postgres::Error> {
    postgres::Client::connect(url, postgres::NoTls)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{name:<40} n={:<5} p50={:>7.2} ms  p95={:>7.2} ms  max={:>7.2} ms",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 1.0),
    );
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent()
}

fn main() {
    let a = args();
    let started = Instant::now();
    let temp = tempfile::tempdir().expect("a temporary folder");
    let dir = a.keep.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let (store, _pg): (Arc<dyn Store>, Option<PgDatabase>) = match &a.postgres {
        None => {
            assert!(
                !dir.join(swforce_store_sqlite::FILE_NAME).exists(),
                "{} already holds a database: give --keep a new folder",
                dir.display()
            );
            (
                Arc::new(swforce_store_sqlite::SqliteStore::open_in_dir(&dir).expect("SQLite")),
                None,
            )
        }
        Some(base) => {
            let base = base.trim_end_matches('/').to_string();
            let name = format!("swforce_bench_hc_{}", std::process::id());
            postgres_client(&format!("{base}/postgres"))
                .and_then(|mut c| c.batch_execute(&format!("CREATE DATABASE \"{name}\"")))
                .expect("a PostgreSQL server to make a bench database on");
            let guard = PgDatabase {
                base: base.clone(),
                name: name.clone(),
            };
            (
                Arc::new(
                    swforce_store_postgres::PostgresStore::connect(&format!("{base}/{name}"))
                        .expect("PostgreSQL"),
                ),
                Some(guard),
            )
        }
    };
    let backend = if a.postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "health check bench on {backend}: {} invented responses in {ORG_NAME} ({LA_CODE})",
        a.people
    );
    let app = App::new(store.clone());
    let today = swforce_app::agency::today();
    let at = "2026-01-01T00:00:00Z";

    // The published statistics, so the page shows the authority's workforce figures.
    let loading = Instant::now();
    app.load_demo().expect("the shipped statistics");
    println!(
        "loaded the shipped statistics in {:.1} s",
        loading.elapsed().as_secs_f64()
    );
    let org = store
        .create_organisation(&NewOrganisation {
            name: ORG_NAME,
            kind: OrgKind::LocalAuthority,
            la_code: Some(LA_CODE),
            email_domain: None,
            created_at: at,
        })
        .expect("an organisation");

    // The round, invented before anyone signs in: an organisation of real people is refused.
    let generating = Instant::now();
    let made = app
        .generate_health_check(&org, a.people, a.seed, a.team_size, today)
        .expect("invented responses");
    let took = generating.elapsed().as_secs_f64();
    println!(
        "generated {} responses in {} teams in {took:.2} s ({:.0} responses a second)",
        made.responses,
        made.teams,
        made.responses as f64 / took
    );
    let round = made.round.id;
    // Marked synthetic now.
    let org = store
        .organisation(org.id)
        .expect("the organisation")
        .expect("the organisation");

    // The principal social worker, with a session made directly (the bench is not about
    // password hashing).
    let user = store
        .create_user(&NewUser {
            org_id: org.id,
            team_id: None,
            email: "psw@bench.test",
            name: "Bench principal social worker",
            roles: &[Role::PrincipalSocialWorker],
            password_hash: None,
            created_at: at,
        })
        .expect("a person");
    let cookie = new_secret();
    store
        .create_session(&Session {
            id_hash: digest(&cookie),
            user_id: user.id,
            csrf_token: new_secret(),
            created_at: at.into(),
            expires_at: "2999-01-01T00:00:00Z".into(),
        })
        .expect("a session");
    let cookie = format!("swforce_session={cookie}");
    let principal = Principal {
        user,
        org,
        scopes: None,
    };

    // The server, on loopback.
    let (tx, rx) = std::sync::mpsc::channel();
    let served = app.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a port");
            tx.send(listener.local_addr().expect("an address"))
                .expect("the bench waits");
            swforce_web::serve(listener, None, served, swforce_web::Options::default())
                .await
                .expect("the server runs");
        });
    });
    let base = format!("http://{}", rx.recv().expect("the server starts"));
    let path = format!(
        "/healthcheck/rounds/{}/results",
        app.ids().expect("ids").encode(Kind::Round, round)
    );

    // 1. The results page, one request after another.
    let client = agent();
    let mut size = 0;
    let mut get = || -> Duration {
        let t = Instant::now();
        let mut r = client
            .get(&format!("{base}{path}"))
            .header("cookie", &cookie)
            .call()
            .expect("an answer");
        let status = r.status().as_u16();
        let body = r
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .unwrap_or_default();
        let took = t.elapsed();
        assert_eq!(status, 200, "GET {path}: {}", &body[..body.len().min(300)]);
        assert!(
            body.contains("The eight standards"),
            "GET {path} shows the standards"
        );
        size = body.len();
        took
    };
    for _ in 0..20 {
        get();
    }
    let page: Vec<Duration> = (0..a.requests).map(|_| get()).collect();
    println!();
    report("results page (GET, signed in)", page);

    // 2. The results alone, without HTTP or rendering.
    for _ in 0..20 {
        app.health_summary(&principal, round, today)
            .expect("the results");
    }
    let summary: Vec<Duration> = (0..a.requests)
        .map(|_| {
            let t = Instant::now();
            let s = app
                .health_summary(&principal, round, today)
                .expect("the results");
            let took = t.elapsed();
            assert!(s.published && s.overall.shown, "the results are shown");
            took
        })
        .collect();
    report("App::health_summary (no HTTP)", summary);
    println!("page size {:.0} KB", size as f64 / 1024.0);

    if let Some(keep) = &a.keep {
        println!(
            "\nkept {} (round {round}); compare with\n  python3 bench/healthcheck_peer.py --data-dir {0}",
            keep.display()
        );
    }
    println!("\nwhole bench: {:.1} s", started.elapsed().as_secs_f64());
}
