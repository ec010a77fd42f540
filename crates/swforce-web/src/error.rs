//! Errors at the top of a request: a page for people, JSON for programs.
//!
//! A 4xx answer says what was wrong and how to fix it. A 5xx answer shows a request id while
//! the whole cause chain goes to the log.

use crate::view::Layout;
use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use swforce_app::AppError;
use swforce_import::Diagnostic;

/// Requests that failed on the server are numbered, so that the id a person reads on the
/// error page finds the cause in the log.
static FAILED: AtomicU64 = AtomicU64::new(1);

/// A short id for a failed request, printed on its error page and in the log.
pub fn request_id() -> String {
    format!("req-{:06}", FAILED.fetch_add(1, Ordering::Relaxed))
}

/// One problem in an error summary; `target` is the id of the field it links to.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub text: String,
    pub fix: String,
    #[serde(skip)]
    pub target: String,
}

/// The words of the problem about a form field (`target`), or nothing when it has none.
pub fn error_for(problems: &[Problem], target: &str) -> String {
    problems
        .iter()
        .find(|p| p.target == target)
        .map(|p| p.text.clone())
        .unwrap_or_default()
}

/// An error answered with a page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub title: String,
    pub problems: Vec<Problem>,
    pub request_id: Option<String>,
    /// Send the browser here instead (to sign in).
    pub redirect: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    error: &'a PageError,
}

impl PageError {
    pub fn new(
        status: StatusCode,
        title: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            status,
            title: title.into(),
            problems: vec![Problem {
                text: problem.into(),
                fix: fix.into(),
                target: String::new(),
            }],
            request_id: None,
            redirect: None,
        }
    }

    /// Someone not signed in asked for a page that needs it: off to sign in, and back after.
    pub fn sign_in(back_to: &str) -> Self {
        let mut e = Self::new(
            StatusCode::UNAUTHORIZED,
            "Sign in to continue",
            "This page is for people signed in to swforce",
            "Sign in, then try again",
        );
        let next: String = form_urlencoded_component(back_to);
        e.redirect = Some(format!("/sign-in?next={next}"));
        e
    }

    pub fn not_found(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Page not found", problem, fix)
    }

    /// A server-side failure: logged with its cause chain, shown with a request id only.
    pub fn internal(error: anyhow::Error, request_id: String) -> Self {
        tracing::error!(request_id = %request_id, database = %database(), "{error:#}");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            title: "Sorry, there is a problem with the service".into(),
            problems: Vec::new(),
            request_id: Some(request_id),
            redirect: None,
        }
    }

    pub fn from_app(error: AppError, request_id: String) -> Self {
        Self::of_app(error, || request_id)
    }

    /// The page for an application error; `request_id` is asked for only when the error is
    /// the service's own (and so goes to the log).
    fn of_app(error: AppError, request_id: impl FnOnce() -> String) -> Self {
        match error {
            AppError::NotFound { kind, query, .. } if query.is_empty() => Self::not_found(
                format!("There is no such {kind}, or it is not yours to see"),
                "Check the link, or find it again from the page that lists it",
            ),
            AppError::NotFound {
                kind,
                query,
                suggestions,
            } => {
                let fix = if suggestions.is_empty() {
                    "Search for the place by name, or check the code in the address".to_string()
                } else {
                    format!("Did you mean {}?", suggestions.join(", or "))
                };
                Self::not_found(format!("No {kind} matches \u{201c}{query}\u{201d}"), fix)
            }
            AppError::Ambiguous { query, candidates } => Self::new(
                StatusCode::BAD_REQUEST,
                "More than one place matches",
                format!("\u{201c}{query}\u{201d} matches {}", candidates.join("; ")),
                "Use the full name or the code",
            ),
            AppError::Invalid { problem, fix } => {
                Self::new(StatusCode::BAD_REQUEST, "There is a problem", problem, fix)
            }
            AppError::Forbidden { problem, fix } => Self::new(
                StatusCode::FORBIDDEN,
                "You do not have permission to do this",
                problem,
                fix,
            ),
            AppError::Unavailable(problem) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, the service cannot do this now",
                problem,
                "Try again later, or tell the people who run this service",
            ),
            AppError::Refused(r) => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                title: format!("{} was not imported", r.file),
                problems: r.errors().map(problem_from).collect(),
                request_id: None,
                redirect: None,
            },
            AppError::CensusRefused(r) => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                title: format!("{} was not imported", r.file),
                problems: r
                    .findings
                    .iter()
                    .filter(|f| f.is_error())
                    .take(10)
                    .map(|f| Problem {
                        text: format!("Line {}: {} {}", f.line, f.path, f.message),
                        fix: f.fix.clone(),
                        target: "file".into(),
                    })
                    .collect(),
                request_id: None,
                redirect: None,
            },
            AppError::Store(swforce_store::StoreError::Unavailable(why)) => {
                let id = request_id();
                tracing::warn!(request_id = %id, database = %database(), "answered 503: {why}");
                Self {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    title: "Sorry, the service is unavailable".into(),
                    problems: vec![Problem {
                        text: "The service's database is busy, cannot be reached or has no room just now. Nothing you sent was saved, and nothing already saved was lost".into(),
                        fix: "Try again in a few seconds. If it keeps happening, tell the people who run this service".into(),
                        target: String::new(),
                    }],
                    request_id: Some(id),
                    redirect: None,
                }
            }
            AppError::Store(e) => Self::internal(
                anyhow::Error::new(e).context("a database call failed"),
                request_id(),
            ),
        }
    }
}

/// An application error as a page, so that a handler can use `?` on what `swforce-app`
/// returns.
impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        Self::of_app(error, request_id)
    }
}

/// A diagnostic as an error-summary entry pointing at the file field.
pub fn problem_from(d: &Diagnostic) -> Problem {
    let mut place = String::new();
    if let Some(line) = d.line {
        place = format!("Line {line}");
        if let Some(col) = d.column {
            place.push_str(&format!(", column {col}"));
        }
        place.push_str(": ");
    }
    Problem {
        text: format!("{place}{}", d.problem),
        fix: d.fix.clone(),
        target: "file".into(),
    }
}

/// Percent-encodes a value for a query string.
pub fn form_urlencoded_component(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)])
        .map(|q| q[2..].to_string())
        .unwrap_or_default()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let Some(to) = &self.redirect {
            return crate::pages::redirect(to).into_response();
        }
        let page = ErrorPage {
            layout: Layout::new(&self.title),
            error: &self,
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!("rendering the error page: {e}");
                (self.status, self.title).into_response()
            }
        }
    }
}

/// An error answered with JSON: `{"error": {"status", "title", "problems": [{text, fix}], ...}}`.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub title: String,
    pub problems: Vec<Problem>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ApiError {
    pub fn from_page(e: PageError) -> Self {
        Self {
            status: e.status,
            title: e.title,
            problems: e.problems,
            diagnostics: Vec::new(),
            request_id: e.request_id,
        }
    }

    pub fn from_app(error: AppError, request_id: String) -> Self {
        let diagnostics = match &error {
            AppError::Refused(r) => r.diagnostics.clone(),
            _ => Vec::new(),
        };
        Self {
            diagnostics,
            ..Self::from_page(PageError::from_app(error, request_id))
        }
    }

    pub fn new(status: StatusCode, title: &str, problem: &str, fix: &str) -> Self {
        Self::from_page(PageError::new(status, title, problem, fix))
    }
}

impl From<PageError> for ApiError {
    fn from(e: PageError) -> Self {
        Self::from_page(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let body = serde_json::json!({ "error": { "status": status.as_u16(), "title": self.title, "problems": self.problems, "diagnostics": self.diagnostics, "request_id": self.request_id } });
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            // How to authenticate (RFC 9110 section 11.6.1): with a bearer token.
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// Which database the server uses, for its logs of failures (set when the routes are built).
static DATABASE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub(crate) fn name_the_database(location: String) {
    let _ = DATABASE.set(location);
}

fn database() -> &'static str {
    DATABASE.get().map_or("the database", String::as_str)
}

/// A form larger than the service accepts (413).
pub(crate) fn form_too_large() -> PageError {
    PageError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "The form is too large",
        "The form sent is larger than this service accepts",
        "Shorten what you typed and try again",
    )
}

/// A form that stopped arriving, or arrived too slowly to finish in time (408).
pub(crate) fn form_too_slow() -> PageError {
    PageError::new(
        StatusCode::REQUEST_TIMEOUT,
        "The form stopped arriving",
        "The form stopped arriving, or arrived too slowly, and was given up on: nothing was saved",
        "Check your connection and send the form again",
    )
}

/// A form whose body could not be read whole: too large (413), stopped arriving (408), or
/// broken off (400), each said as such.
pub(crate) fn form_unread(e: &axum::Error) -> PageError {
    if caused_by::<http_body_util::LengthLimitError>(e) {
        return form_too_large();
    }
    if caused_by::<tower_http::timeout::TimeoutError>(e) {
        return form_too_slow();
    }
    PageError::new(
        StatusCode::BAD_REQUEST,
        "The form did not arrive whole",
        "The connection broke while the form was being sent: nothing was saved",
        "Check your connection and send the form again",
    )
}

/// Whether `E` is `e` or among its causes (how a body that stopped arriving, or grew too
/// large, is told apart from one broken off).
pub(crate) fn caused_by<E: std::error::Error + 'static>(
    e: &(dyn std::error::Error + 'static),
) -> bool {
    std::iter::successors(Some(e), |s| s.source()).any(|s| s.is::<E>())
}
