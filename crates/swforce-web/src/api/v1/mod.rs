//! Version 1 of the JSON API. Every answer is JSON; errors are
//! `{"error": {"status", "title", "problems": [{"text", "fix"}], "diagnostics"}}`.

pub mod account;
pub mod diary;
pub mod geographies;
pub mod imports;
pub mod measures;

use crate::error::ApiError;
use crate::{WebState, blocking};
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::Arc;
use swforce_app::Snapshot;

/// The OpenAPI document describing this API, written by hand and checked by a test against
/// the routes.
pub const OPENAPI: &str = include_str!("../../../openapi.json");

pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
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
