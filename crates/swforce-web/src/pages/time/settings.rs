//! An organisation's time settings: its categories of work, and opting in to publishing.

use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::ids::Kind;
use crate::pages::{Fields, PageResult, ids, redirect, render, run, unprocessable};
use crate::view::{Choices, Field, Layout};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use swforce_app::access::Principal;
use swforce_app::diary::CategoryInput;
use swforce_domain::access::Permission;
use swforce_domain::diary::Activity;

#[derive(Template)]
#[template(path = "time_settings.html")]
struct SettingsPage {
    layout: Layout,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    organisation: String,
    categories: Vec<CategoryRow>,
    new_label: Field,
    new_activity: Choices,
    opt_in: Choices,
}

/// One category on the settings page, with its form.
struct CategoryRow {
    /// The category's opaque id.
    id: String,
    label: String,
    kind: String,
    retired: bool,
    name: Field,
    activity: Choices,
    position: Field,
    retire: Choices,
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsParams {
    pub saved: Option<String>,
}

fn activity_choices(id: &str, chosen: Option<Activity>, error: String) -> Choices {
    let mut c = Choices::new(id, "Counts as", "select");
    c.error = error;
    if chosen.is_none() {
        c = c.option("", "Choose a kind of work", "", true);
    }
    for a in Activity::ALL {
        let label = format!(
            "{}{}",
            a.label(),
            if a.relationship_based() {
                " (direct work)"
            } else {
                ""
            }
        );
        c = c.option(a.id(), &label, "", chosen == Some(a));
    }
    c
}

fn settings_page(
    state: &WebState,
    who: &Principal,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
) -> Result<SettingsPage, PageError> {
    let categories = state.app.diary_categories(who.org.id)?;
    let opted = state.app.diary_opt_in(who)?;
    let public = ids::encoder(state, Kind::Category)?;
    let error_of = |id: &str| crate::error::error_for(&problems, id);
    let rows = categories
        .iter()
        .map(|c| {
            let mut label = Field::new(&format!("label-{}", public(c.id)), "Name").value(&c.label);
            label.error = error_of(&label.id);
            let activity = activity_choices(
                &format!("activity-{}", public(c.id)),
                Some(c.activity),
                error_of(&format!("activity-{}", public(c.id))),
            );
            let mut position =
                Field::new(&format!("position-{}", public(c.id)), "Order on the diary")
                    .value(&c.position.to_string())
                    .width("4");
            position.error = error_of(&position.id);
            let retired = Choices::new(&format!("retired-{}", public(c.id)), "In use", "checkbox")
                .option(
                    "yes",
                    "Retire it: take it off the diary and keep its history",
                    "",
                    c.retired,
                );
            CategoryRow {
                id: public(c.id),
                label: c.label.clone(),
                kind: if c.activity.relationship_based() {
                    "Direct work".to_string()
                } else {
                    c.activity.label().to_string()
                },
                retired: c.retired,
                name: label,
                activity,
                position,
                retire: retired,
            }
        })
        .collect();
    let mut new_label = Field::new("label-0", "Name of the new category")
        .hint("For example: Family time supervision");
    new_label.error = error_of("label-0");
    Ok(SettingsPage {
        layout: Layout::new("Time diary settings").nav("time"),
        banner,
        organisation: who.org.name.clone(),
        categories: rows,
        new_label,
        new_activity: activity_choices("activity-0", None, error_of("activity-0")),
        opt_in: Choices::new(
            "opt_in",
            "Add your organisation's figures to its region's and England's?",
            "radio",
        )
        .hint("Only sums go, and only where at least 5 people contributed. Your organisation is named in the list of those taking part.")
        .option("yes", "Yes, share our figures", "", opted)
        .option("no", "No, keep them within our organisation", "", !opted),
        problems,
    })
}

pub async fn show(
    State(state): AppState,
    viewer: Viewer,
    Query(q): Query<SettingsParams>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require_read(Permission::ManageTimeDiary)?;
    run(move || {
        // The address says what was saved by a code (and a category by its id), never in
        // words: a link cannot make the page say something of its own.
        let banner = match q.saved.as_deref() {
            Some("opted-in") => Some((
                "Sharing turned on".to_string(),
                "Your organisation's figures now count towards its region's and England's."
                    .to_string(),
            )),
            Some("opted-out") => Some((
                "Sharing turned off".to_string(),
                "Your organisation's figures are kept within it.".to_string(),
            )),
            Some(id) => {
                let found = ids::all(&state)?.read(Kind::Category, id);
                state
                    .app
                    .diary_categories(who.org.id)?
                    .into_iter()
                    .find(|c| found.as_ref().is_some_and(|f| f.id() == c.id))
                    .map(|c| {
                        (
                            format!("Category \u{201c}{}\u{201d} saved", c.label),
                            "Diaries show it from now on; weeks already kept keep theirs."
                                .to_string(),
                        )
                    })
            }
            None => None,
        };
        let page = settings_page(&state, &who, Vec::new(), banner)?;
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn save_category(
    State(state): AppState,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ManageTimeDiary)?;
    run(move || {
        // The category by its opaque id ("0" for a new one); its boxes are named by the same.
        let id = fields.get("id").trim().to_string();
        let number = match id.as_str() {
            "0" => 0,
            text => ids::all(&state)?
                .read(Kind::Category, text)
                .map_or(-1, |found| found.id()),
        };
        let input = CategoryInput {
            id: number,
            label: fields.get(&format!("label-{id}")),
            activity: fields.get(&format!("activity-{id}")),
            position: fields.get(&format!("position-{id}")),
            retired: fields.get(&format!("retired-{id}")) == "yes",
        };
        match state
            .app
            .save_diary_category(&who, &input, &viewer.origin)?
        {
            Ok(c) => Ok(redirect(&format!(
                "/time/settings?saved={}",
                ids::public(&state, Kind::Category, c.id)?
            ))
            .into_response()),
            Err(found) => {
                let problems = found
                    .into_iter()
                    .map(|p| Problem {
                        target: format!("{}-{id}", p.field),
                        text: p.message,
                        fix: String::new(),
                    })
                    .collect();
                let page = settings_page(&state, &who, problems, None)?;
                unprocessable(&page)
            }
        }
    })
    .await
}

pub async fn save_opt_in(
    State(state): AppState,
    viewer: Viewer,
    Form(fields): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    who.require(Permission::ManageTimeDiary)?;
    run(move || {
        let choice = fields.get("opt_in");
        if choice != "yes" && choice != "no" {
            let problems = vec![Problem {
                text: "Choose whether to share your organisation's figures".into(),
                fix: String::new(),
                target: "opt_in-1".into(),
            }];
            let page = settings_page(&state, &who, problems, None)?;
            return unprocessable(&page);
        }
        match state
            .app
            .set_diary_opt_in(&who, choice == "yes", &viewer.origin)
        {
            Ok(()) => {}
            Err(swforce_app::AppError::Invalid { problem, fix }) => {
                let problems = vec![Problem {
                    text: problem,
                    fix,
                    target: "opt_in-1".into(),
                }];
                let page = settings_page(&state, &who, problems, None)?;
                return unprocessable(&page);
            }
            Err(e) => return Err(e.into()),
        }
        Ok(redirect(if choice == "yes" {
            "/time/settings?saved=opted-in"
        } else {
            "/time/settings?saved=opted-out"
        })
        .into_response())
    })
    .await
}
