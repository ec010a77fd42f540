//! Health for an operator's load balancer or orchestrator: `/healthz` says the process answers;
//! `/readyz` that the database answers and its schema is the one this server knows. Neither
//! needs a session, is cached, or says more than that.

use crate::WebState;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use std::time::Duration;

/// How long the database has to answer before the server is not ready.
const READY_WITHIN: Duration = Duration::from_secs(5);

pub fn routes(state: WebState) -> Router {
    // The schema this server migrates a database to (known without asking the database).
    let known = Some(state.app.known_schema_version());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(move |s: State<WebState>| readyz(s, known)))
        .with_state(state)
}

async fn healthz() -> Response {
    (StatusCode::OK, Json(json!({ "status": "ok" }))).into_response()
}

async fn readyz(State(state): State<WebState>, known: Option<i64>) -> Response {
    let app = state.app.clone();
    let read = tokio::time::timeout(
        READY_WITHIN,
        tokio::task::spawn_blocking(move || app.schema_version()),
    )
    .await;
    let not_ready = |why: String| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "5")],
            Json(json!({ "status": "not ready", "problem": why })),
        )
            .into_response()
    };
    match read {
        Err(_) => not_ready(format!(
            "the database did not answer within {} s",
            READY_WITHIN.as_secs()
        )),
        Ok(Err(e)) => not_ready(format!("checking the database stopped: {e}")),
        Ok(Ok(Err(e))) => not_ready(format!("the database could not be read: {e}")),
        Ok(Ok(Ok(v))) if Some(v) != known => not_ready(format!(
            "the database schema is at version {v}; this server knows {}: upgrade or restart it",
            known.map_or("none".to_string(), |k| k.to_string())
        )),
        Ok(Ok(Ok(v))) => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "schema": v })),
        )
            .into_response(),
    }
}
