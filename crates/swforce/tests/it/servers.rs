//! The built binary serving, as a newcomer and an operator use it: the first admin from the
//! command line, then organisations and people on the web, on SQLite and on PostgreSQL; and two
//! servers sharing one PostgreSQL database.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const PASSWORD: &str = "granite-meadow-lantern";

fn command(data_dir: &Path, database: Option<&str>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_swforce"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("SWFORCE_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("SWFORCE_DATA_DIR", data_dir);
    if let Some(url) = database {
        cmd.env("SWFORCE_DATABASE_URL", url);
    }
    cmd
}

/// `swforce admin create --password-stdin`.
fn make_admin(data_dir: &Path, database: Option<&str>, email: &str) {
    let mut child = command(data_dir, database)
        .env("SWFORCE_LOG", "warn")
        .args([
            "admin",
            "create",
            "--email",
            email,
            "--name",
            "Ada Admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is a site admin"));
}

/// A running `swforce serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    /// What it logged until it served.
    log: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data_dir: &Path, database: Option<&str>) -> Server {
    serving(start(data_dir, database, &[]))
}

/// Starts `swforce serve` with `extra` options, without waiting for it.
fn start(data_dir: &Path, database: Option<&str>, extra: &[&str]) -> Child {
    command(data_dir, database)
        .args(["serve", "--log", "info", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits for a started server to listen; panics with its log if it stops first.
fn serving(mut child: Child) -> Server {
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    let url = loop {
        let Some(line) = lines.next() else {
            panic!("the server stopped before serving:\n{log}");
        };
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if let Some(rest) = line.split("serving on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep reading the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, url, log }
}

/// A browser: cookies and form tokens.
#[derive(Default)]
struct Browser {
    cookies: BTreeMap<String, String>,
}

struct Answer {
    status: u16,
    location: String,
    retry_after: String,
    body: String,
}

impl Browser {
    fn request(&mut self, method: &str, url: &str, form: Option<&[(&str, &str)]>) -> Answer {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(0)
            .build()
            .new_agent();
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let r = if method == "GET" {
            agent.get(url).header("cookie", &cookie).call()
        } else {
            let body = serde_urlencoded::to_string(form.unwrap_or_default()).unwrap();
            agent
                .post(url)
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .send(body.as_bytes())
        };
        let mut r = r.unwrap();
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            if let Some((k, val)) = v.split(';').next().unwrap().split_once('=') {
                if val.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), val.to_string());
                }
            }
        }
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        let retry_after = r
            .headers()
            .get("retry-after")
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        Answer {
            status: r.status().as_u16(),
            location,
            retry_after,
            body: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    fn get(&mut self, url: &str) -> Answer {
        self.request("GET", url, None)
    }

    /// Posts a form with the token from a page of the same server.
    fn post(&mut self, server: &str, path: &str, fields: &[(&str, &str)]) -> Answer {
        let page = self.get(&format!("{server}/census")).body;
        let token: String = page
            .split("csrf=")
            .nth(1)
            .unwrap()
            .chars()
            .take(64)
            .collect();
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.request("POST", &format!("{server}{path}"), Some(&all))
    }

    fn sign_in(&mut self, server: &str, email: &str, password: &str) -> Answer {
        self.post(
            server,
            "/sign-in",
            &[("email", email), ("password", password)],
        )
    }
}

/// The newcomer's journey on one server: the admin adds an organisation and invites a social
/// worker, who signs in and sees only what the role allows.
fn newcomer_journey(server: &str) {
    let mut admin = Browser::default();
    assert_eq!(
        admin.sign_in(server, "admin@example.test", PASSWORD).status,
        303
    );
    let made = admin.post(
        server,
        "/admin/organisations",
        &[
            ("name", "Kent County Council"),
            ("kind", "local_authority"),
            ("la", "Kent"),
            ("domain", "kent.test"),
        ],
    );
    assert_eq!(made.status, 303, "{}", made.body);
    let org = made
        .location
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let invited = admin.post(
        server,
        &format!("/admin/organisations/{org}/invitations"),
        &[
            ("name", "Sam Patel"),
            ("email", "sam@kent.test"),
            ("roles", "social_worker"),
        ],
    );
    assert_eq!(invited.status, 200, "{}", invited.body);
    let link: String = invited
        .body
        .split("/invitations/")
        .nth(1)
        .unwrap()
        .chars()
        .take(64)
        .collect();
    let mut sam = Browser::default();
    let set = sam.post(
        server,
        &format!("/invitations/{link}"),
        &[
            ("password", "river-kettle-orange"),
            ("confirm", "river-kettle-orange"),
        ],
    );
    assert_eq!(set.status, 303);
    let account = sam.get(&format!("{server}/account")).body;
    assert!(
        account.contains("Sam Patel")
            && account.contains("Kent County Council")
            && account.contains("Social worker")
    );
    assert_eq!(
        sam.get(&format!("{server}/admin")).status,
        403,
        "a social worker has no administration"
    );
    assert_eq!(
        sam.get(&format!("{server}/census/returns")).status,
        403,
        "nor census records"
    );
    assert_eq!(
        sam.get(&format!("{server}/admin/organisations/{org}/audit"))
            .status,
        404
    );
    assert_eq!(sam.get(&format!("{server}/")).status, 200);
    // The admin sees the sign-ins on the organisation's audit log.
    let log = admin
        .get(&format!("{server}/admin/organisations/{org}/audit"))
        .body;
    assert!(
        log.contains("sam@kent.test") && log.contains("sign_in"),
        "{log}"
    );
}

#[test]
fn a_newcomer_makes_an_admin_an_organisation_and_a_user_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    make_admin(dir.path(), None, "admin@example.test");
    let server = serve(dir.path(), None);
    newcomer_journey(&server.url);
}

#[test]
fn the_same_on_postgresql_with_two_servers_sharing_sessions_and_data() {
    let Some(url) = swforce_store_postgres::testing::fresh_database() else {
        return;
    };
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    make_admin(a_dir.path(), Some(&url), "admin@example.test");
    let a = serve(a_dir.path(), Some(&url));
    let b = serve(b_dir.path(), Some(&url));
    newcomer_journey(&a.url);
    // Signed in on one server, signed in on the other.
    let mut admin = Browser::default();
    assert_eq!(
        admin.sign_in(&a.url, "admin@example.test", PASSWORD).status,
        303
    );
    let page = admin.get(&format!("{}/admin", b.url));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Kent County Council"),
        "what one server stored, the other shows"
    );
    // A form rendered by one server is accepted by the other (the token is the session's).
    let made = admin.post(
        &a.url,
        "/admin/organisations",
        &[
            ("name", "Surrey County Council"),
            ("kind", "local_authority"),
            ("la", "Surrey"),
        ],
    );
    assert_eq!(made.status, 303);
    assert!(
        admin
            .get(&format!("{}/admin", b.url))
            .body
            .contains("Surrey County Council")
    );
    // Signing out on one ends the session on both.
    assert_eq!(admin.post(&b.url, "/sign-out", &[]).status, 303);
    assert_eq!(admin.get(&format!("{}/account", a.url)).status, 303);
    // Failed sign-ins count across servers: five, split between them, lock the account.
    let mut guesser = Browser::default();
    for server in [&a.url, &b.url, &a.url, &b.url, &a.url] {
        assert_eq!(
            guesser
                .sign_in(server, "sam@kent.test", "a-wrong-password")
                .status,
            422
        );
    }
    let locked = guesser.sign_in(&b.url, "sam@kent.test", "river-kettle-orange");
    assert!(locked.body.contains("locked until"), "{}", locked.body);
}

/// Organisations on record, with whether each is synthetic.
fn organisations(store: &dyn swforce_store::Store) -> Vec<(String, bool)> {
    store
        .organisations()
        .unwrap()
        .into_iter()
        .map(|o| (o.name, o.synthetic))
        .collect()
}

#[test]
fn the_embedded_default_makes_a_labelled_demo_organisation_and_no_demo_makes_none() {
    use swforce_store::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    drop(serve(dir.path(), None));
    let store = swforce_store_sqlite::SqliteStore::open_in_dir(dir.path()).unwrap();
    assert_eq!(
        organisations(&store),
        [("Demo Council (synthetic diaries)".to_string(), true)]
    );
    assert!(
        store.diary_opted_in().unwrap().is_empty(),
        "not in England's figures"
    );
    let bare = tempfile::tempdir().unwrap();
    drop(serving(start(bare.path(), None, &["--no-demo"])));
    let store = swforce_store_sqlite::SqliteStore::open_in_dir(bare.path()).unwrap();
    assert!(organisations(&store).is_empty());
    assert_eq!(
        store.imports().unwrap().len(),
        swforce_app::DEMO_FILES.len(),
        "the published statistics are loaded"
    );
}

#[test]
fn three_servers_started_at_once_on_an_empty_postgresql_database_all_serve_with_no_invented_people()
{
    use swforce_store::prelude::*;
    let Some(url) = swforce_store_postgres::testing::fresh_database() else {
        return;
    };
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let children: Vec<Child> = dirs
        .iter()
        .map(|d| start(d.path(), Some(&url), &[]))
        .collect();
    let servers: Vec<Server> = children.into_iter().map(serving).collect();
    for s in &servers {
        let about = Browser::default().get(&format!("{}/about", s.url));
        assert_eq!(about.status, 200);
    }
    drop(servers);
    let store = swforce_store_postgres::PostgresStore::connect(&url).unwrap();
    assert!(
        organisations(&store).is_empty(),
        "{:?}",
        organisations(&store)
    );
    assert_eq!(
        store.imports().unwrap().len(),
        swforce_app::DEMO_FILES.len(),
        "one set of the published statistics"
    );
}

#[test]
fn logs_can_be_json_a_line_each_for_a_log_collector() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = start(dir.path(), None, &["--no-demo", "--log-format", "json"]);
    let lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = 0;
    for line in lines {
        let line = line.unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?} is not JSON: {e}"));
        assert_eq!(v["level"], "INFO", "{line}");
        seen += 1;
        if v["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("serving on"))
        {
            break;
        }
    }
    assert!(seen >= 2, "the start is logged");
    let _ = child.kill();
    let _ = child.wait();
}

/// SIGTERM stops the server gracefully: a request already under way (here, a form whose body
/// is still arriving) is answered, then the process exits with success.
#[test]
fn sigterm_answers_the_requests_under_way_then_exits() {
    use std::io::Read;
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let mut server = serving(start(dir.path(), None, &["--no-demo"]));
    let addr = server.url.trim_start_matches("http://").to_string();
    let body = "csrf=none&email=someone%40example.org&password=not-this-one";
    let mut conn = TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "POST /sign-in HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    conn.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let term = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server waits for the request under way"
    );
    conn.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    conn.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 "),
        "the request under way is answered: {answer:?}"
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the server stops once its requests are answered"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

/// `swforce admin create` prints its link on the address the server serves at (here a port
/// the system chose), not on a default port; a public address given to it wins.
#[test]
fn admin_create_links_to_where_the_server_is() {
    let dir = tempfile::tempdir().unwrap();
    let server = serving(start(dir.path(), None, &["--no-demo"]));
    let out = command(dir.path(), None)
        .env("SWFORCE_LOG", "warn")
        .args(["admin", "create", "--email", "first@example.org"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{}/invitations/", server.url)),
        "{} in {text}",
        server.url
    );
    let out = command(dir.path(), None)
        .env("SWFORCE_LOG", "warn")
        .args(["admin", "create", "--email", "second@example.org"])
        .args(["--public-url", "https://swforce.example.org/"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("https://swforce.example.org/invitations/"),
        "{text}"
    );
}

/// `--metrics-addr` serves Prometheus metrics on its own address: requests and their latency by
/// route pattern (never the address asked for), imports by outcome and, on PostgreSQL, the
/// database connections. The public address has no /metrics.
#[test]
fn metrics_count_requests_by_route_on_their_own_address() {
    let Some(url) = swforce_store_postgres::testing::fresh_database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = serving(start(
        dir.path(),
        Some(&url),
        &["--metrics-addr", "127.0.0.1:0"],
    ));
    let metrics = server
        .log
        .split("metrics on ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the metrics address is logged: {}", server.log))
        .to_string();
    let mut b = Browser::default();
    for path in [
        "/about",
        "/about",
        "/authorities/E10000016",
        "/no-such-page",
    ] {
        b.get(&format!("{}{path}", server.url));
    }
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let refused = agent
        .post(&format!("{}/api/v1/imports", server.url))
        .send("year,value\n")
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    // A method a client made up is counted as "other", never by what it typed.
    {
        use std::io::{Read, Write as _};
        let addr = server.url.trim_start_matches("http://");
        let mut raw = std::net::TcpStream::connect(addr).unwrap();
        write!(
            raw,
            "BREW-ana /about HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        let _ = raw.read_to_string(&mut answer);
    }
    assert_eq!(b.get(&format!("{}/metrics", server.url)).status, 404);
    let text = b.get(&metrics).body;
    for line in [
        r#"swforce_http_requests_total{method="GET",route="/about",status="200"} 2"#,
        r#"swforce_http_requests_total{method="GET",route="/authorities/{code}",status="200"} 1"#,
        r#"swforce_http_requests_total{method="GET",route="unrouted",status="404"} 2"#,
        r#"swforce_imports_total{kind="statistics",outcome="refused"} 1"#,
        r#"swforce_db_connections_max 16"#,
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
    }
    assert!(text.contains(r#"swforce_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/about"} 2"#)
        || text.contains(r#"swforce_http_request_duration_seconds_count{method="GET",route="/about"} 2"#), "{text}");
    assert!(text.contains("swforce_db_connections_in_use"), "{text}");
    assert!(
        !text.contains("E10000016"),
        "no label carries an address asked for"
    );
    assert!(
        !text.contains("BREW"),
        "no label carries a method a client made up"
    );
    assert!(text.contains(r#"method="other""#), "{text}");
}

/// A database server that accepts the connection and never answers (a hung server, a wrong
/// port behind a proxy) is given up at start within the connect timeout, with a clear error.
#[test]
fn a_database_that_never_answers_is_given_up_at_start() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    std::thread::spawn(move || {
        let held: Vec<_> = silent.incoming().collect();
        drop(held);
    });
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = command(
        dir.path(),
        Some(&format!("postgres://swforce@{addr}/swforce")),
    )
    .env("SWFORCE_LOG", "warn")
    .args(["serve", "--database-connect-timeout", "2"])
    .output()
    .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did not answer a new connection within 2 s"),
        "{err}"
    );
}

/// A write that finds the SQLite database held by another process for longer than the wait
/// allowed is answered 503 with Retry-After, a page that says nothing was lost, and the failure
/// logged by its address; once the other writer is done, the same request works.
#[test]
fn a_busy_database_answers_503_with_retry_after_and_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let server = serving(start(
        dir.path(),
        None,
        &["--no-demo", "--database-wait-timeout", "1"],
    ));
    let mut b = Browser::default();
    // Another process holds the write lock.
    let other =
        rusqlite::Connection::open(dir.path().join(swforce_store_sqlite::FILE_NAME)).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let busy = b.sign_in(&server.url, "nobody@example.test", "not-a-password");
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.retry_after, "5");
    assert!(
        busy.body.contains("Nothing you sent was saved"),
        "{}",
        busy.body
    );
    assert!(!busy.body.contains("database is locked"));
    other.execute_batch("ROLLBACK").unwrap();
    let after = b.sign_in(&server.url, "nobody@example.test", "not-a-password");
    assert_ne!(after.status, 503);
    assert!(
        after
            .body
            .contains("Email address or password is not right"),
        "a refused sign-in, answered: {}",
        after.body
    );
}

/// The first request of a fresh PostgreSQL deployment that needs the deployment's id key,
/// made by an anonymous visitor, is answered (it used to stop the server).
#[test]
fn a_fresh_postgresql_deployment_answers_an_address_with_an_opaque_id() {
    let Some(url) = swforce_store_postgres::testing::fresh_database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = serving(start(dir.path(), Some(&url), &[]));
    for path in [
        "/exchange/examples/1234567890123456",
        "/get-involved/forms/1234567890123456",
    ] {
        let answer = Browser::default().get(&format!("{}{path}", server.url));
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
    }
    assert_eq!(
        Browser::default()
            .get(&format!("{}/about", server.url))
            .status,
        200
    );
}

/// A client that never finishes its request cannot keep a stopping server up: SIGTERM stops
/// it within the drain time (found from outside, where such a client held it for good).
#[test]
fn sigterm_stops_within_the_drain_time_whatever_a_client_holds_open() {
    use std::io::Write as _;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let mut server = serving(start(dir.path(), None, &["--no-demo"]));
    let addr = server.url.trim_start_matches("http://").to_string();
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        slow,
        "POST /sign-in HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nab"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let stopped = Instant::now();
    let term = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(28),
            "the server stops within its drain time"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    drop(slow);
}
