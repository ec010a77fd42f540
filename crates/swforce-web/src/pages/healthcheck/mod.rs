//! The employer standards health check: the organisation's rounds (open, invite, close,
//! self-assess), the survey practitioners answer by link or signed in, and the published
//! results with their downloads.

mod answer;
mod results;
mod rounds;

use super::ids::{self, Kind};
use crate::WebState;
use crate::error::PageError;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/healthcheck", get(rounds::index))
        .route("/healthcheck/questions", get(rounds::questions))
        .route("/healthcheck/questions.toml", get(rounds::questions_file))
        .route("/healthcheck/rounds/new", get(rounds::new_form))
        .route("/healthcheck/rounds", post(rounds::open))
        .route("/healthcheck/rounds/{id}", get(rounds::show))
        .route("/healthcheck/rounds/{id}/close", post(rounds::close))
        .route("/healthcheck/rounds/{id}/invitations", post(rounds::invite))
        .route(
            "/healthcheck/rounds/{id}/assessment",
            get(rounds::assessment).post(rounds::save_assessment),
        )
        .route("/healthcheck/rounds/{id}/results", get(results::show))
        .route(
            "/healthcheck/rounds/{id}/results.csv",
            get(results::download),
        )
        .route(
            "/healthcheck/rounds/{id}/answer/{step}",
            get(answer::member_page).post(answer::member_save),
        )
        .route("/healthcheck/i/{code}", get(answer::link_start))
        .route("/healthcheck/i/{code}/restart", post(answer::link_restart))
        .route(
            "/healthcheck/i/{code}/{step}",
            get(answer::link_page).post(answer::link_save),
        )
        .route("/healthcheck/sent", get(answer::sent))
}

/// The round an address names, by its opaque id.
fn round_id(state: &WebState, text: &str) -> Result<i64, PageError> {
    Ok(ids::read(state, Kind::Round, text, "health check round")?.id())
}

/// A share as a whole percentage, or a dash.
fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{:.0}%", v * 100.0))
}
