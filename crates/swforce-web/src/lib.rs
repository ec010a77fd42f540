//! The swforce web service: server-rendered pages in the GOV.UK Design System idiom (working
//! without JavaScript), the JSON API under `/api/v1` with its OpenAPI document, and the static
//! assets, all embedded in the binary.
//!
//! Handlers stay thin: parse the request, call one `swforce-app` function, render the answer.

mod api;
mod cache;
mod chart;
mod error;
mod pages;
mod view;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use swforce_app::App;

pub use error::{ApiError, PageError};

/// Largest upload accepted, in bytes: the biggest published file is under 1 MB, so 50 MB is
/// generous while keeping a mistaken or hostile upload from filling memory.
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// How the service behaves, from the binary's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Refuse imports over the web.
    pub read_only: bool,
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct WebState {
    pub app: App,
    pub options: Options,
    requests: Arc<AtomicU64>,
    cache: Arc<cache::PageCache>,
}

impl WebState {
    /// A short id for a request, printed on error pages and in the log.
    pub fn request_id(&self) -> String {
        format!("req-{:06}", self.requests.fetch_add(1, Ordering::Relaxed))
    }
}

/// Every route of the service.
pub fn router(app: App, options: Options) -> Router {
    let state = WebState {
        app,
        options,
        requests: Arc::new(AtomicU64::new(1)),
        cache: Arc::new(cache::PageCache::default()),
    };
    let uploads = Router::new()
        .route("/imports", post(pages::imports::create))
        .route("/projections/{code}/save", post(pages::projection::save))
        .route("/api/v1/imports", post(api::v1::imports::create))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES));
    let census = Router::new()
        .route("/census", post(pages::census::check))
        .layer(DefaultBodyLimit::max(pages::census::MAX_RETURN_BYTES));
    Router::new()
        .route("/", get(pages::place::england))
        .route("/regions/{code}", get(pages::place::region))
        .route("/authorities/{code}", get(pages::place::authority))
        .route("/places/{code}", get(pages::place::any))
        .route("/download/{code}/{table}", get(pages::place::download))
        .route("/compare", get(pages::compare::show))
        .route("/compare.csv", get(pages::compare::download))
        .route("/search", get(pages::search::show))
        .route("/about", get(pages::about::show))
        .route("/projections", get(pages::projection::index))
        .route("/projections/method", get(pages::method::show))
        .route("/projections/{code}", get(pages::projection::show))
        .route(
            "/projections/{code}/download.csv",
            get(pages::projection::download),
        )
        .route("/scenarios/{id}", get(pages::projection::saved))
        .route("/imports", get(pages::imports::index))
        .route("/assets/swforce.css", get(pages::assets::stylesheet))
        .route("/api/v1/openapi.json", get(api::v1::openapi))
        .route("/api/v1/geographies", get(api::v1::geographies::index))
        .route(
            "/api/v1/geographies/{code}",
            get(api::v1::geographies::show),
        )
        .route(
            "/api/v1/geographies/{code}/indicators",
            get(api::v1::geographies::indicators),
        )
        .route(
            "/api/v1/geographies/{code}/benchmarks",
            get(api::v1::geographies::benchmarks),
        )
        .route(
            "/api/v1/geographies/{code}/series/{measure}",
            get(api::v1::geographies::series),
        )
        .route("/api/v1/measures", get(api::v1::measures::index))
        .route("/api/v1/imports", get(api::v1::imports::index))
        .route("/census", get(pages::census::show))
        .route("/census/schema.xsd", get(pages::census::schema))
        .merge(uploads)
        .merge(census)
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), cache::layer))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Headers every answer carries: no framing, no sniffing, scripts from nowhere (the service
/// has none), styles only from itself.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    response
}

/// Serves until the process is stopped (Ctrl-C or SIGTERM), then finishes the requests in
/// flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    options: Options,
) -> anyhow::Result<()> {
    axum::serve(listener, router(app, options))
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Runs blocking application work (database reads, imports) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PageError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        PageError::internal(
            anyhow::Error::new(e).context("running a blocking task"),
            String::new(),
        )
    })
}

/// The state extractor, re-exported for handlers.
pub(crate) type AppState = State<WebState>;
