//! Saved scenarios: saving one from a projection page (refusing a second of the same name),
//! the stable link that opens it, the confirmation after saving, and what a signed-out visitor
//! of a private scenario's link is told.

use super::ids::{self, Kind};
use super::projection::Outcome;
use super::{PageResult, redirect, render_as, run};
use crate::error::Problem;
use crate::view::Layout;
use crate::{AppState, WebState};
use askama::Template;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::{AppError, display};

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
}

/// `POST /projections/{code}/save`: keeps a named scenario and sends the browser to its link.
pub async fn save(
    State(state): AppState,
    viewer: crate::auth::Viewer,
    Path(code): Path<String>,
    Form(form): Form<SaveForm>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&form.query).unwrap_or_default();
        pairs.retain(|(k, _)| k != "name");
        pairs.push(("name".into(), form.name.trim().to_string()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        let Outcome {
            status,
            page: mut p,
            scenario,
            ..
        } = super::projection::page(&state, &code, Some(&query))?;
        if status != StatusCode::OK {
            return render_as(status, &p);
        }
        let scenario = scenario.unwrap_or_default();
        match state
            .app
            .save_scenario(&who, &form.name, &p.code, &query, &scenario)
        {
            // The link says the scenario is new, so its page confirms the save.
            Ok(saved) => Ok(redirect(&format!(
                "/scenarios/{}?new=1",
                ids::public(&state, Kind::Scenario, saved.id)?
            ))
            .into_response()),
            Err(AppError::Invalid { problem, fix }) => {
                p.problems.push(Problem {
                    text: problem,
                    fix,
                    target: "name".into(),
                });
                render_as(StatusCode::BAD_REQUEST, &p)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// `/scenarios/{id}`: a saved scenario's stable link, which opens its projection. A signed-out
/// visitor of an organisation's scenario is told it is private and offered sign-in.
pub async fn saved(
    State(state): AppState,
    viewer: crate::auth::Viewer,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    run(move || {
        let found = ids::read(&state, Kind::Scenario, &id, "saved scenario")?;
        let s = match state.app.scenario(viewer.principal.as_ref(), found.id()) {
            Err(AppError::NotFound { .. })
                if viewer.principal.is_none() && state.app.scenario_is_private(found.id())? =>
            {
                let page = PrivatePage {
                    layout: Layout::new("This scenario is private").nav("projections"),
                    next: crate::error::form_urlencoded_component(&format!("/scenarios/{id}")),
                };
                return render_as(StatusCode::FORBIDDEN, &page);
            }
            other => other?,
        };
        if let Some(moved) = ids::moved(&state, &viewer.path, found, Kind::Scenario)? {
            return Ok(moved);
        }
        let sep = if s.query.is_empty() { "" } else { "&" };
        let new = if query.as_deref() == Some("new=1") {
            "&new=1#saved"
        } else {
            ""
        };
        Ok(redirect(&format!(
            "/projections/{}?{}{sep}saved={id}{new}",
            s.geography_code, s.query
        ))
        .into_response())
    })
    .await
}

/// A saved scenario, as the projection page it opens names it.
#[derive(Debug, Clone)]
pub struct SavedNote {
    pub name: String,
    /// Its link, whole, to copy and share.
    pub link: String,
    /// When it was saved, in words.
    pub when: String,
    /// Whether it was saved just now: the page confirms it in a banner.
    pub new: bool,
}

/// The saved scenario a projection page's query names (`saved=ID`, with `new=1` straight after
/// saving), if the viewer may open it and it projects the place of the page (`code`).
pub fn note(state: &WebState, code: &str, pairs: &[(String, String)]) -> Option<SavedNote> {
    let id = &pairs.iter().find(|(k, _)| k == "saved")?.1;
    let found = ids::read(state, Kind::Scenario, id, "saved scenario").ok()?;
    let viewer = crate::auth::current();
    let s = state
        .app
        .scenario(viewer.principal.as_ref(), found.id())
        .ok()
        // Only on the page of the place it projects.
        .filter(|s| s.geography_code == code)?;
    Some(SavedNote {
        name: s.name,
        link: format!(
            "{}/scenarios/{id}",
            state.options.public_url.trim_end_matches('/')
        ),
        when: display::when(&s.created_at),
        new: pairs.iter().any(|(k, v)| k == "new" && v == "1"),
    })
}

#[derive(Template)]
#[template(path = "scenario_private.html")]
pub struct PrivatePage {
    pub layout: Layout,
    /// Where signing in comes back to, encoded.
    pub next: String,
}
