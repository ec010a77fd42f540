//! `GET /api/v1/imports` (provenance) and `POST /api/v1/imports` (a CSV file as the body).

use super::{run, snapshot};
use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use swforce_app::ImportReport;
use swforce_store::ImportRecord;

pub async fn index(State(state): AppState) -> Result<Json<Vec<ImportRecord>>, ApiError> {
    run(move || Ok(Json(snapshot(&state)?.imports().to_vec()))).await
}

#[derive(Debug, Deserialize)]
pub struct Params {
    file_name: Option<String>,
}

/// Imports the request body; `?file_name=` names it in messages and the provenance.
/// 201 when imported, 200 when the same file was already on record, 422 with diagnostics when
/// refused, 413 when larger than the upload limit.
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
