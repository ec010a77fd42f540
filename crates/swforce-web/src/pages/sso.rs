//! Single sign-on: the sign-in page's "continue to your organisation" form, and the address the
//! organisation's provider sends the browser back to.

use super::account::{sign_in_page, signed_in_response};
use super::{Fields, PageResult, local_path, problem_at, render, render_as, run};
use crate::auth::{SSO_COOKIE, Viewer, cookie, set_cookie};
use crate::view::Layout;
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::Deserialize;
use swforce_app::AppError;
use swforce_app::access::SSO_MINUTES;

/// Single sign-on.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/sign-in/sso", post(begin))
        .route("/sign-in/sso/callback", get(callback))
}

/// On the way to the organisation's provider: an instant redirect (WCAG technique H76) with a
/// link, so the page's own form-action policy stays `'self'`.
#[derive(Template)]
#[template(path = "sso_continue.html")]
struct ContinuePage {
    layout: Layout,
    url: String,
}

/// The callback's address, as registered with each provider.
pub fn callback_url(state: &WebState) -> String {
    format!(
        "{}/sign-in/sso/callback",
        state.options.public_url.trim_end_matches('/')
    )
}

/// The sign-in page again, with the problem beside the work email field.
fn refused(state: &WebState, e: AppError, email: &str, next: &str) -> PageResult {
    let (status, problem, fix) = match e {
        AppError::Invalid { problem, fix } => (StatusCode::UNPROCESSABLE_ENTITY, problem, fix),
        AppError::Unavailable(problem) => (
            StatusCode::BAD_GATEWAY,
            problem,
            "Sign in with your email address and password instead".to_string(),
        ),
        e => return Err(e.into()),
    };
    let mut page = sign_in_page(state, problem_at("sso-email", problem, fix), next, "", None)?;
    page.sso_email = std::mem::take(&mut page.sso_email).value(email);
    render_as(status, &page)
}

pub async fn begin(State(state): AppState, viewer: Viewer, Form(form): Form<Fields>) -> PageResult {
    run(move || {
        let (email, next) = (form.get("sso-email"), form.get("next"));
        let next = local_path(&next);
        match state
            .app
            .sso_begin(&email, &callback_url(&state), &next, &viewer.origin)
        {
            Ok(start) => {
                let page = ContinuePage {
                    layout: Layout::new("Continue to your organisation").nav("sign-in"),
                    url: start.authorize_url,
                };
                let mut r = render(&page)?.into_response();
                r.headers_mut().append(
                    header::SET_COOKIE,
                    set_cookie(
                        SSO_COOKIE,
                        &start.browser,
                        Some(SSO_MINUTES * 60),
                        "Lax",
                        state.options.secure(),
                    ),
                );
                Ok(r)
            }
            Err(e) => refused(&state, e, &email, &next),
        }
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

pub async fn callback(
    State(state): AppState,
    viewer: Viewer,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> PageResult {
    let browser = cookie(&headers, SSO_COOKIE).unwrap_or_default();
    run(move || {
        let outcome = if !q.error.is_empty() {
            match state
                .app
                .sso_refused(&q.state, &q.error, &q.error_description, &viewer.origin)
            {
                Ok(e) | Err(e) => Err(e),
            }
        } else if q.code.is_empty() || q.state.is_empty() {
            Err(AppError::Invalid {
                problem: "This address is for returning from your organisation's sign-in".into(),
                fix: "Start again from the sign-in page".into(),
            })
        } else {
            state
                .app
                .sso_finish(&q.state, &q.code, &browser, &viewer.origin)
        };
        let mut r = match outcome {
            Ok((s, next)) => {
                signed_in_response(&state, &s, if next.is_empty() { "/" } else { &next })
            }
            Err(e) => refused(&state, e, "", "")?,
        };
        r.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(SSO_COOKIE, "", Some(0), "Lax", state.options.secure()),
        );
        Ok(r)
    })
    .await
}
