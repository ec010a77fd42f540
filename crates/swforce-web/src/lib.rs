//! The swforce web service: server-rendered pages in the GOV.UK Design System idiom (working
//! without JavaScript), the JSON API under `/api/v1` with its OpenAPI document, and the static
//! assets, all embedded in the binary.
//!
//! Handlers stay thin: parse the request, call one `swforce-app` function, render the answer.

mod api;
pub mod auth;
mod cache;
mod chart;
mod error;
mod health;
mod metrics;
mod pages;
mod proxy;
mod upload;
mod view;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::post;
use std::sync::Arc;
use swforce_app::App;

pub use api::v1::document as openapi_document;
pub use api::v1::healthcheck::document as health_check_document;
pub use error::{ApiError, PageError};
pub use pages::downloads::{DOWNLOADS, Download};

/// Largest upload accepted, in bytes: the biggest published file is under 1 MB, so 50 MB is
/// generous while keeping a mistaken or hostile upload from filling memory.
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// Longest a request's body may pause between two pieces before the service gives up on it.
pub const BODY_IDLE: std::time::Duration = std::time::Duration::from_secs(30);

/// Longest a stopping server waits for the requests under way before it stops anyway.
pub const DRAIN: std::time::Duration = std::time::Duration::from_secs(20);

/// Longest a client may take to send a request's headers, or keep a connection open without
/// sending a request: a connection that trickles its headers, or sits idle, is closed after
/// this (so idle and slow clients cannot hold the server's connections).
pub const HEADER_READ: std::time::Duration = std::time::Duration::from_secs(30);

/// Longest a request (other than an upload) may take before the service gives up on it.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// How the service behaves, from the binary's settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Refuse imports over the web.
    pub read_only: bool,
    /// The address people reach the service at, for links in emails and single sign-on. When
    /// it is `https://`, cookies are marked Secure and browsers are told to keep to HTTPS.
    pub public_url: String,
    /// Proxies trusted to say who the client is (`X-Forwarded-For`); none by default.
    pub trust_proxy: TrustedProxies,
    /// How long a client may pause sending a request's body ([`BODY_IDLE`] unless a test
    /// says otherwise).
    pub body_idle: std::time::Duration,
    /// How long a client may take to send a request's headers ([`HEADER_READ`] unless a test
    /// says otherwise).
    pub header_read: std::time::Duration,
    /// How long a request may take ([`REQUEST_TIMEOUT`] unless a test says otherwise).
    pub request_time: std::time::Duration,
}

pub use proxy::TrustedProxies;

impl Default for Options {
    fn default() -> Self {
        Self {
            read_only: false,
            public_url: "http://127.0.0.1:8080".into(),
            trust_proxy: TrustedProxies::default(),
            body_idle: BODY_IDLE,
            header_read: HEADER_READ,
            request_time: REQUEST_TIMEOUT,
        }
    }
}

impl Options {
    /// Whether the service is reached over TLS.
    pub fn secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct WebState {
    pub app: App,
    pub options: Options,
    cache: Arc<cache::PageCache>,
    metrics: Option<Arc<metrics::Metrics>>,
}

impl WebState {
    /// A short id for a request, printed on error pages and in the log.
    pub fn request_id(&self) -> String {
        error::request_id()
    }
}

/// Every route of the service.
pub fn router(app: App, options: Options) -> Router {
    build(WebState {
        app,
        options,
        cache: Arc::new(cache::PageCache::default()),
        metrics: None,
    })
}

/// Every route of the service, counted and timed, with the router of the metrics address
/// (`/metrics`, for Prometheus) that reports them.
pub fn router_with_metrics(app: App, options: Options) -> (Router, Router) {
    let state = WebState {
        app,
        options,
        cache: Arc::new(cache::PageCache::default()),
        metrics: Some(metrics::new()),
    };
    (build(state.clone()), metrics::routes(state))
}

fn build(state: WebState) -> Router {
    error::name_the_database(state.app.database_location());
    Router::new()
        .merge(pages::routes())
        // A page or API answer that takes this long has gone wrong: answer rather than hold the
        // connection. (Uploads stream for as long as the file takes, within their size limit.)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            state.options.request_time,
        ))
        .merge(uploads())
        .merge(api::v1::router())
        .route_layer(middleware::from_fn(metrics::route_of))
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), cache::layer))
        .layer(middleware::from_fn_with_state(state.clone(), auth::layer))
        .layer(middleware::from_fn_with_state(state.clone(), deadline))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::layer,
        ))
        // A client that stops sending a request's body part-way is given up on, rather than
        // holding its connection (and a stopping server) for ever.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.options.body_idle,
        ))
        .with_state(state.clone())
        // Outside the session, cache and page layers: a probe needs none of them.
        .merge(health::routes(state))
}

/// Requests whose body may be larger than a form's, each under its own size limit and none
/// under the request timeout.
fn uploads() -> Router<WebState> {
    let files = Router::new()
        .route("/imports", post(pages::imports::create))
        .route("/projections/{code}/save", post(pages::scenarios::save))
        .route("/agency/check", post(pages::agency::rules::check))
        .route(
            "/agency/council/import",
            post(pages::agency::council::import),
        )
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES));
    // An example's text is checked for length by the application, so that a long one is
    // refused beside its field rather than cut off by the transport.
    let examples = Router::new()
        .route("/exchange/examples", post(pages::exchange::share::send))
        .layer(DefaultBodyLimit::max(pages::exchange::MAX_FORM_BYTES));
    // A calendar export a little over the reader's own limit is refused by the transport with
    // a page that says so; the reader refuses anything between.
    let calendars = Router::new()
        .route("/time/diary/calendar", post(pages::diary::calendar))
        .layer(DefaultBodyLimit::max(
            swforce_import::calendar::MAX_ICS_BYTES + 64 * 1024,
        ));
    let census = Router::new()
        .route("/census", post(pages::census::check))
        .route("/census/returns", post(pages::census_returns::store))
        .layer(DefaultBodyLimit::max(pages::census::MAX_RETURN_BYTES));
    files.merge(examples).merge(calendars).merge(census)
}

// ---------------------------------------------------------------------------------------------

/// Headers every answer carries: no framing, no sniffing, scripts from nowhere (the service
/// has none), styles only from itself.
async fn security_headers(State(state): AppState, request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let mut response = next.run(request).await;
    let status = response.status();
    if status.is_server_error() {
        // The operation that failed, by its address (the error itself is logged where it
        // happened, with the request id the page shows).
        tracing::warn!("{method} {path} answered {status}");
    }
    let h = response.headers_mut();
    if status == axum::http::StatusCode::SERVICE_UNAVAILABLE {
        // Busy, out of time or unreachable: a client may try again shortly.
        h.entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static("5"));
    }
    if state.options.secure() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    response
}

/// Every request but an upload is answered within the request time, the database calls of its
/// session and of the page cache included: past it, a 503 page (with `Retry-After`, from
/// [`security_headers`]). Uploads (`multipart/form-data`) stream for as long as the file takes,
/// within their size limit and the pause allowed between pieces.
async fn deadline(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let upload = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if upload {
        return next.run(request).await;
    }
    match tokio::time::timeout(state.options.request_time, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                "gave up on a request after {} s",
                state.options.request_time.as_secs_f64()
            );
            axum::response::IntoResponse::into_response(PageError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, the service is unavailable",
                "The answer took too long, so the service gave up on it: if you sent a change, it was either saved whole or not at all",
                "Try again in a few seconds. If it keeps happening, tell the people who run this service",
            ))
        }
    }
}

/// Serves until the process is stopped (Ctrl-C or SIGTERM), then finishes the requests in
/// flight.
/// With `metrics`, the metrics are served on that listener as well.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Option<tokio::net::TcpListener>,
    app: App,
    options: Options,
) -> anyhow::Result<()> {
    // Told to stop: no new connections, the requests under way answered, for at most DRAIN.
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown().await;
        let _ = stop.send(true);
    };
    let mut watch = stopping.clone();
    let deadline = async move {
        let _ = watch.wait_for(|s| *s).await;
        tokio::time::sleep(DRAIN).await;
    };
    let header_read = options.header_read;
    let (service, report) = match metrics {
        Some(metrics) => {
            let (service, report) = router_with_metrics(app, options);
            let mut watch = stopping.clone();
            let report = tokio::spawn(async move {
                axum::serve(metrics, report)
                    .with_graceful_shutdown(async move {
                        let _ = watch.wait_for(|s| *s).await;
                    })
                    .await
            });
            (service, Some(report))
        }
        None => (router(app, options), None),
    };
    let served = accept(listener, service, header_read, signal);
    tokio::select! {
        () = served => {},
        () = deadline => tracing::warn!(
            "stopped after waiting {} s for requests still under way",
            DRAIN.as_secs()
        ),
    }
    if let Some(report) = report {
        report.abort();
    }
    Ok(())
}

/// Serves `service` on the connections `listener` accepts until `stop`, then lets the requests
/// under way finish (idle connections are closed at once). Each connection has
/// `header_read` ([`HEADER_READ`]) to send a request's headers, between requests too.
///
/// (`axum::serve` has no such limit; this is its loop, on hyper's own server builder, with
/// the limit set.)
async fn accept(
    listener: tokio::net::TcpListener,
    service: Router,
    header_read: std::time::Duration,
    stop: impl Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    // HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which a proxy in front ends; and
    // telling the two apart would read the first bytes with no time limit.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a moment rather than spin.
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = service.clone();
        let hyper_service = hyper::service::service_fn(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                tower::ServiceExt::oneshot(service.clone(), request.map(axum::body::Body::new))
            },
        );
        let connection = builder.serve_connection(TokioIo::new(stream), hyper_service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away, or breaks the protocol, ends its own connection only.
            let _ = connection.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
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
    // The blocking thread sees the same viewer, so pages rendered there show who is signed in.
    let viewer = auth::VIEWER.try_with(Clone::clone).ok();
    tokio::task::spawn_blocking(move || match viewer {
        Some(v) => auth::VIEWER.sync_scope(v, f),
        None => f(),
    })
    .await
    .map_err(|e| {
        PageError::internal(
            anyhow::Error::new(e).context("running a blocking task"),
            String::new(),
        )
    })
}

/// The state extractor, re-exported for handlers.
pub(crate) type AppState = State<WebState>;
