//! A cache of rendered answers. The statistics change only when a file is imported, so a page
//! rendered once can be served again until the store's generation moves on; every request
//! still asks the store for its generation, so servers sharing one database stay in step.
//!
//! Pages are kept as someone not signed in sees them. The only part of a statistics page that
//! depends on who is asking is the account bar in the header, so someone signed in gets the
//! kept page with their own account bar put in its place (and a page rendered for them is
//! kept with the anonymous bar).

use crate::WebState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;

/// Most bytes held; past it the cache starts again empty (the set of pages is small, so a
/// simple reset is enough and keeps the cache from growing on arbitrary query strings).
const MAX_BYTES: usize = 128 * 1024 * 1024;

/// Answers larger than this are not kept (they are cheap enough to render per request).
const MAX_ENTRY: usize = 4 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct PageCache {
    inner: Mutex<Inner>,
    /// Whether a request is building the new statistics snapshot.
    refreshing: std::sync::atomic::AtomicBool,
    /// The store's generation, and when it was read.
    seen: Mutex<Option<(std::time::Instant, i64)>>,
    /// Whether a request is reading the store's generation now.
    reading: std::sync::atomic::AtomicBool,
    /// Answers being made now (each under a [`Claim`]).
    making: std::sync::atomic::AtomicUsize,
    /// Answers made in the background at once, at most: the blocking threads are left to the
    /// requests waiting for theirs.
    behind: Behind,
}

#[derive(Debug, Default)]
struct Inner {
    generation: i64,
    bytes: usize,
    entries: HashMap<String, Entry>,
    /// The answers of the generation before, until each is made again: served while one
    /// request makes the new answer, so that an import does not make every reader of a page
    /// render it at once.
    previous: HashMap<String, Entry>,
    /// The addresses whose new answer one request is making now.
    rendering: std::collections::HashSet<String>,
}

/// The permits to make answers in the background.
#[derive(Debug)]
struct Behind(std::sync::Arc<tokio::sync::Semaphore>);

impl Default for Behind {
    fn default() -> Self {
        Self(std::sync::Arc::new(tokio::sync::Semaphore::new(2)))
    }
}

/// Answers being made at once from which the service is busy: a request for an address
/// that has an answer of the generation before is then served that one, and the new one is
/// made in the background. (When it is quiet, every answer is made for the request.)
const BUSY_MAKING: usize = 4;

/// What a request does for an address with no answer kept for the statistics now.
enum Lookup {
    /// Serve this answer.
    Serve(Entry),
    /// Make the answer in the background, and serve this one (of the generation before).
    MakeBehind(Claim, Entry),
    /// Make the answer and serve it.
    Make(Claim),
}

/// The claim of one request to make an address's new answer; let go when dropped (also when
/// the client goes away part of the way through).
struct Claim {
    cache: std::sync::Arc<PageCache>,
    key: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut inner = self.cache.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.rendering.remove(&self.key);
        self.cache
            .making
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// A kept answer: its type, its download name, its body, and the route that made it (for the
/// metrics, which count a cached answer under its route too).
#[derive(Debug, Clone)]
struct Entry {
    ctype: HeaderValue,
    disposition: Option<HeaderValue>,
    body: Bytes,
    route: Option<crate::metrics::Route>,
}

/// Paths whose answers depend only on the statistics (and the address itself).
fn cacheable(path: &str) -> bool {
    path == "/"
        || [
            "/regions/",
            "/authorities/",
            "/download/",
            "/api/v1/geographies",
            "/api/v1/measures",
        ]
        .iter()
        .any(|p| path.starts_with(p))
        || matches!(path, "/compare" | "/compare.csv" | "/search" | "/about")
}

/// The account bar of the header, as `layout` shows it.
#[derive(askama::Template)]
#[template(path = "account_nav.html")]
struct AccountNav<'a> {
    layout: &'a crate::view::Layout,
}

const BAR_START: &[u8] = b"<nav class=\"sw-header__account\"";
const BAR_END: &[u8] = b"</nav>";

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The page with each copy of its account bar (the wide header's and the folded menu's)
/// replaced by `bar` (unchanged when it has none).
fn with_bar(page: &[u8], bar: &str) -> Bytes {
    let bar = bar.trim_end().as_bytes();
    let mut out = Vec::with_capacity(page.len() + 2 * bar.len());
    let mut at = 0;
    while let Some(start) = find(page, BAR_START, at) {
        let Some(end) = find(page, BAR_END, start) else {
            break;
        };
        out.extend_from_slice(&page[at..start]);
        out.extend_from_slice(bar);
        at = end + BAR_END.len();
    }
    out.extend_from_slice(&page[at..]);
    Bytes::from(out)
}

/// The account bar of someone not signed in.
fn anonymous_bar() -> &'static str {
    static BAR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BAR.get_or_init(|| {
        askama::Template::render(&AccountNav {
            layout: &crate::view::Layout::default(),
        })
        .unwrap_or_default()
    })
}

/// The account bar of the person asking (rendered in the request's task, which knows them).
fn own_bar() -> String {
    askama::Template::render(&AccountNav {
        layout: &crate::view::Layout::new(""),
    })
    .unwrap_or_default()
}

pub async fn layer(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let signed_in = request
        .extensions()
        .get::<crate::auth::Viewer>()
        .is_some_and(|v| v.principal.is_some());
    if request.method() != Method::GET || !cacheable(request.uri().path()) {
        return next.run(request).await;
    }
    let key = request.uri().to_string();
    let Some(generation) = generation(&state).await else {
        return next.run(request).await;
    };
    // The statistics changed (an import, perhaps by another server or the command line) and
    // answers are still made from those before: one request builds the new snapshot (and
    // waits for it), and meanwhile the others are served what was kept for the statistics
    // before, one import behind for a moment.
    let answering = state.app.answering_generation();
    let mut kept = state.cache.get(generation, &key);
    if kept.is_none() && answering.is_some_and(|a| a < generation) {
        match Refresh::claim(&state.cache) {
            Some(refresh) => {
                let app = state.app.clone();
                if let Ok(Err(e)) = tokio::task::spawn_blocking(move || app.snapshot()).await {
                    tracing::warn!("building the statistics after an import: {e}");
                }
                drop(refresh);
            }
            None => kept = answering.and_then(|a| state.cache.get(a, &key)),
        }
    }
    // Nothing kept for these statistics: one request makes the answer, and the others asking
    // for it meanwhile get the answer of the generation before, if there is one, rather than
    // each making it again.
    let lookup = match kept {
        Some(entry) => Lookup::Serve(entry),
        None => state.cache.claim(generation, &key),
    };
    match lookup {
        Lookup::Serve(entry) => serve(entry, signed_in),
        Lookup::MakeBehind(claim, entry) => {
            let viewer = crate::auth::VIEWER.try_with(Clone::clone).ok();
            let behind = state.cache.behind.0.clone();
            let making = make(state, key, generation, signed_in, request, next);
            tokio::spawn(async move {
                let _claim = claim;
                let Ok(_permit) = behind.acquire().await else {
                    return;
                };
                match viewer {
                    Some(v) => drop(crate::auth::VIEWER.scope(v, making).await),
                    None => drop(making.await),
                }
            });
            serve(entry, signed_in)
        }
        Lookup::Make(claim) => {
            let response = make(state, key, generation, signed_in, request, next).await;
            drop(claim);
            response
        }
    }
}

/// A kept answer as a response (with the account bar of the person asking, if signed in).
fn serve(entry: Entry, signed_in: bool) -> Response {
    let body = if signed_in {
        with_bar(&entry.body, &own_bar())
    } else {
        entry.body
    };
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, entry.ctype);
    if let Some(d) = entry.disposition {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, d);
    }
    if let Some(route) = entry.route {
        response.extensions_mut().insert(route);
    }
    response
}

/// Makes the answer and keeps it under `generation`, if it was made from that generation's
/// statistics.
async fn make(
    state: WebState,
    key: String,
    generation: i64,
    signed_in: bool,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    // An answer made from the statistics before an import (while the new snapshot was being
    // built) is served but not kept under the new generation.
    if response.status() != StatusCode::OK || state.app.answering_generation() != Some(generation) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ENTRY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "answer too large").into_response();
    };
    if let Some(ctype) = parts.headers.get(header::CONTENT_TYPE) {
        // Kept as someone not signed in would see it.
        let kept = if signed_in {
            with_bar(&bytes, anonymous_bar())
        } else {
            bytes.clone()
        };
        state.cache.put(
            generation,
            key,
            Entry {
                ctype: ctype.clone(),
                disposition: parts.headers.get(header::CONTENT_DISPOSITION).cloned(),
                body: kept,
                route: parts.extensions.get::<crate::metrics::Route>().cloned(),
            },
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// How long the store's generation, once read, is taken as current: an import by another
/// server or the command line is noticed within this; one in this server at once.
const GENERATION_FRESH: std::time::Duration = std::time::Duration::from_millis(250);

/// The generation of the statistics, read from the store at most every [`GENERATION_FRESH`]
/// (a read on a blocking thread for every request would queue behind the pages being made
/// after an import); `None` when the store cannot say.
async fn generation(state: &WebState) -> Option<i64> {
    let answering = state.app.answering_generation().unwrap_or(i64::MIN);
    use std::sync::atomic::Ordering;
    let seen = *state.cache.seen.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((at, g)) = seen {
        // Fresh; or another request is reading it again now, and this one goes on with the
        // last reading rather than queue behind it.
        if at.elapsed() < GENERATION_FRESH || state.cache.reading.swap(true, Ordering::AcqRel) {
            return Some(g.max(answering));
        }
    } else {
        state.cache.reading.store(true, Ordering::Release);
    }
    let app = state.app.clone();
    let read = tokio::task::spawn_blocking(move || app.statistics_generation()).await;
    let g = match read {
        Ok(Ok(g)) => {
            *state.cache.seen.lock().unwrap_or_else(|p| p.into_inner()) =
                Some((std::time::Instant::now(), g));
            Some(g.max(answering))
        }
        _ => None,
    };
    state.cache.reading.store(false, Ordering::Release);
    g
}

/// The claim of one request to build the new statistics snapshot; let go when dropped.
struct Refresh(std::sync::Arc<PageCache>);

impl Refresh {
    fn claim(cache: &std::sync::Arc<PageCache>) -> Option<Refresh> {
        use std::sync::atomic::Ordering;
        (!cache.refreshing.swap(true, Ordering::AcqRel)).then(|| Refresh(cache.clone()))
    }
}

impl Drop for Refresh {
    fn drop(&mut self) {
        self.0
            .refreshing
            .store(false, std::sync::atomic::Ordering::Release);
    }
}

impl PageCache {
    /// What to do for `key`, which has no answer kept for the statistics now: serve the answer
    /// of the generation before while another request makes the new one; or make it (in the
    /// background, serving the one before, when the service is busy making answers).
    fn claim(self: &std::sync::Arc<Self>, generation: i64, key: &str) -> Lookup {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        // Until the first answer of `generation` is kept, the kept ones are all of the
        // generation before.
        let previous = if inner.generation < generation {
            inner.entries.get(key)
        } else {
            inner.previous.get(key)
        }
        .cloned();
        if inner.rendering.contains(key) {
            if let Some(entry) = previous {
                return Lookup::Serve(entry);
            }
        } else {
            inner.rendering.insert(key.to_string());
        }
        let busy = self
            .making
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel)
            >= BUSY_MAKING;
        let claim = Claim {
            cache: self.clone(),
            key: key.to_string(),
        };
        match previous {
            Some(entry) if busy => Lookup::MakeBehind(claim, entry),
            _ => Lookup::Make(claim),
        }
    }

    fn get(&self, generation: i64, key: &str) -> Option<Entry> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.generation != generation {
            return None;
        }
        inner.entries.get(key).cloned()
    }

    fn put(&self, generation: i64, key: String, entry: Entry) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.generation != generation {
            if generation < inner.generation {
                return;
            }
            inner.previous = std::mem::take(&mut inner.entries);
            inner.bytes = inner
                .previous
                .iter()
                .map(|(k, e)| k.len() + e.body.len())
                .sum();
            inner.generation = generation;
        }
        if inner.bytes + entry.body.len() > MAX_BYTES {
            inner.entries.clear();
            inner.previous.clear();
            inner.bytes = 0;
        }
        if let Some(old) = inner.previous.remove(&key) {
            inner.bytes -= key.len() + old.body.len();
        }
        inner.bytes += entry.body.len() + key.len();
        inner.entries.insert(key, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_bar_is_swapped_and_nothing_else() {
        // Both copies: the wide header's and the folded menu's.
        let page = b"<header><div><nav class=\"sw-header__account\" aria-label=\"Account\">\n<a href=\"/sign-in\">Sign in</a></nav></div><details><nav class=\"sw-header__account\" aria-label=\"Account\">\n<a href=\"/sign-in\">Sign in</a></nav></details></header><main>figures</main>";
        let swapped = with_bar(page, "<nav class=\"sw-header__account\">Sam</nav>\n");
        assert_eq!(
            &swapped[..],
            b"<header><div><nav class=\"sw-header__account\">Sam</nav></div><details><nav class=\"sw-header__account\">Sam</nav></details></header><main>figures</main>"
        );
        assert_eq!(
            &with_bar(b"a,b\n1,2\n", "x")[..],
            b"a,b\n1,2\n",
            "CSV and JSON have no bar"
        );
        assert!(anonymous_bar().contains("href=\"/sign-in\""));
        assert!(!anonymous_bar().contains("csrf"));
    }
}

#[cfg(test)]
mod stampede {
    use super::*;
    use std::sync::Arc;

    fn entry(text: &'static str) -> Entry {
        Entry {
            ctype: HeaderValue::from_static("text/html"),
            disposition: None,
            body: Bytes::from_static(text.as_bytes()),
            route: None,
        }
    }

    fn body(lookup: &Lookup) -> Option<&[u8]> {
        match lookup {
            Lookup::Serve(e) | Lookup::MakeBehind(_, e) => Some(&e.body),
            Lookup::Make(_) => None,
        }
    }

    #[test]
    fn after_an_import_one_request_makes_a_page_and_the_others_get_the_one_before() {
        let cache = Arc::new(PageCache::default());
        cache.put(1, "/a".into(), entry("before"));
        // The statistics move on to generation 2: the first asking makes the page...
        let first = cache.claim(2, "/a");
        assert!(matches!(first, Lookup::Make(_)));
        // ...and while it does, the others are served the page of generation 1.
        let second = cache.claim(2, "/a");
        assert!(matches!(second, Lookup::Serve(_)));
        assert_eq!(body(&second), Some(&b"before"[..]));
        // Kept under 2, it is what everyone gets; the claim let go, nothing is left claimed.
        cache.put(2, "/a".into(), entry("after"));
        drop(first);
        assert_eq!(cache.get(2, "/a").unwrap().body, &b"after"[..]);
        assert!(cache.get(1, "/a").is_none());
        let inner = cache.inner.lock().unwrap();
        assert!(inner.rendering.is_empty() && inner.previous.is_empty());
        assert_eq!(cache.making.load(std::sync::atomic::Ordering::Acquire), 0);
    }

    #[test]
    fn when_busy_making_pages_a_page_with_one_before_is_made_in_the_background() {
        let cache = Arc::new(PageCache::default());
        for key in ["/a", "/b", "/c", "/d", "/e"] {
            cache.put(1, key.into(), entry("before"));
        }
        // Quiet: made for the request, even with a page of before to serve.
        let held: Vec<Lookup> = ["/a", "/b", "/c", "/d"]
            .iter()
            .map(|k| cache.claim(2, k))
            .collect();
        assert!(held.iter().all(|l| matches!(l, Lookup::Make(_))));
        // Busy: the page before is served, the new one made behind.
        let busy = cache.claim(2, "/e");
        assert!(matches!(busy, Lookup::MakeBehind(..)));
        // A page never made before is made for the request whatever the load.
        assert!(matches!(cache.claim(2, "/new"), Lookup::Make(_)));
        drop(held);
        drop(busy);
        assert_eq!(cache.making.load(std::sync::atomic::Ordering::Acquire), 0);
    }
}
