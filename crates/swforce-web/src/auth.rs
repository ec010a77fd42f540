//! Who is asking: the session cookie of a signed-in browser or the bearer token of a program,
//! resolved once per request; and the checks every state-changing request passes first, here
//! and nowhere else: a same-site origin (for a page's form, an upload and an API call alike), a
//! form token tied to the session, and on a read-only service no imports.
//!
//! The two never mix: the JSON API under `/api/` answers to bearer tokens only (a browser's
//! cookie is ignored there, so no other site can make a signed-in browser call it), and a
//! bearer token reads pages but never sends a page's form (programs change things through the
//! API). What a token may read or change is decided by its scopes, in `swforce-app`.
//!
//! Handlers read the [`Viewer`] as an extractor; page layouts read it from the task-local
//! [`VIEWER`], so the header shows who is signed in on every page.

use crate::error::{ApiError, PageError};
use crate::{WebState, blocking};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use swforce_app::access::{Origin, Principal, new_secret};
use swforce_domain::access::Permission;

pub const SESSION_COOKIE: &str = "swforce_session";
pub const CSRF_COOKIE: &str = "swforce_csrf";
pub const SSO_COOKIE: &str = "swforce_sso";

/// Largest form body read to find its token: forms are small, except an example for the
/// exchange, whose length is checked beside its field. (Files carry their token in the
/// address instead.)
fn form_limit(path: &str) -> usize {
    if path == "/exchange/examples" {
        crate::pages::exchange::MAX_FORM_BYTES
    } else {
        1024 * 1024
    }
}

/// The person behind a request, if signed in, and the token their forms must carry.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub principal: Option<Principal>,
    /// The form token: the session's, or for someone not signed in the one in their cookie.
    pub csrf: String,
    /// The session cookie's value, when signed in through a browser.
    pub session: Option<String>,
    /// Where the request came from, for the audit log.
    pub origin: Origin,
    /// The address asked for (path and query), to come back to after signing in.
    pub path: String,
}

impl Viewer {
    pub fn can(&self, p: Permission) -> bool {
        self.principal.as_ref().is_some_and(|x| x.can(p))
    }

    /// The person signed in, or a page telling them to sign in.
    pub fn signed_in(&self) -> Result<&Principal, PageError> {
        self.principal
            .as_ref()
            .ok_or_else(|| PageError::sign_in(&self.path))
    }

    /// The person signed in, or a JSON 401.
    pub fn api(&self) -> Result<&Principal, ApiError> {
        self.principal.as_ref().ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "Sign-in needed",
                "This needs an API token",
                "Send Authorization: Bearer <token>; make a token on your account page",
            )
        })
    }
}

tokio::task_local! {
    pub static VIEWER: Viewer;
}

/// The viewer of the request being handled (nobody, outside a request).
pub fn current() -> Viewer {
    VIEWER.try_with(Clone::clone).unwrap_or_default()
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .unwrap_or_default())
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// A `Set-Cookie` value: HttpOnly, path `/`, with `Secure` when the service is behind TLS.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age: Option<i64>,
    same_site: &str,
    secure: bool,
) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn well_formed(secret: &str) -> bool {
    secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit())
}

fn equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The client's address: the connection's, or behind a trusted proxy the one it forwards.
fn client_ip(state: &WebState, request: &Request) -> String {
    request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| {
            let forwarded = request
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok());
            state
                .options
                .trust_proxy
                .client(c.0.ip(), forwarded)
                .to_string()
        })
        .unwrap_or_default()
}

fn forbidden_form(api: bool) -> Response {
    if api {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "Request refused",
            "A change through the API needs an API token",
            "Send Authorization: Bearer <token>",
        )
        .into_response();
    }
    PageError::new(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "The form was sent without its security token, from another site, or after you signed in or out",
        "Go back, reload the page and try again",
    )
    .into_response()
}

/// Whether the `Origin` header, if any, names this service (the `Host` it was sent to). Until
/// someone signs in, the browser's own `Sec-Fetch-Site` and `Origin` headers are what stop
/// another site's page from sending a form here.
fn same_origin(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return false;
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin.split("://").nth(1).is_some_and(|o| o == host),
        _ => true,
    }
}

/// The form token in the address: accepted only for a file upload (whose body is not read
/// here) sent by a browser from a page of this service, so that tokens in addresses stay out
/// of other sites' Referer headers and logs.
fn query_token(request: &Request) -> Option<String> {
    let headers = request.headers();
    let upload = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let same_origin =
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("same-origin");
    if !(upload && same_origin) {
        return None;
    }
    request.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v)
    })
}

/// What a read-only service refuses: importing statistics, from a page or through the API.
const IMPORTS: [&str; 2] = ["/imports", "/api/v1/imports"];

/// The checks on a change that carries what it needs to be made: a read-only service imports
/// nothing, and a change through the API comes from a program, not from another site's page.
fn refused_change(state: &WebState, request: &Request, api: bool) -> Option<Response> {
    if state.options.read_only && IMPORTS.contains(&request.uri().path()) {
        return Some(if api {
            ApiError::new(
                StatusCode::FORBIDDEN,
                "Imports are switched off",
                "this service is read-only",
                "import files with the swforce command on the server",
            )
            .into_response()
        } else {
            PageError::new(
                StatusCode::FORBIDDEN,
                "Imports are switched off",
                "This service is read-only",
                "Import files with the swforce command on the server",
            )
            .into_response()
        });
    }
    if api && !same_origin(request.headers()) {
        return Some(
            ApiError::new(
                StatusCode::FORBIDDEN,
                "There is a problem",
                "the request came from another website",
                "send the request from a program, not a web page on another site",
            )
            .into_response(),
        );
    }
    None
}

pub async fn layer(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let headers = request.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        // The scheme's name is case-insensitive (RFC 9110 section 11.1).
        .and_then(|v| {
            v.split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, t)| t.trim().to_string())
        });
    // The API answers to bearer tokens only.
    let session = cookie(headers, SESSION_COOKIE).filter(|s| !api && well_formed(s));
    let anon_csrf = cookie(headers, CSRF_COOKIE).filter(|s| well_formed(s));
    let mut viewer = Viewer {
        origin: Origin {
            ip: client_ip(&state, &request),
        },
        path: request
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
        ..Viewer::default()
    };
    let app = state.app.clone();
    if let Some(token) = bearer.clone() {
        match blocking(move || app.token_principal(&token)).await {
            Ok(Ok(Some(p))) => viewer.principal = Some(p),
            Ok(Ok(None)) => {
                return ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "Token not accepted",
                    "The API token is not valid: it may be mistyped, expired or revoked",
                    "Make a new token on your account page",
                )
                .into_response();
            }
            Ok(Err(e)) => return ApiError::from_app(e, state.request_id()).into_response(),
            Err(e) => return e.into_response(),
        }
    } else if let Some(cookie) = session.clone() {
        match blocking(move || app.session_principal(&cookie)).await {
            Ok(Ok(Some((p, csrf)))) => {
                viewer.principal = Some(p);
                viewer.csrf = csrf;
                viewer.session = session;
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => return PageError::from(e).into_response(),
            Err(e) => return e.into_response(),
        }
    }
    let mut new_anon = None;
    if viewer.principal.is_none() {
        viewer.csrf = match anon_csrf {
            Some(c) => c,
            None => {
                let c = new_secret();
                new_anon = Some(c.clone());
                c
            }
        };
    }
    let mut request = request;
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method && bearer.is_some() && !api {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "Request refused",
            "An API token does not send a page's forms",
            "Change things through the JSON API under /api/v1 (see /api/v1/openapi.json), or sign in with a browser",
        )
        .into_response();
    }
    if unsafe_method && api && bearer.is_none() {
        return forbidden_form(true);
    }
    if unsafe_method && bearer.is_none() {
        if !same_origin(request.headers()) {
            return forbidden_form(api);
        }
        let mut sent = query_token(&request);
        let form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if sent.is_none() && form {
            let (parts, body) = request.into_parts();
            let limit = form_limit(parts.uri.path());
            // A form that says it is larger than accepted is refused before it is read.
            let declared = parts
                .headers
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            if declared.is_some_and(|n| n > limit as u64) {
                return crate::error::form_too_large().into_response();
            }
            // Read within the request's time, however slowly it trickles in (a pause between
            // pieces is bounded on its own, but a byte every few seconds is not): nine tenths
            // of it, so that a form still arriving is answered 408 before the request's own
            // deadline gives up on it with a 503.
            let read = tokio::time::timeout(
                state.options.request_time.mul_f64(0.9),
                axum::body::to_bytes(body, limit),
            )
            .await;
            let bytes = match read {
                Ok(Ok(bytes)) => bytes,
                Ok(Err(e)) => return crate::error::form_unread(&e).into_response(),
                Err(_) => return crate::error::form_too_slow().into_response(),
            };
            sent = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|fields| {
                    fields
                        .into_iter()
                        .find(|(k, _)| k == "csrf")
                        .map(|(_, v)| v)
                });
            request = Request::from_parts(parts, Body::from(bytes));
        }
        // Someone not signed in has a token only once a page has set their cookie.
        let expected = if new_anon.is_some() {
            None
        } else {
            Some(viewer.csrf.as_str())
        };
        if !matches!((sent.as_deref(), expected), (Some(s), Some(e)) if equal(s, e)) {
            return forbidden_form(api);
        }
    }
    if unsafe_method {
        if let Some(refused) = refused_change(&state, &request, api) {
            return refused;
        }
    }
    let signed_in = viewer.principal.is_some();
    request.extensions_mut().insert(viewer.clone());
    let mut response = VIEWER.scope(viewer, next.run(request)).await;
    let h = response.headers_mut();
    if let Some(c) = new_anon {
        h.append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &c, None, "Strict", state.options.secure()),
        );
    }
    if signed_in {
        // What a signed-in person sees is theirs: no shared or browser caches keep it.
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}
