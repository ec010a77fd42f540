//! Static assets, embedded in the binary.

use crate::WebState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

/// The stylesheet.
pub fn routes() -> Router<WebState> {
    Router::new().route("/assets/swforce.css", get(stylesheet))
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
