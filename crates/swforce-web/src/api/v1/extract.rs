//! The API's own extractors and its answers to what reaches no handler, so that every error
//! under `/api/` is the documented JSON error: a malformed or repeated parameter is a 400 that
//! names it and says what it takes (from the document's description of it), an address that is
//! not in the API is a JSON 404, and a method an address does not take a JSON 405 that keeps
//! its `Allow` header.

use crate::error::ApiError;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::LazyLock;

const TITLE: &str = "There is a problem";

/// The document as JSON, to say what a parameter takes.
fn document() -> &'static Value {
    static PARSED: LazyLock<Value> =
        LazyLock::new(|| serde_json::from_str(super::document()).unwrap_or_default());
    &PARSED
}

/// What the document says parameter `name` of the operation takes, in words: "a whole number
/// from 1 to 100000".
fn takes(parts: &Parts, name: &str) -> Option<String> {
    let path = parts.extensions.get::<MatchedPath>()?.as_str();
    let method = parts.method.as_str().to_ascii_lowercase();
    let parameter = document()["paths"][path][method]["parameters"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)?;
    let schema = &parameter["schema"];
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        return Some(format!("one of {}", values.join(", ")));
    }
    let bounds = match (schema["minimum"].as_i64(), schema["maximum"].as_i64()) {
        (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
        (Some(lo), None) => format!(" of at least {lo}"),
        (None, Some(hi)) => format!(" of at most {hi}"),
        (None, None) => String::new(),
    };
    let kind = schema["type"].as_str().or_else(|| {
        // An optional parameter's type is [type, "null"].
        schema["type"]
            .as_array()
            .and_then(|t| t.iter().filter_map(Value::as_str).find(|t| *t != "null"))
    });
    match (kind, schema["format"].as_str(), schema["pattern"].as_str()) {
        (Some("integer"), ..) => Some(format!("a whole number{bounds}")),
        (Some("number"), ..) => Some(format!("a number{bounds}")),
        (_, Some("date"), _) => Some("a date, such as 2025-01-06".into()),
        (_, _, Some(pattern)) => Some(format!("text matching {pattern}")),
        _ => parameter["description"].as_str().map(|d| {
            // "An ONS code (E06000058)..." as the end of a sentence, its capitals kept.
            let d = d.trim_end_matches('.');
            let mut c = d.chars();
            match (c.next(), c.next()) {
                (Some(first), Some(second)) if second.is_lowercase() => {
                    format!("{}{}", first.to_lowercase(), &d[first.len_utf8()..])
                }
                _ => d.to_string(),
            }
        }),
    }
}

fn fix_for(parts: &Parts, name: &str) -> String {
    match takes(parts, name) {
        Some(t) => format!("Give {name} as {t}"),
        None => format!("Give {name} as GET /api/v1/openapi.json describes it"),
    }
}

/// The query's parameters, read into `T`; a 400 naming the parameter at fault otherwise.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str::<T>(query)
            .map(Query)
            .map_err(|e| bad_query::<T>(parts, query, &e.to_string()))
    }
}

/// The parameter that `T` cannot read: the first whose value alone it refuses, or that is
/// given more than once.
fn bad_query<T: DeserializeOwned>(parts: &Parts, query: &str, error: &str) -> ApiError {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let reads = |of: &[&(String, String)]| {
        serde_urlencoded::to_string(of)
            .ok()
            .and_then(|q| serde_urlencoded::from_str::<T>(&q).err())
            .map(|e| e.to_string())
    };
    let mut names: Vec<&str> = Vec::new();
    for (k, _) in &pairs {
        if !names.contains(&k.as_str()) {
            names.push(k);
        }
    }
    for name in names {
        let given: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k == name).collect();
        if let Some(e) = reads(&given[..1]) {
            let value = &given[0].1;
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                TITLE,
                &format!("{name} {value:?} is not valid: {e}"),
                &fix_for(parts, name),
            );
        }
        if given.len() > 1 && reads(&given).is_some() {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                TITLE,
                &format!("{name} is given more than once"),
                &format!("Give {name} once"),
            );
        }
    }
    ApiError::new(
        StatusCode::BAD_REQUEST,
        TITLE,
        &format!("The query is not valid: {error}"),
        "Give the parameters GET /api/v1/openapi.json describes",
    )
}

/// The address's parameters, read into `T`; a 400 naming the parameter at fault otherwise.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(Path(p.0)),
            Err(e) => Err(bad_path(parts, state, e).await),
        }
    }
}

async fn bad_path<S: Send + Sync>(parts: &mut Parts, state: &S, e: PathRejection) -> ApiError {
    let raw: Vec<(String, String)> = RawPathParams::from_request_parts(parts, state)
        .await
        .map(|p| p.iter().map(|(k, v)| (k.into(), v.into())).collect())
        .unwrap_or_default();
    let named = |value: &str| raw.iter().find(|(_, v)| v == value).map(|(k, _)| k.clone());
    let at = match &e {
        PathRejection::FailedToDeserializePathParams(f) => match f.kind() {
            ErrorKind::ParseErrorAtKey { key, value, .. }
            | ErrorKind::DeserializeError { key, value, .. } => {
                Some((key.clone(), Some(value.clone())))
            }
            ErrorKind::ParseErrorAtIndex { index, value, .. } => raw
                .get(*index)
                .map(|(k, _)| (k.clone(), Some(value.clone()))),
            ErrorKind::ParseError { value, .. } => named(value).map(|k| (k, Some(value.clone()))),
            ErrorKind::InvalidUtf8InPathParam { key } => Some((key.clone(), None)),
            _ => None,
        },
        _ => None,
    };
    match at {
        Some((name, Some(value))) if e.status().is_client_error() => ApiError::new(
            StatusCode::BAD_REQUEST,
            TITLE,
            &format!("{name} {value:?} is not valid"),
            &fix_for(parts, &name),
        ),
        Some((name, None)) if e.status().is_client_error() => ApiError::new(
            StatusCode::BAD_REQUEST,
            TITLE,
            &format!("{name} is not valid percent-encoded UTF-8"),
            &fix_for(parts, &name),
        ),
        _ => ApiError::new(
            e.status(),
            TITLE,
            &e.body_text(),
            "Check the address against GET /api/v1/openapi.json",
        ),
    }
}

/// An address under `/api/` that is not in the API.
pub async fn unknown(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "Not found",
        &format!("There is no {method} {} in the API", uri.path()),
        "See GET /api/v1/openapi.json for every address and method",
    )
}

/// Makes an answer that is an error but not JSON (a method the address does not take, a
/// request that took too long, a refusal from the transport) the documented JSON error, with
/// the same status and headers.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    // The methods the address takes, as the document names them (axum adds the `Allow` header
    // itself, outside this layer).
    let methods: Vec<String> = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|p| document()["paths"][p.as_str()].as_object())
        .map(|item| item.keys().map(|m| m.to_ascii_uppercase()).collect())
        .unwrap_or_default();
    let response = next.run(request).await;
    let status = response.status();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let said = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let reason = status.canonical_reason().unwrap_or("Error");
    let (title, problem, fix) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "Method not allowed".to_string(),
            format!("{path} does not take {method}"),
            format!(
                "Use {}, as GET /api/v1/openapi.json describes",
                methods.join(" or ")
            ),
        ),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => (
            "Sorry, the service cannot do this now".to_string(),
            if said.is_empty() {
                "The request took too long".to_string()
            } else {
                said
            },
            "Try again later, or ask for less".to_string(),
        ),
        s if s.is_server_error() => (
            "Sorry, there is a problem with the service".to_string(),
            reason.to_string(),
            "Try again later, or tell the people who run this service".to_string(),
        ),
        _ => (
            if status == StatusCode::BAD_REQUEST {
                TITLE.to_string()
            } else {
                reason.to_string()
            },
            if said.is_empty() {
                reason.to_string()
            } else {
                said
            },
            "Check the request against GET /api/v1/openapi.json".to_string(),
        ),
    };
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_TYPE);
    headers.remove(header::CONTENT_LENGTH);
    let mut answer = ApiError::new(status, &title, &problem, &fix).into_response();
    answer.headers_mut().extend(headers);
    answer
}
