//! HTML pages: one file per resource, one function per page or action.

pub mod about;
pub mod account;
pub mod admin;
pub mod agency;
pub mod assets;
pub mod census;
pub mod census_returns;
pub mod compare;
pub mod diary;
pub mod exchange;
pub mod imports;
pub mod indicator;
pub mod involved;
pub mod method;
pub mod place;
pub mod projection;
pub mod scenario_form;
pub mod search;
pub mod sso;
pub mod time;

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

/// A posted form's fields, in order; several with one name (checkboxes) are all kept.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value given for `name`, or empty.
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value given for `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// One problem for the error summary, linked to the field it is about.
pub fn problem_at(
    target: &str,
    text: impl Into<String>,
    fix: impl Into<String>,
) -> Vec<crate::error::Problem> {
    vec![crate::error::Problem {
        text: text.into(),
        fix: fix.into(),
        target: target.into(),
    }]
}

/// Only addresses on this service are followed after signing in.
pub fn local_path(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

/// A CSV download named `name`.
pub fn csv_response(name: &str, body: String) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
