//! HTML pages: one file per resource, one function per page or action.

pub mod about;
pub mod assets;
pub mod census;
pub mod compare;
pub mod imports;
pub mod indicator;
pub mod method;
pub mod place;
pub mod projection;
pub mod scenario_form;
pub mod search;

use crate::error::PageError;
use axum::http::Uri;

/// Any address that matches no page.
pub async fn not_found(uri: Uri) -> PageError {
    PageError::not_found(
        format!("There is no page at {}", uri.path()),
        "Check the address, or start from the England overview",
    )
}

/// Renders a template, turning a rendering failure into a 500 page.
pub fn render<T: askama::Template>(
    page: &T,
    request_id: impl FnOnce() -> String,
) -> Result<axum::response::Html<String>, PageError> {
    page.render().map(axum::response::Html).map_err(|e| {
        PageError::internal(
            anyhow::Error::new(e).context("rendering a page"),
            request_id(),
        )
    })
}
