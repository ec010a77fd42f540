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
mod pages;
mod upload;
mod view;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use std::sync::Arc;
use swforce_app::App;

pub use error::{ApiError, PageError};

/// Largest upload accepted, in bytes: the biggest published file is under 1 MB, so 50 MB is
/// generous while keeping a mistaken or hostile upload from filling memory.
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

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
}

impl Default for Options {
    fn default() -> Self {
        Self {
            read_only: false,
            public_url: "http://127.0.0.1:8080".into(),
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
}

impl WebState {
    /// A short id for a request, printed on error pages and in the log.
    pub fn request_id(&self) -> String {
        error::request_id()
    }
}

/// Every route of the service.
pub fn router(app: App, options: Options) -> Router {
    let state = WebState {
        app,
        options,
        cache: Arc::new(cache::PageCache::default()),
    };
    let uploads = Router::new()
        .route("/imports", post(pages::imports::create))
        .route("/projections/{code}/save", post(pages::projection::save))
        .route("/api/v1/imports", post(api::v1::imports::create))
        .route("/agency/check", post(pages::agency::check))
        .route("/agency/council/import", post(pages::agency::import))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES));
    // An example's text is checked for length by the application, so that a long one is
    // refused beside its field rather than cut off by the transport.
    let examples = Router::new()
        .route("/exchange/examples", post(pages::exchange::send))
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
        .route("/api/v1/me", get(api::v1::account::me))
        .route(
            "/api/v1/scenarios",
            get(api::v1::account::scenarios).post(api::v1::account::save_scenario),
        )
        .route(
            "/api/v1/census/returns",
            get(api::v1::account::census_returns),
        )
        .route(
            "/api/v1/census/returns/{year}/indicators",
            get(api::v1::account::census_indicators),
        )
        .route("/api/v1/audit", get(api::v1::account::audit))
        .route(
            "/api/v1/agency/engagements",
            get(api::v1::account::agency_engagements),
        )
        .route(
            "/api/v1/agency/summary",
            get(api::v1::account::agency_summary),
        )
        .route("/api/v1/diary/weeks", get(api::v1::diary::weeks_of))
        .route("/api/v1/diary/summary", get(api::v1::diary::summary))
        .route("/api/v1/diary/national", get(api::v1::diary::national))
        .route("/census", get(pages::census::show))
        .route("/exchange", get(pages::exchange::index))
        .route("/exchange/feed.atom", get(pages::exchange::feed))
        .route("/exchange/new", get(pages::exchange::new_example))
        .route("/exchange/examples/{id}", get(pages::exchange::show))
        .route(
            "/exchange/examples/{id}/helped",
            post(pages::exchange::helped),
        )
        .route(
            "/exchange/examples/{id}/withdraw",
            post(pages::exchange::withdraw),
        )
        .route("/exchange/confirm/{secret}", get(pages::exchange::confirm))
        .route(
            "/exchange/withdraw/{secret}",
            get(pages::exchange::withdraw_link),
        )
        .route("/exchange/mine", get(pages::exchange::mine))
        .route("/exchange/moderation", get(pages::exchange::queue))
        .route(
            "/exchange/moderation/{id}",
            get(pages::exchange::review).post(pages::exchange::decide),
        )
        .route("/get-involved", get(pages::involved::index))
        .route("/get-involved/steering", post(pages::involved::join))
        .route(
            "/get-involved/steering.csv",
            get(pages::involved::steering_csv),
        )
        .route("/get-involved/manage", get(pages::involved::manage))
        .route("/get-involved/forms", post(pages::involved::create_form))
        .route(
            "/get-involved/forms/{id}",
            get(pages::involved::show_form).post(pages::involved::answer),
        )
        .route(
            "/get-involved/forms/{id}/open",
            post(pages::involved::set_open),
        )
        .route(
            "/get-involved/forms/{id}/responses.csv",
            get(pages::involved::responses_csv),
        )
        .route("/get-involved/themes", post(pages::involved::save_theme))
        .route(
            "/resources",
            get(pages::involved::resources).post(pages::involved::save_resource),
        )
        .route("/resources/edit", get(pages::involved::edit_resource))
        .route("/resources/{slug}", get(pages::involved::resource))
        .route("/time", get(pages::time::index))
        .route(
            "/time/diary",
            get(pages::diary::show).post(pages::diary::save),
        )
        .route("/time/mine", get(pages::diary::mine))
        .route("/time/mine/download.csv", get(pages::diary::mine_csv))
        .route("/time/organisation", get(pages::time::organisation))
        .route(
            "/time/organisation/download.csv",
            get(pages::time::organisation_csv),
        )
        .route("/time/england", get(pages::time::england))
        .route("/time/england/download.csv", get(pages::time::england_csv))
        .route("/time/regions/{code}", get(pages::time::region))
        .route(
            "/time/regions/{code}/download.csv",
            get(pages::time::region_csv),
        )
        .route("/time/settings", get(pages::time::settings))
        .route(
            "/time/settings/categories",
            post(pages::time::save_category),
        )
        .route("/time/settings/opt-in", post(pages::time::save_opt_in))
        .route("/agency", get(pages::agency::rules_index))
        .route("/agency/council", get(pages::agency::council))
        .route("/agency/council/costs", post(pages::agency::save_costs))
        .route(
            "/agency/council/return.csv",
            get(pages::agency::quarterly_return),
        )
        .route(
            "/agency/council/engagements",
            get(pages::agency::register).post(pages::agency::save_engagement),
        )
        .route(
            "/agency/council/engagements/new",
            get(pages::agency::new_engagement),
        )
        .route(
            "/agency/council/engagements/{id}",
            get(pages::agency::engagement),
        )
        .route(
            "/agency/council/engagements/{id}/delete",
            post(pages::agency::delete),
        )
        .route("/agency/region", get(pages::agency::region))
        .route("/agency/region/caps", post(pages::agency::set_cap))
        .route(
            "/agency/region/caps/delete",
            post(pages::agency::delete_cap),
        )
        .route(
            "/sign-in",
            get(pages::account::sign_in_form).post(pages::account::sign_in),
        )
        .route("/sign-out", post(pages::account::sign_out))
        .route("/sign-in/sso", post(pages::sso::begin))
        .route("/sign-in/sso/callback", get(pages::sso::callback))
        .route(
            "/password-reset",
            get(pages::account::reset_form).post(pages::account::reset_request),
        )
        .route(
            "/password-reset/{secret}",
            get(pages::account::reset_token_form).post(pages::account::reset_token_set),
        )
        .route(
            "/invitations/{secret}",
            get(pages::account::invitation_form).post(pages::account::invitation_accept),
        )
        .route("/account", get(pages::account::show))
        .route(
            "/account/sign-out-everywhere",
            post(pages::account::sign_out_everywhere),
        )
        .route("/account/tokens", post(pages::account::create_token))
        .route(
            "/account/tokens/{id}/revoke",
            post(pages::account::revoke_token),
        )
        .route("/admin", get(pages::admin::index))
        .route("/admin/audit", get(pages::admin::site_audit))
        .route(
            "/admin/organisations",
            post(pages::admin::create_organisation),
        )
        .route(
            "/admin/organisations/{id}",
            get(pages::admin::show_organisation),
        )
        .route(
            "/admin/organisations/{id}/audit",
            get(pages::admin::organisation_audit),
        )
        .route(
            "/admin/organisations/{id}/invitations",
            post(pages::admin::invite),
        )
        .route(
            "/admin/organisations/{id}/teams",
            post(pages::admin::create_team),
        )
        .route(
            "/admin/organisations/{id}/sso",
            post(pages::admin::configure_sso),
        )
        .route(
            "/admin/organisations/{id}/domain-verification",
            post(pages::admin::verify_domain_request),
        )
        .route("/domains/verify/{secret}", get(pages::admin::verify_domain))
        .route(
            "/admin/people/{id}",
            get(pages::admin::show_person).post(pages::admin::update_person),
        )
        .route("/census/schema.xsd", get(pages::census::schema))
        .route("/census/returns", get(pages::census_returns::index))
        .route("/census/returns/{year}", get(pages::census_returns::show))
        .route(
            "/census/returns/{year}/return.xml",
            get(pages::census_returns::export),
        )
        // A page or API answer that takes this long has gone wrong: answer rather than hold the
        // connection. (Uploads stream for as long as the file takes, within their size limit.)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .merge(uploads)
        .merge(census)
        .merge(calendars)
        .merge(examples)
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), cache::layer))
        .layer(middleware::from_fn_with_state(state.clone(), auth::layer))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

/// Headers every answer carries: no framing, no sniffing, scripts from nowhere (the service
/// has none), styles only from itself.
async fn security_headers(State(state): AppState, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
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
    axum::serve(
        listener,
        router(app, options).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
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
