//! The time diary at national scale, on loopback: 100,000 synthetic people × 52 weeks in 20
//! organisations (all sharing their figures), then
//!
//! 1. the organisation, team, England and API dashboards, each asked 200 times one after the
//!    other by a signed-in leader: p50, p95 and worst;
//! 2. 200 people saving their diaries at once for 15 seconds, each about once a second (a
//!    paced, open load: far busier than any real Monday morning), then as fast as they can:
//!    p50, p95, p99 and saves a second;
//! 3. publishing what the saves left waiting, as the server would once the weeks have closed.
//!
//! ```text
//! cargo bench -p swforce --bench diary                                  # SQLite
//! cargo bench -p swforce --bench diary -- --postgres postgres://postgres@127.0.0.1:5432
//! cargo bench -p swforce --bench diary -- --people 10000 --weeks 13     # a quick look
//! ```
//! The aims: dashboards under 100 ms and saves under 20 ms at the 95th percentile.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use swforce_app::App;
use swforce_app::access::{digest, new_secret};
use swforce_app::diary::GenerateSpec;
use swforce_domain::access::{OrgKind, Role};
use swforce_domain::diary::Week;
use swforce_store::{NewOrganisation, NewUser, Session, Store};

struct Args {
    people: u32,
    weeks: u32,
    orgs: u32,
    savers: u32,
    seconds: u64,
    rate: f64,
    postgres: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        people: 100_000,
        weeks: 52,
        orgs: 20,
        savers: 200,
        seconds: 15,
        rate: 200.0,
        postgres: None,
    };
    let all: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < all.len() {
        let value = all.get(i + 1).cloned().unwrap_or_default();
        match all[i].as_str() {
            "--people" => a.people = value.parse().expect("--people N"),
            "--weeks" => a.weeks = value.parse().expect("--weeks N"),
            "--orgs" => a.orgs = value.parse().expect("--orgs N"),
            "--savers" => a.savers = value.parse().expect("--savers N"),
            "--seconds" => a.seconds = value.parse().expect("--seconds N"),
            "--rate" => a.rate = value.parse().expect("--rate SAVES_PER_SECOND"),
            "--postgres" => a.postgres = Some(value),
            // cargo bench passes --bench; anything else is a mistake worth hearing about.
            "--bench" => {
                i += 1;
                continue;
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
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

fn report(name: &str, mut times: Vec<Duration>, extra: &str) {
    times.sort();
    println!(
        "{name:<46} n={:<6} p50={:>7.2} ms  p95={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms{extra}",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
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
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (store, _pg): (Arc<dyn Store>, Option<PgDatabase>) = match &a.postgres {
        None => (
            Arc::new(swforce_store_sqlite::SqliteStore::open_in_dir(dir.path()).expect("SQLite")),
            None,
        ),
        Some(base) => {
            let base = base.trim_end_matches('/').to_string();
            let name = format!("swforce_bench_{}", std::process::id());
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
        "time diary bench on {backend}: {} people × {} weeks in {} organisations",
        a.people, a.weeks, a.orgs
    );
    let app = App::new(store.clone());
    let today = swforce_app::agency::today();
    let at = "2026-01-01T00:00:00Z";

    // The national picture: synthetic people in organisations that all share their figures.
    let generating = Instant::now();
    let mut orgs = Vec::new();
    let mut diaries = 0;
    for o in 0..a.orgs {
        let org = store
            .create_organisation(&NewOrganisation {
                name: &format!("Bench Council {o}"),
                kind: OrgKind::LocalAuthority,
                la_code: None,
                email_domain: None,
                created_at: at,
            })
            .expect("an organisation");
        let people = a.people / a.orgs + u32::from(o < a.people % a.orgs);
        let made = app
            .generate_diaries(
                &org,
                GenerateSpec {
                    people,
                    weeks: a.weeks,
                    end_week: None,
                    seed: u64::from(o) + 1,
                    team_size: 8,
                },
                today,
            )
            .expect("synthetic diaries");
        diaries += made.diaries;
        store.set_diary_opt_in(org.id, true).expect("opt in");
        orgs.push(org);
    }
    let took = generating.elapsed().as_secs_f64();
    println!(
        "generated {diaries} weekly diaries in {took:.1} s ({:.0} diaries a second)",
        diaries as f64 / took
    );

    // People who sign in: a workforce analyst and the savers, in the first organisation's
    // teams, each with a session made directly (the bench is not about password hashing).
    let org = &orgs[0];
    let teams = store.teams(org.id).expect("teams");
    let session = |email: &str, role: Role, team: Option<i64>| -> (String, String) {
        let user = store
            .create_user(&NewUser {
                org_id: org.id,
                team_id: team,
                email,
                name: "Bench person",
                roles: &[role],
                password_hash: None,
                // Long-standing staff: their diaries count towards five in every week.
                created_at: "2000-01-03T09:00:00Z",
            })
            .expect("a person");
        let (cookie, csrf) = (new_secret(), new_secret());
        store
            .create_session(&Session {
                id_hash: digest(&cookie),
                user_id: user.id,
                csrf_token: csrf.clone(),
                created_at: at.into(),
                expires_at: "2999-01-01T00:00:00Z".into(),
            })
            .expect("a session");
        (format!("swforce_session={cookie}"), csrf)
    };
    let (leader, _) = session("analyst@bench.test", Role::WorkforceAnalyst, None);
    let savers: Vec<(String, String)> = (0..a.savers)
        .map(|i| {
            session(
                &format!("saver{i}@bench.test"),
                Role::SocialWorker,
                Some(teams[i as usize % teams.len()].id),
            )
        })
        .collect();
    let categories: Vec<String> = app
        .diary_categories(org.id)
        .expect("categories")
        .iter()
        .map(|c| c.id)
        .map(|id| {
            app.public_id(swforce_app::public_id::Kind::Category, id)
                .expect("an id")
        })
        .collect();

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

    // 1. Dashboards, one request after another.
    let year_ago = Week::containing(today).plus_weeks(1 - i64::from(a.weeks));
    // Pages name teams and categories by their opaque ids.
    let team = app
        .public_id(swforce_app::public_id::Kind::Team, teams[0].id)
        .expect("an id");
    let client = agent();
    let get = |path: &str, cookie: Option<&str>| -> Duration {
        let t = Instant::now();
        let mut req = client.get(&format!("{base}{path}"));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let mut r = req.call().expect("an answer");
        let status = r.status().as_u16();
        let body = r.body_mut().read_to_string().unwrap_or_default();
        let took = t.elapsed();
        assert_eq!(status, 200, "GET {path}: {}", &body[..body.len().min(300)]);
        assert!(
            !body.contains("Not enough responses") && !body.contains("\"suppressed\":true"),
            "GET {path} has figures"
        );
        took
    };
    let dashboards: Vec<(&str, String, bool)> = vec![
        (
            "organisation, last 13 weeks",
            "/time/organisation".into(),
            true,
        ),
        (
            "organisation, whole period",
            format!("/time/organisation?from={year_ago}"),
            true,
        ),
        (
            "team, last 13 weeks",
            format!("/time/organisation?team={team}"),
            true,
        ),
        ("England, last 13 weeks", "/time/england".into(), false),
        (
            "England, whole period",
            format!("/time/england?from={year_ago}"),
            false,
        ),
        (
            "England as JSON (API), whole period",
            format!("/api/v1/diary/national?from={year_ago}"),
            false,
        ),
    ];
    println!();
    for (name, path, signed_in) in &dashboards {
        let cookie = signed_in.then_some(leader.as_str());
        for _ in 0..20 {
            get(path, cookie);
        }
        let times: Vec<Duration> = (0..200).map(|_| get(path, cookie)).collect();
        report(name, times, "");
    }

    // 2. Saving diaries: 200 people at once.
    let save_run = |paced: bool| -> (Vec<Duration>, f64) {
        let times = Arc::new(Mutex::new(Vec::new()));
        let deadline = Instant::now() + Duration::from_secs(a.seconds);
        let begun = Instant::now();
        let interval = Duration::from_secs_f64(f64::from(a.savers) / a.rate);
        let savers = &savers;
        std::thread::scope(|s| {
            for (i, (cookie, csrf)) in savers.iter().enumerate() {
                let times = times.clone();
                let base = base.clone();
                let categories = categories.clone();
                s.spawn(move || {
                    let client = agent();
                    // Spread the first saves over one interval.
                    let mut next =
                        Instant::now() + interval.mul_f64(i as f64 / savers.len() as f64);
                    let mut n = 0u64;
                    let mut mine = Vec::new();
                    while Instant::now() < deadline {
                        if paced {
                            let now = Instant::now();
                            if next > now {
                                std::thread::sleep(next - now);
                            }
                            next += interval;
                        }
                        n += 1;
                        // A week in the period, new or kept before; hours that vary.
                        let week = Week::containing(today)
                            .plus_weeks(-(((n * 7 + i as u64) % u64::from(a.weeks)) as i64));
                        let mut form = vec![
                            ("csrf".to_string(), csrf.clone()),
                            ("week".to_string(), week.to_string()),
                            ("contracted".to_string(), "37".to_string()),
                        ];
                        for (k, c) in categories.iter().enumerate() {
                            let hours = (n as usize + k * 3 + i) % 9;
                            form.push((format!("hours-{c}"), hours.to_string()));
                        }
                        let body = serde_urlencoded::to_string(&form).expect("a form");
                        let t = Instant::now();
                        let r = client
                            .post(&format!("{base}/time/diary"))
                            .header("cookie", cookie)
                            .header("content-type", "application/x-www-form-urlencoded")
                            .send(body.as_bytes())
                            .expect("an answer");
                        let took = t.elapsed();
                        assert_eq!(r.status().as_u16(), 303, "saving a diary");
                        mine.push(took);
                    }
                    times.lock().expect("one lock").extend(mine);
                });
            }
        });
        let elapsed = begun.elapsed().as_secs_f64();
        let times = std::mem::take(&mut *times.lock().expect("one lock"));
        let rate = times.len() as f64 / elapsed;
        (times, rate)
    };
    println!();
    let (paced, rate) = save_run(true);
    report(
        &format!("save, {} people, paced at {:.0}/s", a.savers, a.rate),
        paced,
        &format!("  ({rate:.0} saves/s)"),
    );
    let (flat_out, rate) = save_run(false);
    report(
        &format!("save, {} people, as fast as they can", a.savers),
        flat_out,
        &format!("  ({rate:.0} saves/s)"),
    );
    // The dashboards again, now the sums have been written to under load.
    let times: Vec<Duration> = (0..100)
        .map(|_| get("/time/organisation", Some(&leader)))
        .collect();
    report("organisation, after the saves", times, "");
    // 3. Publishing: every diary still waiting (this week's, and later changes short of a
    //    batch), released as the server would once this week has closed.
    let t = Instant::now();
    let published = app
        .publish_diaries(today.plus_days(35))
        .expect("publishing");
    println!(
        "\npublish, once the saved weeks have closed: {:.0} ms ({} in first releases, {} in batches, {} still waiting)",
        t.elapsed().as_secs_f64() * 1000.0,
        published.first,
        published.batched,
        published.waiting
    );
    println!("\nwhole bench: {:.0} s", started.elapsed().as_secs_f64());
}
