//! Network faults between a server and its database, through a TCP proxy that can black-hole
//! the traffic (it keeps reading and acknowledging, and forwards nothing, as a dead route or a
//! failover leaves a connection half-open) and heal. Connections from before the heal stay
//! dead, as after a failover: only new ones get through.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use swforce_store::prelude::*;
use swforce_store_postgres::{Limits, PostgresStore, testing};

struct Proxy {
    addr: SocketAddr,
    holed: Arc<AtomicBool>,
    epoch: Arc<AtomicU64>,
}

impl Proxy {
    fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let holed = Arc::new(AtomicBool::new(false));
        let epoch = Arc::new(AtomicU64::new(0));
        let (h, e) = (holed.clone(), epoch.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let born = e.load(Ordering::SeqCst);
                let live = {
                    let (h, e) = (h.clone(), e.clone());
                    move || !h.load(Ordering::SeqCst) && e.load(Ordering::SeqCst) == born
                };
                if !live() {
                    // Accepted, read, never answered.
                    std::thread::spawn(move || pump(client, None, || false));
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let live2 = live.clone();
                std::thread::spawn(move || pump(client, Some(server), live));
                std::thread::spawn(move || pump(s2, Some(c2), live2));
            }
        });
        Proxy { addr, holed, epoch }
    }

    fn black_hole(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.holed.store(true, Ordering::SeqCst);
    }

    fn heal(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.holed.store(false, Ordering::SeqCst);
    }
}

/// Copies from `from` to `to` while `live`; afterwards reads and drops everything.
fn pump(mut from: TcpStream, mut to: Option<TcpStream>, live: impl Fn() -> bool) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if live() {
            if let Some(to) = to.as_mut() {
                if to.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        }
    }
}

fn short_limits() -> Limits {
    Limits {
        connect: Duration::from_secs(2),
        call: Duration::from_secs(2),
        wait: Duration::from_secs(2),
    }
}

/// The test server's address, and a URL of `url` through `proxy`.
fn through(url: &str, proxy: SocketAddr) -> (String, String) {
    let config: postgres::Config = url.parse().unwrap();
    let host = match &config.get_hosts()[0] {
        postgres::config::Host::Tcp(h) => h.clone(),
        #[allow(unreachable_patterns)]
        _ => panic!("the test server is reached over TCP"),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let target = format!("{host}:{port}");
    let dbname = config.get_dbname().unwrap().to_string();
    let user = config.get_user().unwrap_or("postgres").to_string();
    (target, format!("postgres://{user}@{proxy}/{dbname}"))
}

/// Reads from `threads` callers at once: how many succeeded, and the longest any took.
fn read_together(store: &Arc<PostgresStore>, threads: usize) -> (usize, Duration) {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let ok = store.imports().is_ok() && store.geographies().is_ok();
                (ok, started.elapsed())
            })
        })
        .collect();
    let results: Vec<(bool, Duration)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    (
        results.iter().filter(|r| r.0).count(),
        results.iter().map(|r| r.1).max().unwrap_or_default(),
    )
}

#[test]
fn after_a_black_hole_heals_the_store_serves_again_within_seconds_without_a_restart() {
    let Some(url) = testing::fresh_database() else {
        return;
    };
    let (target, _) = through(&url, "127.0.0.1:1".parse().unwrap());
    let proxy = Proxy::start(target);
    let (_, proxied) = through(&url, proxy.addr);
    let store = Arc::new(PostgresStore::connect_with(&proxied, short_limits()).unwrap());
    assert_eq!(read_together(&store, 8).0, 8, "served before the fault");

    proxy.black_hole();
    let (served, longest) = read_together(&store, 8);
    assert_eq!(served, 0, "nothing is served through a black hole");
    assert!(
        longest < Duration::from_secs(7),
        "every call gives up within its limits, never hangs: {longest:?}"
    );
    std::thread::sleep(Duration::from_secs(2));

    proxy.heal();
    let healed = Instant::now();
    loop {
        let (served, _) = read_together(&store, 8);
        if served == 8 {
            break;
        }
        assert!(
            healed.elapsed() < Duration::from_secs(10),
            "served again within 10 s of the network healing"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // And it stays served.
    assert_eq!(read_together(&store, 8).0, 8);
}

#[test]
fn a_database_that_accepts_and_never_answers_is_given_up_at_start_within_the_limit() {
    // A listener that accepts connections and says nothing.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in silent.incoming().flatten() {
            held.push(c);
        }
    });
    let started = Instant::now();
    let refused = PostgresStore::connect_with(
        &format!("postgres://swforce@{addr}/swforce"),
        short_limits(),
    );
    let took = started.elapsed();
    let Err(e) = refused else {
        panic!("a silent server is not a database");
    };
    assert!(took < Duration::from_secs(4), "{took:?}");
    let chain = format!(
        "{e}: {:?}",
        std::error::Error::source(&e).map(ToString::to_string)
    );
    assert!(
        chain.contains("did not answer a new connection within 2 s"),
        "{chain}"
    );
}

#[test]
fn a_call_waiting_for_a_lock_gives_up_within_its_limit_and_leaves_nothing_waiting_on_the_server() {
    let Some(url) = testing::fresh_database() else {
        return;
    };
    let store = PostgresStore::connect_with(&url, short_limits()).unwrap();
    // Another client holds the table for longer than a call may wait.
    let mut holder = testing::raw(&url);
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute(
        "LOCK TABLE organisations IN ACCESS EXCLUSIVE MODE;
         LOCK TABLE observations IN ACCESS EXCLUSIVE MODE",
    )
    .unwrap();
    // A plain read, and one that streams its rows (the statistics): both busy, in words.
    let started = Instant::now();
    let refused = store.organisations().map(|_| ());
    let took = started.elapsed();
    let streamed = store
        .current_rows(swforce_domain::Dataset::CswwHeadline)
        .map(|_| ());
    for refused in [refused, streamed] {
        assert!(
            matches!(refused, Err(swforce_store::StoreError::Unavailable(ref m)) if m.contains("busy")),
            "{refused:?}"
        );
    }
    assert!(took < Duration::from_secs(3), "{took:?}");
    // Nothing of swforce's is left queued behind the lock on the server.
    let mut watcher = testing::raw(&url);
    let waiting: i64 = watcher
        .query_one(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'swforce' \
             AND wait_event_type = 'Lock'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(waiting, 0);
    tx.rollback().unwrap();
    // And the store carries on.
    assert!(store.organisations().is_ok());
}
