//! Static assets, embedded in the binary.

use crate::WebState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

/// The stylesheet, and the one script (which only moves focus; pages work without it).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/assets/swforce.css", get(stylesheet))
        .route("/assets/swforce.js", get(script))
}

const SCRIPT: &str = include_str!("../../assets/swforce.js");

pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}

const STYLESHEET: &str = include_str!("../../assets/swforce.css");

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}
