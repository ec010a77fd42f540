//! Finding a local authority or region by name.

use super::place::href;
use super::{PageResult, render, run};
use crate::view::Layout;
use crate::{AppState, WebState};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;

/// Search for a place.
pub fn routes() -> Router<WebState> {
    Router::new().route("/search", get(show))
}

#[derive(Debug, Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
}

/// A search result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub name: String,
    pub href: String,
    pub detail: String,
    pub former: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub layout: Layout,
    pub query: String,
    pub hits: Vec<Hit>,
}

/// Most results listed; a longer list helps nobody.
const MAX_HITS: usize = 50;

pub async fn show(State(state): AppState, Query(params): Query<Params>) -> PageResult {
    run(move || {
        let snap = state.app.snapshot()?;
        let hits = snap
            .search(&params.q)
            .into_iter()
            .take(MAX_HITS)
            .map(|g| Hit {
                name: g.name.clone(),
                href: href(g),
                detail: match snap.region_of(g) {
                    Some(r) => format!("{} in {} ({})", g.level, r.name, g.code),
                    None => format!("{} ({})", g.level, g.code),
                },
                former: snap.is_former(g),
            })
            .collect();
        let mut layout = Layout::new(if params.q.trim().is_empty() {
            "Search"
        } else {
            "Search results"
        });
        layout.query = params.q.clone();
        render(&SearchPage {
            layout,
            query: params.q.trim().to_string(),
            hits,
        })
    })
    .await
}
