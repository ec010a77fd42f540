//! `GET /api/v1/imports` (provenance) and `POST /api/v1/imports` (a CSV file as the body).

use super::extract::Query;
use super::schema::shapes;
use super::{ErrorAnswer, TOKEN_NOT_VALID, run, snapshot};
use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use swforce_app::ImportReport;
use swforce_store::ImportRecord;
use utoipa::IntoParams;

/// Every file imported, with its provenance.
#[utoipa::path(
    get,
    path = "/api/v1/imports",
    operation_id = "listImports",
    tag = "statistics",
    responses((status = 200, description = "Imports, newest first", body = Vec<shapes::Import>)),
)]
pub async fn index(State(state): AppState) -> Result<Json<Vec<ImportRecord>>, ApiError> {
    run(move || Ok(Json(snapshot(&state)?.imports().to_vec()))).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Params {
    /// The file's name, shown in messages and kept in the provenance; upload.csv unless given
    /// (or when blank).
    file_name: Option<String>,
}

/// Import a published CSV file sent as the request body, all or nothing.
///
/// Needs a token with the scope statistics:import, held by a national analyst or site admin.
/// 201 when imported, 200 when the same file was already on record, 422 with diagnostics when
/// refused, 413 when larger than the upload limit.
#[utoipa::path(
    post,
    path = "/api/v1/imports",
    operation_id = "createImport",
    tag = "statistics",
    security(("bearerToken" = [])),
    params(Params),
    request_body(content = String, content_type = "text/csv", description = "The published CSV file"),
    responses(
        (status = 201, description = "Imported", body = shapes::ImportReport),
        (status = 200, description = "The same file was already imported; nothing changed", body = shapes::ImportReport),
        (status = 401, description = TOKEN_NOT_VALID, body = ErrorAnswer),
        (status = 403, description = "No token was sent (a change through the API needs one, and is refused before it is read), the token may not import, the request came from another website, or imports are switched off", body = ErrorAnswer),
        (status = 413, description = "Larger than the upload limit", body = ErrorAnswer),
        (status = 422, description = "Refused, with every problem found in the file", body = ErrorAnswer),
    ),
)]
pub async fn create(
    State(state): AppState,
    viewer: crate::auth::Viewer,
    Query(params): Query<Params>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let who = viewer.api()?.clone();
    let body = body.map_err(|e| {
        let status = e.status();
        let problem = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "the file is larger than {} MB",
                crate::MAX_UPLOAD_BYTES / (1024 * 1024)
            )
        } else {
            e.body_text()
        };
        ApiError::new(
            status,
            "The file was not imported",
            &problem,
            "send the published CSV file as the request body",
        )
    })?;
    let name = params
        .file_name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "upload.csv".into());
    run(move || {
        let report: ImportReport = state
            .app
            .import_file_as(&who, &name, body.as_ref(), &viewer.origin)
            .map_err(|e| ApiError::from_app(e, state.request_id()))?;
        let status = if report.already_imported() {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        Ok((status, Json(report)).into_response())
    })
    .await
}
