//! A cache of rendered answers. The statistics change only when a file is imported, so a page
//! rendered once can be served again until the store's generation moves on; every request
//! still asks the store for its generation, so servers sharing one database stay in step.

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
}

#[derive(Debug, Default)]
struct Inner {
    generation: i64,
    bytes: usize,
    entries: HashMap<String, (HeaderValue, Option<HeaderValue>, Bytes)>,
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

pub async fn layer(State(state): State<WebState>, request: Request, next: Next) -> Response {
    // Pages for someone signed in carry their name and are never shared.
    let signed_in = request
        .extensions()
        .get::<crate::auth::Viewer>()
        .is_some_and(|v| v.principal.is_some());
    if signed_in || request.method() != Method::GET || !cacheable(request.uri().path()) {
        return next.run(request).await;
    }
    let key = request.uri().to_string();
    let app = state.app.clone();
    let generation = match tokio::task::spawn_blocking(move || app.store().generation()).await {
        Ok(Ok(g)) => g,
        _ => return next.run(request).await,
    };
    if let Some((ctype, disposition, body)) = state.cache.get(generation, &key) {
        let mut response = (StatusCode::OK, body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, ctype);
        if let Some(d) = disposition {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, d);
        }
        return response;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ENTRY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "answer too large").into_response();
    };
    if let Some(ctype) = parts.headers.get(header::CONTENT_TYPE) {
        state.cache.put(
            generation,
            key,
            ctype.clone(),
            parts.headers.get(header::CONTENT_DISPOSITION).cloned(),
            bytes.clone(),
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}

impl PageCache {
    fn get(&self, generation: i64, key: &str) -> Option<(HeaderValue, Option<HeaderValue>, Bytes)> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.generation != generation {
            return None;
        }
        inner.entries.get(key).cloned()
    }

    fn put(
        &self,
        generation: i64,
        key: String,
        ctype: HeaderValue,
        disposition: Option<HeaderValue>,
        body: Bytes,
    ) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.generation != generation || inner.bytes + body.len() > MAX_BYTES {
            inner.entries.clear();
            inner.bytes = 0;
            inner.generation = generation;
        }
        inner.bytes += body.len() + key.len();
        inner.entries.insert(key, (ctype, disposition, body));
    }
}
