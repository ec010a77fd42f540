//! `/healthz` and `/readyz` for an operator's load balancer: no session, no page, no cache.

use crate::spawn_app;

#[test]
fn health_says_the_process_answers_and_readiness_that_the_database_does() {
    let app = spawn_app();
    let h = app.get("/healthz");
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["status"], "ok");
    assert!(h.header("set-cookie").is_none(), "a probe gets no session");
    let r = app.get("/readyz");
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["status"], "ready");
    assert_eq!(
        v["schema"].as_i64(),
        Some(app.app.store().schema_version().unwrap())
    );
    // A newer server moved the schema on: this one is no longer ready, and says why.
    let db =
        rusqlite::Connection::open(app.dir.path().join(swforce_store_sqlite::FILE_NAME)).unwrap();
    db.execute(
        "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')",
        [],
    )
    .unwrap();
    let r = app.get("/readyz");
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("5"));
    assert!(
        r.json()["problem"]
            .as_str()
            .unwrap()
            .contains("schema is at version 999"),
        "{}",
        r.body
    );
    assert_eq!(app.get("/healthz").status, 200, "the process still answers");
}

/// A failed sign-in with `X-Forwarded-For`, and the address the audit log then records.
fn audited_address(options: swforce_web::Options) -> String {
    let app = crate::spawn_app_with(options);
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    app.person(kent, "sam@kent.test", &["social_worker"]);
    let b = app.browser();
    let csrf = b.csrf();
    let body = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("email", "sam@kent.test"),
        ("password", "a-wrong-password"),
    ])
    .unwrap();
    let a = app.request(
        "POST",
        "/sign-in",
        &[
            ("cookie", &b.cookie_header()),
            ("content-type", "application/x-www-form-urlencoded"),
            ("sec-fetch-site", "same-origin"),
            ("x-forwarded-for", "198.51.100.1, 203.0.113.9"),
        ],
        Some(body.as_bytes()),
    );
    assert_eq!(a.status, 422, "{}", a.body);
    app.app
        .store()
        .audit(None, 50)
        .unwrap()
        .into_iter()
        .find(|e| e.action == "sign_in_failed")
        .map(|e| e.ip)
        .unwrap()
}

#[test]
fn behind_a_trusted_proxy_the_client_is_the_forwarded_address_and_otherwise_the_connection() {
    assert_eq!(
        audited_address(swforce_web::Options::default()),
        "127.0.0.1"
    );
    let trusted = swforce_web::Options {
        trust_proxy: swforce_web::TrustedProxies::parse("127.0.0.1").unwrap(),
        ..swforce_web::Options::default()
    };
    // The rightmost untrusted hop: what the proxy saw, not what the client wrote.
    assert_eq!(audited_address(trusted), "203.0.113.9");
}

/// What someone types as their email is kept on the audit log (kept for good) only when it is
/// shaped like an address: a password typed into the wrong box is not (found from outside).
#[test]
fn a_failed_sign_in_keeps_only_an_address_shaped_email_on_the_audit_log() {
    let app = crate::spawn_app();
    for typed in ["correct horse battery staple", "nobody@example.org"] {
        let b = app.browser();
        let csrf = b.csrf();
        let failed = b.post_form(
            "/sign-in",
            &[
                ("csrf", csrf.as_str()),
                ("email", typed),
                ("password", "whatever-it-is"),
            ],
        );
        assert_eq!(failed.status, 422, "{}", failed.body);
    }
    let actors: Vec<String> = app
        .app
        .store()
        .audit(None, 50)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "sign_in_failed")
        .map(|e| e.actor)
        .collect();
    assert!(
        actors.contains(&"nobody@example.org".to_string()),
        "{actors:?}"
    );
    assert!(
        actors.contains(&"(not an email address)".to_string()),
        "{actors:?}"
    );
    assert!(!actors.iter().any(|a| a.contains("horse")), "{actors:?}");
}

#[test]
fn a_full_disk_is_answered_503_saying_nothing_sent_was_saved() {
    // The data folder on a small disk of its own (tmpfs; mounting needs root, as on the test
    // machine and in CI).
    let disk = tempfile::tempdir().unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
        .arg(disk.path())
        .output()
        .is_ok_and(|o| o.status.success());
    #[allow(clippy::disallowed_methods, reason = "CI says so in its environment")]
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(mounted || !in_ci, "CI mounts a small disk for this test");
    if !mounted {
        return;
    }
    struct Unmount<'a>(&'a std::path::Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(disk.path());
    let store = swforce_store_sqlite::SqliteStore::open_in_dir(&disk.path().join("data")).unwrap();
    let app = crate::start_on(
        std::sync::Arc::new(store),
        tempfile::tempdir().unwrap(),
        swforce_web::Options::default(),
        false,
        false,
    );
    let b = app.browser();
    let csrf = b.csrf();
    // Fill the disk: the failed sign-in's audit line has nowhere to go.
    let mut filler = std::fs::File::create(disk.path().join("filler")).unwrap();
    while std::io::Write::write_all(&mut filler, &[0u8; 65536]).is_ok() {}
    let mut refused = None;
    // (The write-ahead log may hold a little room: write until it is used up.)
    for attempt in 0..200 {
        let r = b.post_form(
            "/sign-in",
            &[
                ("csrf", csrf.as_str()),
                ("email", &format!("someone{attempt}@example.org")),
                ("password", &"x".repeat(1000)),
            ],
        );
        if r.status != 422 {
            refused = Some(r);
            break;
        }
    }
    let r = refused.expect("a full disk refuses a write");
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("5"));
    assert!(r.body.contains("Nothing you sent was saved"), "{}", r.body);
    // Room again: served as before.
    drop(filler);
    std::fs::remove_file(disk.path().join("filler")).unwrap();
    let csrf = b.csrf();
    let again = b.post_form(
        "/sign-in",
        &[
            ("csrf", csrf.as_str()),
            ("email", "someone@example.org"),
            ("password", "whatever-it-is"),
        ],
    );
    assert_eq!(again.status, 422, "{}", again.body);
}

/// The start of a POST from `b` (its cookies, from the page's own site) to `path`, declaring
/// `length` bytes of `content_type`, followed by `body` (perhaps only part of it).
fn post_head(
    app: &crate::TestApp,
    b: &crate::browser::Browser<'_>,
    path: &str,
    content_type: &str,
    length: u64,
    body: &str,
) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nSec-Fetch-Site: same-origin\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n{body}",
        app.addr,
        b.cookie_header()
    )
}

const FORM: &str = "application/x-www-form-urlencoded";

/// What a raw connection gets back within `within` (empty when the server closed it
/// without a word), and how long that took.
fn raw_exchange(
    addr: std::net::SocketAddr,
    sent: &[u8],
    within: std::time::Duration,
) -> (String, std::time::Duration) {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(within)).unwrap();
    c.write_all(sent).unwrap();
    let started = std::time::Instant::now();
    let mut got = Vec::new();
    let _ = c.read_to_end(&mut got);
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn a_client_that_trickles_its_headers_or_sits_idle_is_let_go() {
    use std::time::Duration;
    let app = crate::spawn_app_with(swforce_web::Options {
        header_read: Duration::from_secs(1),
        ..swforce_web::Options::default()
    });
    // Half a request line, then nothing: closed after the limit, not held for good.
    let (_, took) = raw_exchange(app.addr, b"GET /about HTT", Duration::from_secs(10));
    assert!(took < Duration::from_secs(5), "{took:?}");
    // A connection opened and never used: the same.
    let (got, took) = raw_exchange(app.addr, b"", Duration::from_secs(10));
    assert!(took < Duration::from_secs(5), "{took:?}: {got}");
    // A whole request is answered as ever.
    let (got, _) = raw_exchange(
        app.addr,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(10),
    );
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
}

#[test]
fn a_form_that_stops_arriving_is_answered_408_not_too_large() {
    use std::time::Duration;
    let app = crate::spawn_app_with(swforce_web::Options {
        body_idle: Duration::from_secs(1),
        ..swforce_web::Options::default()
    });
    let b = app.browser();
    let csrf = b.csrf();
    let head = post_head(
        &app,
        &b,
        "/sign-in",
        FORM,
        500,
        &format!("csrf={csrf}&email=a"),
    );
    let (got, took) = raw_exchange(app.addr, head.as_bytes(), Duration::from_secs(10));
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    assert!(got.contains("stopped arriving"), "{got}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn a_form_trickled_a_byte_at_a_time_is_given_up_within_the_request_time() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let app = crate::spawn_app_with(swforce_web::Options {
        request_time: Duration::from_secs(2),
        ..swforce_web::Options::default()
    });
    let b = app.browser();
    let csrf = b.csrf();
    let head = post_head(&app, &b, "/sign-in", FORM, 500, &format!("csrf={csrf}"));
    let mut c = std::net::TcpStream::connect(app.addr).unwrap();
    c.write_all(head.as_bytes()).unwrap();
    c.set_nonblocking(true).unwrap();
    let started = Instant::now();
    let mut got = Vec::new();
    // A byte every half second: each pause is short, the whole is not.
    while started.elapsed() < Duration::from_secs(10) {
        let _ = c.write_all(b"a");
        let mut chunk = [0u8; 4096];
        match c.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&chunk[..n]),
            Err(_) => {}
        }
        if !got.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    // A form that says it is larger than accepted is refused before it is sent.
    let (got, took) = raw_exchange(
        app.addr,
        post_head(&app, &b, "/sign-in", FORM, 10_000_000_000, "").as_bytes(),
        Duration::from_secs(10),
    );
    assert!(got.starts_with("HTTP/1.1 413"), "{got}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

/// The session's database calls count against the request's time too: a signed-in page whose
/// session cannot be read is answered 503 within the request time, in words.
#[test]
fn a_request_whose_session_cannot_be_read_is_answered_within_the_request_time() {
    use std::time::{Duration, Instant};
    let Some(url) = swforce_store_postgres::testing::fresh_database() else {
        return;
    };
    let store = swforce_store_postgres::PostgresStore::connect(&url).unwrap();
    let app = crate::start_on(
        std::sync::Arc::new(store),
        tempfile::tempdir().unwrap(),
        swforce_web::Options {
            request_time: Duration::from_secs(1),
            ..swforce_web::Options::default()
        },
        false,
        false,
    );
    let analyst = app.analyst();
    assert_eq!(analyst.get("/account").status, 200);
    let mut holder = swforce_store_postgres::testing::raw(&url);
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let started = Instant::now();
    let answer = analyst.get("/account");
    let took = started.elapsed();
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert_eq!(answer.header("retry-after"), Some("5"));
    assert!(answer.body.contains("took too long"), "{}", answer.body);
    assert!(took < Duration::from_secs(4), "{took:?}");
    tx.rollback().unwrap();
}

#[test]
fn an_upload_that_stops_arriving_is_answered_408() {
    use std::time::Duration;
    let app = crate::spawn_app_with(swforce_web::Options {
        body_idle: Duration::from_secs(1),
        ..swforce_web::Options::default()
    });
    let b = app.browser();
    let csrf = b.csrf();
    let boundary = "stall-boundary";
    let head = post_head(
        &app,
        &b,
        &format!("/agency/check?csrf={csrf}"),
        &format!("multipart/form-data; boundary={boundary}"),
        5000,
        &format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.csv\"\r\nContent-Type: text/csv\r\n\r\nengagement_id,"
        ),
    );
    let (got, took) = raw_exchange(app.addr, head.as_bytes(), Duration::from_secs(10));
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    assert!(got.contains("stopped arriving"), "{got}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}
