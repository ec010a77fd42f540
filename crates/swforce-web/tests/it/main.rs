//! Black-box tests of the web service: a real server on a loopback port, a fresh data folder,
//! an HTTP client. Tests see only status, headers and body.

mod access;
mod agency;
mod api;
mod browser;
mod census;
mod diary_privacy;
mod exchange;
mod health;
mod healthcheck;
mod imports;
mod joint;
mod neighbours;
mod openapi;
mod pages;
mod projections;
mod quality;
mod security;
mod sso;
mod tenancy;
mod time;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use swforce_app::App;
use swforce_store_sqlite::SqliteStore;
use swforce_web::Options;

pub use browser::Browser;

/// A running server and its data folder (removed when dropped).
#[derive(Debug)]
pub struct TestApp {
    pub addr: SocketAddr,
    agent: ureq::Agent,
    /// The application behind the server, for setting up people and organisations.
    pub app: App,
    pub dir: tempfile::TempDir,
}

/// An answer: status, headers, body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn answer(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut r = r.expect("the server answers");
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let status = r.status().as_u16();
    let body = r
        .body_mut()
        .with_config()
        .limit(50 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Answer {
        status,
        headers,
        body,
    }
}

impl TestApp {
    /// The opaque id addresses carry for record `id` of `kind`.
    pub fn public(&self, kind: swforce_app::public_id::Kind, id: i64) -> String {
        self.app.public_id(kind, id).unwrap()
    }

    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn get(&self, path: &str) -> Answer {
        answer(self.agent.get(&self.url(path)).call())
    }

    /// A page that must exist: status 200 and HTML.
    pub fn get_page(&self, path: &str) -> String {
        let a = self.get(path);
        assert_eq!(a.status, 200, "GET {path}: {}", a.body);
        assert!(
            a.header("content-type")
                .unwrap_or("")
                .starts_with("text/html"),
            "GET {path}"
        );
        a.body
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let a = self.get(path);
        assert_eq!(a.status, 200, "GET {path}: {}", a.body);
        a.json()
    }

    pub fn post(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut req = self
            .agent
            .post(&self.url(path))
            .header("content-type", content_type);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        answer(req.send(body))
    }

    /// Posts a file the way a browser's upload form does.
    pub fn post_file(
        &self,
        path: &str,
        file_name: &str,
        bytes: &[u8],
        headers: &[(&str, &str)],
    ) -> Answer {
        let boundary = "swforce-test-boundary-7d41";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.post(
            path,
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
            headers,
        )
    }
}

fn start(options: Options, demo: bool) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_in_dir(dir.path()).unwrap();
    start_on(Arc::new(store), dir, options, demo, false)
}

/// A fresh server (no data) that lets single sign-on use a provider on 127.0.0.1 over plain
/// http, as the operator's --allow-insecure-sso-for-testing does.
pub fn spawn_app_for_sso_tests() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_in_dir(dir.path()).unwrap();
    start_on(Arc::new(store), dir, Options::default(), false, true)
}

/// A fresh server with the demo data on a new PostgreSQL database; `None` without a server
/// (except under CI, where a missing server fails the test).
pub fn spawn_app_on_postgres() -> Option<TestApp> {
    let store = swforce_store_postgres::testing::fresh_store()?;
    let dir = tempfile::tempdir().unwrap();
    Some(start_on(
        Arc::new(store),
        dir,
        Options::default(),
        true,
        false,
    ))
}

pub fn start_on(
    store: Arc<dyn swforce_store::Store>,
    dir: tempfile::TempDir,
    options: Options,
    demo: bool,
    insecure_sso: bool,
) -> TestApp {
    let outbox = swforce_app::access::Outbox {
        dir: dir.path().join("outbox"),
    };
    let app = App::new(store)
        .with_mailer(Arc::new(outbox))
        .with_insecure_sso_for_testing(insecure_sso);
    if demo {
        app.load_demo().unwrap();
    }
    let served = app.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            swforce_web::serve(listener, None, served, options)
                .await
                .unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        // A fresh connection per request: the server closes one whose request body it refused
        // unread, and reusing it would fail the next request.
        .max_idle_connections(0)
        .build()
        .new_agent();
    TestApp {
        addr,
        agent,
        app,
        dir,
    }
}

/// A fresh server with the demo data, for tests that change data.
pub fn spawn_app() -> TestApp {
    start(Options::default(), true)
}

/// A fresh server with no data at all.
pub fn spawn_empty_app() -> TestApp {
    start(Options::default(), false)
}

pub fn spawn_app_with(options: Options) -> TestApp {
    start(options, true)
}

/// One server with the demo data, shared by the tests that only read.
pub fn demo() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(spawn_app)
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../swforce-import/tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {} is missing: {e}", path.display()))
}

/// Every `href="..."` in a page.
pub fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&").replace("&#38;", "&"))
        .collect()
}
