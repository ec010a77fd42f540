//! One person's page: their roles, team and whether they can sign in.

use super::{day, roles_choices, target_of, team_in, teams_choices};
use crate::auth::Viewer;
use crate::error::{PageError, Problem};
use crate::pages::ids::{self, Kind};
use crate::pages::{Fields, PageResult, problem_at, render, run, unprocessable};
use crate::view::{Choices, Crumb, Layout};
use crate::{AppState, WebState};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use swforce_app::AppError;
use swforce_app::access::Principal;
use swforce_store::UserStatus;

#[derive(Template)]
#[template(path = "admin_person.html")]
struct PersonPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
    organisation: String,
    name: String,
    /// The opaque id, for the page's own addresses.
    id: String,
    details: Vec<(String, String)>,
    roles: Choices,
    teams: Choices,
    status: Choices,
}

fn person_page(
    state: &WebState,
    who: &Principal,
    id: &str,
    problems: Vec<Problem>,
    banner: Option<(String, String)>,
) -> Result<PersonPage, PageError> {
    let id = ids::read(state, Kind::Person, id, "person")?.id();
    let user = state.app.person(who, id)?;
    let org = state.app.organisation_for(who, user.org_id)?;
    let roles: Vec<String> = user.roles.iter().map(|r| r.id().to_string()).collect();
    let locked = user.status == UserStatus::Locked;
    Ok(PersonPage {
        layout: Layout::new(&if problems.is_empty() {
            user.name.clone()
        } else {
            format!("Error: {}", user.name)
        })
        .nav("admin"),
        crumbs: vec![
            Crumb {
                text: "Organisations".into(),
                href: "/admin".into(),
            },
            Crumb {
                text: org.name.clone(),
                href: format!(
                    "/admin/organisations/{}",
                    ids::public(state, Kind::Organisation, org.id)?
                ),
            },
        ],
        banner,
        organisation: org.name.clone(),
        name: user.name.clone(),
        id: ids::public(state, Kind::Person, user.id)?,
        details: vec![
            ("Email address".into(), user.email.clone()),
            (
                "Roles".into(),
                user.roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("Joined".into(), day(&user.created_at)),
            (
                "Last signed in (UTC)".into(),
                user.last_sign_in
                    .as_deref()
                    .map(day)
                    .unwrap_or_else(|| "Never".into()),
            ),
            (
                "Failed sign-ins since the last one".into(),
                user.failed_sign_ins.to_string(),
            ),
        ],
        roles: roles_choices(who, &roles).error_from(&problems),
        teams: teams_choices(state, who, org.id, user.team_id)?,
        status: Choices::new("status", "Can they sign in?", "radio")
            .option("active", "Yes", "", !locked)
            .option(
                "locked",
                "No, lock the account",
                "Signs them out everywhere and stops them signing in until unlocked",
                locked,
            )
            .error_from(&problems),
        problems,
    })
}

pub async fn show_person(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let page = person_page(&state, &who, &id, Vec::new(), None)?;
        let found = ids::read(&state, Kind::Person, &id, "person")?;
        if let Some(moved) = ids::moved(&state, &viewer.path, found, Kind::Person)? {
            return Ok(moved);
        }
        Ok(render(&page)?.into_response())
    })
    .await
}

pub async fn update_person(
    State(state): AppState,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> PageResult {
    let who = viewer.signed_in()?.clone();
    run(move || {
        let user_id = ids::read(&state, Kind::Person, &id, "person")?.id();
        let team = team_in(&state, &form)?;
        match state.app.update_person(
            &who,
            user_id,
            &form.all("roles"),
            team,
            form.get("status") == "locked",
            &viewer.origin,
        ) {
            Ok(u) => {
                let page = person_page(
                    &state,
                    &who,
                    &id,
                    Vec::new(),
                    Some((format!("{} saved", u.name), String::new())),
                )?;
                Ok(render(&page)?.into_response())
            }
            Err(AppError::Invalid { problem, fix }) | Err(AppError::Forbidden { problem, fix }) => {
                let target = target_of(
                    &problem,
                    &[("role", "roles"), ("lock", "status"), ("team", "team")],
                );
                let page = person_page(&state, &who, &id, problem_at(&target, problem, fix), None)?;
                unprocessable(&page)
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}
