//! HTML pages: one file per resource, one function per page or action.

pub mod about;
pub mod account;
pub mod admin;
pub mod agency;
pub mod assets;
pub mod cards;
pub mod census;
pub mod census_returns;
pub mod compare;
pub mod diary;
pub mod downloads;
pub mod exchange;
pub mod healthcheck;
pub mod imports;
pub mod indicator;
pub mod involved;
pub mod method;
pub mod neighbour_views;
pub mod place;
pub mod projection;
pub mod scenario_form;
pub mod scenarios;
pub mod search;
pub mod sso;
pub mod time;

use crate::error::PageError;
use crate::{WebState, blocking};
use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

/// Every page, resource by resource (except the uploads, which `lib.rs` routes under their size
/// limits).
pub fn routes() -> Router<WebState> {
    Router::new()
        .merge(place::routes())
        .merge(compare::routes())
        .merge(search::routes())
        .merge(about::routes())
        .merge(projection::routes())
        .merge(method::routes())
        .merge(imports::routes())
        .merge(assets::routes())
        .merge(census::routes())
        .merge(census_returns::routes())
        .merge(exchange::routes())
        .merge(involved::routes())
        .merge(time::routes())
        .merge(healthcheck::routes())
        .merge(diary::routes())
        .merge(agency::routes())
        .merge(account::routes())
        .merge(sso::routes())
        .merge(admin::routes())
}

/// What a page handler answers: a page, a redirect or a download, or else an error page.
///
/// Every handler has one shape: read the request (the [`Viewer`](crate::auth::Viewer), the
/// address, the form), then [`run`] the work in the blocking pool, where a `swforce-app` call's
/// error becomes a page through `?` and the answer is a [`render`]ed page, a [`redirect`] or
/// a form shown again with its problems ([`unprocessable`]):
///
/// ```text
/// pub async fn delete(State(state): AppState, viewer: Viewer, Path(id): Path<String>) -> PageResult {
///     let who = viewer.signed_in()?.clone();
///     let id = engagement_id(&state, &id)?.id();
///     run(move || {
///         state.app.delete_engagement(&who, id, &viewer.origin)?;
///         Ok(redirect("/agency/council/engagements"))
///     })
///     .await
/// }
/// ```
pub type PageResult = Result<Response, PageError>;

/// Runs a handler's work off the async threads (the application's calls block on the store)
/// and answers with what it returns.
pub async fn run<R: IntoResponse + Send + 'static>(
    work: impl FnOnce() -> Result<R, PageError> + Send + 'static,
) -> PageResult {
    Ok(blocking(work).await??.into_response())
}

/// Any address that matches no page.
pub async fn not_found(uri: Uri) -> PageError {
    PageError::not_found(
        format!("There is no page at {}", uri.path()),
        "Check the address, or start from the England overview",
    )
}

/// Renders a template, turning a rendering failure into a 500 page.
pub fn render<T: askama::Template>(page: &T) -> Result<Html<String>, PageError> {
    page.render().map(Html).map_err(|e| {
        PageError::internal(
            anyhow::Error::new(e).context("rendering a page"),
            crate::error::request_id(),
        )
    })
}

/// A page answered with `status` (an upload refused as too large, say).
pub fn render_as<T: askama::Template>(status: StatusCode, page: &T) -> PageResult {
    Ok((status, render(page)?).into_response())
}

/// A form shown again with its problems.
pub fn unprocessable<T: askama::Template>(page: &T) -> PageResult {
    render_as(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// A posted form's fields, in order; several with one name (checkboxes) are all kept.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value given for `name`, or empty.
    pub fn get(&self, name: &str) -> String {
        self.value(name).to_string()
    }

    /// The first value given for `name`, or empty, borrowed.
    pub fn value(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether the form has a field `name` (even an empty one).
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
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

/// Where to go after signing in: `next` when a browser, reading it as the address of a link
/// on this service, stays on this service; else the home page. The address is read by the
/// WHATWG URL rules browsers follow (tabs and newlines dropped, a backslash read as a slash),
/// and what comes back is that reading, percent-encoded, so a browser cannot read it another
/// way.
pub fn local_path(next: &str) -> String {
    const HERE: &str = "http://swforce.invalid/";
    let base = url::Url::parse(HERE).expect("a constant, valid address");
    let Ok(read) = base.join(next) else {
        return "/".into();
    };
    if read.origin() != base.origin() || read.username() != "" || read.password().is_some() {
        return "/".into();
    }
    let path = &read[url::Position::BeforePath..];
    // A path that a browser could read as another host's ("//host") is not followed.
    if path.starts_with("//") || path.starts_with("/\\") || !path.starts_with('/') {
        return "/".into();
    }
    path.to_string()
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

/// A 303 "see other" to `to`. Characters a header cannot carry (controls, and anything beyond
/// ASCII) are percent-encoded, so an address built from what someone typed never fails.
pub fn redirect(to: &str) -> axum::response::Redirect {
    axum::response::Redirect::to(&redirect_target(to))
}

/// `to`, with what a header cannot carry percent-encoded.
fn redirect_target(to: &str) -> String {
    let mut safe = String::with_capacity(to.len());
    for c in to.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            safe.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                safe.push_str(&format!("%{b:02X}"));
            }
        }
    }
    safe
}

/// Opaque ids in addresses: what a page links to, and what an address names.
pub mod ids {
    use crate::WebState;
    use crate::error::PageError;
    use axum::response::{IntoResponse, Response};
    pub use swforce_app::public_id::{IdRef, Kind, PublicIds};

    /// The deployment's opaque ids, for a page with many links.
    pub fn all(state: &WebState) -> Result<std::sync::Arc<PublicIds>, PageError> {
        state.app.ids().map_err(PageError::from)
    }

    /// The opaque id of record `id`, for a link or a form.
    pub fn public(state: &WebState, kind: Kind, id: i64) -> Result<String, PageError> {
        Ok(all(state)?.encode(kind, id))
    }

    /// Turns numbers into opaque ids for one page's links.
    pub fn encoder(
        state: &WebState,
        kind: Kind,
    ) -> Result<impl Fn(i64) -> String + use<>, PageError> {
        let ids = all(state)?;
        Ok(move |id| ids.encode(kind, id))
    }

    /// The record an address (or a form) names, or a "not found" page that says `what` was
    /// not found.
    pub fn read(state: &WebState, kind: Kind, text: &str, what: &str) -> Result<IdRef, PageError> {
        all(state)?.read(kind, text).ok_or_else(|| {
            PageError::not_found(
                format!(
                    "There is no {what} {}",
                    text.chars().take(40).collect::<String>()
                ),
                "Check the link, or find it again from the page that lists it",
            )
        })
    }

    /// `path` with the segment `/n` (alone, or before `/` or `-`) written `/new`.
    pub(super) fn moved_path(path: &str, n: i64, new: &str) -> Option<String> {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let segment = format!("/{n}");
        let at = path
            .match_indices(&segment)
            .find(|(i, _)| {
                path[i + segment.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| c == '/' || c == '-')
            })
            .map(|(i, _)| i)?;
        let mut to = format!("{}/{new}{}", &path[..at], &path[at + segment.len()..]);
        if !query.is_empty() {
            to.push('?');
            to.push_str(query);
        }
        Some(to)
    }

    /// For an older link that named a record by number: a permanent redirect to the same page
    /// at the record's opaque id (made only once the record was found and may be seen).
    pub fn moved(
        state: &WebState,
        path: &str,
        found: IdRef,
        kind: Kind,
    ) -> Result<Option<Response>, PageError> {
        let IdRef::Legacy(n) = found else {
            return Ok(None);
        };
        let new = public(state, kind, n)?;
        let Some(to) = moved_path(path, n, &new) else {
            return Ok(None);
        };
        Ok(Some(
            axum::response::Redirect::permanent(&super::redirect_target(&to)).into_response(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Where a browser on `page` goes when told `Location: to`.
    fn followed(page: &str, to: &str) -> url::Url {
        url::Url::parse(page).unwrap().join(to).unwrap()
    }

    #[test]
    fn the_tricks_of_the_published_findings_go_home() {
        for next in [
            "/\t/evil.example",
            "/\t\\evil.example",
            "/\\evil.example",
            "//evil.example",
            "/\n/evil.example",
            "/.//evil.example",
            "https://evil.example",
            "\\\\evil.example",
        ] {
            assert_eq!(local_path(next), "/", "{next:?}");
        }
        assert_eq!(
            local_path("/agency?quarter=2025Q1#x"),
            "/agency?quarter=2025Q1#x"
        );
        assert_eq!(local_path("/a b"), "/a%20b");
    }

    #[test]
    fn an_older_link_moves_only_its_own_segment() {
        use ids::moved_path;
        assert_eq!(
            moved_path("/scenarios/12", 12, "ab").as_deref(),
            Some("/scenarios/ab")
        );
        assert_eq!(
            moved_path("/exchange/examples/12-a-title?helped=1", 12, "ab").as_deref(),
            Some("/exchange/examples/ab-a-title?helped=1")
        );
        assert_eq!(
            moved_path("/admin/organisations/12/audit", 12, "ab").as_deref(),
            Some("/admin/organisations/ab/audit")
        );
        assert_eq!(
            moved_path("/x/123/12", 12, "ab").as_deref(),
            Some("/x/123/ab")
        );
        assert_eq!(moved_path("/x/123", 12, "ab"), None);
    }

    #[test]
    fn a_redirect_never_fails_on_what_was_typed() {
        use axum::response::IntoResponse;
        for to in ["/a\nb", "/a\r\nSet-Cookie: x", "/é", "/\u{7f}"] {
            let r = redirect(to).into_response();
            let l = r.headers()["location"].to_str().unwrap();
            assert!(!l.chars().any(|c| c.is_control()), "{l}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn next_always_stays_on_this_site(next in "[/\\\t\n\r .:@%a-z0-9?#]{0,16}") {
            let out = local_path(&next);
            prop_assert!(out.starts_with('/'), "{:?} gave {:?}", next, out);
            prop_assert!(!out.starts_with("//") && !out.starts_with("/\\"), "{:?} gave {:?}", next, out);
            prop_assert!(!out.chars().any(|c| c.is_control() || c == '\\'), "{:?} gave {:?}", next, out);
            for page in ["https://swforce.example/sign-in", "http://127.0.0.1:8080/a/b?c"] {
                let base = url::Url::parse(page).unwrap();
                prop_assert_eq!(followed(page, &out).origin(), base.origin(), "{:?} gave {:?}", next, out);
            }
        }

        #[test]
        fn any_text_is_read_without_failing(next in any::<String>()) {
            let out = local_path(&next);
            prop_assert!(out.starts_with('/') && !out.starts_with("//"));
        }
    }
}
