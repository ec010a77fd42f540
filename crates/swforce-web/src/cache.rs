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
    /// Whether a new statistics snapshot is being built in the background.
    refreshing: std::sync::atomic::AtomicBool,
}

#[derive(Debug, Default)]
struct Inner {
    generation: i64,
    bytes: usize,
    entries: HashMap<String, Entry>,
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

const BAR_START: &[u8] = b"<nav class=\"sw-width-container sw-header__account\"";
const BAR_END: &[u8] = b"</nav>";

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The page with its account bar replaced by `bar` (unchanged when it has none).
fn with_bar(page: &[u8], bar: &str) -> Bytes {
    let Some(start) = find(page, BAR_START, 0) else {
        return Bytes::copy_from_slice(page);
    };
    let Some(end) = find(page, BAR_END, start) else {
        return Bytes::copy_from_slice(page);
    };
    let mut out = Vec::with_capacity(page.len() + bar.len());
    out.extend_from_slice(&page[..start]);
    out.extend_from_slice(bar.trim_end().as_bytes());
    out.extend_from_slice(&page[end + BAR_END.len()..]);
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
    let app = state.app.clone();
    let generation = match tokio::task::spawn_blocking(move || app.statistics_generation()).await {
        Ok(Ok(g)) => g,
        _ => return next.run(request).await,
    };
    let kept = state.cache.get(generation, &key).or_else(|| {
        // The statistics changed (an import, perhaps by another server or the command line)
        // and answers are still made from those before: what was kept for them is served, one
        // import behind for a moment, while one new snapshot is built in the background.
        let answering = state
            .app
            .answering_generation()
            .filter(|a| *a < generation)?;
        let entry = state.cache.get(answering, &key)?;
        refresh(&state);
        Some(entry)
    });
    if let Some(entry) = kept {
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
        return response;
    }
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

/// Builds the new statistics snapshot in the background, unless that is already under way.
fn refresh(state: &WebState) {
    use std::sync::atomic::Ordering;
    if state.cache.refreshing.swap(true, Ordering::AcqRel) {
        return;
    }
    let (app, cache) = (state.app.clone(), state.cache.clone());
    tokio::task::spawn_blocking(move || {
        if let Err(e) = app.snapshot() {
            tracing::warn!("building the statistics after an import: {e}");
        }
        cache.refreshing.store(false, Ordering::Release);
    });
}

impl PageCache {
    fn get(&self, generation: i64, key: &str) -> Option<Entry> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.generation != generation {
            return None;
        }
        inner.entries.get(key).cloned()
    }

    fn put(&self, generation: i64, key: String, entry: Entry) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.generation != generation || inner.bytes + entry.body.len() > MAX_BYTES {
            inner.entries.clear();
            inner.bytes = 0;
            inner.generation = generation;
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
        let page = b"<header><nav class=\"sw-width-container sw-header__account\" aria-label=\"Account\">\n<a href=\"/sign-in\">Sign in</a></nav></header><main>figures</main>";
        let swapped = with_bar(
            page,
            "<nav class=\"sw-width-container sw-header__account\">Sam</nav>\n",
        );
        assert_eq!(
            &swapped[..],
            b"<header><nav class=\"sw-width-container sw-header__account\">Sam</nav></header><main>figures</main>"
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
