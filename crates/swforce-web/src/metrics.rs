//! Prometheus metrics for an operator, served on their own address (`--metrics-addr`), never on
//! the public one: requests and their latency by route, the database connections in use, and
//! imports by outcome. Routes are the patterns (`/authorities/{code}`), never the addresses
//! asked for, so no label carries what a person typed.

use crate::WebState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ImportLabels {
    kind: &'static str,
    outcome: &'static str,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The service's metrics, shared by every request.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Latency,
    imports: Family<ImportLabels, Counter>,
    builds: Counter,
    open: Gauge,
    in_use: Gauge,
    waiting: Gauge,
    max: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 33 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("swforce");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Latency = Family::new_with_constructor(latency_histogram);
        let imports = Family::<ImportLabels, Counter>::default();
        let builds = Counter::default();
        let (open, in_use, waiting, max) = Default::default();
        registry.register(
            "http_requests",
            "Requests answered, by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by method and route",
            latency.clone(),
        );
        registry.register(
            "imports",
            "Imports of published statistics (kind statistics) and census returns (kind census) sent, by outcome",
            imports.clone(),
        );
        registry.register(
            "snapshot_builds",
            "Builds of the statistics snapshot (one after each import, however many read at once)",
            builds.clone(),
        );
        registry.register(
            "db_connections_open",
            "Database connections open (PostgreSQL)",
            Gauge::clone(&open),
        );
        registry.register(
            "db_connections_in_use",
            "Database connections lent to a request now (PostgreSQL)",
            Gauge::clone(&in_use),
        );
        registry.register(
            "db_connections_waiting",
            "Requests waiting for a database connection (PostgreSQL)",
            Gauge::clone(&waiting),
        );
        registry.register(
            "db_connections_max",
            "The most database connections a server opens (PostgreSQL)",
            Gauge::clone(&max),
        );
        Self {
            registry,
            requests,
            latency,
            imports,
            builds,
            open,
            in_use,
            waiting,
            max,
        }
    }
}

/// The kind of import a request sends, if it sends one (by its path: import addresses have no
/// parameters, and a refusal before routing still counts).
fn import_kind(method: &str, path: &str) -> Option<&'static str> {
    match (method, path) {
        ("POST", "/imports" | "/api/v1/imports") => Some("statistics"),
        ("POST", "/census/returns") => Some("census"),
        _ => None,
    }
}

impl Metrics {
    fn record(&self, method: &str, route: &str, path: &str, status: StatusCode, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status: status.as_u16(),
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(seconds);
        if let Some(kind) = import_kind(method, path) {
            let outcome = if status.is_success() || status.is_redirection() {
                "accepted"
            } else {
                "refused"
            };
            self.imports
                .get_or_create(&ImportLabels { kind, outcome })
                .inc();
        }
    }

    /// The metrics in Prometheus's text format, with the connection gauges read now.
    fn render(&self, connections: Option<swforce_store::Connections>, builds: u64) -> String {
        self.builds.inc_by(builds.saturating_sub(self.builds.get()));
        if let Some(c) = connections {
            let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
            self.open.set(n(c.open));
            self.in_use.set(n(c.in_use));
            self.waiting.set(n(c.waiting));
            self.max.set(n(c.max));
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// The route a request matched, carried on its answer to the outer metrics layer.
#[derive(Debug, Clone)]
pub(crate) struct Route(String);

/// Inside the router (on matched routes only): notes the route pattern on the answer.
pub(crate) async fn route_of(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// Around everything: counts and times each request by the route noted on its answer
/// (`unrouted` for an address no route serves, or a request refused before routing, such as a
/// form without its token).
pub(crate) async fn layer(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let Some(metrics) = state.metrics.clone() else {
        return next.run(request).await;
    };
    // The standard methods by name, anything a client made up as one label.
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    }
    .to_string();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<Route>()
        .map_or("unrouted", |r| r.0.as_str());
    metrics.record(
        &method,
        route,
        &path,
        response.status(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The router of the metrics address: `/metrics` only.
pub fn routes(state: WebState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(state)
}

async fn scrape(State(state): State<WebState>) -> Response {
    let Some(metrics) = state.metrics.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let app = state.app.clone();
    // The pool's counters are behind a lock, not the database: no query is made.
    let connections = tokio::task::spawn_blocking(move || app.connections())
        .await
        .ok()
        .flatten();
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render(connections, state.app.snapshot_builds()),
    )
        .into_response()
}

/// Shared metrics for a router.
pub fn new() -> Arc<Metrics> {
    Arc::new(Metrics::default())
}
