//! Signing in and out, password resets, invitations, and the person's own account page with
//! their API tokens.

use super::{
    Fields, PageResult, ids, local_path, problem_at, redirect, render, run, unprocessable,
};
use crate::auth::{SESSION_COOKIE, Viewer, set_cookie};
use crate::error::{PageError, Problem};
use crate::view::{CellView, Choices, Field, Layout, TableView};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ids::Kind;
use serde::Deserialize;
use swforce_app::AppError;
use swforce_app::access::{RESET_MINUTES, SCOPES, SESSION_HOURS, SignedIn};
use swforce_domain::access::Permission;
use swforce_store::TokenKind;

/// Signing in and out, passwords, invitations and the account page.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/sign-in", get(sign_in_form).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/password-reset", get(reset_form).post(reset_request))
        .route(
            "/password-reset/{secret}",
            get(reset_token_form).post(reset_token_set),
        )
        .route(
            "/invitations/{secret}",
            get(invitation_form).post(invitation_accept),
        )
        .route("/account", get(show))
        .route("/account/sign-out-everywhere", post(sign_out_everywhere))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "sign_in.html")]
pub(crate) struct SignInPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    next: String,
    email: Field,
    password: Field,
    sso: bool,
    pub(crate) sso_email: Field,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInParams {
    #[serde(default)]
    next: String,
    #[serde(default)]
    signed_out: Option<String>,
    #[serde(default)]
    reset: Option<String>,
}

pub(crate) fn sign_in_page(
    state: &WebState,
    problems: Vec<Problem>,
    next: &str,
    email: &str,
    banner: Option<(String, String)>,
) -> Result<SignInPage, PageError> {
    let sso = state.app.single_sign_on_offered()?;
    Ok(SignInPage {
        layout: Layout::new(if problems.is_empty() {
            "Sign in"
        } else {
            "Error: Sign in"
        })
        .nav("sign-in"),
        banner,
        next: next.to_string(),
        email: Field::new("email", "Email address")
            .kind("email", "username")
            .value(email)
            .error_from(&problems),
        password: Field::new("password", "Password")
            .kind("password", "current-password")
            .error_from(&problems),
        sso,
        sso_email: Field::new("sso-email", "Work email address")
            .kind("email", "email")
            .hint("For example, name@council.gov.uk")
            .error_from(&problems),
        problems,
    })
}

pub async fn sign_in_form(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<SignInParams>,
) -> PageResult {
    if viewer.principal.is_some() {
        return Ok(redirect(&local_path(&q.next)).into_response());
    }
    let banner = if q.signed_out.is_some() {
        Some(("You have signed out".to_string(), String::new()))
    } else if q.reset.is_some() {
        Some((
            "Your password has been changed".to_string(),
            "Sign in with your new password.".to_string(),
        ))
    } else {
        None
    };
    run(move || {
        Ok(render(&sign_in_page(&state, Vec::new(), &q.next, "", banner)?)?.into_response())
    })
    .await
}

/// Sets the session cookie and sends the browser on.
pub fn signed_in_response(state: &WebState, s: &SignedIn, to: &str) -> Response {
    let mut r = redirect(&local_path(to)).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            &s.cookie,
            Some(SESSION_HOURS * 3600),
            "Lax",
            state.options.secure(),
        ),
    );
    r
}

pub async fn sign_in(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    run(move || {
        let (email, password, next) = (form.get("email"), form.get("password"), form.get("next"));
        match state.app.sign_in(&email, &password, &viewer.origin) {
            Ok(s) => Ok(signed_in_response(
                &state,
                &s,
                if next.is_empty() { "/" } else { &next },
            )),
            Err(AppError::Invalid { problem, fix }) => {
                let target = if email.trim().is_empty() {
                    "email"
                } else {
                    "password"
                };
                let page = sign_in_page(
                    &state,
                    problem_at(target, problem, fix),
                    &next,
                    &email,
                    None,
                )?;
                unprocessable(&page)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

fn expire_session(state: &WebState, mut r: Response) -> Response {
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), "Lax", state.options.secure()),
    );
    r
}

pub async fn sign_out(State(state): AppState, viewer: Viewer) -> PageResult {
    run(move || {
        if let (Some(p), Some(cookie)) = (&viewer.principal, &viewer.session) {
            state.app.sign_out(cookie, p, &viewer.origin)?;
        }
        Ok(expire_session(
            &state,
            redirect("/sign-in?signed_out=1").into_response(),
        ))
    })
    .await
}

pub async fn sign_out_everywhere(State(state): AppState, viewer: Viewer) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        state.app.sign_out_everywhere(&who, &viewer.origin)?;
        Ok(expire_session(
            &state,
            redirect("/sign-in?signed_out=1").into_response(),
        ))
    })
    .await
}

#[derive(Template)]
#[template(path = "reset_request.html")]
struct ResetRequestPage {
    layout: Layout,
    problems: Vec<Problem>,
    sent: bool,
    email: Field,
    minutes: i64,
}

fn reset_request_page(problems: Vec<Problem>, email: &str, sent: bool) -> ResetRequestPage {
    ResetRequestPage {
        layout: Layout::new(if sent {
            "Check your email"
        } else if problems.is_empty() {
            "Reset your password"
        } else {
            "Error: Reset your password"
        }),
        email: Field::new("email", "Email address")
            .kind("email", "username")
            .value(email)
            .error_from(&problems),
        problems,
        sent,
        minutes: RESET_MINUTES,
    }
}

pub async fn reset_form() -> PageResult {
    Ok(render(&reset_request_page(Vec::new(), "", false))?.into_response())
}

pub async fn reset_request(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    run(move || {
        let email = form.get("email");
        match state
            .app
            .request_password_reset(&email, &state.options.public_url, &viewer.origin)
        {
            Ok(()) => {
                Ok(render(&reset_request_page(Vec::new(), email.trim(), true))?.into_response())
            }
            Err(AppError::Invalid { problem, fix }) => unprocessable(&reset_request_page(
                problem_at("email", problem, fix),
                &email,
                false,
            )),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[derive(Template)]
#[template(path = "set_password.html")]
struct SetPasswordPage {
    layout: Layout,
    problems: Vec<Problem>,
    heading: &'static str,
    intro: &'static str,
    action: String,
    button: &'static str,
    password: Field,
    confirm: Field,
}

fn set_password_page(kind: TokenKind, secret: &str, problems: Vec<Problem>) -> SetPasswordPage {
    let (heading, intro, base, button) = match kind {
        TokenKind::Invitation => (
            "Set your password",
            "You have been invited to swforce. Choose a password to finish setting up your account; you will be signed in straight away.",
            "/invitations",
            "Set password and sign in",
        ),
        _ => (
            "Choose a new password",
            "Choose a new password for your swforce account. Every device signed in with your old password will be signed out.",
            "/password-reset",
            "Change password and sign in",
        ),
    };
    SetPasswordPage {
        layout: Layout::new(if problems.is_empty() {
            heading
        } else {
            "Error: choose a password"
        }),
        heading,
        intro,
        action: format!("{base}/{secret}"),
        button,
        password: Field::new("password", "New password")
            .kind("password", "new-password")
            .error_from(&problems),
        confirm: Field::new("confirm", "Type the new password again")
            .kind("password", "new-password")
            .error_from(&problems),
        problems,
    }
}

fn secret_ok(secret: &str) -> Result<(), PageError> {
    if secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(PageError::not_found(
            "This link is not complete",
            "Copy the whole link from the email into your browser",
        ))
    }
}

async fn set_password_form(kind: TokenKind, secret: String) -> PageResult {
    secret_ok(&secret)?;
    // The secret is in the address; the service-wide same-origin referrer policy keeps it out
    // of other sites' logs (no-referrer would make browsers send `Origin: null` with the form,
    // which the cross-site check refuses).
    Ok(render(&set_password_page(kind, &secret, Vec::new()))?.into_response())
}

async fn set_password(
    state: WebState,
    viewer: Viewer,
    kind: TokenKind,
    secret: String,
    form: Fields,
) -> PageResult {
    secret_ok(&secret)?;
    run(move || {
        match state.app.set_password_with(
            kind,
            &secret,
            &form.get("password"),
            &form.get("confirm"),
            &viewer.origin,
        ) {
            Ok(s) => Ok(signed_in_response(&state, &s, "/account?welcome=1")),
            Err(AppError::Invalid { problem, fix }) => {
                let target = if problem.contains("match") {
                    "confirm"
                } else {
                    "password"
                };
                unprocessable(&set_password_page(
                    kind,
                    &secret,
                    problem_at(target, problem, fix),
                ))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

pub async fn invitation_form(Path(secret): Path<String>) -> PageResult {
    set_password_form(TokenKind::Invitation, secret).await
}

pub async fn invitation_accept(
    State(state): AppState,
    viewer: Viewer,
    Path(secret): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    set_password(state, viewer, TokenKind::Invitation, secret, form).await
}

pub async fn reset_token_form(Path(secret): Path<String>) -> PageResult {
    set_password_form(TokenKind::PasswordReset, secret).await
}

pub async fn reset_token_set(
    State(state): AppState,
    viewer: Viewer,
    Path(secret): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    set_password(state, viewer, TokenKind::PasswordReset, secret, form).await
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    new_token: Option<String>,
    details: Vec<(String, String)>,
    can_tokens: bool,
    tokens: Option<TableView>,
    /// Each live token's opaque id and name.
    revocable: Vec<(String, String)>,
    token_name: Field,
    scopes: Choices,
    days: Choices,
}

#[derive(Debug, Default, Deserialize)]
pub struct AccountParams {
    welcome: Option<String>,
    revoked: Option<String>,
}

fn account_page(
    state: &WebState,
    viewer: &Viewer,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    new_token: Option<String>,
    form: &Fields,
) -> Result<AccountPage, PageError> {
    let who = viewer.signed_in()?;
    let app_err = |e| PageError::from(e);
    let team = match who.user.team_id {
        Some(t) => state
            .app
            .teams_of(who, who.org.id)
            .map_err(app_err)?
            .into_iter()
            .find(|x| x.id == t)
            .map(|x| x.name)
            .unwrap_or_default(),
        None => "None".into(),
    };
    let details = vec![
        ("Name".to_string(), who.user.name.clone()),
        ("Email address".into(), who.user.email.clone()),
        (
            "Organisation".into(),
            format!("{} ({})", who.org.name, who.org.kind.label()),
        ),
        ("Team".into(), team),
        (
            "Roles".into(),
            who.user
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Last signed in".into(),
            who.user
                .last_sign_in
                .as_deref()
                .map(swforce_app::display::when)
                .unwrap_or_default(),
        ),
    ];
    let can_tokens = who.can(Permission::UseApi);
    let (mut tokens, mut revocable) = (None, Vec::new());
    if can_tokens {
        let list = state.app.api_tokens(who).map_err(app_err)?;
        let now = swforce_app::access::now_stamp();
        if !list.is_empty() {
            let head = ["Name", "Scopes", "Made", "Expires", "Last used", "Status"]
                .iter()
                .map(|h| CellView::text(*h))
                .collect();
            let day = |s: &str| swforce_app::display::when(s.get(..10).unwrap_or(s));
            let rows = list
                .iter()
                .map(|t| {
                    let status = if t.revoked_at.is_some() {
                        "Revoked"
                    } else if t.expires_at <= now {
                        "Expired"
                    } else {
                        "Active"
                    };
                    vec![
                        CellView::text(t.name.clone()),
                        CellView::text(t.scopes.join(", ")),
                        CellView::text(day(&t.created_at)),
                        CellView::text(day(&t.expires_at)),
                        CellView::text(
                            t.last_used
                                .as_deref()
                                .map(day)
                                .unwrap_or_else(|| "Never".into()),
                        ),
                        CellView::text(status),
                    ]
                })
                .collect();
            tokens = Some(TableView {
                caption: "Your API tokens".into(),
                head,
                rows,
                download: String::new(),
            });
            let public = ids::encoder(state, Kind::Token)?;
            revocable = list
                .iter()
                .filter(|t| t.revoked_at.is_none() && t.expires_at > now)
                .map(|t| (public(t.id), t.name.clone()))
                .collect();
        }
    }
    let chosen = form.all("scopes");
    let mut scopes = Choices::new("scopes", "What the token may do", "checkbox")
        .hint("Reading the published statistics needs no token. Give only what the program needs.");
    for (scope, id, text) in SCOPES {
        if scope.needs().is_none_or(|p| who.can(p)) {
            scopes = scopes.option(id, text, id, chosen.iter().any(|c| c == id));
        }
    }
    let picked_days = form.get("days");
    let mut days = Choices::new("days", "Expires after", "select");
    for (d, label) in [
        ("30", "30 days"),
        ("90", "90 days"),
        ("180", "180 days"),
        ("365", "1 year"),
    ] {
        days = days.option(
            d,
            label,
            "",
            picked_days == d || (picked_days.is_empty() && d == "90"),
        );
    }
    Ok(AccountPage {
        layout: Layout::new(if problems.is_empty() {
            "Your account"
        } else {
            "Error: Your account"
        })
        .nav("account"),
        banner,
        new_token,
        details,
        can_tokens,
        tokens,
        revocable,
        token_name: Field::new("name", "Token name")
            .hint("What will use it, such as Power BI dashboard")
            .value(&form.get("name"))
            .width("20")
            .error_from(&problems),
        scopes: scopes.error_from(&problems),
        days: days.error_from(&problems),
        problems,
    })
}

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<AccountParams>,
) -> PageResult {
    viewer.signed_in()?;
    let banner = if q.welcome.is_some() {
        Some((
            "You are signed in".to_string(),
            "Your password is set. Use it with your email address to sign in next time."
                .to_string(),
        ))
    } else if q.revoked.is_some() {
        Some((
            "Token revoked".to_string(),
            "Programs using it can no longer use the API.".to_string(),
        ))
    } else {
        None
    };
    run(move || {
        Ok(render(&account_page(
            &state,
            &viewer,
            Vec::new(),
            banner,
            None,
            &Fields::default(),
        )?)?
        .into_response())
    })
    .await
}

pub async fn create_token(
    State(state): AppState,
    viewer: Viewer,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let days: u32 = form.get("days").parse().unwrap_or(90);
        match state.app.create_api_token(
            &who,
            &form.get("name"),
            &form.all("scopes"),
            days,
            &viewer.origin,
        ) {
            Ok(made) => {
                let banner = Some((format!("Token {} made", made.token.name), String::new()));
                Ok(render(&account_page(
                    &state,
                    &viewer,
                    Vec::new(),
                    banner,
                    Some(made.secret),
                    &Fields::default(),
                )?)?
                .into_response())
            }
            Err(AppError::Invalid { problem, fix }) => {
                let target = if problem.contains("name") {
                    "name"
                } else if problem.contains("year") {
                    "days"
                } else {
                    "scopes"
                };
                let page = account_page(
                    &state,
                    &viewer,
                    problem_at(target, problem, fix),
                    None,
                    None,
                    &form,
                )?;
                unprocessable(&page)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

pub async fn revoke_token(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let id = ids::read(&state, Kind::Token, &id, "API token")?.id();
        state.app.revoke_api_token(&who, id, &viewer.origin)?;
        Ok(redirect("/account?revoked=1#tokens").into_response())
    })
    .await
}
