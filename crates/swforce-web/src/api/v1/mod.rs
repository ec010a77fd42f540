//! Version 1 of the JSON API. Every answer is JSON; errors are
//! `{"error": {"status", "title", "problems": [{"text", "fix"}], "diagnostics"}}`.
//!
//! Each handler declares its path, parameters and answers beside it (`#[utoipa::path]`), and
//! [`router`] registers the handlers from those declarations, so the routes and the OpenAPI
//! document served at `/api/v1/openapi.json` are made from the same lines.

pub mod account;
pub mod diary;
pub mod extract;
pub mod geographies;
pub mod healthcheck;
pub mod imports;
pub mod measures;
pub mod neighbours;
pub mod scenarios;
pub mod schema;

use crate::error::ApiError;
use crate::{MAX_UPLOAD_BYTES, REQUEST_TIMEOUT, WebState, blocking};
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use std::sync::{Arc, LazyLock};
use swforce_app::Snapshot;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use schema::shapes::ErrorAnswer;

/// A 401 where sending no token is refused otherwise (a write, with 403) or not at all (a
/// public read).
pub const TOKEN_NOT_VALID: &str =
    "The token sent is not valid: it may be mistyped, expired or revoked";

/// What the document says of the API as a whole; the paths come from the handlers.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "swforce API",
        version = "1",
        description = "England's children's social work workforce statistics, indicators and benchmarks, as published by the Department for Education (Open Government Licence v3.0). Rates are given as percentages (17.1), rounded as published. A cell the publisher withheld holds its symbol instead of a number: z not applicable, x not available, c suppressed, low rounds to zero, u low reliability. A measure the release did not publish is null. Ids of records (organisations, teams, scenarios, engagements) are opaque strings that reveal no counts. The API answers to bearer tokens only (Authorization: Bearer <token>); a browser's session cookie is ignored here. A token reads within its scopes and writes only through POST /api/v1/imports (statistics:import) and POST /api/v1/scenarios (scenarios:write). A read that needs a token answers 401 without one; a write sent without a token is refused with 403 before it is read; a token that is not valid (mistyped, expired or revoked) is refused with 401 wherever it is sent, the public reads included.",
        license(name = "MIT OR Apache-2.0"),
    ),
    modifiers(&BearerToken),
    tags(
        (name = "statistics", description = "The published statistics: public"),
        (name = "account", description = "An organisation's own records: with an API token"),
        (name = "time", description = "The time diary"),
        (name = "healthcheck", description = "The employer standards health check: an organisation's published results"),
    ),
)]
struct Document;

/// The `bearerToken` security scheme the signed-in operations name.
#[derive(Debug)]
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token made on the account page (swf_...), sent as Authorization: Bearer <token>",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every API route with its description.
fn api() -> OpenApiRouter<WebState> {
    // Reads, and the scenario a token saves: given up on after the request timeout, like pages.
    let timed = OpenApiRouter::new()
        .routes(routes!(openapi))
        .routes(routes!(geographies::index))
        .routes(routes!(geographies::show))
        .routes(routes!(geographies::indicators))
        .routes(routes!(geographies::benchmarks))
        .routes(routes!(geographies::series))
        .routes(routes!(neighbours::show))
        .routes(routes!(measures::index))
        .routes(routes!(imports::index))
        .routes(routes!(account::me))
        .routes(routes!(scenarios::index, scenarios::save))
        .routes(routes!(account::census_returns))
        .routes(routes!(account::census_indicators))
        .routes(routes!(account::audit))
        .routes(routes!(account::agency_engagements))
        .routes(routes!(account::agency_summary))
        .routes(routes!(diary::weeks_of))
        .routes(routes!(diary::summary))
        .routes(routes!(diary::national))
        .routes(routes!(healthcheck::rounds))
        .routes(routes!(healthcheck::results))
        .layer(DefaultBodyLimit::max(scenarios::MAX_BODY_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ));
    // An upload streams for as long as the file takes, within its size limit.
    let uploads = OpenApiRouter::new()
        .routes(routes!(imports::create))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES));
    OpenApiRouter::with_openapi(Document::openapi())
        .merge(timed)
        .merge(uploads)
}

/// The API's routes, for the service to merge in: every address under `/api/` answers here,
/// and every error with the documented JSON.
pub fn router() -> axum::Router<WebState> {
    api()
        .split_for_parts()
        .0
        .route("/api/", axum::routing::any(extract::unknown))
        .route("/api/{*rest}", axum::routing::any(extract::unknown))
        .layer(axum::middleware::from_fn(extract::json_errors))
}

/// The OpenAPI document describing the API, made from the same declarations as its routes.
pub fn document() -> &'static str {
    static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
        let mut doc = api().into_openapi();
        common_answers(&mut doc);
        doc.to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    });
    &DOCUMENT
}

/// What any parameter may be: the answer's problem names it, and its fix says what it takes.
const MALFORMED: &str = "a parameter is malformed or given more than once (the problem names it)";

/// The answers every operation may give besides its own: a 400 for a malformed or repeated
/// parameter, where it takes any; a 401 for a token that is not valid (which any request may
/// send), each 401 with the `WWW-Authenticate` header it carries.
fn common_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{Header, RefOr, ResponseBuilder};
    let error = || {
        utoipa::openapi::ContentBuilder::new()
            .schema(Some(utoipa::openapi::Ref::from_schema_name("Error")))
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            let answers = &mut op.responses.responses;
            if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                match answers.get_mut("400") {
                    Some(RefOr::T(bad)) => {
                        bad.description = format!("{}; or {MALFORMED}", bad.description);
                    }
                    Some(RefOr::Ref(_)) => {}
                    None => {
                        let mut said = MALFORMED.to_string();
                        said[..1].make_ascii_uppercase();
                        answers.insert(
                            "400".into(),
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(said)
                                    .content("application/json", error())
                                    .build(),
                            ),
                        );
                    }
                }
            }
            answers.entry("401".into()).or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description(format!(
                            "{TOKEN_NOT_VALID} (no token is needed here: send none to read as the public)"
                        ))
                        .content("application/json", error())
                        .build(),
                )
            });
            if let Some(RefOr::T(unauthorized)) = answers.get_mut("401") {
                let mut header = Header::new(utoipa::openapi::schema::Object::with_type(
                    utoipa::openapi::schema::Type::String,
                ));
                header.description = Some("Bearer: send Authorization: Bearer <token>".into());
                unauthorized
                    .headers
                    .insert("WWW-Authenticate".into(), header);
            }
        }
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")),
)]
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document())
}

pub(crate) fn snapshot(state: &WebState) -> Result<Arc<Snapshot>, ApiError> {
    state
        .app
        .snapshot()
        .map_err(|e| ApiError::from_app(e, state.request_id()))
}

/// Runs blocking work for an API handler.
pub(crate) async fn run<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    blocking(f).await.map_err(ApiError::from_page)?
}
