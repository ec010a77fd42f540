//! Moderation: the queue of examples sent, and publishing, returning or rejecting one.

use super::{ExampleView, example_id, problems_of, view};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::ids::all as all_ids;
use crate::pages::{Fields, PageResult, redirect, render, run, unprocessable};
use crate::view::{Choices, Field, Layout};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::access::Principal;
use swforce_app::exchange::{Decision, Edits, ExchangeError};
use swforce_domain::exchange::FieldProblem;

#[derive(Template)]
#[template(path = "exchange_moderation.html")]
struct QueuePage {
    layout: Layout,
    banner: Option<(String, String)>,
    queue: Vec<(ExampleView, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    decided: Option<String>,
}

pub async fn queue(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<QueueParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let themes = state.app.themes()?;
        let ids = all_ids(&state)?;
        let queue = state.app.moderation_queue(&who)?;
        let page = QueuePage {
            layout: Layout::new("Moderation").nav("exchange"),
            // The address names the example decided by its id; what the banner says comes from
            // the example itself, never from the address.
            banner: q
                .decided
                .as_deref()
                .and_then(|id| example_id(&state, id).ok())
                .and_then(|found| state.app.example_for_moderation(&who, found.id()).ok())
                .map(|e| {
                    (
                        format!(
                            "\u{201c}{}\u{201d}: {}",
                            e.title,
                            e.status.label().to_lowercase()
                        ),
                        String::new(),
                    )
                }),
            queue: queue
                .iter()
                .map(|e| {
                    (
                        view(e, &themes, false, &ids),
                        swforce_app::display::when(&e.updated_at),
                    )
                })
                .collect(),
        };
        Ok(render(&page)?.into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "exchange_review.html")]
struct ReviewPage {
    layout: Layout,
    problems: Vec<Problem>,
    e: ExampleView,
    author: String,
    consent: bool,
    decision: Choices,
    note: String,
    note_error: String,
    /// The words a moderator may edit before publishing: the title, and the problem and the
    /// change (value, error).
    title: Field,
    problem: (String, String),
    change: (String, String),
}

impl ReviewPage {
    /// Whether the edits are open: when one of them has a problem.
    pub fn editing(&self) -> bool {
        !self.title.error.is_empty() || !self.problem.1.is_empty() || !self.change.1.is_empty()
    }

    /// The two texts as the page shows them: id, label, value and error.
    pub fn texts(&self) -> [(&'static str, &'static str, &str, &str); 2] {
        [
            (
                "problem",
                "What the problem was",
                &self.problem.0,
                &self.problem.1,
            ),
            ("change", "What changed", &self.change.0, &self.change.1),
        ]
    }
}

fn review_page(
    state: &WebState,
    who: &Principal,
    id: i64,
    problems: Vec<Problem>,
    chosen: &str,
    note: &str,
    edits: Option<&Edits>,
) -> Result<ReviewPage, PageError> {
    let e = state.app.example_for_moderation(who, id)?;
    let err = |id: &str| crate::error::error_for(&problems, id);
    let (title, problem, change) = match edits {
        Some(ed) => (ed.title.clone(), ed.problem.clone(), ed.change.clone()),
        None => (e.title.clone(), e.problem.clone(), e.change.clone()),
    };
    let themes = state.app.themes()?;
    let ids = all_ids(state)?;
    let decision = Choices::new("decision", "Decision", "radio")
        .option("approve", "Publish it", "", chosen == "approve")
        .option(
            "changes",
            "Ask the author for changes",
            "They are emailed what you write below",
            chosen == "changes",
        )
        .option(
            "reject",
            "Do not publish it",
            "They are emailed the reason you write below",
            chosen == "reject",
        )
        .error_from(&problems);
    Ok(ReviewPage {
        layout: Layout::new(if problems.is_empty() {
            "Moderate an example"
        } else {
            "Error: Moderate an example"
        })
        .nav("exchange"),
        e: view(&e, &themes, true, &ids),
        author: if e.author_email.is_empty() {
            "Withdrawn".into()
        } else {
            format!("{} ({})", e.author_name, e.author_email)
        },
        consent: e.contact_consent,
        decision,
        note: note.into(),
        title: Field::new("title", "Title")
            .value(&title)
            .error_from(&problems),
        problem: (problem, err("problem")),
        change: (change, err("change")),
        note_error: problems
            .iter()
            .find(|p| p.target == "note")
            .map(|p| p.text.clone())
            .unwrap_or_default(),
        problems,
    })
}

pub async fn review(State(state): AppState, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let id = example_id(&state, &id)?.id();
    run(move || {
        Ok(render(&review_page(&state, &who, id, Vec::new(), "", "", None)?)?.into_response())
    })
    .await
}

pub async fn decide(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    let id = example_id(&state, &id)?.id();
    run(move || {
        let note = form.get("note");
        let chosen = form.get("decision");
        let edits = Edits {
            title: form.get("title"),
            problem: form.get("problem"),
            change: form.get("change"),
            note: note.clone(),
        };
        let decision = match chosen.as_str() {
            // The edit fields are on the review page; a form without them publishes as sent.
            "approve" => Some(Decision::Approve(
                form.0
                    .iter()
                    .any(|(k, _)| k == "title")
                    .then(|| edits.clone()),
            )),
            "changes" => Some(Decision::AskForChanges(note.clone())),
            "reject" => Some(Decision::Reject(note.clone())),
            _ => None,
        };
        let result = match decision {
            Some(d) => state
                .app
                .moderate(&who, id, d, &state.options.public_url, &viewer.origin),
            None => Err(ExchangeError::Fields(vec![FieldProblem {
                field: "decision",
                problem: "Choose a decision".into(),
                fix: "Publish it, ask for changes, or do not publish it".into(),
            }])),
        };
        match result {
            Ok(e) => Ok(redirect(&format!(
                "/exchange/moderation?decided={}",
                crate::pages::ids::public(&state, crate::pages::ids::Kind::Example, e.id)?
            ))
            .into_response()),
            Err(ExchangeError::Fields(problems)) => {
                let page = review_page(
                    &state,
                    &who,
                    id,
                    problems_of(problems),
                    &chosen,
                    &note,
                    Some(&edits),
                )?;
                unprocessable(&page)
            }
            Err(ExchangeError::App(e)) => Err(e.into()),
        }
    })
    .await
}
